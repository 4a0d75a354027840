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
  public var nodes: [NodeReport]
  /// `node_load[]` after the build, by node id (zeros left out).
  public var nodeLoad: [String: Int]
  /// Kernel: `nr_online_nodes`, as `Built N zonelists` prints it.
  public var builtZonelists: Int
  /// `nil` when the input lacks what the figure needs (see ``notes``).
  public var totalPages: Int?
  public var mobilityGrouping: String?
  public var policyZone: String
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
    public var fallback: [String]?
    /// `N:Zone` entries of `ZONELIST_NOFALLBACK`.
    public var thisNode: [String]?
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
    nodes = topology.possibleNodes.map { node in
      let lists = build[node.id]
      return NodeReport(
        node: node.id.rawValue, online: node.isOnline, cpus: IDList.format(node.cpus), hasMemory: node.hasMemory,
        zones: Dictionary(uniqueKeysWithValues: node.zones.map { ($0.key.kernelName, $0.value) }),
        fallbackOrder: lists?.nodeOrder.map(\.rawValue), fallback: lists?.fallback.map(\.description),
        thisNode: lists?.thisNode.map(\.description))
    }
    nodeLoad = Dictionary(uniqueKeysWithValues: build.nodeLoad.map { (String($0.key.rawValue), $0.value) })
    builtZonelists = build.builtCount
    self.totalPages = totalPages
    mobilityGrouping = totalPages.map { $0 < TotalPages.mobilityGroupingThreshold ? "off" : "on" }
    policyZone = build.policyZone.kernelName
    cpus = topology.cpus.map { cpu in
      let node = topology.node(ofCPU: cpu)!
      let memoryNode = build[node]?.fallback.first { $0.type <= .normal }?.node
      return CPUReport(cpu: cpu, node: node.rawValue, memoryNode: memoryNode?.rawValue)
    }
    self.notes = notes
  }

  /// The human-readable table.
  public func table() -> String {
    var out: [String] = []
    let standing =
      provenOnRealKernel
      ? "proven on a real kernel"
      : rulesAssumed.map { "rules of \($0) assumed, the newest proven" } ?? "from source only"
    out.append("kernel \(kernel) profile (\(standing)), \(context) build, \(zonelistOrder) order")
    for node in nodes {
      var flags: [String] = [node.online ? "online" : "offline"]
      flags.append(node.hasMemory ? "memory" : "no memory")
      flags.append(node.cpus.isEmpty ? "no CPUs" : "CPUs \(node.cpus)")
      out.append("")
      out.append("Node \(node.node) (\(flags.joined(separator: ", ")))")
      guard let order = node.fallbackOrder, let fallback = node.fallback, let thisNode = node.thisNode else {
        out.append("  not built by this \(context)")
        continue
      }
      out.append("  node order  : \(order.map(String.init).joined(separator: " "))")
      out.append("  FALLBACK    : \(fallback.isEmpty ? "(empty)" : fallback.joined(separator: " "))")
      out.append("  NOFALLBACK  : \(thisNode.isEmpty ? "(empty)" : thisNode.joined(separator: " "))")
    }
    out.append("")
    if !cpus.isEmpty {
      out.append("CPU  node  memory node")
      for cpu in cpus {
        let padded = String(repeating: " ", count: max(0, 3 - String(cpu.cpu).count)) + String(cpu.cpu)
        let node = String(repeating: " ", count: max(0, 4 - String(cpu.node).count)) + String(cpu.node)
        out.append("\(padded)  \(node)  \(cpu.memoryNode.map(String.init) ?? "none")")
      }
      out.append("")
    }
    let load = nodeLoad.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
    out.append("node_load after the build: \(load.isEmpty ? "all 0" : load)")
    out.append(
      "Built \(builtZonelists) zonelists, total pages \(totalPages.map(String.init) ?? "unknown"), policy zone \(policyZone)")
    return out.joined(separator: "\n") + "\n"
  }
}
