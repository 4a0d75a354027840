import Foundation
import Testing

/// `--input`, `--sysroot` and the what-if edits on the commands that write a machine
/// (`qemu-args`, `export`), judged by what the kernel printed: the machine they write, read back
/// by `build --input`, gives the boot's own `Fallback order` lines.
@Suite struct InputOptionTests {
  static let boots = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot").path

  /// Each node's order from a boot's printed `Fallback order for Node N: …` lines.
  static func printed(_ fixture: String) throws -> [Int: [Int]] {
    let dmesg = try String(contentsOfFile: boots + "/" + fixture + "/dmesg", encoding: .utf8)
    var orders: [Int: [Int]] = [:]
    for line in dmesg.components(separatedBy: "\n") {
      guard let range = line.range(of: "Fallback order for Node ") else { continue }
      let parts = line[range.upperBound...].split(separator: ":")
      orders[Int(parts[0])!] = parts[1].split(separator: " ").compactMap { Int($0) }
    }
    return orders
  }

  /// Each node's order from `build`'s table (`Node N (…` then `  node order  : …`); the table,
  /// not kernel-log, since a written hwloc file reads back with assumed zones.
  static func orders(table: String) -> [Int: [Int]] {
    var orders: [Int: [Int]] = [:]
    var node: Int? = nil
    for line in table.components(separatedBy: "\n") {
      if line.hasPrefix("Node ") { node = Int(line.dropFirst(5).prefix { $0.isNumber }) }
      if let node, line.hasPrefix("  node order"), let colon = line.firstIndex(of: ":") {
        orders[node] = line[line.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
      }
    }
    return orders
  }

  /// Writes `arguments`' standard output to a file and reads it back with `build --input`.
  static func readBack(_ arguments: [String], name: String) throws -> (written: Tool.Result, build: Tool.Result) {
    let written = try Tool.run(arguments)
    guard written.status == 0 else { return (written, written) }
    let path = try Tool.file(written.stdout, name: name)
    defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
    return (written, try Tool.run(["build", "--input", path, "--kernel", "6.12"]))
  }

  /// `qemu-args` of a boot given as each input the tools read (its CPU-less middle node makes
  /// QEMU's ids differ from Linux's) boots that machine again: the same Fallback order.
  @Test(arguments: [
    ("--input", "numactl-hardware"), ("--input", "hwloc.xml"), ("--input", "qemu-args"), ("--sysroot", ""),
    ("--topology", "topology.yaml"),
  ])
  func qemuArgsTakesEveryInput(_ option: String, _ file: String) throws {
    let fixture = "10-three-nodes-memoryless-middle-6.12"
    let path = Self.boots + "/" + fixture + (file.isEmpty ? "" : "/" + file)
    let (written, build) = try Self.readBack(["qemu-args", option, path, "--kernel", "6.12"], name: "qemu-args")
    #expect(written.status == 0, "\(option) \(file): \(written.stderr)")
    #expect(build.status == 0, "\(option) \(file): \(build.stderr)")
    #expect(Self.orders(table: build.stdout) == (try Self.printed(fixture)), "\(option) \(file): \(written.stdout)")
  }

  /// The edits that turn a two-node boot's topology file into a four-node boot's table
  /// (two `--add-node`, then `--set-distance` one way for every entry of the four-node boot's
  /// `distance` files) reach what `qemu-args` and `export` write: read back, the written
  /// machine gives the four-node boot's printed orders, not the two-node file's.
  @Test(arguments: [
    ["qemu-args"], ["export", "--format", "topology"], ["export", "--format", "qemu"], ["export", "--format", "libvirt"],
    ["export", "--format", "hwloc"],
  ])
  func whatIfEditsReachTheWrittenMachine(_ command: [String]) throws {
    let target = "13-four-nodes-2sockets-2nodes-6.12"
    var table: [[Int]] = []
    for node in 0..<4 {
      let text = try String(contentsOfFile: "\(Self.boots)/\(target)/sys/devices/system/node/node\(node)/distance", encoding: .utf8)
      table.append(text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) })
    }
    var edits: [String] = []
    for added in [2, 3] {
      edits += ["--add-node", "memory=512M cpus=\(added) distance=" + (0...added).map { String(table[added][$0]) }.joined(separator: ",")]
    }
    for from in 0..<4 {
      for to in 0..<4 where from != to { edits += ["--set-distance", "\(from)>\(to)=\(table[from][to])"] }
    }
    let base = Self.boots + "/03-two-nodes-default-6.12/topology.yaml"
    let (written, build) = try Self.readBack(command + ["--topology", base, "--kernel", "6.12"] + edits, name: "machine")
    #expect(written.status == 0, "\(command): \(written.stderr)")
    #expect(build.status == 0, "\(command): \(build.stderr)")
    #expect(Self.orders(table: build.stdout) == (try Self.printed(target)), "\(command): \(written.stdout)")
  }

  /// `--set vm.…` is no part of a machine file: said, not dropped silently.
  @Test(arguments: [["qemu-args"], ["export", "--format", "topology"]])
  func sysctlEditsAreSaidToBeLeftOut(_ command: [String]) throws {
    let base = Self.boots + "/03-two-nodes-default-6.12/topology.yaml"
    let result = try Tool.run(command + ["--topology", base, "--kernel", "6.12", "--set", "vm.watermark_scale_factor=200"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("--set vm.watermark_scale_factor=200 is not part of the machine: not written"), "\(result.stderr)")
  }
}

/// `capture` and `verify` boot any input too, edited: refusals first, then one real boot.
@Suite struct BootInputTests {
  static let numactl = InputOptionTests.boots + "/10-three-nodes-memoryless-middle-6.12/numactl-hardware"

  @Test(arguments: [
    (["verify"], "give the machine to boot: '--topology' or '--input' (one of them)."),
    (["capture", "--output", "/nonexistent/out", "--topology", "t.yaml", "--input", numactl], "give the machine to boot"),
    (["verify", "--topology", "t.yaml", "--input-format", "numactl"], "'--input-format' goes with '--input'."),
    (["verify", "--input", numactl, "--add-node", "memory=1G"], "--add-node 'memory=1G': expected cpus=LIST"),
    (["verify", "--input", numactl], "kernel image /nonexistent/vmlinuz does not exist"),
  ])
  func refusesBeforeBooting(_ arguments: [String], _ expected: String) throws {
    let result = try Tool.run(arguments + ["--kernel-image", "/nonexistent/vmlinuz"])
    #expect(result.status == 64, "\(arguments): \(result.stdout)")
    #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
  }

  /// `numactl --hardware` of a boot, with a CPU-less node added: the guest booted has the added
  /// node (its kernel prints four Fallback order lines) and the model's lines match the kernel's.
  @Test(.enabled(if: Tool.fetchedKernelImage(series: "6.12") != nil, "no 6.12 kernel image: run Scripts/fetch-kernels.sh"))
  func verifyBootsAnEditedNumactlMachine() throws {
    let keep = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-verify-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: keep) }
    let result = try Tool.run([
      "verify", "--input", Self.numactl, "--add-node", "memory=256M cpus=none distance=30,20,25,10",
      "--kernel-image", Tool.fetchedKernelImage(series: "6.12")!, "--timeout", "900", "--keep", keep,
    ])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("what-if: the machine as edited by --add-node"), "\(result.stderr)")
    let dmesg = try String(contentsOfFile: keep + "/dmesg", encoding: .utf8)
    #expect(dmesg.contains("Fallback order for Node 3: 3 "), "\(dmesg)")
  }
}
