/// Which computed lines a kernel's `/proc/zoneinfo` has, and how it pads them.
///
/// Kernel: `zoneinfo_show_print()` in `mm/vmstat.c`. Read in the 6.1, 6.12, 7.2 and
/// 7.3-rc7 sources and compared with real files: the boot fixtures of 5.10, 6.1, 6.12 and 7.2
/// (`ZoneinfoLayoutTests`) and this repository's 6.18 build machine.
public struct ZoneinfoLayout: Hashable, Sendable {
  /// `        boost    %lu` and `        cma      %lu` (absent in 5.10, present in 6.1).
  public var hasBoostAndCMA: Bool
  /// `        promo    %lu` (absent up to 6.11, present in 6.12).
  public var hasPromo: Bool
  /// Page-set lines padded to `high_min:` (`count:    %i`) with `high_min:`/`high_max:`
  /// lines (absent in 6.12, present in 6.18 and 7.2; 6.14 by the report of issue 12).
  public var hasHighMinMax: Bool
  /// Whether `high:` is the static `pcp->high` that the watermark setup writes (before
  /// 6.7); from 6.7 it is auto-tuned at run time and left out.
  public var pagesetHighIsStatic: Bool
  /// Whether this layout was read in source or seen in a real file for this series.
  public var isKnown: Bool

  public init(version: KernelVersion) {
    let series = version.seriesStart
    hasBoostAndCMA = series >= KernelVersion(6, 1)
    hasPromo = series >= KernelVersion(6, 12)
    hasHighMinMax = series >= KernelVersion(6, 14)
    pagesetHighIsStatic = series < KernelVersion(6, 7)
    isKnown =
      series == KernelVersion(5, 10) || (KernelVersion(6, 1)...KernelVersion(6, 12)).contains(series)
      || series == KernelVersion(6, 18) || series == KernelVersion(7, 2) || series == KernelVersion(7, 3)
  }

  /// The series whose layout is known, for messages.
  public static let knownSeries = "5.10, 6.1–6.12, 6.18, 7.2, 7.3"

  /// The diagnostic a zoneinfo for `version` carries, if its layout is not known.
  public static func diagnostics(for version: KernelVersion) -> [Diagnostic] {
    ZoneinfoLayout(version: version).isKnown ? [] : [.zoneinfoLayoutAssumed(release: version)]
  }
}
