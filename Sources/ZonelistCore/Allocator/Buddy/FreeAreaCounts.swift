/// A zone's free blocks by order (0...10) and type, as `/proc/pagetypeinfo` lists them, and
/// its pageblocks by type: where a simulation starts.
///
/// Kernel: `zone->free_area[order].free_list[type]` lengths and the pageblock migrate types
/// (`pagetypeinfo_showfree_print()`, `pagetypeinfo_showblockcount_print()`).
public struct FreeAreaCounts: Hashable, Sendable, Codable {
  /// `blocks[type][order]`.
  public var blocks: [MigrateType: [Int]]
  /// Pageblocks per type (`Number of blocks type`); empty when unknown.
  public var pageblocks: [MigrateType: Int]
  public init(blocks: [MigrateType: [Int]], pageblocks: [MigrateType: Int] = [:]) {
    self.blocks = blocks
    self.pageblocks = pageblocks
  }
  /// Every free page in blocks as large as possible, on the movable lists (as after boot).
  public init(movablePages pages: Int) {
    var counts = [Int](repeating: 0, count: BuddyZone.maxOrder + 1)
    counts[BuddyZone.maxOrder] = pages >> BuddyZone.maxOrder
    for order in 0..<BuddyZone.maxOrder where pages & (1 << order) != 0 { counts[order] = 1 }
    self.init(blocks: [.movable: counts])
  }
}
