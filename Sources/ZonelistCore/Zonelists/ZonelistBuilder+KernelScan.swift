extension ZonelistBuilder {
  /// Returns the dense indices of the nodes `local` falls back to, updating `node_load[]`:
  /// the kernel's loop, transcribed.
  ///
  /// Kernel: the `node_order[]` loop of `build_zonelists()` around `find_next_best_node()`.
  /// - Complexity: O(*n*^2) in the number of nodes.
  /// - Returns: The order, and each step's candidates when `recording`.
  mutating func kernelScanOrder(for local: Int, recording: Bool) -> (order: [Int], steps: [FallbackStep]) {
    var used = Array(repeating: false, count: dense.count)
    var order: [Int] = []
    var steps: [FallbackStep] = []
    var previous = local
    var load = onlineNodeCount
    while true {
      var step = recording ? FallbackStep(position: order.count) : nil
      guard let node = nextBestNode(for: local, used: &used, step: &step) else {
        if let step { steps.append(step) }
        break
      }
      let change = chargeLoad(local: local, node: node, previous: previous, load: load)
      if var step {
        step.loadChange = change
        steps.append(step)
      }
      order.append(node)
      previous = node
      load -= 1
    }
    return (order, steps)
  }

  /// Picks the next node for `local`'s list and marks it used.
  ///
  /// Kernel: `find_next_best_node(node, used_node_mask)`: the local node first, then the
  /// lowest score over `N_MEMORY`, the first one found on a tie.
  /// - Returns: The dense index, or `nil` for `NUMA_NO_NODE`.
  /// - Complexity: O(*n*) in the number of nodes with memory.
  func nextBestNode(for local: Int, used: inout [Bool], step: inout FallbackStep?) -> Int? {
    if !used[local] && takesLocalFirst(local) {
      used[local] = true
      step?.chosen = dense.ids[local]
      step?.reason = .localNode
      return local
    }
    var minimum = Int(Int32.max)
    var best: Int? = nil
    var ties = 0
    for candidate in dense.memoryIndices where !used[candidate] {
      let value = score(local: local, candidate: candidate)
      if value < minimum {
        minimum = value
        best = candidate
        ties = 1
      } else if value == minimum {
        ties += 1
      }
      if step != nil {
        step!.candidates.append(
          .init(
            node: dense.ids[candidate], distance: dense.distance(local, candidate),
            lowerIDPenalty: candidate < local ? 1 : 0,
            cpuPenalty: dense.hasCPUs[candidate] ? profile.penaltyForNodeWithCPUs : 0,
            load: nodeLoad[candidate], multiplier: multiplier, score: value))
      }
    }
    guard let best else {
      step?.reason = .noCandidate
      return nil
    }
    used[best] = true
    step?.chosen = dense.ids[best]
    step?.reason = ties > 1 ? .lowestScoreFirstOfTie : .lowestScore
    return best
  }
}
