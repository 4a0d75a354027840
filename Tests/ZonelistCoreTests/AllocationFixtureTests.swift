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

  /// Whether the `before/` snapshot holds `proc/pagetypeinfo` (runs flagged `no-pagetypeinfo`
  /// were stored without it, as a non-root user's snapshot is).
  var hasPagetypeinfo: Bool { FileManager.default.fileExists(atPath: path + "/before/proc/pagetypeinfo") }

  /// Simulates the fixture's workload from its `before/` snapshot: the simulator as it started,
  /// and the run. With `hidingPagetypeinfo`, from a copy of the snapshot without `proc/pagetypeinfo`.
  func simulate(hidingPagetypeinfo: Bool = false) throws -> (start: AllocatorSimulator, run: WorkloadRun) {
    var sysroot = path + "/before"
    if hidingPagetypeinfo {
      let copy = FileManager.default.temporaryDirectory.appendingPathComponent("alloc-\(name)-\(UInt32.random(in: 0...UInt32.max))").path
      try FileManager.default.copyItem(atPath: sysroot, toPath: copy)
      try FileManager.default.removeItem(atPath: copy + "/proc/pagetypeinfo")
      sysroot = copy
    }
    defer { if hidingPagetypeinfo { try? FileManager.default.removeItem(atPath: sysroot) } }
    let input = try ModelInput.load(sysroot: sysroot, topologyFile: nil, kernel: nil)
    let workload = try WorkloadFile.load(
      path: path + "/workload.yaml", topology: input.topology, profile: input.profile, commandLine: input.snapshot?.bootOptions?.commandLine ?? "")
    #expect(workload.refreshVMStatsAfterEachStep, "\(name): the workload should say refresh-vmstat: after-each-step, as the capture did")
    let (simulator, _) = try SimulationSetup.simulator(input: input, sysroot: sysroot, everythingFree: workload.startEverythingFree)
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
  /// The largest difference, over the run's allocation steps and nodes, between the pages the
  /// model puts on a node and the pages the kernel put there, as a share of the step.
  static func worstPlacement(_ fixture: AllocationFixture, _ run: WorkloadRun) -> WorstCase<Double> {
    var worst = WorstCase(0.0)
    var compared = 0
    for result in run.results {
      guard let real = fixture.placement(step: result.index) else { continue }
      let total = real.values.reduce(0, +)
      guard total > 0 else { continue }
      compared += 1
      var modeled: [NodeID: Int] = [:]
      for (zone, pages) in result.pages where pages > 0 { modeled[zone.node, default: 0] += pages }
      for node in Set(real.keys).union(modeled.keys) {
        worst.note(
          Double(abs((modeled[node] ?? 0) - (real[node] ?? 0))) / Double(total),
          "step \(result.index) node \(node): model \(modeled[node] ?? 0), kernel \(real[node] ?? 0) of \(total)")
      }
    }
    #expect(compared > 0, "\(fixture.name): no step has a placement to compare")
    return worst
  }

  /// Per zone and step, the model's free pages (buddy plus per-CPU lists) against the kernel's
  /// (`pages free` plus every CPU's `count:` in the step's zoneinfo), as a share of the zone's
  /// managed pages; DMA zones included (their protection decides where a spill stops).
  static func worstFreePages(_ fixture: AllocationFixture, _ run: WorkloadRun) throws -> WorstCase<Double> {
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
    return worst
  }

  static func percent(_ value: Double) -> String { String(format: "%.2f", value * 100) }

  /// Every fixture has its recorded tolerances, and no tolerance outlives its fixture.
  @Test func everyFixtureHasItsTolerances() {
    BootFixture.expectCount("alloc")
    #expect(AllocationFixture.all.count == AllocationTolerance.fixtureCount)
    #expect(Set(AllocationFixture.all.map(\.name)) == Set(AllocationTolerance.byRun.keys))
    #expect(AllocationFixture.all.filter { !$0.hasPagetypeinfo }.count == AllocationTolerance.withoutPagetypeinfoCount)
  }

  /// A placement tolerance above 1% (with or without `pagetypeinfo`) is no larger than the
  /// kernel's own boot-to-boot spread measured for that run.
  @Test func everyToleranceAboveOnePercentIsWithinTheMeasuredSpread() {
    for (name, tolerance) in AllocationTolerance.byRun.sorted(by: { $0.key < $1.key }) {
      let limit = max(tolerance.placement, tolerance.placementWithoutPagetypeinfo ?? 0)
      guard limit > 1.0 else { continue }
      let spread = AllocationTolerance.measuredSpread[name]
      #expect(spread != nil, "\(name): placement tolerance \(limit)% above 1% without a measured boot-to-boot spread")
      if let spread { #expect(limit <= spread, "\(name): placement tolerance \(limit)% above the measured spread \(spread)%") }
    }
    #expect(Set(AllocationTolerance.measuredSpread.keys).isSubset(of: AllocationTolerance.byRun.keys))
  }

  /// Pages per node and step, and free pages per zone and step, within the run's own tolerance.
  @Test(arguments: AllocationFixture.all)
  func placementAndFreePagesFollowTheKernel(_ fixture: AllocationFixture) throws {
    let (_, run) = try fixture.simulate()
    let placement = Self.worstPlacement(fixture, run)
    let free = try Self.worstFreePages(fixture, run)
    print("\(fixture.name): worst per-node difference \(Self.percent(placement.value))% (\(placement.detail))")
    print("\(fixture.name): worst free-page difference \(Self.percent(free.value))% of the zone (\(free.detail))")
    let tolerance = try #require(AllocationTolerance.byRun[fixture.name], "\(fixture.name): no tolerance recorded: add it to AllocationTolerance")
    #expect(placement.value * 100 <= tolerance.placement, "\(fixture.name): \(placement.detail) is beyond the run's \(tolerance.placement)%")
    #expect(free.value * 100 <= tolerance.free, "\(fixture.name): \(free.detail) is beyond the run's \(tolerance.free)%")
  }

  /// The same runs from their snapshot without `proc/pagetypeinfo` (what a non-root user's
  /// snapshot holds): the zone's free pages are laid out in the largest blocks, on the movable lists.
  @Test(arguments: AllocationFixture.all.filter(\.hasPagetypeinfo))
  func placementFromASnapshotWithoutPagetypeinfo(_ fixture: AllocationFixture) throws {
    let (_, run) = try fixture.simulate(hidingPagetypeinfo: true)
    let placement = Self.worstPlacement(fixture, run)
    print("\(fixture.name): without pagetypeinfo, worst per-node difference \(Self.percent(placement.value))% (\(placement.detail))")
    let tolerance = try #require(AllocationTolerance.byRun[fixture.name]?.placementWithoutPagetypeinfo, "\(fixture.name): no tolerance recorded")
    #expect(placement.value * 100 <= tolerance, "\(fixture.name): \(placement.detail) is beyond the run's \(tolerance)%")
  }
}
