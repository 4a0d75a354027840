extension AllocatorSimulator {
  /// What an attempt may do. Kernel: `alloc_flags` (`ALLOC_WMARK_*`, `ALLOC_NOFRAGMENT`,
  /// `ALLOC_MIN_RESERVE`, `ALLOC_NON_BLOCK`, `ALLOC_HIGHATOMIC`, `ALLOC_KSWAPD`).
  struct Attempt {
    enum Mark { case min, low }
    var mark: Mark
    var noFragment = false
    var minReserve = false
    var nonBlock = false
    var highAtomic = false
    var kswapd = false
    /// Kernel: `ALLOC_RESERVES`.
    var reserves: Bool { minReserve || nonBlock || highAtomic }
  }

  /// Where a policy sends the allocations of a request. Kernel: what `policy_nodemask()`
  /// returns (the preferred node and the nodemask) and how `alloc_pages_mpol()` uses it.
  struct PolicyPlan: Hashable, Sendable {
    /// The preferred node, or nil when each allocation's comes from the interleave.
    var preferred: NodeID?
    /// Whether the policy's nodes mask the walk.
    var masked: Bool
    /// Preferred-many: the masked walk without direct reclaim, then every node.
    var thenEveryNode: Bool
  }

  /// The plan of `policy` (its memoryless nodes already dropped) for a task on `cpuNode`
  /// asking for zones up to `highest`.
  ///
  /// Kernel: `policy_nodemask()` with `apply_policy_zone()` in `mm/mempolicy.c`: bind's mask
  /// applies when the request may use `policy_zone` (or is movable); preferred-many's always
  /// (`alloc_pages_preferred_many()`).
  static func plan(_ policy: MemoryPolicy, cpuNode: NodeID, highest: ZoneType, policyZone: ZoneType) -> PolicyPlan {
    switch policy.mode {
    case .default, .local: PolicyPlan(preferred: cpuNode, masked: false, thenEveryNode: false)
    case .interleave, .weightedInterleave: PolicyPlan(preferred: nil, masked: false, thenEveryNode: false)
    case .preferred: PolicyPlan(preferred: policy.nodes.first ?? cpuNode, masked: false, thenEveryNode: false)
    case .bind: PolicyPlan(preferred: cpuNode, masked: highest >= policyZone || highest == .movable, thenEveryNode: false)
    case .preferredMany: PolicyPlan(preferred: cpuNode, masked: true, thenEveryNode: true)
    }
  }

  /// Serves a request.
  ///
  /// - Complexity: O(*count* × *z*) for *z* zones in the zonelist, plus the buddy work; runs
  ///   of allocations from one per-CPU list take O(1) each.
  public mutating func allocate(_ request: Request) throws(SimulationError) -> Outcome {
    guard let cpuIndex = cpus.firstIndex(of: request.cpu), let cpuNode = topology.node(ofCPU: request.cpu) else {
      throw .unknownCPU(request.cpu)
    }
    guard let highest = request.gfp.highestZoneType(in: profile.zoneTypes) else { throw .badFlags }
    guard (0...BuddyZone.maxOrder).contains(request.order) else { throw .orderTooLarge(request.order) }
    for node in request.policy.nodes where topology.nodes[node] == nil { throw .unknownNode(node) }
    let highestIndex = profile.zoneTypes.firstIndex(of: highest)!
    var outcome = Outcome()
    let policy = request.policy.keepingNodesWithMemory(topology)
    let plan = Self.plan(policy, cpuNode: cpuNode, highest: highest, policyZone: build.policyZone)
    let policyMask = Set(policy.nodes)
    // Candidate zones by preferred node position: with the policy's mask, and without.
    var maskedCandidates = [[Int]?](repeating: nil, count: plan.masked ? topology.nodeIDs.count : 0)
    func candidates(_ position: Int, masked: Bool) -> [Int] {
      guard masked else { return unmaskedCandidates(position, gfp: request.gfp, highestIndex: highestIndex) }
      if let list = maskedCandidates[position] { return list }
      let list = candidateZones(preferred: topology.nodeIDs[position], mask: policyMask, gfp: request.gfp, highestIndex: highestIndex)
      maskedCandidates[position] = list
      return list
    }
    let cpuNodePosition = nodePosition[cpuNode]!
    let interleave = plan.preferred == nil
    let interleavePositions = interleaveRound(policy, cpuNode: cpuNode)
    let fixedPosition = nodePosition[plan.preferred ?? cpuNode]!
    let fixedCandidates = candidates(fixedPosition, masked: plan.masked)
    var walk = Walk(cpuIndex: cpuIndex, cpuNodePosition: cpuNodePosition, gfp: request.gfp, highestIndex: highestIndex, order: request.order)
    var servedCounts = [Int](repeating: 0, count: zones.count)
    let pages = 1 << request.order
    let directReclaim = request.gfp.contains(.directReclaim)
    // Interleave: per preferred node position, the per-CPU list its last allocation came from.
    var listOf = [ListInUse?](repeating: nil, count: interleave ? topology.nodeIDs.count : 0)
    var walks = 0
    var roundsFailedAfterWalk: Int? = nil
    var i = -1
    while i + 1 < request.count {
      i += 1
      var position = fixedPosition
      var zoneList = fixedCandidates
      if interleave {
        position =
          request.taskInterleave
          ? nodePosition[nextTaskInterleaveNode(policy, cpuNode: cpuNode)]!
          : interleavePositions[(request.interleaveStart + i) % interleavePositions.count]
        if shortcuts.contains(.interleaveRuns), !request.taskInterleave {
          // Rounds that could not be taken cannot be until another walk.
          let rounds: Int? = roundsFailedAfterWalk == walks ? 0 : takeRounds(
            cycle: interleavePositions, from: (request.interleaveStart + i) % interleavePositions.count, upTo: request.count - i, lists: &listOf,
            walks: walks, walk: walk, countsHits: policy.mode == .interleave, into: &outcome, served: &servedCounts)
          if let rounds, rounds > 0 {
            i += rounds - 1
            continue
          }
          if rounds == 0 { roundsFailedAfterWalk = walks }
          if var use = listOf[position], let zone = takeAgain(&use, walks: walks, walk: walk, into: &outcome) {
            listOf[position] = use
            servedCounts[zone] += pages
            if policy.mode == .interleave && zoneNode[zone] == position { stats[zoneNode[zone]].interleaveHit += 1 }
            continue
          }
        }
        zoneList = candidates(position, masked: false)
      }
      let preferred = topology.nodeIDs[position]
      walks += 1
      var served = allocateOne(
        candidates: zoneList, walk: walk, preferred: preferred, mask: plan.masked ? policyMask : nil,
        directReclaim: directReclaim && !plan.thenEveryNode, outcome: &outcome)
      let fromList = served?.list
      if served == nil && plan.thenEveryNode {
        served = allocateOne(
          candidates: candidates(position, masked: false), walk: walk, preferred: preferred, mask: nil, directReclaim: directReclaim,
          outcome: &outcome)
      }
      guard let served else {
        outcome.failures += 1
        if request.stopsAtFailure { break }
        continue
      }
      let zone = served.zone
      servedCounts[zone] += pages
      outcome.record.append(zone: zone, page: served.page, order: request.order)
      // Kernel: MPOL_INTERLEAVE counts interleave_hit on the target node (weighted interleave does not).
      if policy.mode == .interleave && zoneNode[zone] == position { stats[zoneNode[zone]].interleaveHit += 1 }
      if interleave {
        listOf[position] = fromList.map { ListInUse(list: $0, checkedAfterWalk: nil) }
        continue
      }
      // Served from a per-CPU list on the fast path: the zones before this one are unchanged and
      // still refused; if this one still passes its check (a refill may have taken it below its
      // mark), taking pages off the list changes nothing the walk reads, so the next allocations
      // come from the same list until it is empty.
      if shortcuts.contains(.listRuns), i + 1 < request.count, let list = fromList,
        zoneUsable(zone, attempt: Attempt(mark: .low), order: request.order, highestIndex: highestIndex)
      {
        let taken = takeRun(list, upTo: request.count - 1 - i, movable: walk.movable, into: &outcome.record)
        i += taken
        if recordZoneStatistics(zone: zone, preferredZone: list.preferredZone, cpuNodePosition: cpuNodePosition, events: taken) {
          outcome.remotePages += taken * pages
        }
        servedCounts[zone] += taken * pages
      }
    }
    for (zone, count) in servedCounts.enumerated() where count > 0 { outcome.served[zones[zone].reference] = count }
    return outcome
  }

  /// What every allocation of a request shares.
  struct Walk {
    var cpuIndex: Int
    var cpuNodePosition: Int
    var gfp: GFPFlags
    var highestIndex: Int
    var order: Int
    var type: MigrateType { gfp.migrateType }
    var movable: Bool { gfp.migrateType == .movable }
  }

  /// A per-CPU list an allocation came from on the fast path (at the low mark, every zone
  /// before its zone refused by its check alone): the next allocations of the same walk take
  /// from it until it is empty.
  struct PerCPUList: Hashable {
    /// The page set (`cpu * zones.count + zone`) and the list in it.
    var set: Int
    var index: Int
    var zone: Int
    var preferredZone: Int
  }

  /// Where an allocation was served: the block, and the per-CPU list it came from when the
  /// next allocations may take from the same list.
  struct Served {
    var zone: Int
    var page: Int
    var list: PerCPUList?
  }

  /// One allocation: the fast path at the low watermark, then the slow path at min.
  ///
  /// Kernel: `__alloc_pages()`: `get_page_from_freelist()` with `ALLOC_WMARK_LOW` and
  /// `alloc_flags_nofragment()`, then `__alloc_pages_slowpath()` with `gfp_to_alloc_flags()`.
  mutating func allocateOne(
    candidates: [Int], walk: Walk, preferred: NodeID, mask: Set<NodeID>?, directReclaim: Bool, outcome: inout Outcome
  ) -> Served? {
    let (gfp, highestIndex, order) = (walk.gfp, walk.highestIndex, walk.order)
    let highest = profile.zoneTypes[highestIndex]
    walkCount += 1
    guard let preferredZone = candidates.first else {
      if outcome.firstFailure.isEmpty {
        outcome.firstFailure = [
          "no zone at or below \(highest.kernelName) in node \(preferred)'s list\(mask.map { " within nodes \(IDList.format($0.map(\.rawValue)))" } ?? "")"
        ]
      }
      return nil
    }
    var fast = Attempt(mark: .low, kswapd: gfp.contains(.kswapdReclaim))
    fast.noFragment = noFragmentZones[preferredZone]
    if let page = pageFromFreelist(
      candidates: candidates, attempt: fast, walk: walk, outcome: &outcome)
    {
      return page
    }
    // Slow path: wake kswapd, retry at min with the reserves the flags allow.
    if gfp.contains(.kswapdReclaim) {
      for zone in candidates { outcome.kswapdWoken.insert(zones[zone].reference.node) }
    }
    var slow = Attempt(mark: .min, kswapd: gfp.contains(.kswapdReclaim))
    slow.minReserve = gfp.contains(.high)
    // Kernel: gfp_to_alloc_flags(): __GFP_NOMEMALLOC (THP faults) gets no ALLOC_NON_BLOCK.
    slow.nonBlock = !directReclaim && !gfp.contains(.noMemAlloc)
    slow.highAtomic = slow.nonBlock && order > 0 && slow.minReserve
    if let page = pageFromFreelist(
      candidates: candidates, attempt: slow, walk: walk, outcome: &outcome)
    {
      return page
    }
    // A non-blocking __GFP_HIGH request (GFP_ATOMIC) loses ALLOC_CPUSET: the retry drops the
    // policy's nodemask. Kernel: gfp_to_alloc_flags() and the nodemask reset in the slow path.
    if mask != nil && slow.minReserve && slow.nonBlock {
      let everyNode = candidateZones(preferred: preferred, mask: nil, gfp: gfp, highestIndex: highestIndex)
      if let page = pageFromFreelist(
        candidates: everyNode, attempt: slow, walk: walk, outcome: &outcome)
      {
        return page
      }
    }
    if outcome.firstFailure.isEmpty {
      var reasons: [String] = []
      for zone in candidates {
        let state = zones[zone]
        let mark = reserveMark(state.min, attempt: slow)
        if state.free - ((1 << order) - 1) - unusableHighAtomic(zone, attempt: slow) <= mark + state.protection[highestIndex] {
          reasons.append(
            "\(state.reference): free \(state.free) - \((1 << order) - 1) <= min \(mark) + protection \(state.protection[highestIndex])")
        } else {
          reasons.append("\(state.reference): free \(state.free) above min \(mark), but no free block of order \(order) or more")
        }
      }
      outcome.firstFailure =
        reasons + [
          directReclaim
            ? "nothing reclaimable: direct reclaim and compaction fail, the kernel would invoke the OOM killer"
            : "no direct reclaim allowed: the allocation fails"
        ]
    }
    return nil
  }

  /// Kernel: `get_page_from_freelist()`.
  mutating func pageFromFreelist(candidates: [Int], attempt: Attempt, walk: Walk, outcome: inout Outcome) -> Served? {
    let (order, highestIndex) = (walk.order, walk.highestIndex)
    var attempt = attempt
    let preferredZone = candidates[0]
    // Whether every zone before the serving one was refused by its check alone (no failed
    // take, no retry): only then may the next allocations skip the walk.
    var refusedByChecksOnly = true
    retry: while true {
      let noFallback = attempt.noFragment
      for zone in candidates {
        if noFallback && onlineNodeCount > 1 && zone != preferredZone && zoneNode[zone] != zoneNode[preferredZone] {
          // Locality matters more than fragmentation: retry allowing fragmenting fallbacks.
          // (The zones before were refused by their checks, or a take failed: the retry walks
          // them alike, so the serving zone's list may still serve the next allocations.)
          attempt.noFragment = false
          continue retry
        }
        let usable = zoneUsable(zone, attempt: attempt, order: order, highestIndex: highestIndex)
        guard usable else { continue }
        if let (page, list) = takePages(zone, cpuIndex: walk.cpuIndex, order: order, type: walk.type, attempt: attempt, outcome: &outcome) {
          if recordZoneStatistics(zone: zone, preferredZone: preferredZone, cpuNodePosition: walk.cpuNodePosition, events: 1) {
            outcome.remotePages += 1 << order
          }
          let runs = attempt.mark == .low && !attempt.highAtomic && refusedByChecksOnly
          return Served(
            zone: zone, page: page, list: runs ? list.map { PerCPUList(set: $0.set, index: $0.index, zone: zone, preferredZone: preferredZone) } : nil)
        }
        refusedByChecksOnly = false
      }
      if noFallback {
        attempt.noFragment = false
        refusedByChecksOnly = false
        continue retry
      }
      return nil
    }
  }

  /// Whether a zone passes the walk's check: from 6.7 the high watermark first (failing it marks
  /// the zone `ZONE_BELOW_HIGH`), then the attempt's mark. Kernel: `get_page_from_freelist()`.
  mutating func zoneUsable(_ zone: Int, attempt: Attempt, order: Int, highestIndex: Int) -> Bool {
    if autoTunedHigh && !zones[zone].belowHigh {
      if watermarkFast(zone, order: order, mark: zones[zone].high, highestIndex: highestIndex, attempt: attempt) { return true }
      zones[zone].belowHigh = true
    }
    let mark = attempt.mark == .low ? zones[zone].low : zones[zone].min
    return watermarkFast(zone, order: order, mark: mark, highestIndex: highestIndex, attempt: attempt)
  }

  /// Kernel: the min watermark after `__zone_watermark_ok()`'s reserve cuts:
  /// `ALLOC_MIN_RESERVE` (`__GFP_HIGH`) halves it; `ALLOC_NON_BLOCK` with it takes a quarter more.
  func reserveMark(_ mark: Int, attempt: Attempt) -> Int {
    guard attempt.reserves && attempt.minReserve else { return mark }
    var value = mark - mark / 2
    if attempt.nonBlock { value -= value / 4 }
    return value
  }

  /// Kernel: `__zone_watermark_unusable_free()` without the order term: the high-atomic
  /// reserve for callers without `ALLOC_RESERVES` (6.1 counts whole reserved pageblocks, 6.12 free pages in them).
  func unusableHighAtomic(_ zone: Int, attempt: Attempt) -> Int {
    guard !attempt.reserves else { return 0 }
    return zones[zone].buddy.rules == .claimThenSteal ? zones[zone].buddy.freeHighAtomicPages : zones[zone].buddy.reservedHighAtomicPages
  }

  /// Kernel: `zone_watermark_fast()` and `__zone_watermark_ok()`.
  func watermarkFast(_ zone: Int, order: Int, mark: Int, highestIndex: Int, attempt: Attempt) -> Bool {
    let protection = zones[zone].protection[highestIndex]
    let unusable = unusableHighAtomic(zone, attempt: attempt)
    let free = zones[zone].buddy.freePages
    if order == 0 {
      let usable = free - Swift.min(free, unusable)
      if usable > mark + protection { return true }
    }
    guard free - ((1 << order) - 1) - unusable > reserveMark(mark, attempt: attempt) + protection else { return false }
    if order == 0 { return true }
    for current in order...BuddyZone.maxOrder where zones[zone].buddy.blocks(order: current) > 0 {
      for type in MigrateType.perCPUTypes where zones[zone].buddy.blocks(order: current, type: type) > 0 { return true }
      if attempt.highAtomic && zones[zone].buddy.blocks(order: current, type: .highAtomic) > 0 { return true }
    }
    return false
  }

  /// Counts `events` allocations (one each, whatever their order); returns whether they left
  /// the preferred node. Kernel: `zone_statistics(preferred_zone, zone, 1)`.
  @discardableResult
  mutating func recordZoneStatistics(zone: Int, preferredZone: Int, cpuNodePosition: Int, events: Int) -> Bool {
    let node = zoneNode[zone]
    let preferredNode = zoneNode[preferredZone]
    if node == cpuNodePosition { stats[node].localNode += events } else { stats[node].otherNode += events }
    if node == preferredNode {
      stats[node].numaHit += events
      return false
    }
    stats[node].numaMiss += events
    stats[preferredNode].numaForeign += events
    return true
  }

}
