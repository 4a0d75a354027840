import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `demote:` steps: pages leave the source node for its preferred target, then for the
/// allowed nodes by the target's zonelist when the target is full (`alloc_demote_folio()`).
@Suite struct DemotionStepTests {
  static let topology = """
    kernel: "6.12"
    nodes:
      - {id: 0, cpus: 0-1, memory: 1G, hmat: {0: {latency: 10, bandwidth: 10240}}}
      - {id: 1, memory: 256M, initiator: 0, hmat: {0: {latency: 25, bandwidth: 10240}}}
      - {id: 2, memory: 1G, initiator: 0, hmat: {0: {latency: 30, bandwidth: 4096}}}
    distances:
      - [10, 14, 24]
      - [14, 10, 26]
      - [24, 26, 10]
    """

  @Test func demotedPagesFillTheTargetThenTheAllowedNodes() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-demotion-\(UUID().uuidString).yaml").path
    try Self.topology.write(toFile: path, atomically: true, encoding: .utf8)
    let input = try ModelInput.load(sysroot: nil, topologyFile: path, kernel: nil)
    let (spec, profile, topology) = (try #require(input.spec), input.profile, input.topology)
    let tiering = try MemoryTiering(topology: topology, input: spec.tierInput(topology: topology), profile: profile)
    #expect(tiering[demotionOf: 0]?.preferred == [1])
    #expect(tiering[demotionOf: 0]?.allowed == [1, 2])
    var workload = try WorkloadFile.parse(
      "start: free\nsteps:\n  - {cpu: 0, policy: bind, nodes: 0, pages: 150000}\n  - {cpu: 0, demote: {from: 0, pages: 120000}}\n  - free: 2\n",
      file: "w.yaml", topology: topology, profile: profile)
    workload.demotionTargets = Dictionary(uniqueKeysWithValues: tiering.demotion.map { ($0.node, $0) })
    let (simulator, _) = try SimulationSetup.simulator(input: input, sysroot: nil, everythingFree: true, bootPageSets: false, context: nil)
    var run = WorkloadRun(simulator: simulator)
    try run.run(workload)
    let demote = run.results[1]
    func pages(_ node: NodeID) -> Int { demote.pages.filter { $0.key.node == node }.values.reduce(0, +) }
    #expect(pages(0) == -120000)
    #expect(pages(1) > 0 && pages(2) > 0, "node 1 (256M) cannot take all: the rest goes to node 2")
    #expect(pages(1) + pages(2) == 120000)
    #expect(demote.failures == 0)
    let freed = run.results[2].pages.values.reduce(0, +)
    #expect(freed == -120000)
  }
}
