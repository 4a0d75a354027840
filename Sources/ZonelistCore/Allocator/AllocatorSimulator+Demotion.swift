extension AllocatorSimulator {
  /// What demoting a set of pages did.
  public struct DemotionOutcome: Hashable, Sendable {
    /// The node the pages were sent to first. Kernel: `next_demotion_node()`.
    public var target: NodeID
    /// Pages served per zone, first attempt and fallback together.
    public var served: [ZoneReference: Int] = [:]
    /// Pages the first attempt (`__GFP_THISNODE` on the target) served.
    public var onTarget = 0
    /// The new pages, for freeing them later.
    public var record = AllocationRecord()
    /// Blocks that found no page on any allowed node (the kernel leaves them on the source).
    public var failures = 0
    public var firstFailure: [String] = []
    public var kswapdWoken: Set<NodeID> = []
  }

  /// The allocation flags of demotion: `(GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) |
  /// __GFP_NOWARN | __GFP_NOMEMALLOC | GFP_NOWAIT`, kswapd woken, no direct reclaim.
  ///
  /// Kernel: the `migration_target_control` of `demote_folio_list()` in `mm/vmscan.c`.
  public static let demotionFlags: GFPFlags = [.hardwall, .ioFS, .highmem, .movable, .kswapdReclaim]

  /// Allocates `blocks` blocks of 2^`order` pages where demotion puts them.
  ///
  /// Kernel: `alloc_demote_folio()` (6.12: `alloc_migrate_folio()`, 6.1:
  /// `alloc_demote_page()`) in `mm/vmscan.c`: `alloc_migration_target()` on the target with
  /// `__GFP_THISNODE` and no nodemask, then on the target's zonelist restricted to the allowed
  /// nodes (`node_get_allowed_targets()`, the tier's `lower_tier_mask`).
  /// - Parameters:
  ///   - target: The preferred node (`next_demotion_node()` picks one of the preferred set at random).
  ///   - allowed: The allowed nodes.
  ///   - cpu: The CPU reclaim runs on (kswapd's node, or the task's).
  /// - Complexity: O(*blocks* × *z*) for *z* zones in the target's zonelist.
  public mutating func demote(
    blocks: Int, order: Int, target: NodeID, allowed: Set<NodeID>, cpu: CPUID
  ) throws(SimulationError) -> DemotionOutcome {
    guard let cpuIndex = cpus.firstIndex(of: cpu), let cpuNode = topology.node(ofCPU: cpu) else { throw .unknownCPU(cpu) }
    guard topology.nodes[target] != nil else { throw .unknownNode(target) }
    guard (0...BuddyZone.maxOrder).contains(order) else { throw .orderTooLarge(order) }
    let flags = AllocatorSimulator.demotionFlags
    let highestIndex = profile.zoneTypes.firstIndex(of: flags.highestZoneType(in: profile.zoneTypes)!)!
    let thisNode = candidateZones(preferred: target, mask: nil, gfp: flags.union(.thisNode), highestIndex: highestIndex)
    let fallback = candidateZones(preferred: target, mask: allowed, gfp: flags, highestIndex: highestIndex)
    var result = DemotionOutcome(target: target)
    var outcome = Outcome()
    let cpuNodePosition = nodePosition[cpuNode]!
    let onTarget = Walk(cpuIndex: cpuIndex, cpuNodePosition: cpuNodePosition, gfp: flags.union(.thisNode), highestIndex: highestIndex, order: order)
    let anyAllowed = Walk(cpuIndex: cpuIndex, cpuNodePosition: cpuNodePosition, gfp: flags, highestIndex: highestIndex, order: order)
    for _ in 0..<blocks {
      var served = allocateOne(candidates: thisNode, walk: onTarget, preferred: target, mask: nil, directReclaim: false, outcome: &outcome)
      if served != nil { result.onTarget += 1 << order }
      if served == nil {
        served = allocateOne(candidates: fallback, walk: anyAllowed, preferred: target, mask: allowed, directReclaim: false, outcome: &outcome)
      }
      guard let (zone, page) = served.map({ ($0.zone, $0.page) }) else {
        result.failures += 1
        continue
      }
      result.served[zones[zone].reference, default: 0] += 1 << order
      result.record.append(zone: zone, page: page, order: order)
    }
    result.firstFailure = outcome.firstFailure
    result.kswapdWoken = outcome.kswapdWoken
    return result
  }
}

extension AllocationRecord {
  /// Splits off whole blocks, oldest first, until `pages` pages held in zones that
  /// `belongs` accepts are taken (the last block may overshoot).
  ///
  /// Kernel: reclaim isolates folios from the tail of the LRU, the oldest first.
  /// - Returns: The blocks taken (by order) and the record left.
  /// - Complexity: O(runs).
  func splitting(pages: Int, where belongs: (Int) -> Bool) -> (taken: AllocationRecord, rest: AllocationRecord) {
    var taken = AllocationRecord()
    var rest = AllocationRecord()
    var left = pages
    forEachRun { run in
      guard left > 0, belongs(run.zone) else {
        rest.append(run)
        return
      }
      let blockPages = 1 << run.order
      let blocks = Swift.min(run.count, (left + blockPages - 1) / blockPages)
      taken.append(Run(zone: run.zone, start: run.start, order: run.order, count: blocks))
      left -= blocks * blockPages
      if blocks < run.count {
        rest.append(Run(zone: run.zone, start: run.start + blocks << run.order, order: run.order, count: run.count - blocks))
      }
    }
    return (taken, rest)
  }

  /// The record's blocks by order, oldest first: (order, count).
  var blocksByOrder: [(order: Int, count: Int)] {
    var result: [(order: Int, count: Int)] = []
    forEachRun { run in
      if let last = result.last, last.order == run.order {
        result[result.count - 1].count += run.count
      } else {
        result.append((run.order, run.count))
      }
    }
    return result
  }
}
