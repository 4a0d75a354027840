extension AllocatorSimulator.StartState {
  /// The per-CPU list that holds the pageblock-order page a run of huge-page faults left behind,
  /// when a snapshot lets the model tell: kernels before 6.7, an odd count of THP faults since boot.
  ///
  /// A THP fault takes its order-9 page through the per-CPU lists, and an empty list is refilled
  /// with `max(batch >> order, 2)` = 2 blocks: the fault takes one and leaves the other on the
  /// CPU's movable THP list, where the next fault finds it. After an odd number of faults one
  /// order-9 page (512 pages of `count:`) is left on the list of the CPU that faulted, for the zone
  /// of its own node (the default policy allocates locally); no order-0 allocation can take it.
  /// The snapshot does not say which CPU faulted: the model takes the smallest listed count of 512
  /// pages or more among the lists of a CPU for its own node's zones (in the captures the other
  /// lists that large hold order-0 pages of boot activity). From 6.7 `decay_pcp_high()` frees
  /// pages of every list above its decaying `high` each second (round-robin over the lists, the
  /// THP list included), so whether the page is still listed is unknown, and nothing is assumed.
  ///
  /// Kernel: `__rmqueue_pcplist()` (6.1) and `nr_pcp_alloc()` (6.12) for `order` = `pageblock_order`
  /// (`pcp_allowed_order()`), `rmqueue_bulk()`; `decay_pcp_high()` from 6.7; `thp_fault_alloc` in
  /// `/proc/vmstat` counts the faults.
  ///
  /// - Parameter hugePageFaults: the snapshot's `thp_fault_alloc`.
  /// - Returns: the CPU and zone, or nil when no list can be told.
  public static func hugePageRefillLeftover(zoneinfo: Zoneinfo, topology: Topology, profile: KernelProfile, hugePageFaults: Int)
    -> (cpu: CPUID, zone: ZoneReference)?
  {
    guard profile.version < KernelVersion(6, 7), hugePageFaults % 2 == 1 else { return nil }
    let blockPages = 1 << BuddyZone.pageblockOrder
    var best: (cpu: CPUID, zone: ZoneReference, count: Int)? = nil
    for entry in zoneinfo.entries {
      for (cpu, count) in entry.perCPUCounts.sorted(by: { $0.key < $1.key })
      where count >= blockPages && topology.node(ofCPU: cpu) == entry.node && count < (best?.count ?? .max) {
        best = (cpu, ZoneReference(node: entry.node, type: entry.type), count)
      }
    }
    return best.map { ($0.cpu, $0.zone) }
  }
}
