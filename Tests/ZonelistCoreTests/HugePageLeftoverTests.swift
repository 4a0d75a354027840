import Testing
@testable import ZonelistCore

/// The order-9 page a run of THP faults leaves on a per-CPU list (`rmqueue_bulk()` of two
/// pageblock-order blocks for an empty list), as the simulator starts from a snapshot.
@Suite struct HugePageLeftoverTests {
  /// Two nodes of 60000 DMA32 pages, CPU 0 on node 0, CPU 1 on node 1.
  let machine = try! Topology(
    nodes: [0, 1].map { Node(id: NodeID($0), cpus: [$0], zones: [.dma32: ZoneSize(spanned: 60_000, present: 60_000, managed: 60_000)]) })

  /// A zoneinfo text with each CPU's `count:` per node (node → [CPU: count]).
  func zoneinfo(_ counts: [Int: [Int: Int]]) throws -> Zoneinfo {
    var text = ""
    for node in counts.keys.sorted() {
      text += "Node \(node), zone    DMA32\n  pages free     50000\n        spanned  60000\n        present  60000\n        managed  60000\n"
      for (cpu, count) in counts[node]!.sorted(by: { $0.key < $1.key }) { text += "    cpu: \(cpu)\n              count: \(count)\n" }
    }
    return try Zoneinfo(parsing: text)
  }

  /// 6.1, an odd fault count: the smallest list of 512 pages or more among a CPU's own node's
  /// (node 0's 2100 on CPU 0 is larger; CPU 1's 600 for node 0 is remote); an even count, or 6.7 on: none.
  @Test func theListIsTheSmallestLocalOneOfAPageblockOrMore() throws {
    let info = try zoneinfo([0: [0: 2100, 1: 600], 1: [0: 30, 1: 700]])
    let old = KernelProfile(version: KernelVersion(6, 1))
    let found = AllocatorSimulator.StartState.hugePageRefillLeftover(zoneinfo: info, topology: machine, profile: old, hugePageFaults: 3)
    #expect(found?.cpu == 1 && found?.zone == ZoneReference(node: 1, type: .dma32))
    #expect(AllocatorSimulator.StartState.hugePageRefillLeftover(zoneinfo: info, topology: machine, profile: old, hugePageFaults: 4) == nil)
    let new = KernelProfile(version: KernelVersion(6, 12))
    #expect(AllocatorSimulator.StartState.hugePageRefillLeftover(zoneinfo: info, topology: machine, profile: new, hugePageFaults: 3) == nil)
    let small = try zoneinfo([0: [0: 511, 1: 900], 1: [0: 30, 1: 40]])
    #expect(AllocatorSimulator.StartState.hugePageRefillLeftover(zoneinfo: small, topology: machine, profile: old, hugePageFaults: 1) == nil)
  }

  /// The listed order-9 page serves no order-0 allocation (the list keeps it) but serves the
  /// CPU's next THP fault without touching the zone's free pages.
  @Test func theLeftoverServesHugePagesOnly() throws {
    let profile = KernelProfile(version: KernelVersion(6, 1))
    var start = AllocatorSimulator.StartState()
    let zone = ZoneReference(node: 0, type: .dma32)
    start.freeAreas = [zone: FreeAreaCounts(movablePages: 50_000), ZoneReference(node: 1, type: .dma32): FreeAreaCounts(movablePages: 50_000)]
    start.perCPUCounts = [0: [zone: 600]]
    start.perCPUHugePages = [0: [zone: 1]]
    let tuning = TuningCalculator(topology: machine, profile: profile).compute(VMTunables())
    var simulator = AllocatorSimulator(topology: machine, profile: profile, tuning: tuning, start: start)
    let z = try #require(simulator.zoneIndex[zone])
    #expect(simulator.pageSets[z].count == 600)
    _ = try simulator.allocate(.init(cpu: 0, count: 88))  // the 88 order-0 pages
    let buddy = simulator.zones[z].buddy.freePages
    _ = try simulator.allocate(.init(cpu: 0, count: 40))  // a refill: the order-9 page stays
    #expect(simulator.pageSets[z].count >= 512)
    #expect(simulator.zones[z].buddy.freePages < buddy)
    let before = simulator.zones[z].buddy.freePages
    var huge = AllocatorSimulator.Request(cpu: 0, gfp: .highUserMovable, order: AllocatorSimulator.hugePageOrder, count: 1)
    huge.policy = MemoryPolicy(.default)
    let outcome = try simulator.allocate(huge)
    #expect(outcome.served[zone] == 512)
    #expect(simulator.zones[z].buddy.freePages == before)
    #expect(simulator.pageSets[z].count < 512)
  }
}
