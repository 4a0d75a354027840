/// Memory tiers and demotion targets, as the kernel establishes them.
///
/// Kernel: `mm/memory-tiers.c`: `set_node_memory_tier()`, `find_create_memory_tier()`,
/// `establish_demotion_targets()` and `dump_demotion_targets()`, with the abstract distances
/// of `drivers/acpi/numa/hmat.c` and `drivers/dax/kmem.c`.
///
/// ```swift
/// let tiering = try MemoryTiering(topology: topology, input: input, profile: .linux6_12)
/// tiering.tiers.map(\.id)          // [4, 33]
/// tiering.demotion[0].preferred    // [2]
/// ```
public struct MemoryTiering: Hashable, Sendable, Codable {
  public var profile: KernelProfile
  public var rules: TierRules
  public var reference: DRAMReference
  /// Every node with memory, ascending, with its abstract distance.
  public var distances: [NodeID: AbstractDistance]
  /// Ascending by abstract distance. Kernel: the `memory_tiers` list.
  public var tiers: [MemoryTier]
  /// One entry per node with memory, ascending. Kernel: `node_demotion[]`.
  public var demotion: [DemotionTargets]
  /// Kernel: `top_tier_adistance`: the last `adistance_start + MEMTIER_CHUNK_SIZE - 1` of a
  /// tier holding a node with CPUs; `nil` when no tier has CPUs (the kernel keeps its old value).
  public var topTierAdistance: Int?
  /// Kernel: `numa_demotion_enabled`; `nil` when unknown.
  public var demotionEnabled: Bool?
  /// The zonelist build whose `node_load[]` the preferred targets were scored with.
  public var precedingBuild: BuildContext
  /// Kernel: `node_load[]` after that build (zeros left out).
  public var nodeLoad: [NodeID: Int]

  /// Establishes the tiers of `topology` as it stands.
  ///
  /// - Parameter precedingBuild: The last full zonelist build before the targets were set:
  ///   ``BuildContext/boot`` for the boot set (`memory_tier_late_init()`), a rebuild when
  ///   memory came online later (the rebuild of `online_pages()` precedes the notifier).
  ///   By default a rebuild when some node's memory came online after boot.
  /// - Throws: ``TierError/noMemoryTiers`` before 6.1.
  /// - Complexity: O(*n*^2 log *n*) for *n* nodes (the zonelist build dominates).
  public init(
    topology: Topology, input: TierInput, profile: KernelProfile, precedingBuild: BuildContext? = nil
  ) throws(TierError) {
    let rules = profile.tierRules
    guard rules.hasMemoryTiers else { throw .noMemoryTiers(profile.version) }
    self.profile = profile
    self.rules = rules
    demotionEnabled = input.demotionEnabled
    let memoryNodes = topology.memoryNodeIDs
    let defaultDRAM = memoryNodes.filter { topology[$0].hasCPUs && !input[$0].onlinedAfterBoot }
    reference = DRAMReference(rules: rules, input: input, defaultDRAMNodes: defaultDRAM)
    var distances: [NodeID: AbstractDistance] = [:]
    for node in memoryNodes {
      distances[node] = MemoryTiering.abstractDistance(of: input[node], rules: rules, reference: reference, hasHMAT: input.hasHMAT)
    }
    self.distances = distances
    tiers = MemoryTiering.tiers(distances: distances, topology: topology)
    topTierAdistance = tiers.last { tier in tier.nodes.contains { topology[$0].hasCPUs } }
      .map { $0.adistanceStart + AbstractDistance.chunkSize - 1 }
    let context = precedingBuild ?? (memoryNodes.contains { input[$0].onlinedAfterBoot } ? .rebuild(onlining: nil) : .boot)
    self.precedingBuild = context
    var builder = ZonelistBuilder(topology: topology, profile: profile, context: context)
    let build = builder.build()
    nodeLoad = build.nodeLoad
    let scorer = ZonelistBuilder.scoring(after: build, topology: topology)
    demotion = MemoryTiering.targets(tiers: tiers, memoryNodes: memoryNodes, distances: distances, scorer: scorer)
  }

  /// Kernel: `set_node_memory_tier()` → `mt_calc_adistance()` (6.7 on), or the type a driver
  /// registered first (`kmem`'s, which itself asked `mt_calc_adistance()`).
  static func abstractDistance(
    of node: NodeTierInput, rules: TierRules, reference: DRAMReference, hasHMAT: Bool
  ) -> AbstractDistance {
    func fallback(_ reason: AbstractDistance.DefaultReason) -> AbstractDistance {
      node.kind == .daxKmem
        ? AbstractDistance(value: AbstractDistance.daxDefault, source: .daxDefault(reason))
        : AbstractDistance(value: AbstractDistance.dram, source: .dramDefault(reason))
    }
    if case .explicit(let value) = node.kind { return AbstractDistance(value: value, source: .explicit) }
    guard rules.hasHMATAlgorithm else { return fallback(.kernelHasNoAlgorithm) }
    guard hasHMAT else { return fallback(.noHMAT) }
    guard rules.assignsBootNodesLate || node.kind == .daxKmem else { return fallback(.assignedBeforeAlgorithm) }
    guard reference.isRegistered else { return fallback(.algorithmNotRegistered) }
    guard let performance = node.performance else { return fallback(.notAnHMATTarget) }
    guard performance.isUsable else { return fallback(.unusableFigures(performance)) }
    guard let referenceNode = reference.node, let referencePerformance = reference.performance else {
      return fallback(.noReference)
    }
    return AbstractDistance(
      value: AbstractDistance.fromPerformance(performance, reference: referencePerformance),
      source: .hmat(performance: performance, reference: referenceNode, referencePerformance: referencePerformance))
  }

  /// Kernel: `find_create_memory_tier()` for each node's type, and the `lower_tier_mask` loop
  /// of `establish_demotion_targets()`.
  static func tiers(distances: [NodeID: AbstractDistance], topology: Topology) -> [MemoryTier] {
    var byStart: [Int: [NodeID]] = [:]
    for (node, distance) in distances {
      byStart[distance.tierID << AbstractDistance.chunkBits, default: []].append(node)
    }
    var remaining = Set(distances.keys)
    return byStart.keys.sorted().map { start in
      let nodes = byStart[start]!.sorted()
      remaining.subtract(nodes)
      let values = nodes.map { distances[$0]!.value }
      return MemoryTier(
        id: start >> AbstractDistance.chunkBits, adistanceStart: start, nodes: nodes,
        adistances: values.min()!...values.max()!, lowerTierNodes: remaining.sorted())
    }
  }

  /// Kernel: the `for_each_node_state(node, N_MEMORY)` loop of `establish_demotion_targets()`.
  static func targets(
    tiers: [MemoryTier], memoryNodes: [NodeID], distances: [NodeID: AbstractDistance], scorer: ZonelistBuilder
  ) -> [DemotionTargets] {
    memoryNodes.map { node in
      let index = tiers.firstIndex { $0.nodes.contains(node) }!
      let tier = tiers[index]
      guard index + 1 < tiers.count else {
        return DemotionTargets(node: node, tier: tier.id, nextTier: nil, preferred: [], allowed: [], steps: [])
      }
      let next = tiers[index + 1]
      let (preferred, steps) = scorer.preferredTargets(for: node, among: Set(next.nodes))
      return DemotionTargets(
        node: node, tier: tier.id, nextTier: next.id, preferred: preferred.sorted(), allowed: tier.lowerTierNodes,
        steps: steps)
    }
  }

  /// The targets of `node`, if it has memory.
  public subscript(demotionOf node: NodeID) -> DemotionTargets? { demotion.first { $0.node == node } }
}

/// One memory tier.
///
/// Kernel: `struct memory_tier` in `mm/memory-tiers.c`, shown as
/// `/sys/devices/virtual/memory_tiering/memory_tierN/nodelist`.
public struct MemoryTier: Hashable, Sendable, Codable {
  /// Kernel: `dev.id`, `adistance_start >> MEMTIER_CHUNK_BITS`.
  public var id: Int
  /// Kernel: `adistance_start`.
  public var adistanceStart: Int
  /// Kernel: `get_memtier_nodemask()`.
  public var nodes: [NodeID]
  /// The lowest and highest abstract distance of its nodes.
  public var adistances: ClosedRange<Int>
  /// Kernel: `lower_tier_mask`: every node with memory in the slower tiers.
  public var lowerTierNodes: [NodeID]

  /// The abstract distances the tier covers. Kernel: `adistance_start .. + MEMTIER_CHUNK_SIZE - 1`.
  public var range: ClosedRange<Int> { adistanceStart...(adistanceStart + AbstractDistance.chunkSize - 1) }
}

/// Where one node demotes to.
///
/// Kernel: `node_demotion[node].preferred` and the node's tier's `lower_tier_mask`
/// (`node_get_allowed_targets()`), printed by `dump_demotion_targets()`.
public struct DemotionTargets: Hashable, Sendable, Codable {
  public var node: NodeID
  public var tier: Int
  /// The tier the preferred nodes come from; `nil` in the last tier.
  public var nextTier: Int?
  /// Kernel: `node_demotion[node].preferred`; empty prints `null`.
  public var preferred: [NodeID]
  /// Kernel: `lower_tier_mask`, printed as "fallback".
  public var allowed: [NodeID]
  /// `find_next_best_node()`'s choices, for `explain --demotion`.
  public var steps: [FallbackStep]
}

/// Input the tiering model cannot use.
public enum TierError: Error, Hashable, Sendable, CustomStringConvertible {
  case noMemoryTiers(KernelVersion)

  public var description: String {
    switch self {
    case .noMemoryTiers(let version):
      "kernel \(version.series) has no memory tiers: expected 6.1 or later (mm/memory-tiers.c)"
    }
  }
}

extension MemoryTiering {
  /// The zonelist build that preceded the last `establish_demotion_targets()` a kernel log
  /// shows: a run-time rebuild when a `Built N zonelists` line follows the boot's before the
  /// last set of `Demotion targets` lines (or anywhere, on a kernel that prints none); `nil`
  /// when the log shows no build.
  ///
  /// Kernel: `online_pages()` rebuilds the zonelists (`build_all_zonelists(NULL)`, which
  /// prints `Built …`) before the memory-online notifier re-establishes the targets; a
  /// hot-add that gives a node its first memory does both, one that only adds to a node
  /// with memory re-establishes nothing.
  public static func precedingBuild(dmesg: String) -> BuildContext? {
    let lines = dmesg.split(separator: "\n").map { KernelLog.strippingTimestamp(String($0)) }
    let end = TiersReport.demotionSets(lines).last?.start ?? lines.count
    let builds = lines[..<end].filter { $0.hasPrefix("Built ") && $0.contains(" zonelists") }.count
    guard builds > 0 else { return nil }
    return builds == 1 ? .boot : .rebuild(onlining: nil)
  }
}
