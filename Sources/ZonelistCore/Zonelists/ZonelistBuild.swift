/// Everything one build or rebuild produced.
///
/// Kernel: the state `__build_all_zonelists()` leaves: `node_zonelists[]` of the nodes it
/// built, `node_load[]`, `policy_zone`, and what `build_all_zonelists()` prints.
public struct ZonelistBuild: Hashable, Sendable, Codable {
  public var profile: KernelProfile
  public var context: BuildContext
  public var zonelistOrder: KernelProfile.ZonelistOrder
  /// The lists, in the order the nodes were built (ascending node id).
  public var lists: [NodeZonelists]
  /// `node_load[]` after the build, nodes with 0 left out.
  public var nodeLoad: [NodeID: Int]
  /// The count `Built N zonelists` prints. Kernel: `nr_online_nodes`.
  public var builtCount: Int
  /// Kernel: `policy_zone`, raised by `check_highest_zone()` for every zone added.
  public var policyZone: ZoneType
  /// The choices of the node the builder was asked to explain (`zonelist explain`).
  public var explained: NodeExplanation?

  /// The lists of `node`, if this build made them.
  public subscript(node: NodeID) -> NodeZonelists? { lists.first { $0.node == node } }
}

/// Every choice made for one node's list, and the `node_load[]` it started from.
public struct NodeExplanation: Hashable, Sendable, Codable {
  public var node: NodeID
  /// Nodes built before it in the same pass, in order.
  public var builtBefore: [NodeID]
  /// `node_load[]` when its list was started (zeros left out).
  public var loadOnEntry: [NodeID: Int]
  /// One step per position, and a last step with no candidate left.
  public var steps: [FallbackStep]
}

/// One choice of `find_next_best_node()`: every candidate's score and the winner.
public struct FallbackStep: Hashable, Sendable, Codable {
  /// The position in the node order being filled (0 is the first entry).
  public var position: Int
  public var candidates: [Candidate] = []
  public var chosen: NodeID? = nil
  public var reason: Reason = .noCandidate
  /// How the choice changed `node_load[]`, if it did.
  public var loadChange: LoadChange? = nil

  public init(position: Int) { self.position = position }

  /// One node considered, with the terms of its score.
  public struct Candidate: Hashable, Sendable, Codable {
    public var node: NodeID
    /// Kernel: `node_distance(local, n)`.
    public var distance: Int
    /// Kernel: `(n < node)`, "prefer the next node".
    public var lowerIDPenalty: Int
    /// Kernel: `PENALTY_FOR_NODE_WITH_CPUS` when `cpumask_of_node(n)` is not empty.
    public var cpuPenalty: Int
    /// Kernel: `node_load[n]`.
    public var load: Int
    /// Kernel: `MAX_NUMNODES` (5.19 on) or `MAX_NODE_LOAD * MAX_NUMNODES`.
    public var multiplier: Int
    /// `(distance + lowerIDPenalty + cpuPenalty) * multiplier + load`.
    public var score: Int
  }

  public enum Reason: String, Hashable, Sendable, Codable {
    /// The local node comes first when it is not yet used (and, from 6.6, has memory).
    case localNode
    /// The only lowest score.
    case lowestScore
    /// Several candidates share the lowest score: the scan keeps the first, the lowest id.
    case lowestScoreFirstOfTie
    /// No node with memory is left (`NUMA_NO_NODE`).
    case noCandidate
  }

  /// Kernel: `node_load[node] += 1` (or `= load`, `+= load` on older kernels).
  public struct LoadChange: Hashable, Sendable, Codable {
    public var node: NodeID
    public var from: Int
    public var to: Int
  }
}
