/// The page counts `build_all_zonelists()` prints after a build.
///
/// Kernel: `vm_total_pages = nr_free_zone_pages(gfp_zone(GFP_HIGHUSER_MOVABLE))` and
/// `page_group_by_mobility_disabled` in `build_all_zonelists()`, `mm/page_alloc.c`.
public enum TotalPages {
  /// Kernel: `pageblock_nr_pages * MIGRATE_TYPES` on Debian's amd64 kernels (512 × 5).
  public static let mobilityGroupingThreshold = 512 * 5

  /// A zone's managed pages at the boot-time build, before the memblock pages are freed.
  ///
  /// Kernel: the `freesize` of `free_area_init_core()`: from 6.10 the present pages; up to
  /// 6.9 the present pages less `calc_memmap_size()` (not in HighMem) and, for zone index 0,
  /// `dma_reserve` (x86-64 only sets it).
  /// - Returns: `nil` when the kernel subtracts `dma_reserve` and it is unknown.
  /// - Parameter movableIsHighmem: Whether ZONE_MOVABLE is carved out of HighMem
  ///   (`is_highmem_idx()`: `movable_zone == ZONE_HIGHMEM`), so that it is charged no memmap either.
  public static func bootManaged(
    _ size: ZoneSize, type: ZoneType, profile: KernelProfile, dmaReserve: Pages?, movableIsHighmem: Bool = false
  ) -> Int? {
    switch profile.bootTotalPages {
    case .present:
      return size.present.rawValue
    case .presentLessMemmapAndDMAReserve:
      var freesize = size.present.rawValue
      let spanned = size.spanned.rawValue
      // Kernel: calc_memmap_size(); the present pages of a zone with holes under SPARSEMEM only.
      let pages = profile.isSparseMemory && spanned > freesize + (freesize >> 4) ? freesize : spanned
      let memmap = (pages * profile.structPageSize + 4095) / 4096
      let isHighmem = type == .highmem || (type == .movable && movableIsHighmem)
      if !isHighmem && freesize >= memmap { freesize -= memmap }
      if type == profile.zoneTypes.first && profile.setsDMAReserve {
        guard let dmaReserve else { return freesize > 0 ? nil : 0 }
        if freesize > dmaReserve.rawValue { freesize -= dmaReserve.rawValue }
      }
      return freesize
    }
  }

  /// `Total pages:` of the boot-time build: every high watermark is still 0.
  ///
  /// Kernel: `nr_free_zone_pages(ZONE_MOVABLE)` over the FALLBACK list of the boot CPU's node.
  /// - Returns: `nil` when the profile needs `dma_reserve` and the topology does not say it.
  public static func boot(_ build: ZonelistBuild, topology: Topology) -> Int? {
    boot(fallback: listForTotal(build, topology: topology), profile: build.profile, topology: topology)
  }

  /// As ``boot(_:topology:)``, from the FALLBACK list of the node ``listForTotal(_:node:topology:)``
  /// picks (`nil` when no list was built).
  public static func boot(fallback list: [ZoneReference]?, profile: KernelProfile, topology: Topology) -> Int? {
    guard let list else { return 0 }
    let movableIsHighmem = topology.movableZoneIsHighmem
    var total = 0
    for reference in NodeZonelists.eligible(list, atOrBelow: .movable) {
      guard
        let managed = bootManaged(
          topology[reference.node][reference.type], type: reference.type, profile: profile,
          dmaReserve: topology.dmaReserve, movableIsHighmem: movableIsHighmem)
      else { return nil }
      total += max(0, managed)
    }
    return total
  }

  /// `Total pages:` of a rebuild, from the current managed pages and high watermarks.
  ///
  /// - Parameter highWatermark: The high watermark (boost included) of a zone.
  public static func rebuild(
    _ build: ZonelistBuild, topology: Topology, highWatermark: (ZoneReference) -> Int
  ) -> Int {
    rebuild(fallback: listForTotal(build, topology: topology), topology: topology, highWatermark: highWatermark)
  }

  /// As ``rebuild(_:topology:highWatermark:)``, from the FALLBACK list ``listForTotal(_:node:topology:)`` picks.
  public static func rebuild(
    fallback list: [ZoneReference]?, topology: Topology, highWatermark: (ZoneReference) -> Int
  ) -> Int {
    guard let list else { return 0 }
    return NodeZonelists.eligible(list, atOrBelow: .movable).reduce(0) { total, reference in
      let managed = topology[reference.node][reference.type].managed.rawValue
      return total + max(0, managed - highWatermark(reference))
    }
  }

  static func listForTotal(_ build: ZonelistBuild, topology: Topology) -> [ZoneReference]? {
    listForTotal(build.lists, node: \.node, topology: topology)?.fallback
  }

  /// Of the built nodes' `lists`, the one whose FALLBACK list `Total pages` sums: the boot
  /// CPU's node's, or any built list (they all hold every node with memory).
  ///
  /// Kernel: `node_zonelist(numa_node_id(), GFP_KERNEL)`.
  public static func listForTotal<Lists>(_ lists: [Lists], node: (Lists) -> NodeID, topology: Topology) -> Lists? {
    if let boot = topology.node(ofCPU: topology.bootCPU), let found = lists.first(where: { node($0) == boot }) { return found }
    return lists.first
  }
}
