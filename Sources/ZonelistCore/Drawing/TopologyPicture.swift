/// What `zonelist draw` shows of a machine: its nodes with their memory and CPUs, the distance
/// table, each node's fallback order and the memory tiers, ready for ``svg()`` or ``dot()``.
///
/// Kernel: the nodes of `pgdat_list`, `node_distance()`, the node order of each node's
/// `ZONELIST_FALLBACK` (`build_zonelists()`) and the tiers of `mm/memory-tiers.c`. The
/// picture draws what the model computed; it computes nothing itself.
///
/// Up to ``detailLimit`` nodes every node, distance and fallback step is drawn; beyond,
/// nodes are summarised by distance groups (``DistanceGroups``).
public struct TopologyPicture: Hashable, Sendable {
  /// The most nodes drawn one by one; larger machines are summarised.
  public static let detailLimit = 16

  /// One node as drawn.
  public struct NodeCard: Hashable, Sendable {
    public var id: NodeID
    public var isOnline: Bool
    public var cpus: [CPUID]
    /// Present memory in bytes.
    public var memoryBytes: Int
    /// The populated zones, in kernel order.
    public var zones: [ZoneType]
    /// The node order of its `ZONELIST_FALLBACK`; empty when the build did not build it.
    public var fallback: [NodeID]
    /// Its memory tier (`memory_tierN`), when it has one.
    public var tier: Int?
    /// Its preferred demotion targets.
    public var demotesTo: [NodeID]
  }

  /// A band of nodes: one memory tier, or the nodes without one.
  public struct Band: Hashable, Sendable {
    public var title: String
    public var nodes: [NodeID]
  }

  public var title: String
  /// A line under the title: the kernel, the build and the tiers' source.
  public var subtitle: String
  public var nodes: [NodeCard]
  public var distances: DistanceMatrix
  public var bands: [Band]

  /// Collects what to draw.
  ///
  /// - Parameters:
  ///   - tiering: The memory tiers, or nil when the kernel has none or they could not be
  ///     computed (one band then holds every node).
  ///   - pageSize: Bytes per page, for the memory sizes.
  /// - Complexity: O(*n*) in the number of nodes, plus the fallback orders' length.
  public init(title: String, topology: Topology, build: ZonelistBuild, tiering: MemoryTiering?, pageSize: Int = 4096) {
    self.title = title
    let context = build.context.isBoot ? "boot build" : "run-time rebuild"
    subtitle = "kernel \(build.profile.version.series) rules, \(context); \(topology.nodeIDs.count) nodes"
    var tierOf: [NodeID: Int] = [:]
    for tier in tiering?.tiers ?? [] { for node in tier.nodes { tierOf[node] = tier.id } }
    nodes = topology.possibleNodes.map { node in
      let present = node.zones.values.reduce(0) { $0 + $1.present.rawValue }
      return NodeCard(
        id: node.id, isOnline: node.isOnline, cpus: node.cpus, memoryBytes: present * pageSize,
        zones: node.zones.filter { $0.value.isPopulated }.keys.sorted(),
        fallback: build[node.id]?.nodeOrder ?? [], tier: tierOf[node.id],
        demotesTo: tiering?[demotionOf: node.id]?.preferred ?? [])
    }
    distances = topology.distances
    if let tiering {
      bands = tiering.tiers.map { tier in
        Band(
          title: "memory_tier\(tier.id) (abstract distance \(tier.range.lowerBound)-\(tier.range.upperBound))",
          nodes: tier.nodes)
      }
      let untiered = topology.nodeIDs.filter { tierOf[$0] == nil }
      if !untiered.isEmpty { bands.append(Band(title: "no memory tier (no memory)", nodes: untiered)) }
    } else {
      bands = [Band(title: "no memory tiers (kernel \(build.profile.version.series))", nodes: topology.nodeIDs)]
    }
  }

  /// Whether every node is drawn one by one (at most ``detailLimit`` nodes).
  public var isDetailed: Bool { nodes.count <= TopologyPicture.detailLimit }

  /// The node cards by id.
  subscript(id: NodeID) -> NodeCard? { nodes.first { $0.id == id } }

  /// The largest off-diagonal distance (the top of the colour scale), at least 11.
  var maxDistance: Int {
    var largest = DistanceMatrix.local + 1
    for row in distances.rows { for value in row where value > largest { largest = value } }
    return largest
  }
}

extension TopologyPicture.NodeCard {
  /// `CPUs 0-3`, `CPU 4` or `no CPUs`.
  var cpuText: String {
    switch cpus.count {
    case 0: "no CPUs"
    case 1: "CPU \(cpus[0])"
    default: "CPUs \(IDList.format(cpus))"
    }
  }
  /// The memory size, or `no memory`.
  var memoryText: String { memoryBytes == 0 ? "no memory" : ByteSize.text(memoryBytes) }
}

/// Byte sizes in binary units with one decimal, for pictures and plots.
enum ByteSize {
  static let kibibyte = 1024
  static let mebibyte = 1 << 20
  static let gibibyte = 1 << 30
  static let tebibyte = 1 << 40

  /// `512 MiB`, `1.5 GiB`, `2.0 TiB`.
  static func text(_ bytes: Int) -> String {
    if bytes >= 1000 * gibibyte { return tenths(bytes, tebibyte) + " TiB" }
    // From 1000 MiB on in GiB, so that 1023 MiB (a node's memory less the holes) reads 1.0 GiB.
    if bytes >= 1000 * mebibyte { return tenths(bytes, gibibyte) + " GiB" }
    if bytes >= mebibyte { return "\(bytes / mebibyte) MiB" }
    return "\(bytes / kibibyte) KiB"
  }

  /// `value / unit` with one decimal, rounded to nearest, computed in integers.
  static func tenths(_ value: Int, _ unit: Int) -> String {
    let scaled = (value.multipliedReportingOverflow(by: 10).overflow ? value / unit * 10 : (value * 10 + unit / 2) / unit)
    return "\(scaled / 10).\(scaled % 10)"
  }
}
