/// One side of a `zonelist diff`: a machine under one kernel's rules in one build context,
/// with its watermarks and tiers when they could be computed.
public struct DiffSide: Sendable {
  /// How the side is named in the output (`A`, `kernel 6.1`, the input's path).
  public var label: String
  public var topology: Topology
  public var profile: KernelProfile
  public var context: BuildContext
  public var tuning: TuningReport?
  public var tiering: MemoryTiering?

  public init(
    label: String, topology: Topology, profile: KernelProfile, context: BuildContext, tuning: TuningReport? = nil,
    tiering: MemoryTiering? = nil
  ) {
    self.label = label
    self.topology = topology
    self.profile = profile
    self.context = context
    self.tuning = tuning
    self.tiering = tiering
  }

  /// The side's zonelist build; with `explaining`, that node's every choice is recorded.
  func build(explaining node: NodeID? = nil) -> ZonelistBuild {
    var builder = ZonelistBuilder(topology: topology, profile: profile, context: context, explaining: node)
    return builder.build()
  }
}

/// What differs between two sides: each node's fallback order and the score term that made
/// it flip, the zone-level lists, the tiers and demotion targets, the watermarks.
///
/// Kernel: the orders are `build_zonelists()`'s, their choices `find_next_best_node()`'s
/// (`mm/page_alloc.c`); tiers and targets `mm/memory-tiers.c`; watermarks
/// `__setup_per_zone_wmarks()` and `setup_per_zone_lowmem_reserve()`.
public struct MachineDiff: Hashable, Sendable, Codable {
  public var a: String
  public var b: String
  public var nodeOrders: [NodeOrderChange] = []
  public var zonelists: [ZonelistChange] = []
  public var tiers: [TierChange] = []
  public var demotion: [DemotionChange] = []
  public var watermarks: [WatermarkChange] = []
  /// Where one side has a figure and the other does not (watermarks or tiers unknown).
  public var notCompared: [String] = []

  /// Whether nothing compared differs.
  public var isEqual: Bool {
    nodeOrders.isEmpty && zonelists.isEmpty && tiers.isEmpty && demotion.isEmpty && watermarks.isEmpty
  }

  /// A node whose fallback order differs, and why.
  public struct NodeOrderChange: Hashable, Sendable, Codable {
    public var node: Int
    /// `nil` where the side builds no list for the node.
    public var a: [Int]?
    public var b: [Int]?
    /// The first choice that differs and the score terms that decided it.
    public var flip: Flip?
  }

  /// The first position where the two sides chose differently.
  public struct Flip: Hashable, Sendable, Codable {
    public var position: Int
    /// The node each side put there (`nil`: the list ended).
    public var chosenA: Int?
    public var chosenB: Int?
    public var causes: [Cause]
  }

  /// One reason for a flip.
  public struct Cause: Hashable, Sendable, Codable {
    /// `distance`, `lower-id`, `cpu`, `node_load`, `multiplier`, `candidacy` or `local-node`.
    public var term: String
    public var text: String
  }

  public struct ZonelistChange: Hashable, Sendable, Codable {
    public var node: Int
    /// `FALLBACK` or `NOFALLBACK`.
    public var list: String
    public var a: [String]?
    public var b: [String]?
  }

  public struct TierChange: Hashable, Sendable, Codable {
    public var node: Int
    /// `memory_tierN (adistance)`, `nil` without a tier on that side.
    public var a: String?
    public var b: String?
  }

  public struct DemotionChange: Hashable, Sendable, Codable {
    public var node: Int
    public var a: String?
    public var b: String?
  }

  public struct WatermarkChange: Hashable, Sendable, Codable {
    /// `0:DMA32`.
    public var zone: String
    /// `min`, `low`, `high`, `promo`, `protection`.
    public var field: String
    public var a: String?
    public var b: String?
  }

  /// Compares `a` with `b`.
  ///
  /// - Parameter maxExplained: How many changed nodes to explain (each explanation
  ///   re-runs both builds).
  /// - Complexity: O(*k* × build) for *k* explained nodes.
  public init(_ a: DiffSide, _ b: DiffSide, maxExplained: Int = 64) {
    self.a = a.label
    self.b = b.label
    let buildA = a.build()
    let buildB = b.build()
    compareOrders(a, b, buildA, buildB, maxExplained: maxExplained)
    compareZonelists(buildA, buildB)
    compareTiers(a.tiering, b.tiering)
    compareWatermarks(a, b)
  }

  mutating func compareOrders(_ a: DiffSide, _ b: DiffSide, _ buildA: ZonelistBuild, _ buildB: ZonelistBuild, maxExplained: Int) {
    let ids = Set(buildA.lists.map(\.node)).union(buildB.lists.map(\.node)).sorted()
    for node in ids {
      let orderA = buildA[node]?.nodeOrder
      let orderB = buildB[node]?.nodeOrder
      guard orderA != orderB else { continue }
      var change = NodeOrderChange(node: node.rawValue, a: orderA?.map(\.rawValue), b: orderB?.map(\.rawValue))
      if orderA != nil, orderB != nil, nodeOrders.count < maxExplained,
        let explainedA = a.build(explaining: node).explained, let explainedB = b.build(explaining: node).explained
      {
        change.flip = MachineDiff.flip(explainedA, explainedB, a, b)
      }
      nodeOrders.append(change)
    }
  }

  mutating func compareZonelists(_ buildA: ZonelistBuild, _ buildB: ZonelistBuild) {
    let ids = Set(buildA.lists.map(\.node)).union(buildB.lists.map(\.node)).sorted()
    for node in ids {
      let listsA = buildA[node]
      let listsB = buildB[node]
      for (name, pathA, pathB) in [("FALLBACK", listsA?.fallback, listsB?.fallback), ("NOFALLBACK", listsA?.thisNode, listsB?.thisNode)] {
        let textA = pathA?.map(\.description)
        let textB = pathB?.map(\.description)
        if textA != textB { zonelists.append(ZonelistChange(node: node.rawValue, list: name, a: textA, b: textB)) }
      }
    }
  }

  mutating func compareTiers(_ a: MemoryTiering?, _ b: MemoryTiering?) {
    guard let a, let b else {
      if (a == nil) != (b == nil) { notCompared.append("tiers: only \(a == nil ? "B" : "A") has memory tiers") }
      return
    }
    func tier(_ tiering: MemoryTiering, _ node: NodeID) -> String? {
      tiering.distances[node].map { "memory_tier\($0.tierID) (adistance \($0.value))" }
    }
    for node in Set(a.distances.keys).union(b.distances.keys).sorted() where tier(a, node) != tier(b, node) {
      tiers.append(TierChange(node: node.rawValue, a: tier(a, node), b: tier(b, node)))
    }
    func targets(_ tiering: MemoryTiering, _ node: NodeID) -> String? {
      guard let targets = tiering.demotion.first(where: { $0.node == node }) else { return nil }
      if targets.preferred.isEmpty { return "null" }
      return "preferred: \(IDList.format(targets.preferred.map(\.rawValue))), fallback: \(IDList.format(targets.allowed.map(\.rawValue)))"
    }
    let nodes = Set(a.demotion.map(\.node)).union(b.demotion.map(\.node)).sorted()
    for node in nodes where targets(a, node) != targets(b, node) {
      demotion.append(DemotionChange(node: node.rawValue, a: targets(a, node), b: targets(b, node)))
    }
  }

  mutating func compareWatermarks(_ a: DiffSide, _ b: DiffSide) {
    guard let tuningA = a.tuning, let tuningB = b.tuning else {
      if (a.tuning == nil) != (b.tuning == nil) { notCompared.append("watermarks: only \(a.tuning == nil ? "B" : "A")'s could be computed") }
      return
    }
    let zones = Set(tuningA.zones.keys).union(tuningB.zones.keys).sorted { ($0.node, $0.type) < ($1.node, $1.type) }
    func populated(_ side: DiffSide, _ zone: ZoneReference) -> Bool {
      side.topology.nodes[zone.node]?[zone.type].isPopulated ?? false
    }
    for zone in zones {
      let zoneA = tuningA.zones[zone]
      let zoneB = tuningB.zones[zone]
      // A zone one side lacks counts only where the other side has memory in it.
      if zoneA == nil || zoneB == nil, !populated(a, zone), !populated(b, zone) { continue }
      let fields: [(String, (ZoneTuning) -> String)] = [
        ("min", { String($0.min) }), ("low", { String($0.low) }), ("high", { String($0.high) }),
        ("promo", { String($0.promo) }), ("protection", { $0.protection.map(String.init).joined(separator: " ") }),
      ]
      for (name, value) in fields where zoneA.map(value) != zoneB.map(value) {
        watermarks.append(WatermarkChange(zone: zone.description, field: name, a: zoneA.map(value), b: zoneB.map(value)))
      }
    }
  }
}
