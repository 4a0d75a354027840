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
