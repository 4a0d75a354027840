import Foundation
import Testing

/// Which zonelists `zonelist simulate` walks, and that it says so. Three nodes at distance 20:
/// node 0's boot build takes node 1 (the first of the tie), a run-time rebuild pushes node 1
/// (it has a CPU) behind the CPU-less node 2 (`find_next_best_node()`'s PENALTY_FOR_NODE_WITH_CPUS).
@Suite struct SimulateListsTests {
  static let machine = """
    kernel: "6.12"
    nodes:
      - id: 0
        cpus: 0
        memory: 256M
      - id: 1
        cpus: 1
        memory: 256M
      - id: 2
        memory: 256M
    distances:
      - [10, 20, 20]
      - [20, 10, 20]
      - [20, 20, 10]
    """
  /// 320M from CPU 0 overflows node 0: the rest goes to the second node of the list.
  static let workload = "start: free\nsteps:\n  - cpu: 0\n    allocate: 320M\n"

  func spill(_ extra: [String]) throws -> (String, Tool.Result) {
    let topology = try Tool.file(Self.machine, name: "three.yaml")
    let path = try Tool.file(Self.workload, name: "workload.yaml")
    let result = try Tool.run(["simulate", "--topology", topology, "--workload", path] + extra)
    return (result.stdout, result)
  }

  @Test func bootListsByDefaultAndRebuildOnRequest() throws {
    let (boot, bootRun) = try spill([])
    #expect(bootRun.status == 0, "\(bootRun.stderr)")
    #expect(boot.contains("zonelists walked: boot"), "\(boot)")
    #expect(boot.contains("Fallback order for Node 0: 0 1 2"))
    #expect(boot.contains(" 1:DMA32") && !boot.contains(" 2:DMA32"), "\(boot)")
    let (rebuild, _) = try spill(["--context", "rebuild"])
    #expect(rebuild.contains("zonelists walked: rebuild"))
    #expect(rebuild.contains("Fallback order for Node 0: 0 2 1"))
    #expect(rebuild.contains(" 2:DMA32") && !rebuild.contains(" 1:DMA32"), "\(rebuild)")
    let (json, _) = try spill(["--format", "json", "--context", "rebuild"])
    #expect(json.contains("\"build\" : \"rebuild\""), "\(json.prefix(600))")
  }
}

/// Weighted-interleave weights from the sysroot (`/sys/kernel/mm/mempolicy/weighted_interleave/nodeN`),
/// as `weighted_interleave_nid()` uses them: 6000 pages over nodes 0, 1, 3 weighted 3/1/2 → 3000/1000/2000.
@Suite struct SysrootWeightsTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ZonelistCoreTests/Fixtures/alloc/policies-many-6.12/before").path

  func sysroot(weights: [Int: String]) throws -> String {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-test-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: Self.fixture, toPath: copy)
    for (node, text) in weights {
      let path = copy + "/sys/kernel/mm/mempolicy/weighted_interleave/node\(node)"
      try FileManager.default.removeItem(atPath: path)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return copy
  }

  @Test func weightsComeFromTheSysroot() throws {
    let root = try sysroot(weights: [0: "3\n", 1: "1\n", 3: "2\n"])
    let workload = try Tool.file(
      "start: free\nsteps:\n  - cpu: 0\n    policy: weighted-interleave\n    nodes: 0-1,3\n    gfp: GFP_USER\n    pages: 6000\n", name: "w.yaml")
    let result = try Tool.run(["simulate", "--sysroot", root, "--workload", workload, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let step = try #require((json["steps"] as? [[String: Any]])?.first)
    let pages = try #require(step["pages"] as? [String: Int])
    var perNode: [String: Int] = [:]
    for (zone, count) in pages { perNode[String(zone.prefix { $0 != ":" }), default: 0] += count }
    #expect(perNode == ["0": 3000, "1": 1000, "3": 2000], "\(pages)")
  }

  @Test func aBadWeightFileIsNamed() throws {
    let root = try sysroot(weights: [1: "heavy\n"])
    let workload = try Tool.file("steps:\n  - cpu: 0\n    pages: 4\n", name: "w.yaml")
    let result = try Tool.run(["simulate", "--sysroot", root, "--workload", workload])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("weighted_interleave/node1:1: expected a weight in 1...255"), "\(result.stderr)")
  }
}

/// From a sysroot whose `dmesg` printed other node orders than the model builds, `simulate`
/// walks the printed ones and says so, naming the node: a note in the table run, an assumption
/// on `dmesg` and the model's order under `zonelists.modelOrders` in JSON. The sysroot is a real
/// 6.12 capture (boot orders 0 2 1, 1 0 2, 2 0 1) with node 0's printed line changed to 0 1 2.
@Suite struct PrintedListsTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ZonelistCoreTests/Fixtures/alloc/ho-three-interleave-6.12/before").path
  /// 240M from CPU 0 fills node 0 and spills to its second node.
  static let workload = "steps:\n  - cpu: 0\n    allocate: 240M\n"

  func sysroot(nodeZeroOrder: String?) throws -> String {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-test-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: Self.fixture, toPath: copy)
    if let nodeZeroOrder {
      let path = copy + "/dmesg"
      let log = try String(contentsOfFile: path, encoding: .utf8)
      let edited = log.replacingOccurrences(of: "Fallback order for Node 0: 0 2 1 ", with: "Fallback order for Node 0: \(nodeZeroOrder) ")
      #expect(edited != log, "the fixture's dmesg no longer prints node 0's order as 0 2 1")
      try edited.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return copy
  }

  func simulate(_ root: String, json: Bool) throws -> Tool.Result {
    let workload = try Tool.file(Self.workload, name: "w.yaml")
    return try Tool.run(["simulate", "--sysroot", root, "--workload", workload] + (json ? ["--format", "json"] : []))
  }

  @Test func printedOrdersThatDifferAreWalkedAndNamed() throws {
    let root = try sysroot(nodeZeroOrder: "0 1 2")
    let table = try simulate(root, json: false)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Fallback order for Node 0: 0 1 2"), "\(table.stdout)")
    #expect(table.stdout.contains(" 1:DMA32") && !table.stdout.contains(" 2:DMA32"), "the spill follows the printed order: \(table.stdout)")
    #expect(
      table.stderr.contains("note: dmesg's 'Fallback order' lines differ from the model's boot build for node 0 (node 0: model 0 2 1, dmesg 0 1 2)"),
      "\(table.stderr)")
    let run = try simulate(root, json: true)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let lists = try #require(json["zonelists"] as? [String: Any])
    #expect((lists["modelOrders"] as? [String: [Int]]) == ["0": [0, 2, 1]], "\(lists)")
    #expect((lists["nodeOrders"] as? [String: [Int]])?["0"] == [0, 1, 2], "\(lists)")
    let assumptions = try #require(json["assumptions"] as? [[String: Any]])
    let printed = assumptions.filter { ($0["file"] as? String) == "dmesg" }
    #expect(printed.count == 1 && (printed.first?["affects"] as? [String]) == ["nodeOrder"], "\(assumptions)")
    #expect((printed.first?["assumed"] as? String)?.contains("node 0: model 0 2 1, dmesg 0 1 2") == true, "\(printed)")
  }

  @Test func agreeingOrdersAddNoNote() throws {
    let root = try sysroot(nodeZeroOrder: nil)
    let table = try simulate(root, json: false)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Fallback order for Node 0: 0 2 1") && table.stdout.contains(" 2:DMA32"), "\(table.stdout)")
    #expect(!table.stderr.contains("differ from the model"), "\(table.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(try simulate(root, json: true).stdout.utf8)) as? [String: Any])
    #expect(((json["zonelists"] as? [String: Any])?["modelOrders"] as? [String: [Int]])?.isEmpty == true)
    #expect(((json["assumptions"] as? [[String: Any]]) ?? []).allSatisfy { ($0["file"] as? String) != "dmesg" })
  }
}
