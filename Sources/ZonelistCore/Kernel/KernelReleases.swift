/// The Linux release series that exist, and where a release stands against the rules this
/// model knows and has proven on real kernels.
///
/// Kernel: the mainline release series (`Makefile`'s `VERSION`/`PATCHLEVEL`, and `SUBLEVEL`
/// for 2.6): 2.6.0–2.6.39, 3.0–3.19, 4.0–4.20, 5.0–5.19, 6.0–6.19, then 7.0 on.
public enum KernelReleases {
  /// The newest series released as of 2026-11-30.
  ///
  /// Debian sid carries 7.2 (7.2.13 on 2026-10-30) and experimental carried 7.3-rc7 on the
  /// same day; mainline releases come every 9–10 weeks, one to two weeks after rc7, so 7.3
  /// was out in November 2026 and 7.4 could not be before its merge window and rc7.
  public static let newest = KernelVersion(7, 3)
  /// The newest series booted and compared in this repository (`KernelProfile.provenSeries`).
  public static let newestProven = KernelVersion(7, 2)
  /// The newest series whose source was compared with ``newestProven``'s: Debian
  /// experimental's `linux-source-7.3` 7.3~rc7 has the same `build_zonelists()`,
  /// `find_next_best_node()`, `__build_all_zonelists()`, watermark, `lowmem_reserve`,
  /// per-CPU page-set and `zoneinfo_show_print()` code as 7.2.13 (its `mm/mm_init.c` changes
  /// only sparsemem set-up and the `kernelcore=mirror` case, which the model refuses).
  public static let newestSourceCompared = KernelVersion(7, 3)
  /// The oldest release whose zonelist rules are modeled: 2.6.23 brought ZONE_MOVABLE and
  /// `numa_zonelist_order`, which every profile builds on.
  public static let oldestModeled = KernelVersion(2, 6, 23)

  /// The last minor release of each major series that has ended.
  static let lastMinor: [Int: Int] = [3: 19, 4: 20, 5: 19, 6: 19]

  /// Whether `version` names a release series that exists (the stable sublevel is not checked).
  public static func exists(_ version: KernelVersion) -> Bool {
    switch version.major {
    case 1: return (0...3).contains(version.minor)
    case 2: return (0...6).contains(version.minor) && (version.minor != 6 || version.patch <= 39)
    case newest.major: return version.minor <= newest.minor
    default:
      guard let last = lastMinor[version.major] else { return false }
      return version.minor <= last
    }
  }

  /// Accepts a release named by hand (`--kernel`, a topology file's `kernel:`): one that
  /// exists and whose rules are modeled.
  public static func check(_ version: KernelVersion) throws(KernelReleaseError) {
    guard exists(version) else { throw .noSuchRelease(version) }
    guard version >= oldestModeled else { throw .notModeled(version) }
  }

  /// The rules a release newer than every one whose source was read is taken to follow (a
  /// machine's `proc/version` can name one), or `nil` when its rules are known.
  public static func assumedRules(for version: KernelVersion) -> KernelVersion? {
    version.seriesStart > newestSourceCompared ? newestProven : nil
  }

  /// For a release newer than every proven one whose source was compared with the newest
  /// proven's, the proven series whose rules it follows; `nil` otherwise.
  public static func sourceComparedRules(for version: KernelVersion) -> KernelVersion? {
    let series = version.seriesStart
    return series > newestProven && series <= newestSourceCompared ? newestProven : nil
  }
}

/// A kernel release the model cannot take.
public enum KernelReleaseError: Error, Hashable, Sendable, CustomStringConvertible {
  /// No Linux release series has this number.
  case noSuchRelease(KernelVersion)
  /// A real release older than ``KernelReleases/oldestModeled``.
  case notModeled(KernelVersion)

  public var description: String {
    switch self {
    case .noSuchRelease(let version):
      "\(version.series) is not a Linux release series (they run 2.6.0–2.6.39, 3.0–3.19, 4.0–4.20, 5.0–5.19, 6.0–6.19, 7.0–\(KernelReleases.newest.series) as of 2026-11-30)"
    case .notModeled(let version):
      "\(version.series) predates the rules this model knows (from \(KernelReleases.oldestModeled.series), which brought ZONE_MOVABLE and numa_zonelist_order)"
    }
  }
}
