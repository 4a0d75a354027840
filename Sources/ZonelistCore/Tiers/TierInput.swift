/// What the tiering code knows about each memory node besides the topology.
///
/// Kernel: the HMAT targets of `drivers/acpi/numa/hmat.c` (`target->coord[]`), the memory
/// types drivers register (`init_node_memory_type()`, as `drivers/dax/kmem.c` does), and
/// `numa_demotion_enabled`.
public struct TierInput: Hashable, Sendable, Codable {
  /// Per node; a node missing here is ordinary memory without HMAT figures.
  public var nodes: [NodeID: NodeTierInput]
  /// Whether the firmware has an HMAT at all (some node has `access0`/`access1`).
  ///
  /// Kernel: `hmat_init()` registers its algorithm only after parsing an HMAT.
  public var hasHMAT: Bool
  /// Kernel: `numa_demotion_enabled` (`/sys/kernel/mm/numa/demotion_enabled`); `nil` unknown.
  public var demotionEnabled: Bool?

  public init(nodes: [NodeID: NodeTierInput] = [:], hasHMAT: Bool = false, demotionEnabled: Bool? = nil) {
    self.nodes = nodes
    self.hasHMAT = hasHMAT
    self.demotionEnabled = demotionEnabled
  }

  /// The input of `node` (the default when absent).
  public subscript(node: NodeID) -> NodeTierInput { nodes[node] ?? NodeTierInput() }
}

/// One node's tiering input.
public struct NodeTierInput: Hashable, Sendable, Codable {
  /// The node's figures from CPU initiators, when HMAT names the node as a target.
  ///
  /// Kernel: `target->coord[ACCESS_COORDINATE_CPU]`; `nodeN/access1/initiators/*`.
  public var performance: AccessCoordinate?
  /// Who gives the node its memory type.
  public var kind: Kind
  /// Whether the node's memory came online after boot (dax/kmem, a hot-added DIMM).
  public var onlinedAfterBoot: Bool

  public enum Kind: Hashable, Sendable, Codable {
    /// Ordinary memory: the default DRAM type, or HMAT's figure when the algorithm applies.
    case ordinary
    /// Memory onlined by `kmem` from a dax device: `MEMTIER_DEFAULT_DAX_ADISTANCE` (2880)
    /// unless an algorithm gives a figure (6.7 on).
    case daxKmem
    /// A figure stated by the user (a topology file's `adistance:`), as a driver would
    /// register a memory type with it.
    case explicit(adistance: Int)
  }

  public init(performance: AccessCoordinate? = nil, kind: Kind = .ordinary, onlinedAfterBoot: Bool = false) {
    self.performance = performance
    self.kind = kind
    self.onlinedAfterBoot = onlinedAfterBoot || kind == .daxKmem
  }
}

extension TierInput {
  /// The input with node ids renamed by `map` (ids not in `map` keep theirs), as
  /// ``Topology/renamingNodes(_:)`` renames a QEMU guest's nodes.
  public func renamingNodes(_ map: [NodeID: NodeID]) -> TierInput {
    var copy = self
    copy.nodes = Dictionary(uniqueKeysWithValues: nodes.map { (map[$0.key] ?? $0.key, $0.value) })
    return copy
  }
}
