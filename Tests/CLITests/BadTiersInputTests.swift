import Foundation
import Testing

/// Refusals of the tiering keys of a topology file and of a snapshot's tiering files.
@Suite struct BadTiersInputTests {
  static let head = "kernel: \"6.12\"\nnodes:\n  - id: 0\n    cpus: 0\n    memory: 1G\n  - id: 1\n    memory: 1G\n"
  static let cases: [(name: String, yaml: String, line: Int, expected: String)] = [
    ("zero latency", head + "    hmat:\n      0: {latency: 0, bandwidth: 10}\n", 9, "latency: a positive whole number of ns"),
    ("negative bandwidth", head + "    hmat:\n      0: {latency: 10, bandwidth: -4}\n", 9, "bandwidth: a positive whole number of MB/s"),
    ("not a number", head + "    hmat:\n      0: {latency: fast, bandwidth: 10}\n", 9, "latency: a positive whole number of ns"),
    ("CPU-less initiator", head + "    hmat:\n      1: {latency: 10, bandwidth: 10}\n", 9, "node 1 has none"),
    ("CPU-less initiator:", head + "    initiator: 1\n", 8, "initiator: a node with CPUs"),
    ("adistance out of range", head + "    adistance: -5\n", 8, "adistance: a whole number in 0...2147483647"),
    ("adistance too big", head + "    adistance: 3000000000\n", 8, "adistance: a whole number in 0...2147483647"),
    ("unknown kind", head + "    kind: pmem\n", 8, "kind: dram or dax-kmem"),
    ("empty figures", head + "    hmat:\n      0: {}\n", 9, "latency: and/or bandwidth: for initiator 0"),
    ("empty hmat", head + "    hmat: {}\n", 8, "hmat: with at least one initiator's figures"),
    ("dax-kmem and adistance", head + "    kind: dax-kmem\n    adistance: 100\n", 9, "either kind: dax-kmem (kmem's memory type) or adistance:"),
  ]

  @Test(arguments: cases.indices)
  func refusesBadTieringKeys(_ index: Int) throws {
    let item = BadTiersInputTests.cases[index]
    let path = try Tool.file(item.yaml)
    Tool.expectRefusal(try Tool.run(["tiers", "--topology", path]), file: path, line: item.line, expected: item.expected, item.name)
  }

  /// Figures QEMU refuses (`parse_numa_hmat_lb()`) or would truncate to 16 bits: `qemu-args`
  /// names the node and initiator instead of handing QEMU a command line that fails or lies.
  @Test(arguments: [
    ("1, 70000", "latency 70000 ns from initiator 0: QEMU refuses"),
    ("10, 70001", "latency 70001 ns from initiator 0: over QEMU's final base of 1 ns"),
  ])
  func qemuArgsRefusesLatenciesQEMUCannotWrite(_ latencies: String, _ expected: String) throws {
    let pair = latencies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let yaml = "kernel: \"6.12\"\nnodes:\n  - {id: 0, cpus: 0, memory: 1G, hmat: {0: {latency: \(pair[0]), bandwidth: 100}}}\n"
      + "  - {id: 1, memory: 1G, hmat: {0: {latency: \(pair[1]), bandwidth: 100}}}\n"
    let path = try Tool.file(yaml)
    let tiers = try Tool.run(["tiers", "--topology", path])
    #expect(tiers.status == 0, "a real HMAT may hold these figures: \(tiers.stderr)")
    let result = try Tool.run(["qemu-args", "--topology", path])
    #expect(result.status == 64 && result.stderr.contains("node 1's \(expected)"), "\(result.stderr)")
  }

  @Test func qemuArgsRefusesBandwidthsQEMUCannotWrite() throws {
    let yaml = "kernel: \"6.12\"\nnodes:\n  - {id: 0, cpus: 0, memory: 1G, hmat: {0: {latency: 10, bandwidth: 1}}}\n"
      + "  - {id: 1, memory: 1G, hmat: {0: {latency: 70, bandwidth: 65535}}}\n"
    let result = try Tool.run(["qemu-args", "--topology", try Tool.file(yaml)])
    #expect(result.status == 64 && result.stderr.contains("node 1's bandwidth 65535 MB/s from initiator 0: QEMU refuses"), "\(result.stderr)")
  }

  @Test func refusesAnUnreadableHMATFigure() throws {
    let root = try Tool.file("", name: "placeholder")
    let base = URL(fileURLWithPath: root).deletingLastPathComponent()
    let files = [
      "proc/version": "Linux version 6.12.117+deb12-amd64 (x) #1 SMP\n",
      "sys/devices/system/node/online": "0\n", "sys/devices/system/node/possible": "0\n",
      "sys/devices/system/node/has_cpu": "0\n", "sys/devices/system/node/has_memory": "0\n",
      "sys/devices/system/node/node0/cpulist": "0\n", "sys/devices/system/node/node0/distance": "10\n",
      "sys/devices/system/node/node0/meminfo": "Node 0 MemTotal:       1048576 kB\n",
      "sys/devices/system/node/node0/access1/initiators/read_latency": "ten\n",
      "sys/devices/system/node/node0/access1/initiators/write_latency": "10\n",
      "sys/devices/system/node/node0/access1/initiators/read_bandwidth": "100\n",
      "sys/devices/system/node/node0/access1/initiators/write_bandwidth": "100\n",
    ]
    for (path, text) in files {
      let url = base.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let result = try Tool.run(["tiers", "--sysroot", base.path])
    Tool.expectRefusal(
      result, file: base.path + "/sys/devices/system/node/node0/access1/initiators/read_latency", line: 1,
      expected: "read_latency: an unsigned decimal (%u)", "unreadable figure")
  }
}
