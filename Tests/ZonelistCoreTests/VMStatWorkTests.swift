import Testing
@testable import ZonelistCore

/// The per-CPU work of `refresh_cpu_vm_stats()` over time, worked by hand from `mm/vmstat.c`
/// and `mm/page_alloc.c` of Debian's 6.1 and 6.12 (`pcp->expire`, `drain_zone_pages()`,
/// `vmstat_update()` requeueing); the captures `expire-remote`, `decay-idle` and `slow-spill`
/// check the same against the kernels.
@Suite struct VMStatWorkTests {
  /// Two nodes of 60000 DMA32 pages, CPU 0 on node 0 and CPU 1 on node 1.
  func simulator(_ version: KernelVersion) throws -> AllocatorSimulator {
    let size = ZoneSize(spanned: Pages(60_000), present: Pages(60_000), managed: Pages(60_000))
    let topology = try Topology(nodes: [
      Node(id: 0, cpus: [0], zones: [.dma32: size]), Node(id: 1, cpus: [1], zones: [.dma32: size]),
    ])
    let profile = KernelProfile(version: version)
    return AllocatorSimulator(
      topology: topology, profile: profile, tuning: TuningCalculator(topology: topology, profile: profile).compute(VMTunables()))
  }

  /// CPU 1 frees 40 of node 0's pages (fewer than high_min: no decay drains them): they stay on
  /// CPU 1's list for node 0's zone, a remote zone for CPU 1.
  func freedRemotely(_ version: KernelVersion) throws -> (AllocatorSimulator, list: Int, batch: Int) {
    var simulator = try simulator(version)
    let taken = try simulator.allocate(.init(cpu: 0, policy: MemoryPolicy(.bind, nodes: [0]), count: 40))
    try simulator.free(taken.record, cpu: 1)
    let zone = try #require(simulator.zoneIndex[ZoneReference(node: 0, type: .dma32)])
    let list = simulator.zones.count + zone          // CPU 1 (index 1), node 0's zone
    #expect(simulator.pageSets[list].count == 40)
    #expect(40 > simulator.zones[zone].batch && 40 < Swift.max(simulator.zones[zone].highMin, simulator.pageSets[list].high))
    return (simulator, list, simulator.zones[zone].batch)
  }

  /// 6.12: the first round after the free sets expire = 3 and counts it down to 2; each round
  /// counts down and requeues the work (`changed = true`); the third drains one batch.
  @Test func aRemoteListLosesABatchAfterThreeVMStatSeconds() throws {
    var (simulator, list, batch) = try freedRemotely(KernelVersion(6, 12))
    simulator.vmstatSecond()
    simulator.vmstatSecond()
    #expect(simulator.pageSets[list].count == 40)
    simulator.vmstatSecond()
    #expect(simulator.pageSets[list].count == 40 - batch)
    for _ in 0..<5 { simulator.vmstatSecond() }
    #expect(simulator.pageSets[list].count == 40 - batch, "expire stays 0 until the CPU touches the zone again")
  }

  /// 6.1: a count-down does not requeue the work (`continue` without `changes++`), so an idle
  /// CPU stops after the round that folded its counters; the drain waits for vm.stat_refresh.
  @Test func onSixOneTheDrainWaitsForAStatRefresh() throws {
    var (simulator, list, batch) = try freedRemotely(KernelVersion(6, 1))
    for _ in 0..<6 { simulator.vmstatSecond() }
    #expect(simulator.pageSets[list].count == 40)
    simulator.refreshVMStats()
    #expect(simulator.pageSets[list].count == 40 - batch)
  }

  /// 6.12: a `vm.stat_refresh` right after the free folds CPU 1's counters in a round that does
  /// not queue its vmstat work (`refresh_vm_stats()` ignores the result), so with nothing left
  /// for the shepherd's `need_update()` no later second counts `expire` down: the list stays.
  @Test func aStatRefreshDoesNotStartTheVMStatWork() throws {
    var (simulator, list, _) = try freedRemotely(KernelVersion(6, 12))
    simulator.refreshVMStats()
    for _ in 0..<5 { simulator.vmstatSecond() }
    #expect(simulator.pageSets[list].count == 40)
  }

  /// A CPU's own node's lists never expire ("We never drain zones local to this processor").
  @Test func aLocalListNeverExpires() throws {
    var simulator = try simulator(KernelVersion(6, 12))
    let taken = try simulator.allocate(.init(cpu: 0, policy: MemoryPolicy(.bind, nodes: [0]), count: 40))
    try simulator.free(taken.record, cpu: 0)
    let zone = try #require(simulator.zoneIndex[ZoneReference(node: 0, type: .dma32)])
    let before = simulator.pageSets[zone].count
    for _ in 0..<8 { simulator.vmstatSecond() }
    #expect(simulator.pageSets[zone].count == before)
  }

  /// A step of s seconds holds round(s) vmstat seconds, at the middle of each second of its work.
  @Test func aStepsSecondsFallEvenlyOverItsWork() {
    var clock = VMStatSchedule(seconds: 2.6, work: 3000)
    #expect(clock.due(after: 499) == 0)
    #expect(clock.due(after: 500) == 1)
    #expect(clock.due(after: 1499) == 0)
    #expect(clock.due(after: 1500) == 1)
    #expect(clock.due(after: 3000) == 1)
    #expect(clock.due(after: .max) == 0)
    var none = VMStatSchedule(seconds: nil, work: 3000)
    #expect(none.due(after: .max) == 0)
    #expect(VMStatSchedule.seconds(0.4) == 0)
  }
}
