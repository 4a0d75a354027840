extension MachineDiff {
  /// The first choice of `find_next_best_node()` that differs between two explanations of
  /// one node, and the score terms that moved in favour of the node the second side chose.
  ///
  /// Kernel: the score `(node_distance + (n < node) + PENALTY_FOR_NODE_WITH_CPUS) *
  /// MAX_NUMNODES + node_load[n]` of `find_next_best_node()`, and the local node taken first.
  static func flip(_ explainedA: NodeExplanation, _ explainedB: NodeExplanation, _ a: DiffSide, _ b: DiffSide) -> Flip? {
    let stepsA = explainedA.steps
    let stepsB = explainedB.steps
    let count = max(stepsA.count, stepsB.count)
    guard let index = (0..<count).first(where: { stepsA.indices.contains($0) && stepsB.indices.contains($0) ? stepsA[$0].chosen != stepsB[$0].chosen : true })
    else { return nil }
    let stepA = stepsA.indices.contains(index) ? stepsA[index] : FallbackStep(position: index)
    let stepB = stepsB.indices.contains(index) ? stepsB[index] : FallbackStep(position: index)
    let local = explainedA.node
    var flip = Flip(position: index, chosenA: stepA.chosen?.rawValue, chosenB: stepB.chosen?.rawValue, causes: [])
    if stepA.reason == .localNode || stepB.reason == .localNode {
      let (taker, other, otherSide) = stepA.reason == .localNode ? ("A", "B", b) : ("B", "A", a)
      let node = otherSide.topology.nodes[local]
      let why =
        node == nil ? "it is not a node there"
        : !node!.hasMemory && otherSide.profile.skipsMemorylessLocalNode
          ? "from 6.6 find_next_best_node() leaves a memoryless local node out" : "it is used or has no memory there"
      flip.causes.append(Cause(term: "local-node", text: "\(taker) takes the local node \(local) first; \(other) does not: \(why)"))
      return flip
    }
    for (side, step, node) in [("A", stepA, stepB.chosen), ("B", stepB, stepA.chosen)] {
      guard let node, !step.candidates.contains(where: { $0.node == node }) else { continue }
      let sideMachine = side == "A" ? a : b
      let state = sideMachine.topology.nodes[node]
      let why =
        state == nil ? "not a node of \(side)" : !state!.isOnline ? "offline on \(side)"
        : !state!.hasMemory ? "no memory on \(side)" : "already in \(side)'s list"
      flip.causes.append(Cause(term: "candidacy", text: "node \(node) is not a candidate on \(side) (\(why))"))
    }
    guard flip.causes.isEmpty, let x = stepA.chosen, let y = stepB.chosen,
      let ax = stepA.candidates.first(where: { $0.node == x }), let ay = stepA.candidates.first(where: { $0.node == y }),
      let bx = stepB.candidates.first(where: { $0.node == x }), let by = stepB.candidates.first(where: { $0.node == y })
    else { return flip }
    flip.causes = termCauses(local: local, x: x, y: y, a: (ax, ay), b: (bx, by))
    return flip
  }

  /// The terms whose share of `score(y) - score(x)` fell from A to B (where A chose x, B y).
  static func termCauses(
    local: NodeID, x: NodeID, y: NodeID, a: (x: FallbackStep.Candidate, y: FallbackStep.Candidate),
    b: (x: FallbackStep.Candidate, y: FallbackStep.Candidate)
  ) -> [Cause] {
    typealias Candidate = FallbackStep.Candidate
    let terms: [(String, String, (Candidate) -> Int, Bool)] = [
      ("distance", "node_distance(\(local), n)", \.distance, true),
      ("lower-id", "the lower-id penalty (n < \(local))", \.lowerIDPenalty, true),
      ("cpu", "the CPU penalty (n has CPUs)", \.cpuPenalty, true),
      ("node_load", "node_load[n] (from the lists built before in the pass)", \.load, false),
    ]
    var causes: [Cause] = []
    for (name, what, value, weighted) in terms {
      let gapA = (value(a.y) - value(a.x)) * (weighted ? a.x.multiplier : 1)
      let gapB = (value(b.y) - value(b.x)) * (weighted ? b.x.multiplier : 1)
      guard gapB < gapA else { continue }
      causes.append(
        Cause(
          term: name,
          text: "\(what): A \(x):\(value(a.x)) \(y):\(value(a.y)), B \(x):\(value(b.x)) \(y):\(value(b.y))"))
    }
    if a.x.multiplier != b.x.multiplier {
      causes.append(Cause(term: "multiplier", text: "the score multiplier: A \(a.x.multiplier), B \(b.x.multiplier)"))
    }
    let scores = "scores A \(x):\(a.x.score) \(y):\(a.y.score), B \(x):\(b.x.score) \(y):\(b.y.score)"
    if causes.isEmpty {
      causes.append(Cause(term: "tie", text: "equal scores broken by the scan order (the lowest id first): \(scores)"))
    } else {
      causes[causes.count - 1].text += "; \(scores)"
    }
    return causes
  }
}
