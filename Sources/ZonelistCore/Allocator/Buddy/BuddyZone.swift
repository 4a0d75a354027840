/// One zone's buddy allocator: free blocks of 2^order pages on lists by order and migrate
/// type, and a migrate type per pageblock.
///
/// Pages are numbered from 0 within the zone: the zone's managed pages, laid out contiguously
/// from an order-10 boundary (a real zone may start unaligned and has holes). One byte of state per page: a free block's first page
/// holds its order and list type; a page in use records whether it counts as movable.
///
/// Kernel: `struct free_area` of `struct zone`, `__rmqueue_smallest()`, `expand()`,
/// `__free_one_page()`, the pageblock flags (`get_pfnblock_migratetype()`) in `mm/page_alloc.c`.
struct BuddyZone: Sendable {
  /// Kernel: `MAX_PAGE_ORDER` (`MAX_ORDER - 1` before 6.8).
  static let maxOrder = 10
  /// Kernel: `pageblock_order` on x86-64 (`HPAGE_PMD_ORDER`: 2 MiB pageblocks).
  static let pageblockOrder = 9
  /// The migrate types kept apart; a state byte holds a type in two bits.
  static let typeCount = MigrateType.allCases.count

  /// Which generation's free-list rules apply.
  enum Rules: Sendable {
    /// Until 6.9: free pages may sit on a list other than their pageblock's type; the fallback
    /// takes the largest block and moves a pageblock's free pages to the new type
    /// (`__rmqueue_fallback()`, `steal_suitable_fallback()`).
    case mixedLists
    /// Debian's 6.12.117, used for every profile from 6.10: a free page is always on its
    /// pageblock's list (mainline 6.10), and the fallback first claims whole pageblocks, then
    /// steals single blocks (`__rmqueue_claim()`, `__rmqueue_steal()`, `try_to_steal_block()`:
    /// a later mainline change 6.12.117 carries; mainline 6.10–6.14 still use
    /// `__rmqueue_fallback()`, which the model does not have separately).
    case claimThenSteal
  }

  /// State byte of a page in use that is not movable (or the tail of a free block).
  static let inUse: UInt8 = 0
  /// State byte of a page in use that reclaim could migrate. Kernel: `PageLRU()`.
  static let inUseMovable: UInt8 = 1
  /// State byte of a page on a per-CPU list, with the migrate type the block will be freed
  /// under (6.1 caches it on the page: `set_pcppage_migratetype()`).
  @inline(__always) static func onPerCPUList(_ type: MigrateType) -> UInt8 { 0x08 | type.rawValue }
  /// Whether a state byte is that of a page on a per-CPU list.
  @inline(__always) static func isOnPerCPUList(_ byte: UInt8) -> Bool { byte & 0xFC == 0x08 }
  /// Sets the state of every page of a block.
  @inline(__always) mutating func setState(_ page: Int, order: Int, _ byte: UInt8) {
    if order == 0 {
      state[page] = byte
      return
    }
    for index in page..<(page + (1 << order)) { state[index] = byte }
  }
  /// The first block of `blocks` blocks of 2^`order` pages from `page` whose first page is not in use.
  func firstNotInUse(from page: Int, blocks: Int, order: Int) -> Int? {
    for block in 0..<blocks where state[page + block << order] > Self.inUseMovable { return page + block << order }
    return nil
  }
  /// Sets the state of `count` pages from `page`.
  mutating func setStates(from page: Int, count: Int, _ byte: UInt8) {
    state.replaceSubrange(page..<(page + count), with: repeatElement(byte, count: count))
  }
  /// Marks every page of a block as on a per-CPU list.
  mutating func markOnPerCPUList(_ page: Int, order: Int, type: MigrateType) { setState(page, order: order, Self.onPerCPUList(type)) }
  /// Marks an allocated block's pages in use; movable pages count as such for later fallbacks.
  mutating func markInUse(_ page: Int, order: Int, movable: Bool) { setState(page, order: order, movable ? Self.inUseMovable : Self.inUse) }
  /// Bytes held: page states, pageblock types and free lists.
  var bytes: Int { state.count + pageblockTypes.count + freeListBytes }

  internal(set) var pageCount: Int
  /// Kernel: `pageblock_order`.
  let pageblockOrder: Int
  let rules: Rules
  var state: [UInt8]
  /// Kernel: the pageblock migrate type bits.
  var pageblockTypes: [MigrateType]
  /// Free lists by `order * typeCount + type`; entries whose page no longer heads a free block
  /// of that order and type are skipped and dropped when met. A block taken off a list and put
  /// back on the same list before its old entry is dropped is found at its old place.
  private var lists: [PageDeque]
  /// Kernel: the number of blocks on each free list.
  private(set) var blockCounts: [Int]
  /// Kernel: `NR_FREE_PAGES`.
  private(set) var freePages = 0
  /// Kernel: `zone->nr_free_highatomic`.
  private(set) var freeHighAtomicPages = 0
  /// Kernel: `zone->nr_reserved_highatomic`.
  var reservedHighAtomicPages = 0
  /// Fallbacks that split a pageblock of another type since the caller last looked: each asks
  /// for a watermark boost. Kernel: `boost_watermark()` calls.
  var boostRequests = 0

  /// A zone of `pageCount` pages, all in use, every pageblock of type `type`.
  init(pageCount: Int, pageblockOrder: Int = BuddyZone.pageblockOrder, rules: Rules, pageblockType type: MigrateType = .movable) {
    self.pageCount = pageCount
    self.pageblockOrder = pageblockOrder
    self.rules = rules
    state = [UInt8](repeating: Self.inUse, count: pageCount)
    pageblockTypes = [MigrateType](repeating: type, count: (pageCount + (1 << pageblockOrder) - 1) >> pageblockOrder)
    lists = [PageDeque](repeating: PageDeque(), count: (Self.maxOrder + 1) * Self.typeCount)
    blockCounts = [Int](repeating: 0, count: lists.count)
  }

  @inline(__always) static func headByte(order: Int, type: MigrateType) -> UInt8 { 0x80 | type.rawValue << 4 | UInt8(order) }
  @inline(__always) static func listIndex(order: Int, type: MigrateType) -> Int { order * typeCount + Int(type.rawValue) }

  /// Whether `page` heads a free block. Kernel: `PageBuddy()`.
  @inline(__always) func isFree(_ page: Int) -> Bool { state[page] & 0x80 != 0 }
  /// Kernel: `buddy_order()`.
  @inline(__always) func freeOrder(_ page: Int) -> Int { Int(state[page] & 0x0F) }
  /// The list a free block is on.
  @inline(__always) func freeListType(_ page: Int) -> MigrateType { MigrateType(rawValue: (state[page] >> 4) & 3)! }
  /// Kernel: `get_pfnblock_migratetype()`.
  @inline(__always) func pageblockType(of page: Int) -> MigrateType { pageblockTypes[page >> pageblockOrder] }

  /// Free blocks of `order` on `type`'s list. Kernel: `free_area[order].free_list[type]` length.
  func blocks(order: Int, type: MigrateType) -> Int { blockCounts[Self.listIndex(order: order, type: type)] }
  /// Free blocks of `order`, all lists. Kernel: `free_area[order].nr_free` (`/proc/buddyinfo`).
  func blocks(order: Int) -> Int { (0..<Self.typeCount).reduce(0) { $0 + blockCounts[order * Self.typeCount + $1] } }

  // MARK: Free lists

  /// The entries of one free list, front to back, dropped ones included.
  func elements(order: Int, type: MigrateType) -> [UInt32] { lists[Self.listIndex(order: order, type: type)].elements }

  /// Bytes held by the free lists.
  var freeListBytes: Int { lists.reduce(0) { $0 + $1.capacityBytes } }

  /// Kernel: `__add_to_free_list()` with `account_freepages()`.
  mutating func addToFreeList(_ page: Int, order: Int, type: MigrateType, tail: Bool = false) {
    state[page] = Self.headByte(order: order, type: type)
    let index = Self.listIndex(order: order, type: type)
    if tail { lists[index].pushBack(UInt32(truncatingIfNeeded: page)) } else { lists[index].pushFront(UInt32(truncatingIfNeeded: page)) }
    blockCounts[index] += 1
    account(1 << order, type)
  }

  /// Kernel: `__del_page_from_free_list()`; the list entry is dropped when next met.
  mutating func removeFromFreeList(_ page: Int, order: Int, type: MigrateType) {
    state[page] = Self.inUse
    let index = Self.listIndex(order: order, type: type)
    blockCounts[index] -= 1
    account(-(1 << order), type)
    if lists[index].count > 2 * blockCounts[index] + 64 { compact(index, order: order, type: type) }
  }

  /// Kernel: `move_to_free_list()`: to the tail of another type's list.
  mutating func moveToFreeList(_ page: Int, order: Int, from old: MigrateType, to new: MigrateType) {
    removeFromFreeList(page, order: order, type: old)
    addToFreeList(page, order: order, type: new, tail: true)
  }

  private mutating func account(_ pages: Int, _ type: MigrateType) {
    freePages += pages
    if type == .highAtomic { freeHighAtomicPages += pages }
  }

  /// The first block of a list, left on it. Kernel: `get_page_from_free_area()`.
  mutating func firstBlock(order: Int, type: MigrateType) -> Int? {
    let index = Self.listIndex(order: order, type: type)
    guard blockCounts[index] > 0 else { return nil }
    let head = Self.headByte(order: order, type: type)
    while let entry = lists[index].popFront() {
      if state[Int(entry)] == head {
        lists[index].pushFront(entry)
        return Int(entry)
      }
    }
    return nil
  }

  /// Drops stale and duplicate entries of one list (a duplicate is marked with bit 6 while kept).
  private mutating func compact(_ index: Int, order: Int, type: MigrateType) {
    let head = Self.headByte(order: order, type: type)
    var list = lists[index]
    lists[index] = PageDeque()
    list.filter { page in
      guard state[Int(page)] == head else { return false }
      state[Int(page)] = head | 0x40
      return true
    }
    for page in list.elements { state[Int(page)] = head }
    lists[index] = list
  }

  /// The first inconsistency of the free lists: a block counted but not found at its head.
  func listProblem() -> String? {
    for order in 0...Self.maxOrder {
      for type in MigrateType.allCases {
        let index = Self.listIndex(order: order, type: type)
        let head = Self.headByte(order: order, type: type)
        let live = Set(lists[index].elements.filter { state[Int($0)] == head })
        if live.count != blockCounts[index] {
          return "order \(order) \(type.kernelName): \(blockCounts[index]) blocks counted, \(live.count) on the list"
        }
        for page in live where Int(page) + (1 << order) > pageCount || Int(page) & ((1 << order) - 1) != 0 {
          return "order \(order) \(type.kernelName): block at \(page) is misaligned or past the zone"
        }
      }
    }
    return nil
  }

  /// Kernel: `expand()`: the upper halves go back on `type`'s lists, the first 2^`low` pages are taken.
  mutating func expand(_ page: Int, low: Int, high: Int, type: MigrateType) {
    var order = high
    while order > low {
      order -= 1
      addToFreeList(page + (1 << order), order: order, type: type)
    }
  }

  /// Kernel: `__rmqueue_smallest()`.
  mutating func takeSmallest(order: Int, type: MigrateType) -> Int? {
    guard let (page, current) = removeSmallest(order: order, type: type) else { return nil }
    expand(page, low: order, high: current, type: type)
    return page
  }

  /// Takes the first block of the smallest order from `order` up on `type`'s lists, whole.
  mutating func removeSmallest(order: Int, type: MigrateType) -> (page: Int, order: Int)? {
    var current = order
    while current <= Self.maxOrder {
      let index = Self.listIndex(order: current, type: type)
      if blockCounts[index] > 0 {
        let head = Self.headByte(order: current, type: type)
        while let entry = lists[index].popFront() {
          let page = Int(entry)
          guard state[page] == head else { continue }
          state[page] = Self.inUse
          blockCounts[index] -= 1
          account(-(1 << current), type)
          return (page, current)
        }
      }
      current += 1
    }
    return nil
  }

  // MARK: Freeing

  /// Returns a block to the free lists, merging it with its free buddies.
  ///
  /// Kernel: `__free_one_page()` with `buddy_merge_likely()`; `type` is the pageblock's type.
  mutating func free(_ page: Int, order: Int, type: MigrateType, toTail: Bool = false) {
    var page = page
    var order = order
    while order < Self.maxOrder {
      let buddy = page ^ (1 << order)
      guard buddy + (1 << order) <= pageCount, isFree(buddy), freeOrder(buddy) == order else { break }
      if order >= pageblockOrder {
        let buddyBlockType = pageblockType(of: buddy)
        if buddyBlockType != type && (buddyBlockType == .highAtomic || type == .highAtomic) { break }
        if rules == .claimThenSteal && buddyBlockType != type { setPageblockTypes(buddy, order: order, type: type) }
      }
      removeFromFreeList(buddy, order: order, type: freeListType(buddy))
      page &= buddy
      order += 1
    }
    addToFreeList(page, order: order, type: type, tail: toTail || mergeLikely(page, order: order))
  }

  /// Kernel: `buddy_merge_likely()`: the block's buddy one order up is free.
  private func mergeLikely(_ page: Int, order: Int) -> Bool {
    guard order < Self.maxOrder - 1 else { return false }
    let higher = page & ~(1 << order)
    let higherBuddy = higher ^ (1 << (order + 1))
    return higherBuddy + (1 << (order + 1)) <= pageCount && isFree(higherBuddy) && freeOrder(higherBuddy) == order + 1
  }

  // MARK: Pageblocks

  /// Kernel: `change_pageblock_range()` (whole pageblocks covered by a block of `order`), or
  /// `set_pageblock_migratetype()` for the one containing `page`.
  mutating func setPageblockTypes(_ page: Int, order: Int, type: MigrateType) {
    let first = page >> pageblockOrder
    let count = order >= pageblockOrder ? 1 << (order - pageblockOrder) : 1
    for block in first..<Swift.min(first + count, pageblockTypes.count) { pageblockTypes[block] = type }
  }

  /// The free and movable pages of the pageblock holding `page`, or nil when the pageblock
  /// does not lie wholly in the zone.
  ///
  /// Kernel: `prep_move_freepages_block()` (6.10 on) / the counting of `move_freepages()`.
  func countPageblock(of page: Int) -> (start: Int, free: Int, movable: Int)? {
    let size = 1 << pageblockOrder
    let start = page & ~(size - 1)
    guard start + size <= pageCount else { return nil }
    var free = 0
    var movable = 0
    var index = start
    while index < start + size {
      let byte = state[index]
      if byte & 0x80 != 0 {
        let pages = 1 << Int(byte & 0x0F)
        free += pages
        index += pages
      } else {
        if byte == Self.inUseMovable { movable += 1 }
        index += 1
      }
    }
    return (start, free, movable)
  }

  /// Moves every free block of a pageblock to `type`'s lists; returns the pages moved.
  ///
  /// Kernel: `move_freepages()` (until 6.9) / `__move_freepages_block()` (6.10 on, which
  /// also sets the pageblock's type).
  mutating func moveFreeBlocks(pageblockStart start: Int, to type: MigrateType) -> Int {
    var moved = 0
    var index = start
    let end = start + (1 << pageblockOrder)
    while index < end {
      if isFree(index) {
        let order = freeOrder(index)
        let old = freeListType(index)
        // 6.1 also moves blocks already on `type`'s list to its tail; with lazily dropped
        // entries that would find them at their old place anyway, so they stay (documented).
        if old != type { moveToFreeList(index, order: order, from: old, to: type) }
        moved += 1 << order
        index += 1 << order
      } else {
        index += 1
      }
    }
    if rules == .claimThenSteal { pageblockTypes[start >> pageblockOrder] = type }
    return moved
  }
}
