import Foundation
import Testing

@Suite struct BadTopologyFileTests {
  static let cases: [(name: String, yaml: String, line: Int, expected: String)] = [
    ("ragged row", "nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - {id: 1, memory: 1G}\ndistances:\n  - [10, 20]\n  - [20]\n", 6, "2 distances in this row"),
    ("diagonal", "nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - {id: 1, memory: 1G}\ndistances:\n  - [10, 20]\n  - [20, 11]\n", 6, "expected 10 (LOCAL_DISTANCE)"),
    ("out of range", "nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - {id: 1, memory: 1G}\ndistances:\n  - [10, 300]\n  - [20, 10]\n", 5, "expected 10...255"),
    ("too few rows", "nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - {id: 1, memory: 1G}\ndistances:\n  - [10, 20]\n", 5, "2 distance rows"),
    ("node id", "nodes:\n  - id: 1024\n    memory: 1G\n", 2, "a node id in 0...1023"),
    ("zone name", "nodes:\n  - id: 0\n    cpus: 0\n    zones:\n      Highmemory: {spanned: 1, present: 1, managed: 1}\n", 5, "one of the keys"),
    ("cpu list", "nodes:\n  - id: 0\n    cpus: 0-x\n    memory: 1G\n", 3, "a CPU list like '0-3,8'"),
    ("memory size", "nodes:\n  - id: 0\n    cpus: 0\n    memory: lots\n", 4, "a memory size"),
    ("unknown key", "nodes:\n  - id: 0\n    cpu: 0\n", 3, "one of the keys"),
    ("duplicate node", "nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - {id: 0, memory: 1G}\n", 3, "each node id once"),
    ("malformed yaml", "nodes:\n  - id: [0\n", 3, "well-formed YAML"),
    ("no nodes", "kernel: \"6.12\"\n", 1, "a 'nodes:' list"),
    ("arm64 node id", "architecture: arm64\nnodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - id: 16\n    memory: 1G\n", 4,
     "a node id in 0...15: Debian's arm64 kernel has NODES_SHIFT 4"),
    ("i386 second node", "architecture: i386\nnodes:\n  - {id: 0, cpus: 0, memory: 1G}\n  - id: 1\n    memory: 1G\n", 4,
     "node 0 only: Debian's i386 kernel is built without NUMA"),
    ("i386 past PAE", "architecture: x86_32\nnodes:\n  - id: 0\n    cpus: 0\n    memory: 65G\n", 5,
     "a memory size of at most 64G (the 36-bit physical address space of x86_32 (64 GiB))"),
    ("unknown architecture", "architecture: sparc\nnodes:\n  - {id: 0, cpus: 0, memory: 1G}\n", 1,
     "an architecture: x86_64 (amd64), x86_32 (i386), arm64 (arm64)"),
  ]

  @Test(arguments: cases.indices)
  func badTopologyFileNamesFileLineAndExpectation(_ index: Int) throws {
    let bad = Self.cases[index]
    let path = try Tool.file(bad.yaml)
    let result = try Tool.run(["build", "--topology", path, "--kernel", "6.12"])
    Tool.expectRefusal(result, file: path, line: bad.line, expected: bad.expected, bad.name)
  }

  @Test func missingFileIsNamed() throws {
    let result = try Tool.run(["build", "--topology", "/nonexistent/topology.yaml"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("/nonexistent/topology.yaml: expected a readable topology file"))
  }

  @Test func badKernelReleaseIsRefused() throws {
    let path = try Tool.file("nodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    let result = try Tool.run(["build", "--topology", path, "--kernel", "latest"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--kernel latest: expected a release"))
  }
}

@Suite struct BadSysrootTests {
  /// A minimal two-node sysroot; `override` replaces or adds files.
  static func sysroot(_ override: [String: String]) throws -> String {
    var files = [
      "sys/devices/system/node/possible": "0-1\n",
      "sys/devices/system/node/online": "0-1\n",
      "sys/devices/system/node/node0/distance": "10 20\n",
      "sys/devices/system/node/node0/cpulist": "0\n",
      "sys/devices/system/node/node1/distance": "20 10\n",
      "sys/devices/system/node/node1/cpulist": "1\n",
      "proc/version": "Linux version 6.12.117+deb12-amd64 (x) #1 SMP\n",
      "proc/zoneinfo":
        "Node 0, zone    DMA32\n        spanned  1000\n        present  1000\n        managed  900\nNode 1, zone    DMA32\n        spanned  1000\n        present  1000\n        managed  900\n",
    ]
    for (path, text) in override { files[path] = text }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-sysroot-\(UUID().uuidString)")
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root.path
  }

  @Test func goodSysrootBuilds() throws {
    let root = try Self.sysroot([:])
    let result = try Tool.run(["build", "--sysroot", root, "--format", "kernel-log"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "Fallback order for Node 0: 0 1 \nFallback order for Node 1: 1 0 \nBuilt 2 zonelists, mobility grouping off.  Total pages: 2000\nPolicy zone: DMA32\n")
  }

  static let cases: [(name: String, file: String, text: String, expectation: String)] = [
    ("zone name", "proc/zoneinfo", "Node 0, zone  Foo\n        spanned  1\n        present  1\n        managed 1\n", "proc/zoneinfo:1: expected a zone name"),
    ("header", "proc/zoneinfo", "Node x, zone DMA\n", "proc/zoneinfo:1: expected a 'Node N, zone NAME' header"),
    ("size", "proc/zoneinfo", "Node 0, zone DMA\n        spanned  -4\n", "proc/zoneinfo:2: expected 'spanned' followed by a page count"),
    ("missing managed", "proc/zoneinfo", "Node 0, zone DMA\n        spanned  4\n        present  4\n", "proc/zoneinfo:1: expected a 'managed' line"),
    ("distance count", "sys/devices/system/node/node1/distance", "20 10 30\n", "node1/distance:1: expected 2 distances"),
    ("distance diagonal", "sys/devices/system/node/node1/distance", "20 12\n", "node1/distance:1: expected the distance from node 1 to itself is 12"),
    ("distance text", "sys/devices/system/node/node0/distance", "10 far\n", "node0/distance:1: expected distances as integers"),
    ("cpulist", "sys/devices/system/node/node0/cpulist", "0-\n", "node0/cpulist:1: expected a list like '0-3,8'"),
    ("online", "sys/devices/system/node/online", "0,1x\n", "node/online:1: expected a list like '0-3,8'"),
    ("node id", "sys/devices/system/node/possible", "0-1024\n", "node/possible:1: expected an id below 1024"),
    ("version", "proc/version", "Windows\n", "proc/version:1: expected 'Linux version X.Y…'"),
  ]

  @Test(arguments: cases.indices)
  func badSysrootNamesFileLineAndExpectation(_ index: Int) throws {
    let bad = Self.cases[index]
    let root = try Self.sysroot([bad.file: bad.text])
    let result = try Tool.run(["build", "--sysroot", root])
    #expect(result.status == 64, "\(bad.name): \(result.status) \(result.stderr)")
    #expect(result.stderr.contains(bad.expectation), "\(bad.name): \(result.stderr)")
  }

  @Test func missingSysrootIsNamed() throws {
    let result = try Tool.run(["build", "--sysroot", "/nonexistent-root"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("/nonexistent-root: expected a directory"))
  }

  @Test func sysrootAndTopologyExcludeEachOther() throws {
    let result = try Tool.run(["build", "--sysroot", "/", "--topology", "x.yaml"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("'--sysroot' and '--topology' exclude each other."))
  }
}

@Suite struct BadWorkloadTests {
  static let topology = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/two-sockets-cxl.yaml").path

  static let cases: [(name: String, yaml: String, line: Int, expected: String)] = [
    ("cpu", "steps:\n  - cpu: 7\n    allocate: 1G\n", 2, "a CPU of this machine (0-3)"),
    ("node", "steps:\n  - cpu: 0\n    policy: preferred\n    nodes: 5\n    pages: 4\n", 4, "nodes of this machine (0-2), not 5"),
    ("order", "steps:\n  - cpu: 0\n    order: 11\n    pages: 4\n", 3, "an order in 0...10"),
    ("flag", "steps:\n  - cpu: 0\n    gfp: GFP_WHATEVER\n    pages: 4\n", 3, "GFP flags like GFP_KERNEL"),
    ("policy", "steps:\n  - cpu: 0\n    policy: roundrobin\n    pages: 4\n", 3, "a policy: default, local"),
    ("bind without nodes", "steps:\n  - cpu: 0\n    policy: bind\n    pages: 4\n", 2, "'nodes:' for the bind policy"),
    ("free of a later step", "steps:\n  - cpu: 0\n    pages: 4\n  - free: 3\n", 4, "an earlier allocation step"),
    ("size", "steps:\n  - cpu: 0\n    allocate: lots\n", 3, "a size like 256M"),
    ("per-cpu lists", "per-cpu-lists: none\nsteps:\n  - cpu: 0\n    pages: 4\n", 1, "per-cpu-lists: tuned"),
    ("vmstat refresh", "refresh-vmstat: sometimes\nsteps:\n  - cpu: 0\n    pages: 4\n", 1, "refresh-vmstat: never or after-each-step"),
    ("allocate and pages", "steps:\n  - cpu: 0\n    allocate: 1M\n    pages: 4\n", 2, "not 'allocate:' and 'pages:'"),
    ("weights of a missing node", "weights: {0: 2, 9: 1}\nsteps:\n  - cpu: 0\n    pages: 4\n", 1, "a node of this machine (0-2)"),
    ("hot-add beyond the nodes", "steps:\n  - online: {node: 3, memory: 256M}\n", 2, "a possible node of this machine (0-2), not 3"),
    ("THP setting", "thp: within_size\nsteps:\n  - cpu: 0\n    pages: 4\n", 1, "thp: one of always, madvise, never"),
  ]

  @Test(arguments: cases.indices)
  func badWorkloadNamesFileLineAndExpectation(_ index: Int) throws {
    let bad = Self.cases[index]
    let path = try Tool.file(bad.yaml, name: "workload.yaml")
    let result = try Tool.run(["simulate", "--topology", Self.topology, "--workload", path])
    Tool.expectRefusal(result, file: path, line: bad.line, expected: bad.expected, bad.name)
  }

  @Test func unsatisfiableAllocationIsAnOutcomeNotAnError() throws {
    let path = try Tool.file("start: free\nsteps:\n  - cpu: 0\n    gfp: GFP_KERNEL|__GFP_THISNODE\n    allocate: 4G\n", name: "workload.yaml")
    let result = try Tool.run(["simulate", "--topology", Self.topology, "--workload", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("allocations failed"))
    #expect(result.stdout.contains("0:DMA32: free"))
  }

  /// A zone past what the simulator holds (2^32 pages) is refused up front, not truncated.
  @Test func zoneTooLargeForTheSimulatorIsRefused() throws {
    let topology = try Tool.file("kernel: \"6.12\"\nnodes:\n  - id: 0\n    cpus: 0\n    memory: 17T\n", name: "huge.yaml")
    let path = try Tool.file("steps:\n  - cpu: 0\n    pages: 4\n", name: "workload.yaml")
    let result = try Tool.run(["simulate", "--topology", topology, "--workload", path])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("at most 4294967295 pages (16 TiB) per zone"), "\(result.stderr)")
  }

  /// Free pages above min but no block of the order asked for: a failure that names the order.
  /// On a 128 MiB machine, alternate 128-page steps fill the memory; freeing every other one
  /// leaves thousands of pages free in 128-page holes, and no block of order 10.
  @Test func fragmentationFailureNamesTheOrder() throws {
    let topology = try Tool.file("kernel: \"6.12\"\nnodes:\n  - id: 0\n    cpus: 0\n    memory: 128M\n", name: "small.yaml")
    var yaml = "start: free\nper-cpu-lists: boot\nsteps:\n"
    for _ in 0..<300 { yaml += "  - cpu: 0\n    gfp: GFP_KERNEL\n    pages: 128\n" }
    for step in stride(from: 1, through: 300, by: 2) { yaml += "  - free: \(step)\n" }
    yaml += "  - cpu: 0\n    gfp: GFP_KERNEL\n    order: 10\n    pages: 1024\n"
    let path = try Tool.file(yaml, name: "workload.yaml")
    let result = try Tool.run(["simulate", "--topology", topology, "--workload", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("but no free block of order 10 or more"), "\(result.stdout.suffix(2000))")
  }
}
