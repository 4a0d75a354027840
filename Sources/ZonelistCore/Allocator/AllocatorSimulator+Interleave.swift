extension AllocatorSimulator {
  /// The weight of `node` for weighted interleave: 1 unless set.
  ///
  /// Kernel: `get_il_weight()` in `mm/mempolicy.c` (6.9 on): `iw_table[node]`, 0 or no table meaning 1.
  func interleaveWeight(_ node: NodeID) -> Int { Swift.max(1, interleaveWeights[node] ?? 1) }

  /// The node positions of one interleave round, each node as often as its weight
  /// (1 for MPOL_INTERLEAVE): entry `ilx % count` is the node of interleave index `ilx`.
  ///
  /// Kernel: `interleave_nid()` and `weighted_interleave_nid()`: `target = ilx % weight_total`,
  /// then the nodes of the mask in id order, each taking `weight` targets.
  func interleaveRound(_ policy: MemoryPolicy, cpuNode: NodeID) -> [Int] {
    let nodes = policy.nodes.isEmpty ? [cpuNode] : policy.nodes.sorted()
    guard policy.mode == .weightedInterleave else { return nodes.map { nodePosition[$0]! } }
    return nodes.flatMap { node in Array(repeating: nodePosition[node]!, count: interleaveWeight(node)) }
  }

  /// The node of an allocation without an interleave index (page tables, `alloc_pages()`),
  /// from the task's state, which it advances.
  ///
  /// Kernel: `interleave_nodes()` (`il_prev = next_node_in(il_prev, nodes)`) and
  /// `weighted_interleave_nodes()` (stay on `il_prev` while `il_weight` lasts, then the next
  /// node with its full weight), from `policy_nodemask()` with `NO_INTERLEAVE_INDEX`.
  mutating func nextTaskInterleaveNode(_ policy: MemoryPolicy, cpuNode: NodeID) -> NodeID {
    let nodes = policy.nodes.isEmpty ? [cpuNode] : policy.nodes.sorted()
    func nextNode(after previous: NodeID?) -> NodeID {
      guard let previous else { return nodes[0] }
      return nodes.first { $0 > previous } ?? nodes[0]
    }
    if policy.mode == .weightedInterleave {
      if taskInterleave.weightLeft == 0 || !nodes.contains(taskInterleave.previous ?? NodeID(-1)) {
        let node = nextNode(after: taskInterleave.previous)
        taskInterleave = (node, interleaveWeight(node))
      }
      taskInterleave.weightLeft -= 1
      return taskInterleave.previous!
    }
    let node = nextNode(after: taskInterleave.previous)
    taskInterleave.previous = node
    return node
  }

  /// A new policy: the task's interleave state starts over.
  ///
  /// Kernel: `do_set_mempolicy()`: `il_prev = MAX_NUMNODES - 1`, `il_weight = 0`.
  public mutating func setTaskPolicy() { taskInterleave = (nil, 0) }
}
