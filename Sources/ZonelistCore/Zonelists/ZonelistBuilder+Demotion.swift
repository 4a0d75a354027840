extension ZonelistBuilder {
  /// A builder that scores candidates as `find_next_best_node()` does after `build`: every
  /// node's CPUs in its cpumask, and `node_load[]` as `build` left it.
  ///
  /// Kernel: `establish_demotion_targets()` calls `find_next_best_node()` long after the
  /// zonelists were built (a `late_initcall`, or a memory-online notifier), so the CPU
  /// penalty applies and `node_load[]` is the one of the last full build.
  static func scoring(after build: ZonelistBuild, topology: Topology) -> ZonelistBuilder {
    var scorer = ZonelistBuilder(topology: topology, profile: build.profile, context: .rebuild(onlining: nil))
    for (node, load) in build.nodeLoad where scorer.dense.ids.contains(node) {
      scorer.nodeLoad[scorer.dense.index(of: node)] = load
    }
    return scorer
  }

  /// Picks nodes for `local` among `candidates` until the distance changes.
  ///
  /// Kernel: the `do { target = find_next_best_node(node, &tier_nodes); … } while (1)` loop
  /// of `establish_demotion_targets()`: every memory node outside `candidates` is in the
  /// used mask; the first choice sets the distance and the loop stops at the first choice
  /// at another distance (or when none is left).
  /// - Returns: The chosen nodes, ascending in choice order, and every step with its scores.
  /// - Complexity: O(*n* *k*) for *n* memory nodes and *k* candidates.
  func preferredTargets(for local: NodeID, among candidates: Set<NodeID>) -> (nodes: [NodeID], steps: [FallbackStep]) {
    let localIndex = dense.index(of: local)
    var used = dense.ids.map { !candidates.contains($0) }
    var chosen: [NodeID] = []
    var steps: [FallbackStep] = []
    var bestDistance: Int? = nil
    while true {
      var step: FallbackStep? = FallbackStep(position: steps.count)
      guard let target = nextBestNode(for: localIndex, used: &used, step: &step) else {
        steps.append(step!)
        break
      }
      steps.append(step!)
      let distance = dense.distance(localIndex, target)
      if let bestDistance, distance != bestDistance { break }
      bestDistance = distance
      chosen.append(dense.ids[target])
    }
    return (chosen, steps)
  }
}
