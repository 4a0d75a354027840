/// The memory-tiering rules of a kernel generation.
///
/// Kernel: `mm/memory-tiers.c`, `drivers/acpi/numa/hmat.c` and `drivers/dax/kmem.c`. Read
/// in Debian's 6.1.192, 6.12.117 and 7.2.13 sources; the releases in between are placed by
/// the upstream history as far as it is known here, and say so (``TierRules/isConfirmed``).
public struct TierRules: Hashable, Sendable, Codable {
  /// Whether the kernel has memory tiers at all (6.1 on: `mm/memory-tiers.c`).
  public var hasMemoryTiers: Bool
  /// Whether HMAT registers an abstract-distance algorithm (`hmat_calculate_adistance()`,
  /// `mt_perf_to_adistance()`): 6.7 on.
  public var hasHMATAlgorithm: Bool
  /// Whether `set_node_memory_tier()` asks the algorithm (`mt_calc_adistance()`) and the
  /// nodes with memory at boot get their tier at `memory_tier_late_init()` (a
  /// `late_initcall`, after HMAT registered: 6.10 on). Before, boot nodes are assigned at
  /// `memory_tier_init()` and only `kmem` asks the algorithm: other nodes keep 576.
  public var assignsBootNodesLate: Bool
  /// Whether `establish_demotion_targets()` prints the targets (`dump_demotion_targets()`).
  public var printsDemotionTargets: Bool
  /// Whether these rules were read in this kernel's own sources and checked on captures.
  public var isConfirmed: Bool
}

extension KernelProfile {
  /// The memory-tiering rules of this release.
  ///
  /// 6.1 and 6.12/7.2 are read in the sources and proven on captures. For 6.2–6.11 the
  /// placement of the two changes (HMAT algorithm 6.7, late assignment 6.10) follows the
  /// upstream history; when `dump_demotion_targets()` appeared between 6.2 and 6.12 was not
  /// checked: those releases are not ``TierRules/isConfirmed``.
  public var tierRules: TierRules {
    let version = self.version
    func atLeast(_ major: Int, _ minor: Int) -> Bool { version >= KernelVersion(major, minor) }
    let confirmed = ["6.1", "6.12", "7.2"].contains(version.series)
    return TierRules(
      hasMemoryTiers: atLeast(6, 1), hasHMATAlgorithm: atLeast(6, 7), assignsBootNodesLate: atLeast(6, 10),
      printsDemotionTargets: atLeast(6, 12), isConfirmed: confirmed)
  }
}
