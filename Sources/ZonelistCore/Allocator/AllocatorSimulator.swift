/// Walks the zonelists as the page allocator does, zone by zone, with the watermark
/// checks, per-CPU page lists and NUMA counters of the kernel.
///
/// Kernel: `__alloc_pages()` → `prepare_alloc_pages()` → `get_page_from_freelist()` and
/// `__alloc_pages_slowpath()`, `rmqueue_pcplist()`, `free_unref_page_commit()` and
/// `zone_statistics()` in `mm/page_alloc.c`; `alloc_pages_mpol()` in `mm/mempolicy.c`.
///
/// Departures, said once: a zone's free memory is a count of pages, not a buddy structure
/// of blocks by order and migrate type, so high-order fragmentation, migrate-type fallback
/// and `ALLOC_NOFRAGMENT` are not modeled (an order-*k* request needs 2^*k* free pages);
/// a per-CPU list is one count per zone, not one list per migrate type; nothing is
/// reclaimable (kswapd wake-ups are reported, not run); direct reclaim and the OOM killer
/// end in a reported failure.
public struct AllocatorSimulator: Sendable {
  public let topology: Topology
  public let profile: KernelProfile
  let build: ZonelistBuild

  /// One zone's allocator state. Kernel: `struct zone`.
  public struct ZoneState: Hashable, Sendable {
    public var reference: ZoneReference
    public var managed: Int
    /// Kernel: `NR_FREE_PAGES` (buddy free pages, per-CPU lists excluded).
    public var free: Int
    public var min: Int
    public var low: Int
    public var high: Int
    /// Kernel: `zone->lowmem_reserve[]`, by zone index.
    public var protection: [Int]
    public var batch: Int
    public var highMin: Int
    public var highMax: Int
    /// Kernel: `ZONE_BELOW_HIGH` (6.7 on).
    var belowHigh = false
  }

  /// One CPU's list for one zone. Kernel: `struct per_cpu_pages`.
  public struct PerCPUList: Hashable, Sendable {
    public var count: Int
    var high: Int
    var allocFactor = 0
    var freeFactor = 0
    var freeCount = 0
  }

  /// Kernel: the `numa_*` events of `/sys/devices/system/node/nodeN/numastat`.
  public struct NUMAStat: Hashable, Sendable, Codable {
    public var numaHit = 0
    public var numaMiss = 0
    public var numaForeign = 0
    public var interleaveHit = 0
    public var localNode = 0
    public var otherNode = 0
    public init() {}
  }

  public private(set) var zones: [ZoneState]
  /// `pcp[cpu][zone]`, CPUs by their position in ``cpus``.
  public private(set) var perCPU: [[PerCPUList]]
  public let cpus: [CPUID]
  /// Kernel: the NUMA events per node (`numastat`).
  public var numastat: [NodeID: NUMAStat] {
    Dictionary(uniqueKeysWithValues: topology.nodeIDs.enumerated().map { ($1, stats[$0]) })
  }
  /// NUMA events by node position in `topology.nodeIDs`.
  var stats: [NUMAStat]
  /// The node position of each zone.
  let zoneNode: [Int]
  let nodePosition: [NodeID: Int]
  let zoneIndex: [ZoneReference: Int]
  let autoTunedHigh: Bool

  /// Creates the allocator of a machine.
  ///
  /// - Parameters:
  ///   - freePages: Free pages per zone at the start (`pages free` of a snapshot); by default every managed page.
  ///   - perCPUCounts: Pages on each CPU's list per zone at the start (`count:`); by default none.
  ///   - tuning: Each zone's watermarks and page-set limits (``TuningCalculator``).
  public init(
    topology: Topology, profile: KernelProfile, tuning: TuningReport,
    freePages: [ZoneReference: Int]? = nil, perCPUCounts: [CPUID: [ZoneReference: Int]] = [:]
  ) {
    self.topology = topology
    self.profile = profile
    var builder = ZonelistBuilder(topology: topology, profile: profile, context: .rebuild(onlining: nil))
    build = builder.build()
    autoTunedHigh = profile.version >= KernelVersion(6, 7)
    var zones: [ZoneState] = []
    var index: [ZoneReference: Int] = [:]
    for node in topology.onlineNodes {
      for type in profile.zoneTypes {
        let reference = ZoneReference(node: node.id, type: type)
        guard let tune = tuning.zones[reference] else { continue }
        let managed = node[type].managed.rawValue
        index[reference] = zones.count
        zones.append(
          ZoneState(
            reference: reference, managed: managed, free: freePages?[reference] ?? managed, min: tune.min, low: tune.low,
            high: tune.high, protection: tune.protection, batch: tune.batch, highMin: tune.highMin, highMax: tune.highMax))
      }
    }
    self.zones = zones
    zoneIndex = index
    cpus = topology.cpus
    perCPU = cpus.map { cpu in
      zones.map { zone in PerCPUList(count: perCPUCounts[cpu]?[zone.reference] ?? 0, high: zone.highMin) }
    }
    stats = Array(repeating: NUMAStat(), count: topology.nodeIDs.count)
    let positions = Dictionary(uniqueKeysWithValues: topology.nodeIDs.enumerated().map { ($1, $0) })
    nodePosition = positions
    zoneNode = zones.map { positions[$0.reference.node]! }
  }

  /// One allocation request: `count` allocations of 2^`order` pages.
  public struct Request: Hashable, Sendable, Codable {
    public var cpu: CPUID
    public var policy: MemoryPolicy
    public var gfp: GFPFlags
    public var order: Int
    public var count: Int
    /// The first interleave index (the page offset in the mapping for anonymous memory).
    public var interleaveStart: Int
    public init(cpu: CPUID, policy: MemoryPolicy = .init(.default), gfp: GFPFlags = .highUserMovable, order: Int = 0, count: Int, interleaveStart: Int = 0) {
      self.cpu = cpu
      self.policy = policy
      self.gfp = gfp
      self.order = order
      self.count = count
      self.interleaveStart = interleaveStart
    }
  }

  /// What a request did.
  public struct Outcome: Hashable, Sendable {
    /// Pages served per zone.
    public var served: [ZoneReference: Int] = [:]
    /// Allocations that failed (after the slow path), and why, for the first failure.
    public var failures = 0
    public var firstFailure: [String] = []
    /// Nodes whose kswapd the slow path woke.
    public var kswapdWoken: Set<NodeID> = []
    /// Allocations served by a node other than the preferred one.
    public var remote = 0
    public func pages(on node: NodeID) -> Int { served.filter { $0.key.node == node }.reduce(0) { $0 + $1.value } }
  }

  /// Kernel: `ALLOC_WMARK_*` and the reserve flags.
  enum Mark { case low, min }

  /// Serves a request.
  ///
  /// - Complexity: O(*count* × *z*) for *z* zones in the zonelist.
  public mutating func allocate(_ request: Request) throws(SimulationError) -> Outcome {
    guard let cpuIndex = cpus.firstIndex(of: request.cpu), let cpuNode = topology.node(ofCPU: request.cpu) else {
      throw .unknownCPU(request.cpu)
    }
    guard let highest = request.gfp.highestZoneType(in: profile.zoneTypes) else { throw .badFlags }
    guard (0...10).contains(request.order) else { throw .orderTooLarge(request.order) }
    for node in request.policy.nodes where topology.nodes[node] == nil { throw .unknownNode(node) }
    let highestIndex = profile.zoneTypes.firstIndex(of: highest)!
    var outcome = Outcome()
    let nodes = request.policy.nodes
    let policyMask = Set(nodes)
    // Candidate zones by preferred node position: with the policy's mask, and without.
    var maskedCandidates = [[Int]?](repeating: nil, count: topology.nodeIDs.count)
    var unmaskedCandidates = [[Int]?](repeating: nil, count: topology.nodeIDs.count)
    var servedCounts = [Int](repeating: 0, count: zones.count)
    let pages = 1 << request.order
    for i in 0..<request.count {
      // Kernel: policy_nodemask() / alloc_pages_mpol().
      var preferred = cpuNode
      var masked = false
      var interleaveTarget: NodeID? = nil
      var fallbackWithoutMask = false
      switch request.policy.mode {
      case .default, .local: break
      case .preferred: preferred = nodes.first ?? cpuNode
      case .bind:
        // Kernel: apply_policy_zone(): the mask applies when the request may use policy_zone.
        masked = highest >= build.policyZone || highest == .movable
      case .interleave, .weightedInterleave:
        let target = nodes.isEmpty ? cpuNode : nodes[(request.interleaveStart + i) % nodes.count]
        preferred = target
        if request.policy.mode == .interleave { interleaveTarget = target }
      case .preferredMany:
        masked = true
        fallbackWithoutMask = true
      }
      let position = nodePosition[preferred]!
      let mask: Set<NodeID>? = masked ? policyMask : nil
      let candidates: [Int]
      if masked {
        if maskedCandidates[position] == nil {
          maskedCandidates[position] = candidateZones(preferred: preferred, mask: mask, gfp: request.gfp, highestIndex: highestIndex)
        }
        candidates = maskedCandidates[position]!
      } else {
        if unmaskedCandidates[position] == nil {
          unmaskedCandidates[position] = candidateZones(preferred: preferred, mask: nil, gfp: request.gfp, highestIndex: highestIndex)
        }
        candidates = unmaskedCandidates[position]!
      }
      var served = allocateOne(
        candidates: candidates, cpuIndex: cpuIndex, cpuNode: cpuNode, preferred: preferred, mask: mask, gfp: request.gfp,
        highestIndex: highestIndex, order: request.order, directReclaim: !fallbackWithoutMask && request.gfp.contains(.directReclaim),
        outcome: &outcome)
      if served == nil && fallbackWithoutMask {
        if unmaskedCandidates[position] == nil {
          unmaskedCandidates[position] = candidateZones(preferred: preferred, mask: nil, gfp: request.gfp, highestIndex: highestIndex)
        }
        served = allocateOne(
          candidates: unmaskedCandidates[position]!, cpuIndex: cpuIndex, cpuNode: cpuNode, preferred: preferred, mask: nil,
          gfp: request.gfp, highestIndex: highestIndex, order: request.order, directReclaim: request.gfp.contains(.directReclaim),
          outcome: &outcome)
      }
      guard let zone = served else {
        outcome.failures += 1
        continue
      }
      servedCounts[zone] += pages
      if let interleaveTarget, zones[zone].reference.node == interleaveTarget { stats[zoneNode[zone]].interleaveHit += pages }
    }
    for (zone, count) in servedCounts.enumerated() where count > 0 { outcome.served[zones[zone].reference] = count }
    return outcome
  }

  /// The zones of `preferred`'s list an allocation may use, in order.
  ///
  /// Kernel: `for_next_zone_zonelist_nodemask()` over `node_zonelist(preferred, gfp)`.
  func candidateZones(preferred: NodeID, mask: Set<NodeID>?, gfp: GFPFlags, highestIndex: Int) -> [Int] {
    let lists = build[preferred] ?? build.lists.first!
    let list = gfp.contains(.thisNode) ? lists.thisNode : lists.fallback
    let highest = profile.zoneTypes[highestIndex]
    var candidates: [Int] = []
    for reference in list where reference.type <= highest && (mask?.contains(reference.node) ?? true) {
      if let index = zoneIndex[reference] { candidates.append(index) }
    }
    return candidates
  }

  /// One allocation: the fast path at the low watermark, then the slow path at min.
  mutating func allocateOne(
    candidates: [Int], cpuIndex: Int, cpuNode: NodeID, preferred: NodeID, mask: Set<NodeID>?, gfp: GFPFlags, highestIndex: Int,
    order: Int, directReclaim: Bool, outcome: inout Outcome
  ) -> Int? {
    let highest = profile.zoneTypes[highestIndex]
    guard let preferredZone = candidates.first else {
      if outcome.firstFailure.isEmpty { outcome.firstFailure = ["no zone at or below \(highest.kernelName) in node \(preferred)'s list\(mask.map { " within nodes \(IDList.format($0.map(\.rawValue)))" } ?? "")"] }
      return nil
    }
    // Fast path. Kernel: get_page_from_freelist() with ALLOC_WMARK_LOW.
    for zone in candidates where watermarkOK(zone, mark: .low, order: order, highestIndex: highestIndex, gfp: gfp) {
      take(zone, cpuIndex: cpuIndex, order: order)
      count(zone: zone, preferredZone: preferredZone, cpuNode: cpuNode, order: order)
      return zone
    }
    // Slow path. Kernel: __alloc_pages_slowpath(): wake kswapd, retry at ALLOC_WMARK_MIN
    // (less with __GFP_HIGH / atomic reserves).
    if gfp.contains(.kswapdReclaim) {
      for zone in candidates { outcome.kswapdWoken.insert(zones[zone].reference.node) }
    }
    var reasons: [String] = []
    for zone in candidates {
      if watermarkOK(zone, mark: .min, order: order, highestIndex: highestIndex, gfp: gfp) {
        take(zone, cpuIndex: cpuIndex, order: order)
        count(zone: zone, preferredZone: preferredZone, cpuNode: cpuNode, order: order)
        return zone
      }
      let state = zones[zone]
      reasons.append(
        "\(state.reference): free \(state.free) - \((1 << order) - 1) <= min \(reserveMark(state.min, gfp: gfp)) + protection \(state.protection[highestIndex])")
    }
    if outcome.firstFailure.isEmpty {
      outcome.firstFailure = reasons + [directReclaim ? "nothing reclaimable: direct reclaim fails, the kernel would invoke the OOM killer" : "no direct reclaim allowed: the allocation fails"]
    }
    return nil
  }

  /// Kernel: the min watermark after `__zone_watermark_ok()`'s reserve cuts:
  /// `ALLOC_MIN_RESERVE` (`__GFP_HIGH`) halves it; `ALLOC_NON_BLOCK` (no direct reclaim) takes a quarter more.
  func reserveMark(_ mark: Int, gfp: GFPFlags) -> Int {
    var value = mark
    if gfp.contains(.high) { value -= value / 2 }
    if !gfp.contains(.directReclaim) && gfp.contains(.high) { value -= value / 4 }
    return value
  }

  /// Kernel: `zone_watermark_fast()` / `__zone_watermark_ok()` for order 0 (free pages
  /// above the mark plus `lowmem_reserve[highest_zoneidx]`).
  func watermarkOK(_ zone: Int, mark: Mark, order: Int, highestIndex: Int, gfp: GFPFlags) -> Bool {
    let value = mark == .low ? zones[zone].low : reserveMark(zones[zone].min, gfp: gfp)
    return zones[zone].free - ((1 << order) - 1) > value + zones[zone].protection[highestIndex]
  }

  /// Takes pages from a zone: order 0 through the CPU's list, refilled from the zone.
  ///
  /// Kernel: `rmqueue_pcplist()` with `nr_pcp_alloc()` (6.7 on) or `pcp->batch`; higher
  /// orders from `rmqueue_buddy()`.
  mutating func take(_ zone: Int, cpuIndex: Int, order: Int) {
    guard order == 0 else {
      zones[zone].free -= 1 << order
      return
    }
    var list = perCPU[cpuIndex][zone]
    list.freeCount >>= 1
    list.freeFactor >>= 1
    if list.count > 0 {
      list.count -= 1
      perCPU[cpuIndex][zone] = list
      return
    }
    let state = (batch: zones[zone].batch, highMin: zones[zone].highMin, highMax: zones[zone].highMax, belowHigh: zones[zone].belowHigh)
    if list.count == 0 {
      var batch = state.batch
      if autoTunedHigh {
        list.high = Swift.min(Swift.max(list.high, state.highMin), state.highMax)
        if list.high >= state.batch {
          batch = state.batch << list.allocFactor
          if state.highMin != state.highMax && !state.belowHigh { list.high = Swift.min(list.high + batch, state.highMax) }
          let maxAlloc = Swift.max(list.high - list.count - state.batch, state.batch)
          if batch <= maxAlloc && list.allocFactor < 5 { list.allocFactor += 1 }
          batch = Swift.min(batch, maxAlloc)
        } else {
          batch = 1
        }
      }
      let refill = Swift.max(1, Swift.min(batch, zones[zone].free))
      zones[zone].free -= refill
      list.count += refill
    }
    list.count -= 1
    perCPU[cpuIndex][zone] = list
    // Kernel (6.7 on): a zone that fails the high watermark is marked ZONE_BELOW_HIGH.
    if autoTunedHigh { zones[zone].belowHigh = zones[zone].free <= zones[zone].high }
  }

  /// Kernel: `zone_statistics()`.
  mutating func count(zone: Int, preferredZone: Int, cpuNode: NodeID, order: Int) {
    let node = zoneNode[zone]
    let preferredNode = zoneNode[preferredZone]
    let pages = 1 << order
    if node == preferredNode {
      stats[node].numaHit += pages
    } else {
      stats[node].numaMiss += pages
      stats[preferredNode].numaForeign += pages
    }
    if zones[zone].reference.node == cpuNode { stats[node].localNode += pages } else { stats[node].otherNode += pages }
  }

  /// Frees pages of `zone` from `cpu`: order 0 onto the CPU's list, which spills back to
  /// the zone in batches above its high mark.
  ///
  /// Kernel: `free_unref_page_commit()` with `nr_pcp_high()` and `nr_pcp_free()`.
  public mutating func free(_ reference: ZoneReference, pages: Int, cpu: CPUID, order: Int = 0) throws(SimulationError) {
    guard let cpuIndex = cpus.firstIndex(of: cpu) else { throw .unknownCPU(cpu) }
    guard let zone = zoneIndex[reference] else { throw .unknownZone(reference) }
    guard order == 0 else {
      zones[zone].free += pages
      return
    }
    let state = zones[zone]
    var list = perCPU[cpuIndex][zone]
    for _ in 0..<pages {
      list.allocFactor >>= 1
      list.count += 1
      let batch = state.batch
      var high: Int
      if autoTunedHigh {
        if list.freeCount < (batch << 5) { list.freeCount += 1 }
        list.high = Swift.min(Swift.max(list.high, state.highMin), state.highMax)
        high = list.high
        if state.highMin != state.highMax && zones[zone].belowHigh {
          list.high = Swift.max(list.high - Swift.max(list.freeCount, batch), state.highMin)
          high = list.high
        } else if state.highMin != state.highMax {
          list.high = Swift.min(list.high + batch, state.highMax)
          high = list.high
        }
      } else {
        high = state.highMin
      }
      if high > 0 && list.count >= high {
        let drained: Int
        if high < batch {
          drained = 1
        } else if autoTunedHigh {
          drained = Swift.min(Swift.max(list.freeCount, batch), Swift.max(batch, high - batch))
        } else {
          var amount = batch << list.freeFactor
          if amount < high - batch { list.freeFactor += 1 }
          amount = Swift.min(Swift.max(amount, batch), Swift.max(batch, high - batch))
          drained = amount
        }
        let moved = Swift.min(drained, list.count)
        list.count -= moved
        zones[zone].free += moved
        if autoTunedHigh && zones[zone].free > zones[zone].high { zones[zone].belowHigh = false }
      } else if high == 0 {
        list.count -= 1
        zones[zone].free += 1
      }
    }
    perCPU[cpuIndex][zone] = list
  }

  /// Kernel: the page accounting: per zone, free + pages on per-CPU lists + allocated = managed.
  public func pagesOnLists(_ reference: ZoneReference) -> Int {
    guard let zone = zoneIndex[reference] else { return 0 }
    return perCPU.reduce(0) { $0 + $1[zone].count }
  }
}

/// A request the simulator refuses.
public enum SimulationError: Error, Hashable, Sendable, CustomStringConvertible {
  case unknownCPU(CPUID)
  case unknownNode(NodeID)
  case unknownZone(ZoneReference)
  case orderTooLarge(Int)
  case badFlags
  public var description: String {
    switch self {
    case .unknownCPU(let cpu): "CPU \(cpu) does not exist on this machine"
    case .unknownNode(let node): "node \(node) does not exist on this machine"
    case .unknownZone(let zone): "zone \(zone) does not exist on this machine"
    case .orderTooLarge(let order): "order \(order) is beyond the maximum, 10 (MAX_PAGE_ORDER)"
    case .badFlags: "the zone modifiers combine in a way gfp_zone() rejects"
    }
  }
}
