/// Builds every node's zonelists the way the kernel does.
///
/// Kernel: `__build_all_zonelists()`, `build_zonelists()`, `find_next_best_node()`,
/// `build_zonerefs_node()` and `build_thisnode_zonelists()` in `mm/page_alloc.c`.
///
/// The kernel keeps `node_load[]` in a file-scope array that one rebuild carries from node
/// to node, so a node's list depends on the nodes built before it; the builder keeps it as
/// private state for the same reason.
///
/// Two algorithms give identical results (tested element for element):
/// ``Algorithm/kernelScan`` transcribes the kernel's scan, O(*n*^3) for *n* nodes;
/// ``Algorithm/sorted`` sorts each node's candidates once, O(*n*^2 log *n*). It may:
/// while one node's list is built, only the chosen node's `node_load[]` changes, and a
/// chosen node is never a candidate again, so every remaining candidate keeps its score
/// and the kernel's repeated minimum search picks them in (score, node id) order.
///
/// ```swift
/// var builder = ZonelistBuilder(topology: topology, profile: .linux6_12, context: .boot)
/// let build = builder.build()
/// print(build.lists[0].nodeOrder)   // [0, 1]
/// ```
public struct ZonelistBuilder: Sendable {
  public let topology: Topology
  public let profile: KernelProfile
  public let context: BuildContext
  /// Nodes whose cpumask is non-empty while the lists are built.
  ///
  /// Kernel: `!cpumask_empty(cpumask_of_node(n))` in `find_next_best_node()`.
  public let nodesWithCPUs: Set<NodeID>
  /// The zonelist order in force (`numa_zonelist_order=`, 2.6.23–4.13).
  public let zonelistOrder: KernelProfile.ZonelistOrder
  public let algorithm: Algorithm

  public enum Algorithm: String, Hashable, Sendable, CaseIterable {
    /// The kernel's scan, transcribed: the reference.
    case kernelScan
    /// One sort per node: the same result, much faster on large machines.
    case sorted
  }

  /// The node whose choices are recorded in ``ZonelistBuild/explained`` (by the kernel scan).
  let explainedNode: NodeID?
  /// The topology as dense arrays over the possible nodes, ascending.
  let dense: DenseTopology
  /// Kernel: `node_load[]`, by dense index.
  var nodeLoad: [Int]
  /// The score multiplier. Kernel: `MAX_NUMNODES` or `MAX_NODE_LOAD * MAX_NUMNODES`.
  let multiplier: Int
  /// Kernel: `nr_online_nodes`.
  let onlineNodeCount: Int

  /// Prepares a build.
  ///
  /// - Parameters:
  ///   - nodesWithCPUs: Overrides which nodes count as having CPUs; by default none at
  ///     ``BuildContext/boot`` (x86) and the nodes with CPUs otherwise.
  ///   - zonelistOrder: Overrides the kernel's default order (kernels before 4.14).
  ///   - algorithm: ``Algorithm/sorted`` by default.
  ///   - explaining: A node whose every choice to record for `zonelist explain`; that
  ///     node's list is built by the kernel scan, the others by `algorithm`.
  public init(
    topology: Topology, profile: KernelProfile, context: BuildContext,
    nodesWithCPUs: Set<NodeID>? = nil, zonelistOrder: KernelProfile.ZonelistOrder? = nil,
    algorithm: Algorithm? = nil, explaining explainedNode: NodeID? = nil
  ) {
    self.topology = topology
    self.profile = profile
    self.context = context
    let withCPUs = nodesWithCPUs ?? (context.isBoot ? [] : Set(topology.possibleNodes.filter(\.hasCPUs).map(\.id)))
    self.nodesWithCPUs = withCPUs
    self.zonelistOrder = zonelistOrder ?? ZonelistBuilder.defaultOrder(topology: topology, profile: profile)
    self.algorithm = algorithm ?? .sorted
    self.explainedNode = explainedNode
    self.dense = DenseTopology(topology: topology, profile: profile, nodesWithCPUs: withCPUs)
    self.nodeLoad = Array(repeating: 0, count: dense.count)
    let onlineNodeCount = topology.nodes.values.filter(\.isOnline).count
    self.onlineNodeCount = onlineNodeCount
    self.multiplier =
      profile.scoreMultiplier == .maxNumNodes ? profile.maxNumNodes : profile.maxNumNodes * onlineNodeCount
  }

  /// Runs one full build or rebuild and returns every list it made.
  ///
  /// Kernel: `__build_all_zonelists(self)`.
  /// - Complexity: O(*n*^3) with ``Algorithm/kernelScan``, O(*n*^2 log *n*) with
  ///   ``Algorithm/sorted``, for *n* nodes.
  public mutating func build() -> ZonelistBuild {
    let orders = nodeOrders()
    return ZonelistBuild(orders, lists: orders.orders.map(zonelists(of:)))
  }

  /// Runs one full build or rebuild up to the node orders: every choice it makes, no list.
  ///
  /// Kernel: the `node_order[]` loops of `__build_all_zonelists(self)`, and
  /// `check_highest_zone()` for the zones the lists would receive.
  public mutating func nodeOrders() -> NodeOrders {
    for index in nodeLoad.indices { nodeLoad[index] = 0 }
    var orders: [NodeOrder] = []
    var explained: NodeExplanation? = nil
    let toBuild = nodesToBuild()
    orders.reserveCapacity(toBuild.count)
    for local in toBuild {
      let localIndex = dense.index(of: local)
      if profile.nodeLoadRule == .assignResetPerNode {
        for index in nodeLoad.indices { nodeLoad[index] = 0 }
      }
      let order: [Int]
      if local == explainedNode {
        var loadOnEntry: [NodeID: Int] = [:]
        for (index, value) in nodeLoad.enumerated() where value != 0 { loadOnEntry[dense.ids[index]] = value }
        let (scanned, recorded) = kernelScanOrder(for: localIndex, recording: true)
        order = scanned
        explained = NodeExplanation(
          node: local, builtBefore: orders.map(\.node), loadOnEntry: loadOnEntry, steps: recorded)
      } else {
        switch algorithm {
        case .kernelScan: order = kernelScanOrder(for: localIndex, recording: false).order
        case .sorted: order = sortedOrder(for: localIndex)
        }
      }
      orders.append(NodeOrder(node: local, order: order.map { dense.ids[$0] }))
    }
    var load: [NodeID: Int] = [:]
    for (index, value) in nodeLoad.enumerated() where value != 0 { load[dense.ids[index]] = value }
    return NodeOrders(
      profile: profile, context: context, zonelistOrder: zonelistOrder, orders: orders, nodeLoad: load,
      builtCount: onlineNodeCount, policyZone: policyZone(orders), explained: explained)
  }

  /// Kernel: `check_highest_zone()`: `policy_zone` is raised by every zone added, except Movable.
  func policyZone(_ orders: [NodeOrder]) -> ZoneType {
    var policyZone = ZoneType.dma
    var seen = Array(repeating: false, count: dense.count)
    var seenCount = 0
    for order in orders where seenCount < dense.memoryIndices.count {
      for node in order.order {
        let index = dense.index(of: node)
        if seen[index] { continue }
        seen[index] = true
        if dense.hasMemory[index] { seenCount += 1 }
        for reference in dense.zoneReferences(index) where reference.type != .movable && reference.type > policyZone {
          policyZone = reference.type
        }
      }
    }
    return policyZone
  }

  /// The nodes a build visits, in the order it visits them.
  ///
  /// Kernel: the `for_each_node()` (5.18 on) or `for_each_online_node()` loop of
  /// `__build_all_zonelists()`, or only `self` for a hot-added node.
  public func nodesToBuild() -> [NodeID] {
    let all = profile.buildsPossibleNodes ? topology.nodeIDs : topology.onlineNodes.map(\.id)
    guard case .rebuild(let onlining?) = context, let node = topology.nodes[onlining], !node.isOnline else {
      return all
    }
    switch profile.hotAddRebuild {
    case .newNodeOnly: return [onlining]
    case .newNodeThenOnlineNodes: return [onlining] + topology.onlineNodes.map(\.id)
    case .onlineNodes: return topology.onlineNodes.map(\.id)
    }
  }

  /// Charges `node_load[]` when `node` starts a new distance group after `previous`.
  ///
  /// Kernel: the `node_load[node] += 1` (5.19 on), `+= load` (5.16–5.18) or `= load`
  /// (before) of `build_zonelists()`, `load` counting down from `nr_online_nodes`.
  /// - Returns: The change, if there was one.
  mutating func chargeLoad(local: Int, node: Int, previous: Int, load: Int) -> FallbackStep.LoadChange? {
    guard dense.distance(local, node) != dense.distance(local, previous) else { return nil }
    let before = nodeLoad[node]
    switch profile.nodeLoadRule {
    case .assign, .assignResetPerNode: nodeLoad[node] = load
    case .accumulateLoad: nodeLoad[node] += load
    case .increment: nodeLoad[node] += 1
    }
    return .init(node: dense.ids[node], from: before, to: nodeLoad[node])
  }

  /// Whether the local node comes first in its own list.
  ///
  /// Kernel: the first test of `find_next_best_node()`; from 6.6 also `node_state(node, N_MEMORY)`.
  func takesLocalFirst(_ local: Int) -> Bool {
    !profile.skipsMemorylessLocalNode || dense.hasMemory[local]
  }

  /// The score of `candidate` for `local`. Kernel: `val` in `find_next_best_node()`.
  func score(local: Int, candidate: Int) -> Int {
    (dense.distance(local, candidate) + (candidate < local ? 1 : 0)
      + (dense.hasCPUs[candidate] ? profile.penaltyForNodeWithCPUs : 0)) * multiplier + nodeLoad[candidate]
  }

  /// The zones of `node` that enter a list, highest type first.
  ///
  /// Kernel: `build_zonerefs_node()`.
  public func zoneReferences(of node: NodeID, atOrBelow highest: ZoneType? = nil) -> [ZoneReference] {
    let references = Array(dense.zoneReferences(dense.index(of: node)))
    guard let highest else { return references }
    return references.filter { $0.type <= highest }
  }

  /// Makes a node's lists from its node order.
  ///
  /// Kernel: `build_zonelists_in_node_order()`, `build_zonelists_in_zone_order()` (before
  /// 4.14), `build_thisnode_zonelists()` and `build_zonelist_cache()` (2.6.20–4.3).
  public func zonelists(of nodeOrder: NodeOrder) -> NodeZonelists {
    let local = dense.index(of: nodeOrder.node)
    func list(highest: ZoneType?) -> [ZoneReference] {
      switch zonelistOrder {
      case .node:
        let list = dense.zonesByNode.list(inOrder: nodeOrder.order)
        guard let highest else { return list }
        return list.filter { $0.type <= highest }
      case .zone:
        return profile.zoneTypes.reversed().filter { highest == nil || $0 <= highest! }.flatMap { type in
          nodeOrder.order.flatMap { dense.zoneReferences(dense.index(of: $0)).filter { $0.type == type } }
        }
      }
    }
    let fallback = list(highest: nil)
    let thisNode = Array(dense.zoneReferences(local))
    var perZoneType: PerZoneTypeZonelists? = nil
    if profile.perZoneTypeZonelists {
      var fallbackByType: [ZoneType: [ZoneReference]] = [:]
      var thisNodeByType: [ZoneType: [ZoneReference]] = [:]
      for type in profile.zoneTypes {
        fallbackByType[type] = list(highest: type)
        thisNodeByType[type] = thisNode.filter { $0.type <= type }
      }
      perZoneType = PerZoneTypeZonelists(fallback: fallbackByType, thisNode: thisNodeByType)
    }
    let cache = profile.hasZonelistCache ? ZonelistCache(zoneToNode: fallback.map(\.node), fullZones: []) : nil
    return NodeZonelists(
      node: nodeOrder.node, nodeOrder: nodeOrder.order, fallback: fallback, thisNode: thisNode, perZoneType: perZoneType,
      cache: cache)
  }

  /// The order the kernel chooses without `numa_zonelist_order=`.
  ///
  /// Kernel: `default_zonelist_order()` (2.6.23–4.13).
  public static func defaultOrder(topology: Topology, profile: KernelProfile) -> KernelProfile.ZonelistOrder {
    switch profile.defaultZonelistOrder {
    case .nodeOnly, .node: return .node
    case .heuristicWithNormalCheck:
      if topology.onlineNodes.contains(where: { !$0[.normal].isPopulated }) { return .node }
      return lowMemoryHeuristic(topology)
    case .heuristic:
      return lowMemoryHeuristic(topology)
    }
  }

  /// Kernel: the body of `default_zonelist_order()` in 2.6.24: node order when memory
  /// below ZONE_NORMAL is absent, more than half of all memory, or more than 70% of a
  /// larger-than-average node.
  static func lowMemoryHeuristic(_ topology: Topology) -> KernelProfile.ZonelistOrder {
    var low = 0
    var total = 0
    for node in topology.onlineNodes {
      for (type, size) in node.zones where size.isPopulated {
        if type < .normal { low += size.present.rawValue }
        total += size.present.rawValue
      }
    }
    if low == 0 || low > total / 2 { return .node }
    let average = total / (topology.memoryNodeIDs.count + 1)
    for node in topology.onlineNodes {
      var nodeLow = 0
      var nodeTotal = 0
      for (type, size) in node.zones where size.isPopulated {
        if type < .normal { nodeLow += size.present.rawValue }
        nodeTotal += size.present.rawValue
      }
      if nodeLow > 0 && nodeTotal > average && nodeLow > nodeTotal * 70 / 100 { return .node }
    }
    return .zone
  }
}
