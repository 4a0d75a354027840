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

/// The Bad input paragraph through the command line: each refusal exits non-zero naming the
/// file, the line and what was expected, and an archive writes nothing outside its own folder.
@Suite struct BadMachineInputTests {
  @Test(arguments: [
    ("t.xml", "<topology version=\"2.0\">\n  <object type=\"NUMANode\" os_index=\"0\">\n", "t.xml:", "</object>"),
    ("n.txt", "available: 2 nodes (0-1)\nnode 0 cpus: 0\nnode 0 size: 969 MB\nnode 0 free: 1 MB\nnode 1 cpus: 1\nnode 1 size: 969 MB\nnode 1 free: 1 MB\nnode distances:\nnode   0   1\n  0:  10  20\n  1:  20\n", "n.txt:11", "2 distances"),
    ("n.txt", "verfügbar: 2 Knoten (0-1)\n", "n.txt:1", "available: N nodes"),
    ("d.xml", "<domain>\n<cpu><numa>\n<cell id='0' cpus='0' memory='1' unit='furlongs'/>\n</numa></cpu>\n</domain>\n", "d.xml:3", "libvirt unit"),
  ])
  func badInputFilesAreRefusedWithFileAndLine(_ name: String, _ text: String, _ place: String, _ expected: String) throws {
    let path = try Tool.file(text, name: name)
    defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
    for command in [["build"], ["qemu-args"], ["export", "--format", "topology"]] {
      // numactl text in another locale is not recognised as numactl's: the format is named.
      let format = name == "n.txt" ? ["--input-format", "numactl"] : []
      let result = try Tool.run(command + ["--input", path, "--kernel", "6.12"] + format)
      #expect(result.status != 0 && result.stdout.isEmpty, "\(command) \(name): \(result.status)")
      #expect(result.stderr.contains(path.replacingOccurrences(of: name, with: place)), "\(command) \(name): \(result.stderr)")
      #expect(result.stderr.contains(expected), "\(command) \(name): \(result.stderr)")
    }
  }

  /// A tarball whose entry climbs out with `..`, and a gzip bomb (a tarball of one 210 MiB file of zeros, past
  /// the 200 MiB limit): refused, and nothing is written beside the archive.
  @Test func badArchivesAreRefusedWithoutWritingOutside() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-badtar-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/root/sys", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "x\n".write(toFile: folder + "/root/sys/escape", atomically: true, encoding: .utf8)
    let packed = try Tool.shell("cd '\(folder)/root' && tar --format=ustar -P -cf ../evil.tar --transform='s|sys/escape|../../escaped|' sys/escape")
    #expect(packed.status == 0, "\(packed.stderr)")
    let climbing = try Tool.run(["build", "--sysroot", folder + "/evil.tar"])
    #expect(climbing.status != 0 && climbing.stderr.contains("evil.tar") && climbing.stderr.contains(".."), "\(climbing.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder + "/escaped") && !FileManager.default.fileExists(atPath: folder + "/../escaped"))
    let bomb = try Tool.shell("cd '\(folder)' && truncate -s 220200960 zeros && tar --format=ustar -czf bomb.tar.gz zeros && rm zeros")
    #expect(bomb.status == 0, "\(bomb.stderr)")
    let exploded = try Tool.run(["build", "--sysroot", folder + "/bomb.tar.gz"])
    #expect(exploded.status != 0 && exploded.stderr.contains("bomb.tar.gz") && exploded.stderr.contains("tarball bomb"), "\(exploded.stderr)")
  }
}
