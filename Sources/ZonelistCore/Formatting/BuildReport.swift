/// A build, as `zonelist build` reports it: the `json` format's schema
/// (`zonelist.build/1`, documented in `Docs/json-schema.md`) and the source of the table.
public struct BuildReport: Hashable, Sendable, Codable {
  public var schema = "zonelist.build/1"
  public var kernel: String
  public var provenOnRealKernel: Bool
  /// The series whose rules a release newer than every proven one is taken to follow.
  public var rulesAssumed: String?
  public var context: String
  public var zonelistOrder: String
  /// Whether the kernel has `CONFIG_NUMA`. Without it there is one zonelist per node
  /// (`MAX_ZONELISTS` 1: no `ZONELIST_NOFALLBACK`), no `policy_zone` and no `node_load[]`.
  public var numa: Bool
  public var nodes: [NodeReport]
  /// `node_load[]` after the build, by node id (zeros left out).
  public var nodeLoad: [String: Int]
  /// Kernel: `nr_online_nodes`, as `Built N zonelists` prints it.
  public var builtZonelists: Int
  /// `nil` when the input lacks what the figure needs (see ``notes``).
  public var totalPages: Int?
  public var mobilityGrouping: String?
  /// `nil` on a kernel without NUMA, which has no `policy_zone`.
  public var policyZone: String?
  public var cpus: [CPUReport]
  public var notes: [String]
  /// The assumptions among the notes, each with its file and what it affects.
  public var assumptions: [AssumptionReport] = []

  public struct NodeReport: Hashable, Sendable, Codable {
    public var node: Int
    public var online: Bool
    public var cpus: String
    public var hasMemory: Bool
    /// Zones by name: spanned, present, managed pages.
    public var zones: [String: ZoneSize]
    /// `nil` for a node this build did not build (a hot-add rebuild builds one node).
    public var fallbackOrder: [Int]?
    /// `N:Zone` entries of `ZONELIST_FALLBACK`.
    public var fallback: ZoneNames?
    /// `N:Zone` entries of `ZONELIST_NOFALLBACK`; `nil` also on a kernel without NUMA.
    public var thisNode: ZoneNames?
  }

  /// A CPU, its node, and the node its kernel allocations are served from first.
  ///
  /// Kernel: `cpu_to_node(cpu)`, and the first node of `node_zonelist(nid, GFP_KERNEL)`
  /// with a zone at or below `ZONE_NORMAL` (what `local_memory_node()` returns).
  public struct CPUReport: Hashable, Sendable, Codable {
    public var cpu: Int
    public var node: Int
    public var memoryNode: Int?
  }

  public init(build: ZonelistBuild, topology: Topology, totalPages: Int?, notes: [String]) {
    var listIndex: [NodeID: Int] = [:]
    for (index, lists) in build.lists.enumerated() where listIndex[lists.node] == nil { listIndex[lists.node] = index }
    self.init(
      profile: build.profile, context: build.context, zonelistOrder: build.zonelistOrder, nodeLoad: build.nodeLoad,
      builtCount: build.builtCount, policyZone: build.policyZone, topology: topology, totalPages: totalPages, notes: notes
    ) { node in
      listIndex[node].map { build.lists[$0] }.map { (order: $0.nodeOrder, fallback: ZoneNames($0.fallback), thisNode: ZoneNames($0.thisNode)) }
    }
  }

  /// The report of a build taken as far as the node orders (``ZonelistBuilder/nodeOrders()``),
  /// as ``init(build:topology:totalPages:notes:)`` gives it for the same build: node-ordered
  /// lists stay node orders until written (a 1024-node json never holds its million zones).
  public init(orders: NodeOrders, builder: ZonelistBuilder, totalPages: Int?, notes: [String]) {
    var orderIndex: [NodeID: Int] = [:]
    for (index, order) in orders.orders.enumerated() where orderIndex[order.node] == nil { orderIndex[order.node] = index }
    let dense = builder.dense
    self.init(
      profile: orders.profile, context: orders.context, zonelistOrder: orders.zonelistOrder, nodeLoad: orders.nodeLoad,
      builtCount: orders.builtCount, policyZone: orders.policyZone, topology: builder.topology, totalPages: totalPages,
      notes: notes
    ) { node in
      guard let nodeOrder = orderIndex[node].map({ orders.orders[$0] }) else { return nil }
      let thisNode = ZoneNames(nodeOrder: [node], of: dense.zonesByNode)
      guard orders.zonelistOrder == .node else {
        return (nodeOrder.order, ZoneNames(builder.zonelists(of: nodeOrder).fallback), thisNode)
      }
      return (nodeOrder.order, ZoneNames(nodeOrder: nodeOrder.order, of: dense.zonesByNode), thisNode)
    }
  }

  private init(
    profile: KernelProfile, context buildContext: BuildContext, zonelistOrder order: KernelProfile.ZonelistOrder,
    nodeLoad load: [NodeID: Int], builtCount: Int, policyZone zone: ZoneType, topology: Topology, totalPages: Int?,
    notes: [String], listsOf: (NodeID) -> (order: [NodeID], fallback: ZoneNames, thisNode: ZoneNames)?
  ) {
    kernel = profile.version.series
    provenOnRealKernel = profile.isProvenOnRealKernel
    rulesAssumed = KernelReleases.assumedRules(for: profile.version)?.series
    switch buildContext {
    case .boot: context = "boot"
    case .rebuild(let node?): context = "rebuild onlining node \(node)"
    case .rebuild(nil): context = "rebuild"
    }
    zonelistOrder = order.rawValue
    numa = profile.hasNUMA
    var fallbackOf: [NodeID: ZoneNames] = [:]
    nodes = topology.possibleNodes.map { node in
      let lists = listsOf(node.id)
      fallbackOf[node.id] = lists?.fallback
      return NodeReport(
        node: node.id.rawValue, online: node.isOnline, cpus: IDList.format(node.cpus), hasMemory: node.hasMemory,
        zones: Dictionary(uniqueKeysWithValues: node.zones.map { ($0.key.kernelName, $0.value) }),
        fallbackOrder: lists?.order.map(\.rawValue), fallback: lists?.fallback,
        thisNode: profile.hasNUMA ? lists?.thisNode : nil)
    }
    nodeLoad = Dictionary(uniqueKeysWithValues: load.map { (String($0.key.rawValue), $0.value) })
    self.builtZonelists = builtCount
    self.totalPages = totalPages
    mobilityGrouping = totalPages.map { $0 < TotalPages.mobilityGroupingThreshold ? "off" : "on" }
    policyZone = profile.hasNUMA ? zone.kernelName : nil
    // Kernel: cpu_to_node(), the lowest node holding the CPU (topology.node(ofCPU:)), for all at once.
    var nodeOfCPU: [CPUID: NodeID] = [:]
    for node in topology.possibleNodes {
      for cpu in node.cpus where nodeOfCPU[cpu] == nil { nodeOfCPU[cpu] = node.id }
    }
    cpus = nodeOfCPU.keys.sorted().map { cpu in
      let node = nodeOfCPU[cpu]!
      let memoryNode = fallbackOf[node]?.walk.first { $0.type <= .normal }?.node
      return CPUReport(cpu: cpu, node: node.rawValue, memoryNode: memoryNode?.rawValue)
    }
    self.notes = notes
  }
}

/// The zones of a list as the reports name them, `N:Zone` (``ZoneReference/description``),
/// kept as references until written: a 1024-node build's json holds a million of them. A
/// node-ordered list from ``BuildReport/init(orders:builder:totalPages:notes:)`` is kept as its
/// node order and made only when asked for (``zones``). Encoded as an array of those names.
public struct ZoneNames: Hashable, Sendable, Codable, ExpressibleByArrayLiteral {
  private var storage: Storage

  private enum Storage: Sendable {
    case list([ZoneReference])
    /// The zones of these nodes, node after node.
    case nodeOrder([NodeID], ZonesByNode)
  }

  /// The zones, in list order.
  public var zones: [ZoneReference] {
    get {
      switch storage {
      case .list(let zones): zones
      case .nodeOrder(let order, let zonesByNode): zonesByNode.list(inOrder: order)
      }
    }
    set { storage = .list(newValue) }
  }

  public init(_ zones: [ZoneReference]) { storage = .list(zones) }
  public init(arrayLiteral zones: ZoneReference...) { storage = .list(zones) }
  init(nodeOrder: [NodeID], of zonesByNode: ZonesByNode) { storage = .nodeOrder(nodeOrder, zonesByNode) }

  /// The zones in list order, without making the list.
  var walk: ZonesByNode.Walk {
    switch storage {
    case .list(let zones): ZonesByNode.Walk(zones: zones, order: nil)
    case .nodeOrder(let order, let zonesByNode): zonesByNode.walk(inOrder: order)
    }
  }

  public static func == (a: ZoneNames, b: ZoneNames) -> Bool { a.zones == b.zones }
  public func hash(into hasher: inout Hasher) { hasher.combine(zones) }

  /// Each zone's `N:Zone`.
  public var names: [String] { zones.map(\.description) }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let names = try container.decode([String].self)
    storage = .list(
      try names.map { name in
        let parts = name.split(separator: ":")
        guard parts.count == 2, let node = Int(parts[0]), let type = ZoneType(kernelName: String(parts[1])) else {
          throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(name)': expected N:Zone, like 0:Normal")
        }
        return ZoneReference(node: NodeID(node), type: type)
      })
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(names)
  }
}
