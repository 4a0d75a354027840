extension AllocatorSimulator {
  /// Kernel: `memory_block_size_bytes()` on x86-64 machines below 64 GiB (`MIN_MEMORY_BLOCK_SIZE`), in pages.
  public static let memoryBlockPages = (128 << 20) / 4096

  /// What onlining hot-added memory did.
  public struct OnlineOutcome: Sendable {
    /// The memory map of the new memory (`struct page` array), allocated when it was added.
    public var memmap: Outcome
    /// Whether the zonelists were rebuilt, and the `Total pages` the rebuild printed (nil when not rebuilt).
    public var rebuilt: Bool
    public var totalPages: Int?
  }

  /// Hot-adds `pages` of memory to `node` and onlines them into `type`, as `add_memory()`
  /// followed by onlining every memory block with `online_pages()`.
  ///
  /// Kernel (`mm/memory_hotplug.c`, `mm/sparse-vmemmap.c`): `add_memory_resource()` →
  /// `__try_online_node()` → `hotadd_init_pgdat()` builds a node that was not online its own
  /// lists only (`build_all_zonelists(pgdat)`); `arch_add_memory()` populates the memory map,
  /// one PMD (512 pages, order 9, `GFP_KERNEL|__GFP_RETRY_MAYFAIL`) per 128 MiB block, from
  /// `alloc_pages_node(nid)`; `online_pages()` into an empty zone rebuilds every list
  /// (`build_all_zonelists(NULL)`, at run time: CPU penalty, `node_load[]` reset), frees the
  /// pages in order-10 blocks to the tail of the movable lists, and `init_per_zone_wmark_min()`
  /// recomputes every zone's watermarks and reserves (`min_free_kbytes` taken as not set by hand).
  ///
  /// Not modeled: the memory-block and section bookkeeping the kernel allocates with slab.
  public mutating func online(
    node id: NodeID, pages: Int, zone type: ZoneType, cpu: CPUID
  ) throws(SimulationError) -> OnlineOutcome {
    guard let before = topology.nodes[id] else { throw .unknownNode(id) }
    guard cpus.contains(cpu) else { throw .unknownCPU(cpu) }
    if !before.isOnline {
      // Kernel: hotadd_init_pgdat() → build_all_zonelists(pgdat) while the node is not yet online.
      let hotAdd = ListsInEffect.model(topology: topology, profile: profile, context: .rebuild(onlining: id), reason: "")
      if let own = hotAdd.build[id] { lists.build.lists = lists.build.lists.filter { $0.node != id } + [own] }
    }
    var memmap = Outcome()
    let memmapPages = pages * 64 / 4096
    for _ in 0..<(memmapPages + 511) / 512 {
      let request = Request(cpu: cpu, policy: MemoryPolicy(.preferred, nodes: [id]), gfp: .kernel, order: 9, count: 1)
      let outcome = try allocate(request)
      memmap.record.append(outcome.record)
      for (zone, count) in outcome.served { memmap.served[zone, default: 0] += count }
      memmap.failures += outcome.failures
      memmap.kswapdWoken.formUnion(outcome.kswapdWoken)
      if memmap.firstFailure.isEmpty { memmap.firstFailure = outcome.firstFailure }
    }
    let wasEmpty = !before[type].isPopulated
    let highBefore = highWatermarks.merging(zones.map { ($0.reference, $0.high) }) { read, _ in read }
    // The rebuild happens when the first block is online.
    let firstBlock = HotplugEvent.online(node: id, zone: type, pages: Pages(Swift.min(pages, Self.memoryBlockPages)))
    var totalPages: Int? = nil
    if wasEmpty {
      let rebuildTopology = firstBlock.applied(to: topology)
      var rebuilt = ListsInEffect.model(
        topology: rebuildTopology, profile: profile, context: .rebuild(onlining: nil),
        reason: "memory onlined into the empty \(type.kernelName) zone of node \(id): a run-time rebuild (CPU penalty, node_load reset)")
      rebuilt.name = "rebuild"
      totalPages = TotalPages.rebuild(rebuilt.build, topology: rebuildTopology) { highBefore[$0] ?? 0 }
      lists = rebuilt
    }
    topology = HotplugEvent.online(node: id, zone: type, pages: Pages(pages)).applied(to: topology)
    // Kernel: init_per_zone_wmark_min() recalculates min_free_kbytes (taken as not set by hand)
    // and, with THP, khugepaged_min_free_kbytes_update().
    var recalculated = tunables
    recalculated.minFreeKibibytes = nil
    let calculator = TuningCalculator(topology: topology, profile: profile, onlineCPUCount: cpus.count)
    addZones(node: id, growing: type, by: pages, tuning: calculator.compute(recalculated))
    highWatermarks = Dictionary(uniqueKeysWithValues: zones.map { ($0.reference, $0.high) })
    return OnlineOutcome(memmap: memmap, rebuilt: wasEmpty, totalPages: totalPages)
  }

  /// Grows zone (`id`, `type`) by `pages` free pages, adding the node's zones first if it had
  /// none, then takes every zone's watermarks, reserves and per-CPU batch/high bounds from `tuning`.
  private mutating func addZones(node id: NodeID, growing type: ZoneType, by pages: Int, tuning: TuningReport) {
    let oldCount = zones.count
    let rules: BuddyZone.Rules = profile.version >= KernelVersion(6, 10) ? .claimThenSteal : .mixedLists
    for zoneType in profile.zoneTypes where zoneIndex[ZoneReference(node: id, type: zoneType)] == nil {
      let reference = ZoneReference(node: id, type: zoneType)
      guard let tune = tuning.zones[reference] else { continue }
      zones.append(
        ZoneState(
          reference: reference, managed: 0, min: tune.min, low: tune.low, high: tune.high, protection: tune.protection,
          batch: tune.batch, highMin: tune.highMin, highMax: tune.highMax, buddy: BuddyZone(pageCount: 0, rules: rules)))
    }
    if zones.count != oldCount {
      // The per-CPU lists are laid out CPU by CPU: re-lay them for the new zone count.
      var sets: [PerCPUPages] = []
      for c in cpus.indices {
        sets += pageSets[(c * oldCount)..<((c + 1) * oldCount)]
        sets += zones[oldCount...].map { PerCPUPages(high: $0.highMin) }
      }
      pageSets = sets
      deriveZoneFacts()
    } else {
      deriveZoneFacts()
    }
    if let z = zoneIndex[ZoneReference(node: id, type: type)] {
      zones[z].buddy.grow(by: pages)
      zones[z].managed += pages
    }
    for z in zones.indices {
      guard let tune = tuning.zones[zones[z].reference] else { continue }
      zones[z].min = tune.min
      zones[z].low = tune.low
      zones[z].high = tune.high
      zones[z].protection = tune.protection
      zones[z].batch = tune.batch
      zones[z].highMin = tune.highMin
      zones[z].highMax = tune.highMax
    }
  }
}
