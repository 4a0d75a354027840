import Foundation
import Testing

/// The exactness rule at the command line: kernel-text formats refuse with 65 and the notes
/// when a line would rest on an assumed value; table and json go on and carry the assumptions.
@Suite struct ExactnessCLITests {
  /// The two-node sysroot of ``BadSysrootTests`` with `override` applied and `removed` deleted.
  static func sysroot(_ override: [String: String] = [:], removing removed: [String] = []) throws -> String {
    let root = try BadSysrootTests.sysroot(override)
    for path in removed { try FileManager.default.removeItem(atPath: root + "/" + path) }
    return root
  }

  static let damaged: [(name: String, override: [String: String], removed: [String], note: String)] = [
    ("no node1 folder", [:], ["sys/devices/system/node/node1"], "taken from the other nodes' rows"),
    ("empty distance", ["sys/devices/system/node/node1/distance": ""], [], "nodeN/distance is empty for node 1"),
    ("no zoneinfo", [:], ["proc/zoneinfo"], "proc/zoneinfo is missing"),
  ]

  @Test(arguments: damaged.indices)
  func kernelTextRefusesWhatRestsOnAssumptions(_ index: Int) throws {
    let bad = Self.damaged[index]
    let root = try Self.sysroot(bad.override, removing: bad.removed)
    for format in ["kernel-log", "mminit"] {
      let result = try Tool.run(["build", "--sysroot", root, "--format", format])
      #expect(result.status == 65, "\(bad.name) \(format): \(result.status) \(result.stderr)")
      #expect(result.stdout.isEmpty, "\(bad.name) \(format): \(result.stdout)")
      #expect(result.stderr.contains(bad.note), "\(bad.name) \(format): \(result.stderr)")
      #expect(result.stderr.contains("--format \(format) prints the kernel's own lines only"))
    }
    let table = try Tool.run(["build", "--sysroot", root])
    #expect(table.status == 0 && table.stdout.contains("Node 1"), "\(bad.name): \(table.stderr)")
    let json = try Tool.run(["build", "--sysroot", root, "--format", "json"])
    #expect(json.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let assumptions = try #require(object?["assumptions"] as? [[String: Any]], "\(bad.name): \(json.stdout)")
    #expect(assumptions.contains { ($0["assumed"] as? String)?.contains(bad.note) == true && $0["file"] is String })
  }

  /// A reading that assumes nothing (rows per possible node, read as such) does not block;
  /// an offline node's borrowed distances block only a kernel that builds offline nodes (5.18 on).
  @Test func exactReadingsDoNotBlock() throws {
    let root = try Self.sysroot(["sys/devices/system/node/possible": "0-2\n",
      "sys/devices/system/node/node0/distance": "10 20 20\n", "sys/devices/system/node/node1/distance": "20 10 20\n"])
    let online = try Tool.run(["build", "--sysroot", root, "--format", "mminit", "--kernel", "5.15"])
    #expect(online.status == 0, "\(online.stderr)")
    #expect(online.stderr.contains("one distance per possible node"))
    let possible = try Tool.run(["build", "--sysroot", root, "--format", "mminit", "--kernel", "6.12"])
    #expect(possible.status == 65, "\(possible.stderr)")
  }

  @Test func zoneinfoFromATopologyFileRefusesButTheTableGoesOn() throws {
    let path = try Tool.file("kernel: \"6.12\"\nnodes:\n  - {id: 0, cpus: 0-1, memory: 1G}\n")
    let text = try Tool.run(["zoneinfo", "--topology", path, "--format", "zoneinfo"])
    #expect(text.status == 65 && text.stdout.isEmpty, "\(text.stderr)")
    #expect(text.stderr.contains("managed pages are estimated as the present pages"))
    let table = try Tool.run(["zoneinfo", "--topology", path])
    #expect(table.status == 0 && table.stdout.contains("0:DMA32"), "\(table.stderr)")
  }

  @Test func exitStatusesAreDocumentedInHelp() throws {
    for command in ["build", "zoneinfo"] {
      let help = try Tool.run([command, "--help"])
      let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(words.contains("65 a kernel-text format (kernel-log, mminit, zoneinfo) refused"), "\(command): \(help.stdout)")
      #expect(words.contains("74 standard output could not be written"), "\(command): \(help.stdout)")
    }
  }

  /// Output that cannot be written ends the run with a message and 74, in every build format.
  @Test(arguments: ["table", "json", "kernel-log", "mminit"])
  func anUnwritableStandardOutputIsExit74(_ format: String) throws {
    let result = try Tool.shell("zonelist build --topology Examples/two-sockets-cxl.yaml --format \(format) > /dev/full")
    #expect(result.status == 74, "\(result.stderr)")
    #expect(result.stderr.contains("zonelist: standard output: No space left on device"), "\(result.stderr)")
  }
}

/// Sizes beyond the architecture's physical address space are located errors, never traps.
@Suite struct CheckedSizeCLITests {
  static let topologies: [(name: String, yaml: String, line: Int, expected: String)] = [
    ("1000000T", "kernel: \"6.12\"\nnodes:\n  - id: 0\n    cpus: 0-1\n    memory: 1000000T\n", 5, "at most 4194304G (the 52-bit physical address space of x86_64 (4 PiB))"),
    ("65536T", "kernel: \"6.12\"\nnodes:\n  - id: 0\n    memory: 65536T\n", 4, "52-bit physical address space"),
    ("overflowing count", "nodes:\n  - id: 0\n    memory: 10000000000T\n", 3, "a memory size like 512M"),
    ("sum past the limit", "nodes:\n  - {id: 0, memory: 4000T}\n  - {id: 1, memory: 97T}\n", 3, "the nodes' memory adding up to at most"),
    ("i386 PAE", "architecture: x86_32\nnodes:\n  - {id: 0, memory: 65G}\n", 3, "36-bit physical address space of x86_32"),
    ("zone pages", "nodes:\n  - id: 0\n    zones:\n      Normal: {spanned: 9223372036854775807, present: 1, managed: 1}\n", 4, "'spanned:' at most 1099511627776 pages"),
    ("range", "nodes:\n  - id: 0\n    ranges: [\"0x0-0xffffffffffffffff\"]\n", 3, "a physical range"),
    ("range end", "nodes:\n  - id: 0\n    ranges: [\"0x0-0x7fffffffffffffff\"]\n", 3, "a range that ends within the 52-bit"),
  ]

  @Test(arguments: topologies.indices)
  func oversizedTopologyIsALocatedError(_ index: Int) throws {
    let bad = Self.topologies[index]
    let path = try Tool.file(bad.yaml)
    for command in ["build", "zoneinfo"] {
      let result = try Tool.run([command, "--topology", path, "--kernel", "6.12"])
      Tool.expectRefusal(result, file: path, line: bad.line, expected: bad.expected, "\(bad.name) \(command)")
    }
  }

  @Test func oversizedSnapshotIsALocatedError() throws {
    let root = try BadSysrootTests.sysroot([
      "proc/zoneinfo": "Node 0, zone   Normal\n        spanned  99999999999999\n        present  1\n        managed  1\n"
    ])
    let result = try Tool.run(["zoneinfo", "--sysroot", root])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("proc/zoneinfo:2: expected 'spanned' at most 2^40 pages"), "\(result.stderr)")
  }

  @Test func oversizedWorkloadIsALocatedError() throws {
    let topology = try Tool.file("kernel: \"6.12\"\nnodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    let workload = try Tool.file("steps:\n  - cpu: 0\n    allocate: 1G\n    repeat: 100000000000000\n", name: "w.yaml")
    let result = try Tool.run(["simulate", "--topology", topology, "--workload", workload])
    Tool.expectRefusal(result, file: workload, line: 4, expected: "a repeat count that keeps the step", "repeat")
  }

  @Test func oversizedHotplugIsRefused() throws {
    let path = try Tool.file("kernel: \"6.12\"\nnodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    let result = try Tool.run(["build", "--topology", path, "--hotplug", "online node=0 zone=Normal pages=9223372036854775807"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("P a page count at most 2^40 pages"), "\(result.stderr)")
  }
}

/// `--kernel` takes the releases that exist and are modeled, and labels keep their digits.
@Suite struct KernelReleaseCLITests {
  @Test(arguments: ["99.0", "7.4", "6.20", "4.21", "2.6.40"])
  func releasesThatDoNotExistAreRefused(_ release: String) throws {
    let path = try Tool.file("nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    let result = try Tool.run(["build", "--topology", path, "--kernel", release])
    #expect(result.status == 64)
    #expect(result.stderr.contains("is not a Linux release series"), "\(release): \(result.stderr)")
  }

  /// 7.3, the newest release, was not booted here: it says whose rules it follows and why.
  @Test func theNewestReleaseSaysWhichRulesItFollows() throws {
    let path = try Tool.file("nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    let table = try Tool.run(["build", "--topology", path, "--kernel", "7.3"])
    #expect(table.status == 0)
    #expect(table.stdout.hasPrefix("kernel 7.3 profile (from source only)"), "\(table.stdout)")
    #expect(table.stderr.contains("kernel 7.3 was not booted here; its rules are 7.2's"), "\(table.stderr)")
  }

  /// A machine running a release newer than any source read here: the rules are assumed,
  /// the table says so and the kernel's text is refused.
  @Test func aNewerMachineAssumesTheRules() throws {
    let root = try BadSysrootTests.sysroot(["proc/version": "Linux version 7.5.0-1-amd64 (x) #1 SMP\n"])
    let table = try Tool.run(["build", "--sysroot", root])
    #expect(table.status == 0)
    #expect(table.stdout.hasPrefix("kernel 7.5 profile (rules of 7.2 assumed, the newest proven)"), "\(table.stdout)")
    let log = try Tool.run(["build", "--sysroot", root, "--format", "kernel-log"])
    #expect(log.status == 65 && log.stderr.contains("its rules are taken to be 7.2's"), "\(log.stderr)")
  }

  @Test func twoSixLabelsKeepTheirSeries() throws {
    let path = try Tool.file("nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    for release in ["2.6.24", "2.6.30"] {
      let result = try Tool.run(["build", "--topology", path, "--kernel", release])
      #expect(result.stdout.hasPrefix("kernel \(release) profile (from source only)"), "\(result.stdout)")
    }
    let old = try Tool.run(["build", "--topology", path, "--kernel", "2.6.19"])
    #expect(old.status == 64 && old.stderr.contains("2.6.19 predates the rules this model knows"))
  }
}
