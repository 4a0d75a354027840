import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// A workload run by a static program in a real guest, with where the kernel put each step's pages.
struct AllocationFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let all = BootFixture.folders("alloc").map { AllocationFixture(name: $0.name, path: $0.path) }

  /// `node N pages P` lines of a step's `placement` (from move_pages), or nil for a free step.
  func placement(step: Int) -> [NodeID: Int]? {
    let file = path + String(format: "/steps/%02d/placement", step)
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
    var result: [NodeID: Int] = [:]
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ")
      if words.count == 4, let node = Int(words[1]), let pages = Int(words[3]) { result[NodeID(node)] = pages }
    }
    return result
  }

  /// A file of the snapshot after step `step` (1-based), e.g. `proc/zoneinfo`.
  func stepFile(_ step: Int, _ file: String) throws -> String {
    try String(contentsOfFile: path + String(format: "/steps/%02d/", step) + file, encoding: .utf8)
  }

  /// Simulates the fixture's workload from its `before/` snapshot: the simulator as it started, and the run.
  func simulate() throws -> (start: AllocatorSimulator, run: WorkloadRun) {
    let input = try ModelInput.load(sysroot: path + "/before", topologyFile: nil, kernel: nil)
    let workload = try WorkloadFile.load(path: path + "/workload.yaml", topology: input.topology, profile: input.profile)
    #expect(workload.refreshVMStatsAfterEachStep, "\(name): the workload should say refresh-vmstat: after-each-step, as the capture did")
    let (simulator, _) = try SimulationSetup.simulator(input: input, sysroot: path + "/before", everythingFree: workload.startEverythingFree)
    var run = WorkloadRun(simulator: simulator)
    try run.run(workload)
    return (simulator, run)
  }
}

/// The largest difference seen, and where.
struct WorstCase<Value: Comparable & Sendable> {
  private(set) var value: Value
  private(set) var detail = ""
  init(_ zero: Value) { value = zero }
  mutating func note(_ candidate: Value, _ detail: @autoclosure () -> String) {
    guard candidate > value else { return }
    value = candidate
    self.detail = detail()
  }
}

@Suite struct AllocationFixtureTests {
  /// The largest difference, over the fixture's allocation steps and nodes, between the
  /// pages the model puts on a node and the pages the kernel put there, as a share of the step.
  static func worstError(_ fixture: AllocationFixture) throws -> (Double, String) {
    let (_, run) = try fixture.simulate()
    var worst = WorstCase(0.0)
    for result in run.results {
      guard let real = fixture.placement(step: result.index) else { continue }
      let total = real.values.reduce(0, +)
      guard total > 0 else { continue }
      var modeled: [NodeID: Int] = [:]
      for (zone, pages) in result.pages where pages > 0 { modeled[zone.node, default: 0] += pages }
      for node in Set(real.keys).union(modeled.keys) {
        worst.note(
          Double(abs((modeled[node] ?? 0) - (real[node] ?? 0))) / Double(total),
          "step \(result.index) node \(node): model \(modeled[node] ?? 0), kernel \(real[node] ?? 0) of \(total)")
      }
    }
    return (worst.value, worst.detail)
  }

  /// Per run, the largest per-node placement difference allowed, in percent of the step: the
  /// worst reached when the run was recorded, rounded up to 0.1 and 0.1 added, so that a run
  /// within 0.3% does not drift to 3% unnoticed. A new fixture needs its entry (and, above 1%,
  /// its reason in Docs/verification.md).
  static let placementTolerance: [String: Double] = [
    "churn-four-steps-6.1": 0.2, "churn-four-steps-6.12": 3.7, "memoryless-cpu-6.1": 0.3, "memoryless-cpu-6.12": 0.3,
    "normal-only-6.1": 0.2, "normal-only-6.12": 0.2, "pcp-stranding-6.1": 0.2, "pcp-stranding-6.12": 1.7,
    "policies-6.1": 0.1, "policies-6.12": 0.1, "policies-many-6.1": 0.7, "policies-many-6.12": 0.3,
    "spill-asym-6.1": 0.2, "spill-asym-6.12": 0.6, "spill-two-nodes-6.1": 0.5, "spill-two-nodes-6.12": 0.6,
  ]

  @Test(arguments: AllocationFixture.all)
  func placementPerNodeIsCloseToTheKernel(_ fixture: AllocationFixture) throws {
    let (worst, detail) = try Self.worstError(fixture)
    print("\(fixture.name): worst per-node difference \(String(format: "%.2f", worst * 100))% (\(detail))")
    let tolerance = try #require(
      Self.placementTolerance[fixture.name],
      "\(fixture.name): no tolerance recorded; its worst is \(String(format: "%.2f", worst * 100))% (\(detail)): add it to placementTolerance")
    #expect(worst * 100 <= tolerance, "\(fixture.name): \(detail) is beyond the run's \(tolerance)%")
  }

  /// Per zone and step, the model's free pages (buddy plus per-CPU lists) against the kernel's
  /// (`pages free` plus every CPU's `count:` in the step's zoneinfo), as a share of the zone's
  /// managed pages: within 1% on 6.1 (worst 0.55%) and 2.5% on 6.12 (worst 2.03%, the same
  /// per-CPU residue as the placement below). DMA zones included: their protection decides
  /// where a spill stops.
  @Test(arguments: AllocationFixture.all)
  func freePagesPerZoneFollowTheKernel(_ fixture: AllocationFixture) throws {
    let (_, run) = try fixture.simulate()
    var worst = WorstCase(0.0)
    for result in run.results {
      for entry in try Zoneinfo(parsing: fixture.stepFile(result.index, "proc/zoneinfo")).entries where entry.size.managed.rawValue > 0 {
        let zone = ZoneReference(node: entry.node, type: entry.type)
        let kernel = try #require(entry.free).rawValue + entry.perCPUCounts.values.reduce(0, +)
        let model = try #require(result.freeAfter[zone], "\(fixture.name): the model has no \(zone)")
        worst.note(
          Double(abs(kernel - model)) / Double(entry.size.managed.rawValue),
          "step \(result.index) \(zone): model \(model), kernel \(kernel) free of \(entry.size.managed.rawValue) managed")
      }
    }
    print("\(fixture.name): worst free-page difference \(String(format: "%.2f", worst.value * 100))% of the zone (\(worst.detail))")
    #expect(worst.value <= (fixture.name.hasSuffix("-6.1") ? 0.01 : 0.025), "\(fixture.name): \(worst.detail)")
  }

  // The tolerances reached: 1% on 6.1 (worst 0.59%); 4% on 6.12 (worst 3.51%, churn-four-steps
  // step 6; the other seven 6.12 runs are within 1.52%). At a spill point the pages left on
  // per-CPU lists decide the split, and on 6.12 these lists hold thousands of pages whose number
  // depends on time: each CPU's `high` decays by an eighth every second while vmstat work runs
  // (decay_pcp_high()), which the model runs only where the capture writes vm.stat_refresh. In
  // churn-four-steps-6.12 step 6, CPU 0's list went 4753 → 3640 pages while CPU 0 was idle (two
  // decays, 4753 − 594 and 4159 − 519, inside the step; the model has 4824), and CPU 1's lists
  // held 2023 pages at the spill against the model's 2928: ~2.1k pages the model keeps on node
  // 0's lists, 3.5% of the step. Boot-to-boot noise of one run is 1–2% (Scripts/alloc-capture/README.md).
}
