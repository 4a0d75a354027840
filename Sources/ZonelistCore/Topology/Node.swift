/// The sizes of one zone, in pages.
///
/// Kernel: `zone->spanned_pages`, `zone->present_pages` and `zone_managed_pages(zone)`.
public struct ZoneSize: Hashable, Sendable, Codable {
  /// Pages between the zone's first and last page frame, holes included.
  public var spanned: Pages
  /// Pages of real memory in the zone.
  public var present: Pages
  /// Pages the buddy allocator manages (at the time the sizes were read).
  public var managed: Pages
  /// Pages of the zone given to the CMA reserve (`zone->cma_pages`, zoneinfo's `cma`, part of
  /// the managed pages), when a snapshot states a non-zero count (Debian's arm64 kernels reserve
  /// 64 MiB at boot); `nil` is 0.
  public var cma: Pages? = nil

  public init(spanned: Pages, present: Pages, managed: Pages) {
    self.spanned = spanned
    self.present = present
    self.managed = managed
  }

  public static let empty = ZoneSize(spanned: 0, present: 0, managed: 0)

  /// Kernel: `populated_zone()`: the zone has present pages.
  public var isPopulated: Bool { present.rawValue > 0 }
  /// Kernel: `managed_zone()`: the zone has managed pages.
  public var isManaged: Bool { managed.rawValue > 0 }
}

/// A NUMA node: its CPUs and its zones.
///
/// Kernel: `pg_data_t` (`struct pglist_data`) in `include/linux/mmzone.h`, with the node
/// state masks of `include/linux/nodemask.h`.
public struct Node: Hashable, Sendable, Codable {
  public var id: NodeID
  /// Kernel: `node_online(nid)` (`N_ONLINE`). A possible node that is not online has a
  /// `pg_data_t` since 5.18 and still gets zonelists.
  public var isOnline: Bool
  /// The CPUs of the node.
  ///
  /// Kernel: `cpumask_of_node(nid)` once the CPUs are up; `/sys/devices/system/node/nodeN/cpulist`.
  public var cpus: [CPUID]
  /// The node's zones by type; a type the kernel has but that is missing here is empty.
  public var zones: [ZoneType: ZoneSize]

  public init(id: NodeID, isOnline: Bool = true, cpus: [CPUID] = [], zones: [ZoneType: ZoneSize] = [:]) {
    self.id = id
    self.isOnline = isOnline
    self.cpus = cpus
    self.zones = zones
  }

  /// The size of the zone of `type` (empty when absent).
  public subscript(type: ZoneType) -> ZoneSize { zones[type] ?? .empty }

  /// Kernel: `node_state(nid, N_MEMORY)`: some zone has present pages.
  public var hasMemory: Bool { zones.values.contains { $0.isPopulated } }
  /// Kernel: `node_state(nid, N_NORMAL_MEMORY)` on a kernel without HighMem: a zone up to
  /// Normal has present pages.
  public var hasNormalMemory: Bool { zones.contains { $0.key <= .normal && $0.value.isPopulated } }
  /// Kernel: `node_state(nid, N_CPU)`.
  public var hasCPUs: Bool { !cpus.isEmpty }
}
