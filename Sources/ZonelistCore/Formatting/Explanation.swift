/// The text of `zonelist explain`: every step of `find_next_best_node()` for one node.
public enum Explanation {
  /// The code that fills a node's cpumask, which runs after `build_all_zonelists(NULL)` in
  /// `start_kernel()`: at the boot build no node has CPUs.
  ///
  /// Kernel: x86 `numa_add_cpu()` from `identify_cpu()`; arm64 `numa_add_cpu()` from
  /// `smp_prepare_cpus()` (the boot CPU) and `secondary_start_kernel()` (`arch/arm64/kernel/smp.c`).
  static func cpuMaskSetter(_ architecture: Architecture) -> String {
    switch architecture {
    case .x86_64, .x86_32: "x86"
    case .arm64: "arm64"
    }
  }

  ///
  /// - Parameter maxCandidates: How many of each step's candidates to show, lowest scores
  ///   first (`nil`: all, in node order, as the kernel scans them).
  public static func text(_ explanation: NodeExplanation, build: ZonelistBuild, topology: Topology, maxCandidates: Int? = nil) -> String {
    if !build.profile.hasNUMA { return withoutNUMA(explanation.node, build: build) }
    var out: [String] = []
    let local = explanation.node
    let steps = explanation.steps
    let built = explanation.builtBefore
    let position = built.count
    let loadBefore = explanation.loadOnEntry.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
    out.append("Fallback order for node \(local), kernel \(build.profile.version.series) rules, \(build.context.isBoot ? "boot" : "rebuild") build")
    out.append(
      "Nodes built before it in this pass: \(position == 0 ? "none" : position > 16 ? "\(position) nodes" : built.map(\.description).joined(separator: " ")); node_load on entry: \(loadBefore.isEmpty ? "all 0" : loadBefore)")
    switch build.profile.scoreMultiplier {
    case .maxNumNodes:
      out.append("score = (distance + lower-id penalty + CPU penalty) * MAX_NUMNODES (\(build.profile.maxNumNodes)) + node_load")
    case .onlineNodesTimesMaxNumNodes:
      out.append("score = (distance + lower-id penalty + CPU penalty) * nr_online_nodes * MAX_NUMNODES + node_load")
    }
    if build.context.isBoot {
      out.append("CPU penalty: none at boot (\(cpuMaskSetter(build.profile.architecture)) adds CPUs to node masks after the boot build)")
    }
    if !topology[local].hasMemory {
      out.append(
        build.profile.skipsMemorylessLocalNode
          ? "node \(local) has no memory: from 6.6 find_next_best_node() leaves it out of its own list"
          : "node \(local) has no memory: before 6.6 it still comes first in its own list")
    }
    out.append("")
    for step in steps {
      switch step.reason {
      case .localNode:
        out.append("step \(step.position + 1): node \(local) (the local node comes first when unused\(build.profile.skipsMemorylessLocalNode ? " and it has memory" : ""))")
      case .noCandidate:
        out.append("step \(step.position + 1): no node with memory left: the list ends")
      case .lowestScore, .lowestScoreFirstOfTie:
        out.append("step \(step.position + 1): candidates")
        out.append(contentsOf: candidateTable(step, maxCandidates: maxCandidates))
      }
      if let change = step.loadChange {
        out.append("  node_load[\(change.node)]: \(change.from) -> \(change.to) (first node of a new distance group)")
      }
    }
    if let lists = build[local] {
      out.append("")
      out.append("Fallback order for Node \(local): " + lists.nodeOrder.map { "\($0) " }.joined())
    }
    let after = build.nodeLoad.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
    out.append("node_load after the whole pass: \(after.isEmpty ? "all 0" : after)")
    return out.joined(separator: "\n") + "\n"
  }

  /// A kernel built without `CONFIG_NUMA` (Debian's 686-pae) has no node order to choose.
  ///
  /// Kernel: the UMA `build_zonelists()` of `mm/page_alloc.c`: `build_zonerefs_node()` puts the
  /// node's populated zones in from the highest type down, so HighMem, the cheapest to give
  /// away, is tried first and DMA, the scarcest, last; an allocation starts at the highest zone
  /// its flags allow (`gfp_zone()`).
  static func withoutNUMA(_ node: NodeID, build: ZonelistBuild) -> String {
    let fallback = build[node]?.fallback ?? []
    var out = [
      "Zonelist of node \(node), kernel \(build.profile.version.series) rules on \(build.profile.architecture.rawValue), \(build.context.isBoot ? "boot" : "rebuild") build",
      "The kernel is built without NUMA: one node, one zonelist, no node order to choose (no find_next_best_node(),",
      "no Fallback order line, no Policy zone, no __GFP_THISNODE list). build_zonerefs_node() adds the node's",
      "populated zones from the highest type down, so the cheapest memory is tried first and the scarcest last:",
      "",
      "  FALLBACK: " + fallback.map(\.description).joined(separator: " "),
      "",
      "An allocation starts at the highest zone its flags allow (gfp_zone()) and walks down from there:",
    ]
    for type in build.profile.zoneTypes.reversed() where type != .movable && fallback.contains(where: { $0.type == type }) {
      let flags: String
      switch type {
      case .highmem: flags = "GFP_HIGHUSER (user pages)"
      case .normal: flags = "GFP_KERNEL"
      case .dma32: flags = "GFP_DMA32"
      case .dma: flags = "GFP_DMA"
      default: flags = type.kernelName
      }
      let list = NodeZonelists.eligible(fallback, atOrBelow: type).map(\.description).joined(separator: " ")
      out.append("  " + flags + String(repeating: " ", count: max(1, 27 - flags.count)) + list)
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// The candidates of one `find_next_best_node()` step with their score terms, and the choice.
  ///
  /// - Parameter maxCandidates: How many to show, lowest scores first (`nil`: all, in node order).
  static func candidateTable(_ step: FallbackStep, maxCandidates: Int?) -> [String] {
    var out = ["    node  distance  lower-id  cpu  node_load        score"]
    var shown = step.candidates
    if let maxCandidates, shown.count > maxCandidates {
      shown = Array(shown.sorted { ($0.score, $0.node) < ($1.score, $1.node) }.prefix(maxCandidates))
    }
    for candidate in shown {
      let mark = candidate.node == step.chosen ? " <- chosen" : ""
      out.append(
        "  " + pad(candidate.node.description, 6) + pad(String(candidate.distance), 10) + pad(String(candidate.lowerIDPenalty), 10)
          + pad(String(candidate.cpuPenalty), 5) + pad(String(candidate.load), 11) + pad(String(candidate.score), 13) + mark)
    }
    if shown.count < step.candidates.count {
      out.append("  (\(step.candidates.count - shown.count) more candidates with higher scores; --all-candidates shows them)")
    }
    if let chosen = step.chosen {
      let why = step.reason == .lowestScore ? "lowest score" : "lowest score, tied: the scan keeps the first, the lowest id"
      out.append("  chose node \(chosen): \(why)")
    }
    return out
  }

  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }
}
