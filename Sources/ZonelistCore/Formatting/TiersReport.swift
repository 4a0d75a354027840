/// The printable forms of a ``MemoryTiering``: the kernel's lines, a table, JSON.
public enum TiersReport {
  /// The lines `establish_demotion_targets()` prints, in the kernel's order and `%*pbl` form;
  /// none where the kernel prints none (6.1).
  ///
  /// Kernel: `dump_demotion_targets()`: for each node with memory and a tier, `Demotion
  /// targets for Node N: null` or `…: preferred: LIST, fallback: LIST`.
  public static func kernelLogLines(_ tiering: MemoryTiering) -> [String] {
    guard tiering.rules.printsDemotionTargets else { return [] }
    return tiering.demotion.map { targets in
      targets.preferred.isEmpty
        ? "Demotion targets for Node \(targets.node): null"
        : "Demotion targets for Node \(targets.node): preferred: \(list(targets.preferred)), fallback: \(list(targets.allowed))"
    }
  }

  /// Whether `line` (timestamp removed) is one of the lines ``kernelLogLines(_:)`` models.
  public static func isDemotionLine(_ line: String) -> Bool { line.hasPrefix("Demotion targets for Node ") }

  /// The last complete set of demotion lines of a kernel log: the kernel prints one set per
  /// `establish_demotion_targets()`, each starting again from the lowest node.
  public static func lastDemotionSet(dmesg lines: [String]) -> [String] {
    demotionSets(lines.map(KernelLog.strippingTimestamp)).last?.lines ?? []
  }

  /// Every set of demotion lines in `lines` (timestamps removed), with the index of its first line.
  static func demotionSets(_ lines: [String]) -> [(start: Int, lines: [String])] {
    var sets: [(start: Int, lines: [String])] = []
    var previous: Int? = nil
    for (index, line) in lines.enumerated() where isDemotionLine(line) {
      let node = Int(line.dropFirst("Demotion targets for Node ".count).prefix { $0.isNumber }) ?? -1
      if previous == nil || node <= previous! { sets.append((index, [])) }
      sets[sets.count - 1].lines.append(line)
      previous = node
    }
    return sets
  }

  static func list(_ nodes: [NodeID]) -> String { IDList.format(nodes.map(\.rawValue)) }

  /// Where a node's abstract distance came from, in words.
  public static func describe(_ distance: AbstractDistance) -> String {
    switch distance.source {
    case .explicit: return "given (adistance:)"
    case .hmat(let performance, let reference, _):
      return "HMAT: latency \(performance.readLatency)+\(performance.writeLatency) ns, bandwidth \(performance.readBandwidth)+\(performance.writeBandwidth) MB/s against node \(reference)"
    case .dramDefault(let reason): return "MEMTIER_ADISTANCE_DRAM (\(describe(reason)))"
    case .daxDefault(let reason): return "dax/kmem default (\(describe(reason)))"
    }
  }

  /// Why the default applies, in words.
  public static func describe(_ reason: AbstractDistance.DefaultReason) -> String {
    switch reason {
    case .kernelHasNoAlgorithm: "this kernel has no abstract-distance algorithm"
    case .assignedBeforeAlgorithm: "before 6.10 only kmem asks the HMAT algorithm"
    case .noHMAT: "no HMAT"
    case .algorithmNotRegistered: "HMAT's algorithm is not registered"
    case .notAnHMATTarget: "not an HMAT target"
    case .unusableFigures(let figures):
      "HMAT \(figures.latencySum == 0 ? "latency" : "bandwidth") sum is 0"
    case .noReference: "no DRAM reference"
    }
  }

  /// The HMAT algorithm's state, in words.
  public static func describe(_ reference: DRAMReference) -> String {
    let nodes = reference.defaultDRAMNodes.isEmpty ? "none" : list(reference.defaultDRAMNodes)
    switch reference.outcome {
    case .kernelHasNoAlgorithm: return "no abstract-distance algorithm before 6.7"
    case .noHMAT: return "no HMAT: every node keeps its type's default"
    case .registered:
      guard let node = reference.node, let figures = reference.performance else {
        return "registered, but no node with CPUs and memory (\(nodes)) has HMAT figures: no reference, defaults apply"
      }
      return "registered; DRAM reference node \(node) (first of the CPU+memory nodes \(nodes)): \(figuresText(figures))"
    case .unusable(let node, let figures):
      return "not registered: CPU+memory node \(node) has a zero latency or bandwidth sum (\(figuresText(figures)))"
    case .mismatch(let node, let figures):
      return "not registered: node \(node) (\(figuresText(figures))) differs by more than 10% from the reference node \(reference.node.map(\.description) ?? "?") (\(reference.performance.map(figuresText) ?? "?"))"
    }
  }

  static func figuresText(_ figures: AccessCoordinate) -> String {
    figures.figures.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
  }
}
