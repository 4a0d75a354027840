/// Builds every node's zonelists the way the kernel does: a plain transcription of its scan.
///
/// Kernel: `__build_all_zonelists()`, `build_zonelists()`, `find_next_best_node()`,
/// `build_zonerefs_node()` and `build_thisnode_zonelists()` in `mm/page_alloc.c`.
///
/// The kernel keeps `node_load[]` in a file-scope array that one rebuild carries from node
/// to node, so a node's list depends on the nodes built before it; the builder keeps it as
/// private state for the same reason.
///
/// ```swift
/// var builder = ZonelistBuilder(topology: topology, profile: .linux6_12, context: .boot)
/// let build = builder.build()
/// print(build.lists[0].nodeOrder)   // [0, 1]
/// ```
///
/// - Complexity: O(*n*^3) in the number of nodes, like the kernel's scan.
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
  /// Kernel: `node_load[]`.
  private var nodeLoad: [NodeID: Int] = [:]
  /// Candidate nodes for the scan, ascending. Kernel: `for_each_node_state(n, N_MEMORY)`.
  private let memoryNodes: [NodeID]
  /// Whether to record every step's candidates for ``ZonelistBuild/steps``.
  private let recordsSteps: Bool

  /// Prepares a build.
  ///
  /// - Parameters:
  ///   - nodesWithCPUs: Overrides which nodes count as having CPUs; by default none at
  ///     ``BuildContext/boot`` (x86) and the nodes with CPUs otherwise.
  ///   - zonelistOrder: Overrides the kernel's default order (kernels before 4.14).
  ///   - recordingSteps: Records each choice for `zonelist explain`.
  public init(
    topology: Topology, profile: KernelProfile, context: BuildContext,
    nodesWithCPUs: Set<NodeID>? = nil, zonelistOrder: KernelProfile.ZonelistOrder? = nil,
    recordingSteps: Bool = false
  ) {
    self.topology = topology
    self.profile = profile
    self.context = context
    self.nodesWithCPUs =
      nodesWithCPUs ?? (context.isBoot ? [] : Set(topology.possibleNodes.filter(\.hasCPUs).map(\.id)))
    self.zonelistOrder = zonelistOrder ?? ZonelistBuilder.defaultOrder(topology: topology, profile: profile)
    self.memoryNodes = topology.memoryNodeIDs
    self.recordsSteps = recordingSteps
  }

  /// Runs one full build or rebuild and returns every list it made.
  ///
  /// Kernel: `__build_all_zonelists(self)`.
  public mutating func build() -> ZonelistBuild {
    nodeLoad = [:]
    var lists: [NodeZonelists] = []
    var steps: [NodeID: [FallbackStep]] = [:]
    for local in nodesToBuild() {
      let (order, recorded) = nodeOrder(for: local)
      if recordsSteps { steps[local] = recorded }
      lists.append(zonelists(for: local, nodeOrder: order))
    }
    let types = lists.flatMap { $0.fallback.map(\.type) }
    // Kernel: check_highest_zone(): policy_zone is raised by every zone added, except Movable.
    let policyZone = types.filter { $0 != .movable }.max() ?? .dma
    return ZonelistBuild(
      profile: profile, context: context, zonelistOrder: zonelistOrder, lists: lists,
      nodeLoad: nodeLoad.filter { $0.value != 0 },
      builtCount: topology.onlineNodes.count, policyZone: policyZone, steps: recordsSteps ? steps : nil)
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

  /// Returns the nodes `local` falls back to, in order, updating `node_load[]`.
  ///
  /// Kernel: the `node_order[]` loop of `build_zonelists()`.
  /// - Returns: The order, and each step's candidates when the builder records steps.
  /// - Complexity: O(*n*^2) in the number of nodes.
  mutating func nodeOrder(for local: NodeID) -> (order: [NodeID], steps: [FallbackStep]) {
    if profile.nodeLoadRule == .assignResetPerNode { nodeLoad = [:] }
    var used: Set<NodeID> = []
    var order: [NodeID] = []
    var steps: [FallbackStep] = []
    var previous = local
    var load = topology.onlineNodes.count
    while true {
      let (chosen, step) = nextBestNode(for: local, excluding: &used, position: order.count)
      guard let node = chosen else {
        if var step { step.reason = .noCandidate; steps.append(step) }
        break
      }
      var loadChange: FallbackStep.LoadChange? = nil
      if topology.distances[from: local, to: node] != topology.distances[from: local, to: previous] {
        let before = nodeLoad[node, default: 0]
        switch profile.nodeLoadRule {
        case .assign, .assignResetPerNode: nodeLoad[node] = load
        case .accumulateLoad: nodeLoad[node, default: 0] += load
        case .increment: nodeLoad[node, default: 0] += 1
        }
        loadChange = .init(node: node, from: before, to: nodeLoad[node]!)
      }
      if var step {
        step.loadChange = loadChange
        steps.append(step)
      }
      order.append(node)
      previous = node
      load -= 1
    }
    return (order, steps)
  }

  /// Picks the next node for `local`'s list and marks it used.
  ///
  /// Kernel: `find_next_best_node(node, used_node_mask)`.
  /// - Returns: The node, or `nil` (`NUMA_NO_NODE`) when none is left; and the step's
  ///   candidates when the builder records steps.
  /// - Complexity: O(*n*) in the number of nodes with memory.
  mutating func nextBestNode(
    for local: NodeID, excluding used: inout Set<NodeID>, position: Int
  ) -> (NodeID?, FallbackStep?) {
    var step = recordsSteps ? FallbackStep(position: position) : nil
    if !used.contains(local) && (!profile.skipsMemorylessLocalNode || topology[local].hasMemory) {
      used.insert(local)
      step?.chosen = local
      step?.reason = .localNode
      return (local, step)
    }
    let multiplier =
      profile.scoreMultiplier == .maxNumNodes ? profile.maxNumNodes : profile.maxNumNodes * topology.onlineNodes.count
    var minimum = Int(Int32.max)
    var best: NodeID? = nil
    var ties = 0
    for candidate in memoryNodes where !used.contains(candidate) {
      let distance = topology.distances[from: local, to: candidate]
      let lowerID = candidate < local ? 1 : 0
      let cpuPenalty = nodesWithCPUs.contains(candidate) ? profile.penaltyForNodeWithCPUs : 0
      let load = nodeLoad[candidate, default: 0]
      let score = (distance + lowerID + cpuPenalty) * multiplier + load
      if score < minimum {
        minimum = score
        best = candidate
        ties = 1
      } else if score == minimum {
        ties += 1
      }
      step?.candidates.append(
        .init(
          node: candidate, distance: distance, lowerIDPenalty: lowerID, cpuPenalty: cpuPenalty,
          load: load, multiplier: multiplier, score: score))
    }
    if let best {
      used.insert(best)
      step?.chosen = best
      step?.reason = ties > 1 ? .lowestScoreFirstOfTie : .lowestScore
    }
    return (best, step)
  }

  /// The zones of `node` that enter a list, highest type first.
  ///
  /// Kernel: `build_zonerefs_node()`.
  public func zoneReferences(of node: NodeID, atOrBelow highest: ZoneType? = nil) -> [ZoneReference] {
    let pgdat = topology[node]
    return profile.zoneTypes.reversed().compactMap { type in
      if let highest, type > highest { return nil }
      let size = pgdat[type]
      let enters = profile.zonePredicate == .populated ? size.isPopulated : size.isManaged
      return enters ? ZoneReference(node: node, type: type) : nil
    }
  }

  /// Makes the lists of `local` from its node order.
  ///
  /// Kernel: `build_zonelists_in_node_order()`, `build_zonelists_in_zone_order()` (before
  /// 4.14), `build_thisnode_zonelists()` and `build_zonelist_cache()` (2.6.20–4.3).
  func zonelists(for local: NodeID, nodeOrder order: [NodeID]) -> NodeZonelists {
    func list(highest: ZoneType?) -> [ZoneReference] {
      switch zonelistOrder {
      case .node:
        return order.flatMap { zoneReferences(of: $0, atOrBelow: highest) }
      case .zone:
        return profile.zoneTypes.reversed().filter { highest == nil || $0 <= highest! }.flatMap { type in
          order.flatMap { zoneReferences(of: $0, atOrBelow: type).filter { $0.type == type } }
        }
      }
    }
    let fallback = list(highest: nil)
    let thisNode = zoneReferences(of: local)
    var perZoneType: PerZoneTypeZonelists? = nil
    if profile.perZoneTypeZonelists {
      var fallbackByType: [ZoneType: [ZoneReference]] = [:]
      var thisNodeByType: [ZoneType: [ZoneReference]] = [:]
      for type in profile.zoneTypes {
        fallbackByType[type] = list(highest: type)
        thisNodeByType[type] = zoneReferences(of: local, atOrBelow: type)
      }
      perZoneType = PerZoneTypeZonelists(fallback: fallbackByType, thisNode: thisNodeByType)
    }
    let cache = profile.hasZonelistCache ? ZonelistCache(zoneToNode: fallback.map(\.node), fullZones: []) : nil
    return NodeZonelists(
      node: local, nodeOrder: order, fallback: fallback, thisNode: thisNode, perZoneType: perZoneType, cache: cache)
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
