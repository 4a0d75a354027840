/// The transparent-huge-page settings of a run.
///
/// Kernel: `/sys/kernel/mm/transparent_hugepage/{enabled,defrag}` (`transparent_hugepage_flags`),
/// `vma_thp_gfp_mask()` in `mm/huge_memory.c`.
public struct TransparentHugePages: Hashable, Sendable {
  public enum Enabled: String, Hashable, Sendable, CaseIterable { case always, madvise, never }
  public enum Defrag: String, Hashable, Sendable, CaseIterable {
    case always, `defer`
    case deferMadvise = "defer+madvise"
    case madvise, never
  }
  /// A mapping's `madvise()` advice.
  public enum Advice: String, Hashable, Sendable, CaseIterable {
    case hugepage, nohugepage
  }
  public var enabled: Enabled
  public var defrag: Defrag
  public init(enabled: Enabled, defrag: Defrag = .madvise) {
    self.enabled = enabled
    self.defrag = defrag
  }

  /// Whether anonymous faults of a mapping with `advice` try a PMD-sized folio.
  ///
  /// Kernel: `__thp_vma_allowable_orders()`: `VM_NOHUGEPAGE` never; `always`, or `madvise`
  /// with `VM_HUGEPAGE`.
  public func faultsHugePages(advice: Advice?) -> Bool {
    switch (enabled, advice) {
    case (_, .nohugepage?), (.never, _): false
    case (.always, _): true
    case (.madvise, let advice): advice == .hugepage
    }
  }

  /// The GFP mask of a huge-page fault.
  ///
  /// Kernel: `vma_thp_gfp_mask()`: `GFP_TRANSHUGE_LIGHT` (`GFP_HIGHUSER_MOVABLE` without
  /// reclaim, with `__GFP_NOMEMALLOC`; `__GFP_COMP`/`__GFP_NOWARN` change nothing modeled), with direct reclaim (and `__GFP_NORETRY` unless madvised) for `always`, kswapd for
  /// `defer`, either by advice for `defer+madvise`, direct reclaim when madvised for `madvise`.
  public func gfp(madvised: Bool) -> GFPFlags {
    let light = GFPFlags.highUserMovable.subtracting([.directReclaim, .kswapdReclaim]).union(.noMemAlloc)
    switch defrag {
    case .always: return light.union(madvised ? .directReclaim : [.directReclaim, .noRetry])
    case .defer: return light.union(.kswapdReclaim)
    case .deferMadvise: return light.union(madvised ? .directReclaim : .kswapdReclaim)
    case .madvise: return madvised ? light.union(.directReclaim) : light
    case .never: return light
    }
  }
}

extension AllocatorSimulator {
  /// Pages of a PMD-sized folio: `HPAGE_PMD_ORDER`.
  public static let hugePageOrder = 9

  /// One huge-page fault's folio: `request` holds the THP mask, order 9, one allocation, and
  /// the huge page's interleave index.
  ///
  /// Kernel: `do_huge_pmd_anonymous_page()` → `vma_alloc_folio(gfp, HPAGE_PMD_ORDER, vma, haddr, true)`:
  /// 6.12 `alloc_pages_mpol()`, 6.1 `vma_alloc_folio()`. Interleave (and weighted interleave)
  /// and preferred-many allocate the usual way; otherwise, when the policy's nodemask allows
  /// the preferred node (the CPU's, or the preferred policy's), the preferred node alone first
  /// (`__GFP_THISNODE|__GFP_NORETRY`), and only with `__GFP_DIRECT_RECLAIM` the usual way after.
  /// The two kernels take the same steps for these policies.
  /// - Returns: the outcome; a failure means the fault falls back to small pages.
  public mutating func allocateHugePage(_ request: Request) throws(SimulationError) -> Outcome {
    guard let cpuNode = topology.node(ofCPU: request.cpu) else { throw .unknownCPU(request.cpu) }
    let policy = request.policy
    switch policy.mode {
    case .interleave, .weightedInterleave, .preferredMany: return try allocate(request)
    case .default, .local, .preferred, .bind: break
    }
    let node = policy.mode == .preferred ? policy.nodes.first ?? cpuNode : cpuNode
    // Kernel: policy_nodemask(): bind's mask applies to a movable request (apply_policy_zone()).
    if policy.mode == .bind && !policy.nodes.contains(node) { return try allocate(request) }
    var local = request
    local.policy = MemoryPolicy(.preferred, nodes: [node])
    local.gfp.formUnion([.thisNode, .noRetry])
    let first = try allocate(local)
    guard first.failures > 0, request.gfp.contains(.directReclaim) else { return first }
    var second = try allocate(request)
    second.kswapdWoken.formUnion(first.kswapdWoken)
    return second
  }
}
