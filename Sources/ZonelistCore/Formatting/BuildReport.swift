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
    kernel = build.profile.version.series
    provenOnRealKernel = build.profile.isProvenOnRealKernel
    rulesAssumed = KernelReleases.assumedRules(for: build.profile.version)?.series
    switch build.context {
    case .boot: context = "boot"
    case .rebuild(let node?): context = "rebuild onlining node \(node)"
    case .rebuild(nil): context = "rebuild"
    }
    zonelistOrder = build.zonelistOrder.rawValue
    numa = build.profile.hasNUMA
    var listIndex: [NodeID: Int] = [:]
    for (index, lists) in build.lists.enumerated() where listIndex[lists.node] == nil { listIndex[lists.node] = index }
    let listOf = { (node: NodeID) in listIndex[node].map { build.lists[$0] } }
    nodes = topology.possibleNodes.map { node in
      let lists = listOf(node.id)
      return NodeReport(
        node: node.id.rawValue, online: node.isOnline, cpus: IDList.format(node.cpus), hasMemory: node.hasMemory,
        zones: Dictionary(uniqueKeysWithValues: node.zones.map { ($0.key.kernelName, $0.value) }),
        fallbackOrder: lists?.nodeOrder.map(\.rawValue), fallback: lists.map { ZoneNames($0.fallback) },
        thisNode: build.profile.hasNUMA ? lists.map { ZoneNames($0.thisNode) } : nil)
    }
    nodeLoad = Dictionary(uniqueKeysWithValues: build.nodeLoad.map { (String($0.key.rawValue), $0.value) })
    builtZonelists = build.builtCount
    self.totalPages = totalPages
    mobilityGrouping = totalPages.map { $0 < TotalPages.mobilityGroupingThreshold ? "off" : "on" }
    policyZone = build.profile.hasNUMA ? build.policyZone.kernelName : nil
    // Kernel: cpu_to_node(), the lowest node holding the CPU (topology.node(ofCPU:)), for all at once.
    var nodeOfCPU: [CPUID: NodeID] = [:]
    for node in topology.possibleNodes {
      for cpu in node.cpus where nodeOfCPU[cpu] == nil { nodeOfCPU[cpu] = node.id }
    }
    cpus = nodeOfCPU.keys.sorted().map { cpu in
      let node = nodeOfCPU[cpu]!
      let memoryNode = listOf(node)?.fallback.first { $0.type <= .normal }?.node
      return CPUReport(cpu: cpu, node: node.rawValue, memoryNode: memoryNode?.rawValue)
    }
    self.notes = notes
  }
}

/// The zones of a list as the reports name them, `N:Zone` (``ZoneReference/description``),
/// kept as references until written: a 1024-node build's json holds a million of them.
/// Encoded as an array of those names.
public struct ZoneNames: Hashable, Sendable, Codable, ExpressibleByArrayLiteral {
  public var zones: [ZoneReference]

  public init(_ zones: [ZoneReference]) { self.zones = zones }
  public init(arrayLiteral zones: ZoneReference...) { self.zones = zones }

  /// Each zone's `N:Zone`.
  public var names: [String] { zones.map(\.description) }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let names = try container.decode([String].self)
    zones = try names.map { name in
      let parts = name.split(separator: ":")
      guard parts.count == 2, let node = Int(parts[0]), let type = ZoneType(kernelName: String(parts[1])) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(name)': expected N:Zone, like 0:Normal")
      }
      return ZoneReference(node: NodeID(node), type: type)
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(names)
  }
}
