extension Workload.Step {
  /// Whether the step holds pages a `free:` step can give back (an allocation or a demotion).
  public var holdsPages: Bool {
    switch self {
    case .allocate, .demote: true
    case .free, .online, .idle: false
    }
  }
}

extension WorkloadRun {
  /// One `demote:` step: takes `pages` pages on `node` from the earlier steps, oldest first,
  /// allocates each block where demotion puts it, and frees the source block.
  ///
  /// Kernel: `demote_folio_list()` → `migrate_pages()` with `alloc_demote_folio()` in
  /// `mm/vmscan.c`; a block no allowed node can take stays where it was (the kernel then
  /// reclaims it instead). The target is the lowest node of the preferred set (the kernel
  /// picks one at random per reclaim batch, `node_random()`).
  mutating func runDemotion(
    from node: NodeID, pages: Int, cpu: CPUID, targets: DemotionTargets?, taken: inout [Int: Taken], into result: inout StepResult
  ) throws(SimulationError) -> Taken {
    guard let targets, let target = targets.preferred.first else {
      result.description = "demote \(pages) pages from node \(node): no demotion target (the node is in the last tier)"
      result.failures = pages
      result.failureReasons = ["node \(node) has no demotion target: reclaim would not demote, it discards or swaps"]
      return Taken()
    }
    result.description = "demote \(pages) pages from node \(node) to \(target) (preferred \(IDList.format(targets.preferred.map(\.rawValue))), allowed \(IDList.format(targets.allowed.map(\.rawValue))))"
    var demoted = Taken()
    var left = pages
    var woken: Set<NodeID> = []
    let zoneNodes = simulator.zones.map(\.reference.node)
    for step in taken.keys.sorted() where left > 0 {
      let (source, rest) = taken[step]!.record.splitting(pages: left) { zoneNodes[$0] == node }
      guard !source.isEmpty else { continue }
      var movedPages = 0
      for (order, count) in source.blocksByOrder {
        let outcome = try simulator.demote(blocks: count, order: order, target: target, allowed: Set(targets.allowed), cpu: cpu)
        for (zone, served) in outcome.served { demoted.pages[zone, default: 0] += served }
        demoted.record.append(outcome.record)
        woken.formUnion(outcome.kswapdWoken)
        result.failures += outcome.failures
        if result.failureReasons.isEmpty { result.failureReasons = outcome.firstFailure }
        movedPages += (count - outcome.failures) << order
      }
      // Blocks that found no target stay on the source (once every allowed node is full,
      // every later block fails too: the moved ones are the first).
      let (moved, stayed) = source.splitting(pages: movedPages) { _ in true }
      try simulator.free(moved, cpu: cpu)
      for (zone, count) in moved.pagesByZone(simulator.zones.map(\.reference)) {
        taken[step]!.pages[zone, default: 0] -= count
        result.pages[zone, default: 0] -= count
      }
      var kept = rest
      kept.append(stayed)
      taken[step]!.record = kept
      left -= moved.pages
    }
    for (zone, count) in demoted.pages { result.pages[zone, default: 0] += count }
    result.kswapdWoken = woken.sorted()
    if left > 0 && result.failures == 0 {
      result.description += "; only \(pages - left) pages of node \(node) were held by earlier steps"
    }
    return demoted
  }
}

extension AllocationRecord {
  /// Pages held per zone, `zones` naming each zone index.
  func pagesByZone(_ zones: [ZoneReference]) -> [ZoneReference: Int] {
    var result: [ZoneReference: Int] = [:]
    forEachZoneRun { result[zones[$0.zone], default: 0] += $0.count << $0.order }
    return result
  }
}
