/// The numbers the kernel derives for one zone from its size and the `vm` sysctls.
///
/// Kernel: `zone->_watermark[]`, `zone->watermark_boost`, `zone->lowmem_reserve[]`,
/// `zone->pageset_batch`, `pageset_high` (6.1) / `pageset_high_min`/`_max` (6.12), and each
/// CPU's `stat_threshold`, in `include/linux/mmzone.h`.
public struct ZoneTuning: Hashable, Sendable, Codable {
  /// Kernel: `min_wmark_pages()`.
  public var min: Int
  /// Kernel: `low_wmark_pages()`.
  public var low: Int
  /// Kernel: `high_wmark_pages()`.
  public var high: Int
  /// Kernel: `promo_wmark_pages()` (`zoneinfo` prints it from 6.12).
  public var promo: Int
  /// Kernel: `zone->watermark_boost`; a rewrite of the watermarks resets it to 0.
  public var boost: Int
  /// Kernel: `zone->lowmem_reserve[]`, one entry per zone type of the kernel ("protection").
  public var protection: [Int]
  /// Kernel: `pcp->batch`.
  public var batch: Int
  /// Kernel: `pcp->high` (6.1, a fixed value) or `pcp->high_min` (6.12).
  public var highMin: Int
  /// Kernel: `pcp->high` (6.1) or `pcp->high_max` (6.12), the bound auto-tuning grows to.
  public var highMax: Int
  /// Kernel: `per_cpu_zonestats->stat_threshold` (`vm stats threshold`), the same for
  /// every online CPU; `nil` for a zone without present pages (no page sets printed).
  public var statThreshold: Int?
}

/// The result of computing every zone's numbers, with the arithmetic when asked.
public struct TuningReport: Hashable, Sendable {
  public var zones: [ZoneReference: ZoneTuning]
  /// The `min_free_kbytes` used, and where it came from.
  public var minFreeKibibytes: Int
  public var minFreeSource: String
  public var tunables: VMTunables
  /// Lines of arithmetic by zone, and global lines under `nil`-free key `"global"`.
  public var explanation: [String: [String]]
}
