/// One CPU's page lists for one zone.
///
/// Kernel: `struct per_cpu_pages`: `count`, `high`, `alloc_factor`/`free_count` (6.7 on) or
/// `free_factor` (before), and `lists[NR_PCP_LISTS]`: one list per migrate type for orders
/// 0–3 (`PAGE_ALLOC_COSTLY_ORDER`), plus two for pageblock-order (THP) pages (`NR_PCP_THP`): movable and the rest.
struct PerCPUPages: Hashable, Sendable {
  /// Pages on the lists. Kernel: `pcp->count`.
  var count = 0
  /// Kernel: `pcp->high` (auto-tuned from 6.7; fixed before).
  var high: Int
  var allocFactor = 0
  /// Kernel: `free_count` (6.7 on) or `free_factor` (before).
  var freeCount = 0
  var freeFactor = 0
  /// Kernel: `PCPF_PREV_FREE_HIGH_ORDER`.
  var previousFreeWasHighOrder = false
  /// Kernel: `PCPF_FREE_HIGH_BATCH` (6.7 on): the CPU's share of its last-level cache holds more
  /// than three batches, so a run of high-order frees keeps a batch on the list.
  var freeHighBatch = false
  /// Kernel: `pcp->expire`: vmstat rounds left before a remote zone's list is drained a batch.
  var expire: Int8 = 0
  /// This CPU changed the zone's counters since its last vmstat round (`vm_stat_diff` not zero).
  var touched = false
  /// The lists, created on first use. Kernel: `pcp->lists[]`.
  var lists: [PageDeque] = []

  /// Kernel: `NR_PCP_LISTS`: three types for orders 0–3, then two THP lists (`NR_PCP_THP`).
  static let listCount = 3 * 4 + 2
  /// Kernel: `PAGE_ALLOC_COSTLY_ORDER`.
  static let costlyOrder = 3

  init(high: Int) { self.high = high }

  /// Kernel: `pcp_allowed_order()`.
  static func allows(order: Int) -> Bool { order <= costlyOrder || order == BuddyZone.pageblockOrder }

  /// Kernel: `order_to_pindex()`.
  static func listIndex(order: Int, type: MigrateType) -> Int {
    let type = type == .highAtomic ? MigrateType.movable : type
    return order > costlyOrder ? 12 + (type == .movable ? 1 : 0) : 3 * order + Int(type.rawValue)
  }
  /// Kernel: `pindex_to_order()`.
  static func order(ofList index: Int) -> Int { index >= 12 ? BuddyZone.pageblockOrder : index / 3 }

  static func == (a: PerCPUPages, b: PerCPUPages) -> Bool {
    a.count == b.count && a.high == b.high && a.allocFactor == b.allocFactor && a.freeCount == b.freeCount
      && a.freeFactor == b.freeFactor && a.lists.map(\.elements) == b.lists.map(\.elements)
  }
  func hash(into hasher: inout Hasher) {
    hasher.combine(count)
    hasher.combine(high)
  }
}
