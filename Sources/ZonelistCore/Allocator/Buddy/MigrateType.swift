/// The mobility class a free block is listed under and a pageblock is marked with.
///
/// Kernel: `enum migratetype` in `include/linux/mmzone.h` (`MIGRATE_UNMOVABLE`,
/// `MIGRATE_MOVABLE`, `MIGRATE_RECLAIMABLE`, `MIGRATE_HIGHATOMIC`); CMA and isolation
/// are not modeled.
public enum MigrateType: UInt8, Hashable, Sendable, Codable, CaseIterable, Comparable {
  case unmovable = 0, movable, reclaimable, highAtomic

  /// The types per-CPU lists hold. Kernel: `MIGRATE_PCPTYPES`.
  static let perCPUTypes: [MigrateType] = [.unmovable, .movable, .reclaimable]

  /// The spelling of `/proc/pagetypeinfo`.
  public var kernelName: String {
    switch self {
    case .unmovable: "Unmovable"
    case .movable: "Movable"
    case .reclaimable: "Reclaimable"
    case .highAtomic: "HighAtomic"
    }
  }

  /// The types an allocation falls back to, in order. Kernel: `fallbacks[]`.
  var fallbacks: [MigrateType] {
    switch self {
    case .unmovable: [.reclaimable, .movable]
    case .movable: [.reclaimable, .unmovable]
    case .reclaimable: [.unmovable, .movable]
    case .highAtomic: []
    }
  }

  public static func < (a: MigrateType, b: MigrateType) -> Bool { a.rawValue < b.rawValue }
}

extension GFPFlags {
  /// Kernel: `gfp_migratetype()`: `__GFP_MOVABLE` → movable, `__GFP_RECLAIMABLE` → reclaimable.
  public var migrateType: MigrateType {
    if contains(.movable) { return .movable }
    if contains(.reclaimable) { return .reclaimable }
    return .unmovable
  }
}
