/// The zonelists of one node.
///
/// Kernel: `pgdat->node_zonelists[]` in `include/linux/mmzone.h`.
public struct NodeZonelists: Hashable, Sendable, Codable {
  /// The node whose lists these are.
  public var node: NodeID
  /// Nodes in fallback order, as `Fallback order for Node N:` prints them.
  ///
  /// Kernel: `node_order[]` in `build_zonelists()`.
  public var nodeOrder: [NodeID]
  /// Every zone to try, in order.
  ///
  /// Kernel: `node_zonelists[ZONELIST_FALLBACK]`.
  public var fallback: [ZoneReference]
  /// The node's own zones only, for `__GFP_THISNODE`.
  ///
  /// Kernel: `node_zonelists[ZONELIST_NOFALLBACK]`.
  public var thisNode: [ZoneReference]
  /// Before 2.6.26 the node kept one list per highest zone type instead of one filtered
  /// list: `node_zonelists[i]` for `gfp_zone() == i`, and `node_zonelists[MAX_NR_ZONES + i]`
  /// for `__GFP_THISNODE`. `nil` on later kernels.
  public var perZoneType: PerZoneTypeZonelists?
  /// The zonelist cache of the FALLBACK list (2.6.20–4.3); `nil` on other kernels.
  public var cache: ZonelistCache?

  public init(
    node: NodeID, nodeOrder: [NodeID], fallback: [ZoneReference], thisNode: [ZoneReference],
    perZoneType: PerZoneTypeZonelists? = nil, cache: ZonelistCache? = nil
  ) {
    self.node = node
    self.nodeOrder = nodeOrder
    self.fallback = fallback
    self.thisNode = thisNode
    self.perZoneType = perZoneType
    self.cache = cache
  }

  /// The entries of `list` that an allocation whose highest zone is `highest` may use.
  ///
  /// Kernel: `for_each_zone_zonelist(zone, z, zonelist, highest_zoneidx)`.
  public static func eligible(_ list: [ZoneReference], atOrBelow highest: ZoneType) -> [ZoneReference] {
    list.filter { $0.type <= highest }
  }
}

/// The per-zone-type zonelists of kernels before 2.6.26.
///
/// Kernel: `node_zonelists[MAX_ZONELISTS]` with `MAX_ZONELISTS = 2 * MAX_NR_ZONES` in 2.6.24.
public struct PerZoneTypeZonelists: Hashable, Sendable, Codable {
  /// `fallback[i]`: the list for allocations whose highest zone is `i`.
  public var fallback: [ZoneType: [ZoneReference]]
  /// `thisNode[i]`: the `__GFP_THISNODE` list for highest zone `i`.
  public var thisNode: [ZoneType: [ZoneReference]]
}

/// The zonelist cache: for each entry of a FALLBACK list, the node it belongs to, and a
/// bitmap of entries recently found full (empty after a build).
///
/// Kernel: `struct zonelist_cache` (`z_to_n[]`, `fullzones`, `last_full_zap`) and
/// `build_zonelist_cache()`, 2.6.20–4.3. Only the FALLBACK list has one from 2.6.26.
public struct ZonelistCache: Hashable, Sendable, Codable {
  /// Kernel: `zlc->z_to_n[i]`, the node of entry `i`.
  public var zoneToNode: [NodeID]
  /// Kernel: `zlc->fullzones`, as the indices set. A build clears it.
  public var fullZones: Set<Int>
}
