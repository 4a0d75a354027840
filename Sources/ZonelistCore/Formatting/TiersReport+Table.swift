extension TiersReport {
  /// `zonelist tiers --format table`: the tiers, then per node its fallback order beside
  /// its demotion targets.
  ///
  /// - Parameter fallbackOrders: Each node's zonelist node order from the same build.
  public static func table(_ tiering: MemoryTiering, fallbackOrders: [NodeID: [NodeID]]) -> String {
    var out: [String] = []
    out.append("kernel \(tiering.profile.version.series) tiering rules\(tiering.rules.isConfirmed ? "" : " (not confirmed on this release)")")
    out.append("HMAT algorithm: \(describe(tiering.reference))")
    out.append("")
    out.append("tier          adistance range   node adistances")
    for tier in tiering.tiers {
      let values = tier.nodes.map { "\($0):\(tiering.distances[$0]!.value)" }.joined(separator: " ")
      out.append(
        pad("memory_tier\(tier.id)", 13, left: true) + " " + pad("\(tier.range.lowerBound)-\(tier.range.upperBound)", 15, left: true)
          + "   " + values)
    }
    out.append("")
    out.append("node  adistance  source")
    for node in tiering.distances.keys.sorted() {
      let distance = tiering.distances[node]!
      out.append(pad(node.description, 4) + pad(String(distance.value), 11) + "  " + describe(distance))
    }
    out.append("")
    out.append("node  fallback order     demotion preferred  demotion allowed")
    for targets in tiering.demotion {
      let fallback = fallbackOrders[targets.node].map { $0.map(\.description).joined(separator: " ") } ?? "-"
      let preferred = targets.preferred.isEmpty ? "none (last tier)" : list(targets.preferred)
      let allowed = targets.allowed.isEmpty ? "none" : list(targets.allowed)
      out.append(pad(targets.node.description, 4) + "  " + pad(fallback, 17, left: true) + "  " + pad(preferred, 18, left: true) + "  " + allowed)
    }
    out.append("")
    out.append(
      "top_tier_adistance: \(tiering.topTierAdistance.map(String.init) ?? "not set (no tier has a node with CPUs)")"
        + "; preferred targets scored with node_load of the \(tiering.precedingBuild.isBoot ? "boot" : "run-time") zonelist build (\(loadText(tiering.nodeLoad)))")
    out.append(demotionEnabledText(tiering.demotionEnabled))
    return out.joined(separator: "\n") + "\n"
  }

  /// What `demotion_enabled` does, for the value read.
  public static func demotionEnabledText(_ enabled: Bool?) -> String {
    switch enabled {
    case true?: "demotion_enabled: true — reclaim demotes cold pages to these targets instead of discarding or swapping them"
    case false?: "demotion_enabled: false — the targets are established but reclaim does not demote (can_demote() is false); pages are discarded or swapped"
    case nil: "demotion_enabled: unknown (the kernel's default is false: no demotion during reclaim)"
    }
  }

  static func loadText(_ load: [NodeID: Int]) -> String {
    let text = load.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
    return text.isEmpty ? "all 0" : text
  }

  static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
  }

  /// `zonelist explain --demotion --node N`: the abstract-distance arithmetic, the tier
  /// boundaries, and every `find_next_best_node()` step of the preferred targets.
  public static func explanation(_ tiering: MemoryTiering, node: NodeID) -> String? {
    guard let distance = tiering.distances[node], let targets = tiering[demotionOf: node] else { return nil }
    var out = ["Demotion targets for node \(node), kernel \(tiering.profile.version.series) rules", ""]
    out.append("abstract distance: \(distance.value)")
    switch distance.source {
    case .hmat(let figures, let reference, let base):
      out.append("  HMAT figures of node \(node) from CPU initiators (access1): \(figuresText(figures))")
      out.append("  DRAM reference: node \(reference) (\(figuresText(base))), the first of the CPU+memory nodes at boot \(list(tiering.reference.defaultDRAMNodes)) with figures; the others agree within 10%")
      out.append(
        "  adistance = 576 * (\(figures.readLatency) + \(figures.writeLatency)) / (\(base.readLatency) + \(base.writeLatency)) * (\(base.readBandwidth) + \(base.writeBandwidth)) / (\(figures.readBandwidth) + \(figures.writeBandwidth)) = \(distance.value)   (integer arithmetic, left to right)")
    default:
      out.append("  \(describe(distance))")
      out.append("  HMAT algorithm: \(describe(tiering.reference))")
    }
    let tier = tiering.tiers.first { $0.id == targets.tier }!
    out.append("tier: memory_tier\(tier.id) = \(distance.value) >> 7, covering adistance \(tier.range.lowerBound)-\(tier.range.upperBound); nodes \(list(tier.nodes))")
    out.append("tiers, fastest first: " + tiering.tiers.map { "memory_tier\($0.id) [\(list($0.nodes))]" }.joined(separator: ", "))
    out.append("")
    guard let next = targets.nextTier else {
      out.append("memory_tier\(tier.id) is the last tier: no demotion target")
      out.append("Demotion targets for Node \(node): null")
      return out.joined(separator: "\n") + "\n"
    }
    out.append("preferred: nodes of the next tier, memory_tier\(next), in find_next_best_node() order; every other node with memory is in the used mask")
    out.append("score = (distance + lower-id penalty + CPU penalty) * MAX_NUMNODES (\(tiering.profile.maxNumNodes)) + node_load")
    out.append("CPU penalty applies (CPUs are in their nodes' masks by then); node_load is the \(tiering.precedingBuild.isBoot ? "boot" : "run-time") zonelist build's: \(loadText(tiering.nodeLoad))")
    var bestDistance: Int? = nil
    for step in targets.steps {
      out.append("step \(step.position + 1): " + (step.chosen == nil ? "no candidate left: the set ends" : "candidates"))
      guard let chosen = step.chosen else { break }
      out.append(contentsOf: Explanation.candidateTable(step, maxCandidates: nil))
      let chosenDistance = step.candidates.first { $0.node == chosen }!.distance
      if let bestDistance, chosenDistance != bestDistance {
        out.append("  distance \(chosenDistance) differs from the first choice's \(bestDistance): node \(chosen) is not taken and the set ends")
        break
      }
      out.append(bestDistance == nil ? "  first choice: the set's distance is \(chosenDistance)" : "  same distance \(chosenDistance): added")
      bestDistance = chosenDistance
    }
    out.append("")
    out.append("allowed (fallback): every node with memory in the tiers after memory_tier\(tier.id): \(list(targets.allowed))")
    out.append("Demotion targets for Node \(node): preferred: \(list(targets.preferred)), fallback: \(list(targets.allowed))")
    return out.joined(separator: "\n") + "\n"
  }
}
