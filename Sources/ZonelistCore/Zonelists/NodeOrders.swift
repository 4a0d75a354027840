/// What one build or rebuild decides before any zone enters a list: each built node's order,
/// `node_load[]` and `policy_zone`. It is all the kernel's own build lines print
/// (``KernelLog``); ``ZonelistBuilder/zonelists(of:)`` derives a node's lists from its order.
///
/// Kernel: `node_order[]` of each `build_zonelists()` call of `__build_all_zonelists()`,
/// `node_load[]`, `policy_zone`, `nr_online_nodes`.
public struct NodeOrders: Hashable, Sendable {
  public var profile: KernelProfile
  public var context: BuildContext
  public var zonelistOrder: KernelProfile.ZonelistOrder
  /// Each built node's order, in the order the nodes were built (ascending node id).
  public var orders: [NodeOrder]
  /// `node_load[]` after the build, nodes with 0 left out.
  public var nodeLoad: [NodeID: Int]
  /// The count `Built N zonelists` prints. Kernel: `nr_online_nodes`.
  public var builtCount: Int
  /// Kernel: `policy_zone`, raised by `check_highest_zone()` for every zone added.
  public var policyZone: ZoneType
  /// The choices of the node the builder was asked to explain (`zonelist explain`).
  public var explained: NodeExplanation?
}

/// One node and the nodes it falls back to.
public struct NodeOrder: Hashable, Sendable {
  /// The node whose order this is.
  public var node: NodeID
  /// Nodes in fallback order, as `Fallback order for Node N:` prints them.
  ///
  /// Kernel: `node_order[]` in `build_zonelists()`.
  public var order: [NodeID]

  public init(node: NodeID, order: [NodeID]) {
    self.node = node
    self.order = order
  }
}

extension ZonelistBuild {
  /// The build from its node orders and the lists made from them.
  public init(_ orders: NodeOrders, lists: [NodeZonelists]) {
    self.init(
      profile: orders.profile, context: orders.context, zonelistOrder: orders.zonelistOrder, lists: lists,
      nodeLoad: orders.nodeLoad, builtCount: orders.builtCount, policyZone: orders.policyZone, explained: orders.explained)
  }

  /// The node orders this build's lists were made from.
  public var nodeOrders: NodeOrders {
    NodeOrders(
      profile: profile, context: context, zonelistOrder: zonelistOrder,
      orders: lists.map { NodeOrder(node: $0.node, order: $0.nodeOrder) }, nodeLoad: nodeLoad, builtCount: builtCount,
      policyZone: policyZone, explained: explained)
  }
}
