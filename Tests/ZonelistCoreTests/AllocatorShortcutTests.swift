import Testing
@testable import ZonelistCore

/// Every shortcut of the simulator (runs from a per-CPU list, interleaved runs, refills and
/// drains in whole blocks) reaches the state the page-by-page walk reaches: random requests,
/// frees and vmstat rounds over random small machines from random starting free lists,
/// compared after every operation, outcome and whole state.
@Suite struct AllocatorShortcutTests {
  static let singles: [AllocatorSimulator.Shortcuts] = [.listRuns, .interleaveRuns, .bulkRefill, .bulkDrain, .bulkFree]

  @Test(arguments: 0..<30)
  func everyShortcutTogetherMatchesThePageByPageWalk(_ seed: Int) throws {
    try Self.compare(seed: seed, shortcuts: .all)
  }

  @Test(arguments: 0..<8, 0..<5)
  func eachShortcutAloneMatchesThePageByPageWalk(_ seed: Int, _ shortcut: Int) throws {
    try Self.compare(seed: 100 + seed, shortcuts: Self.singles[shortcut])
  }

  /// Node 0 (DMA32 and Normal) filled, so each walk preferring it meets another node under
  /// `ALLOC_NOFRAGMENT` and walks again without: the runs from the list that serves it (default
  /// policy, and interleave with two positions on one list) match the page-by-page walk, with
  /// a walk per refill instead of per page (before, 6.12 walked 77,229 times here, 6.1 89,387).
  @Test(arguments: [KernelVersion(6, 1), KernelVersion(6, 12)])
  func runsAfterANoFragmentRetryMatchThePageByPageWalk(_ version: KernelVersion) throws {
    let size = { (pages: Int) in ZoneSize(spanned: Pages(pages), present: Pages(pages), managed: Pages(pages)) }
    let topology = try Topology(nodes: [
      Node(id: 0, cpus: [0, 1], zones: [.dma32: size(5_000), .normal: size(80_000)]),
      Node(id: 1, cpus: [2], zones: [.normal: size(160_000)]),
      Node(id: 2, cpus: [3], zones: [.normal: size(160_000)]),
    ])
    let profile = KernelProfile(version: version)
    let tuning = TuningCalculator(topology: topology, profile: profile).compute(VMTunables())
    var fast = AllocatorSimulator(topology: topology, profile: profile, tuning: tuning)
    var slow = fast
    slow.shortcuts = []
    var held: [AllocationRecord] = []
    let requests = [
      AllocatorSimulator.Request(cpu: 0, count: 100_000), AllocatorSimulator.Request(cpu: 1, count: 24_000),
      AllocatorSimulator.Request(cpu: 0, policy: MemoryPolicy(.interleave, nodes: [0, 1, 2]), count: 96_000),
      AllocatorSimulator.Request(cpu: 0, policy: MemoryPolicy(.bind, nodes: [0, 2]), count: 20_000),
    ]
    for (index, request) in requests.enumerated() {
      let (a, b) = (try fast.allocate(request), try slow.allocate(request))
      #expect(a == b, "\(version) request \(index)")
      #expect(fast.stateDump == slow.stateDump, "\(version) request \(index)")
      held.append(a.record)
      if index == 2 {
        try fast.free(held[0], cpu: 2)
        try slow.free(held[0], cpu: 2)
        #expect(fast.stateDump == slow.stateDump, "\(version) free")
      }
    }
    #expect(fast.accountingErrors() == [])
    #expect(fast.walkCount * 10 < slow.walkCount, "\(fast.walkCount) walks with the shortcuts, \(slow.walkCount) without")
  }

  /// Runs the same random operations on a simulator with `shortcuts` and one without,
  /// comparing after each.
  static func compare(seed: Int, shortcuts: AllocatorSimulator.Shortcuts) throws {
    var generator = SeededGenerator(seed: UInt64(seed) &+ 77)
    let (topology, profile, start) = machine(&generator)
    let tuning = TuningCalculator(topology: topology, profile: profile).compute(VMTunables())
    var fast = AllocatorSimulator(topology: topology, profile: profile, tuning: tuning, start: start)
    fast.shortcuts = shortcuts
    var slow = fast
    slow.shortcuts = []
    if Bool.random(using: &generator) {
      let slices = Dictionary(uniqueKeysWithValues: topology.cpus.map { ($0, Int.random(in: 0...(8 << 20), using: &generator)) })
      fast.setDataCacheSlices(slices)
      slow.setDataCacheSlices(slices)
    }
    if profile.version >= KernelVersion(6, 9) && Bool.random(using: &generator) {
      for node in topology.nodeIDs { fast.interleaveWeights[node] = Int.random(in: 1...4, using: &generator) }
      slow.interleaveWeights = fast.interleaveWeights
    }
    #expect(fast.stateDump == slow.stateDump, "seed \(seed): start")
    var held: [AllocationRecord] = []
    for operation in 0..<40 {
      let dice = Int.random(in: 0..<10, using: &generator)
      if dice < 6 || held.isEmpty {
        let request = randomRequest(topology: topology, profile: profile, &generator)
        let a = try fast.allocate(request)
        let b = try slow.allocate(request)
        #expect(a == b, "seed \(seed) operation \(operation): outcome of \(request)")
        held.append(a.record)
      } else if dice < 9 {
        let record = held.remove(at: Int.random(in: 0..<held.count, using: &generator))
        let cpu = topology.cpus.randomElement(using: &generator)!
        try fast.free(record, cpu: cpu)
        try slow.free(record, cpu: cpu)
      } else {
        if Bool.random(using: &generator) {
          fast.vmstatSecond()
          slow.vmstatSecond()
        } else {
          fast.refreshVMStats()
          slow.refreshVMStats()
        }
      }
      #expect(fast.accountingErrors() == [], "seed \(seed) operation \(operation)")
      guard fast.stateDump == slow.stateDump else {
        Issue.record("seed \(seed) operation \(operation): the states differ (shortcuts \(shortcuts.rawValue))")
        return
      }
    }
  }

  /// A random request: any CPU, policy, flags, order (mostly 0) and count.
  static func randomRequest(topology: Topology, profile: KernelProfile, _ generator: inout SeededGenerator) -> AllocatorSimulator.Request {
    var modes = MemoryPolicy.Mode.allCases
    if profile.version < KernelVersion(6, 9) { modes.removeAll { $0 == .weightedInterleave } }
    let mode = modes.randomElement(using: &generator)!
    let ids = topology.nodeIDs.filter { topology.nodes[$0]?.hasMemory == true }
    let nodes = mode == .default || mode == .local ? [] : Array(ids.shuffled(using: &generator).prefix(Int.random(in: 1...ids.count, using: &generator)))
    let gfps: [GFPFlags] = [
      .highUserMovable, .highUserMovable, .highUserMovable, .kernel, [.kernel, .reclaimable], .atomic, .dma32, [.kernel, .thisNode],
      [.high, .kswapdReclaim, .noRetry],
    ]
    let order = [0, 0, 0, 0, 1, 2, 3, 9, 10].randomElement(using: &generator)!
    var request = AllocatorSimulator.Request(
      cpu: topology.cpus.randomElement(using: &generator)!, policy: MemoryPolicy(mode, nodes: nodes), gfp: gfps.randomElement(using: &generator)!,
      order: order, count: Int.random(in: 1...Swift.max(1, 12_000 >> order), using: &generator))
    request.interleaveStart = Int.random(in: 0..<8, using: &generator)
    return request
  }

  /// A small machine (1–4 nodes, zones of up to 24,000 pages, 0–2 CPUs per node) on 6.1 or
  /// 6.12, starting from random free lists (fragmented, every type) or every page free, with
  /// pages on per-CPU lists, or the boot page sets.
  static func machine(_ generator: inout SeededGenerator) -> (Topology, KernelProfile, AllocatorSimulator.StartState) {
    let count = Int.random(in: 1...4, using: &generator)
    let ids = (0..<count).map { NodeID($0) }
    var cpu = 0
    let nodes = ids.map { id in
      var zones: [ZoneType: ZoneSize] = [:]
      for type in [ZoneType.dma32, .normal, .movable] where type == .normal || Int.random(in: 0..<3, using: &generator) == 0 {
        let pages = Pages(Int.random(in: 600...24_000, using: &generator))
        zones[type] = ZoneSize(spanned: pages, present: pages, managed: pages)
      }
      let cpus = (0..<(id == 0 ? 2 : Int.random(in: 0...2, using: &generator))).map { _ in
        cpu += 1
        return cpu - 1
      }
      return Node(id: id, cpus: cpus, zones: zones)
    }
    let rows = ids.map { i in ids.map { j in i == j ? 10 : [12, 20, 20, 30].randomElement(using: &generator)! } }
    let symmetric = ids.indices.map { i in ids.indices.map { j in i <= j ? rows[i][j] : rows[j][i] } }
    let topology = try! Topology(nodes: nodes, distances: DistanceMatrix(nodes: ids, rows: symmetric))
    let profile = KernelProfile(version: Bool.random(using: &generator) ? KernelVersion(6, 1) : KernelVersion(6, 12))
    var start = AllocatorSimulator.StartState()
    start.bootPageSets = Int.random(in: 0..<5, using: &generator) == 0
    start.perCPUType = [MigrateType.movable, .unmovable].randomElement(using: &generator)!
    for node in topology.onlineNodes {
      for (type, size) in node.zones where Bool.random(using: &generator) {
        let reference = ZoneReference(node: node.id, type: type)
        var left = size.managed.rawValue * Int.random(in: 20...95, using: &generator) / 100
        var blocks: [MigrateType: [Int]] = [:]
        for migrate in [MigrateType.movable, .unmovable, .reclaimable, .highAtomic].shuffled(using: &generator) {
          var counts = [Int](repeating: 0, count: BuddyZone.maxOrder + 1)
          for order in 0...BuddyZone.maxOrder where left >= 1 << order && Bool.random(using: &generator) {
            counts[order] = Int.random(in: 0...Swift.min(12, left >> order), using: &generator)
            left -= counts[order] << order
          }
          blocks[migrate] = counts
        }
        start.freeAreas[reference] = FreeAreaCounts(
          blocks: blocks, pageblocks: [.unmovable: Int.random(in: 0...4, using: &generator), .reclaimable: Int.random(in: 0...2, using: &generator)])
        for cpu in topology.cpus where Bool.random(using: &generator) {
          start.perCPUCounts[cpu, default: [:]][reference] = Int.random(in: 0...40, using: &generator)
        }
      }
    }
    return (topology, profile, start)
  }
}
