extension BuddyZone {
  /// A zone whose free blocks are those of `counts`: each type's blocks packed, largest first,
  /// from a pageblock boundary, so a pageblock holds free blocks of one type; the other pages
  /// are in use (movable in movable pageblocks). Pageblocks without free pages take the types
  /// of `counts.pageblocks` as far as they go, movable otherwise.
  ///
  /// Where the pages do not fit apart, all blocks are packed together, largest first.
  static func laidOut(pageCount: Int, rules: Rules, counts: FreeAreaCounts) -> BuddyZone {
    var zone = BuddyZone(pageCount: pageCount, rules: rules, pageblockType: .movable)
    let blockPages = 1 << zone.pageblockOrder
    let types: [MigrateType] = [.movable, .unmovable, .reclaimable, .highAtomic].filter { (counts.blocks[$0] ?? []).contains { $0 > 0 } }
    func roundUp(_ value: Int, _ unit: Int) -> Int { (value + unit - 1) / unit * unit }
    var cursor = 0
    var regions: [(type: MigrateType, start: Int)] = []
    for type in types {
      let blocks = counts.blocks[type]!
      let start = roundUp(cursor, blocks.count > maxOrder && blocks[maxOrder] > 0 ? 1 << maxOrder : blockPages)
      regions.append((type, start))
      cursor = roundUp(start + blocks.enumerated().reduce(0) { $0 + $1.element << $1.offset }, blockPages)
    }
    var pageblocksUsed = [MigrateType: Int]()
    if cursor <= pageCount {
      for (type, start) in regions {
        var page = start
        let blocks = counts.blocks[type]!
        for order in stride(from: Swift.min(maxOrder, blocks.count - 1), through: 0, by: -1) {
          for _ in 0..<blocks[order] {
            zone.addToFreeList(page, order: order, type: type, tail: true)
            page += 1 << order
          }
        }
        for block in (start >> zone.pageblockOrder)..<((page + blockPages - 1) >> zone.pageblockOrder) {
          zone.pageblockTypes[block] = type
          pageblocksUsed[type, default: 0] += 1
        }
      }
    } else {
      var all: [(order: Int, type: MigrateType)] = []
      for type in types {
        for (order, count) in counts.blocks[type]!.enumerated() where order <= maxOrder {
          all += Array(repeating: (order, type), count: count)
        }
      }
      all.sort { $0.order > $1.order }
      var page = 0
      for block in all where page + (1 << block.order) <= pageCount {
        zone.addToFreeList(page, order: block.order, type: block.type, tail: true)
        if page & (blockPages - 1) == 0 || block.order >= zone.pageblockOrder {
          zone.setPageblockTypes(page, order: block.order, type: block.type)
        }
        page += 1 << block.order
      }
      cursor = roundUp(page, blockPages)
    }
    // Pageblocks wholly in use: the snapshot's remaining unmovable, reclaimable and
    // high-atomic pageblocks, then movable.
    var block = cursor >> zone.pageblockOrder
    for type in [MigrateType.unmovable, .reclaimable, .highAtomic] {
      var wanted = (counts.pageblocks[type] ?? 0) - (pageblocksUsed[type] ?? 0)
      while wanted > 0 && block < zone.pageblockTypes.count {
        zone.pageblockTypes[block] = type
        block += 1
        wanted -= 1
      }
    }
    zone.reservedHighAtomicPages = zone.pageblockTypes.reduce(0) { $0 + ($1 == .highAtomic ? blockPages : 0) }
    // Pages in use in movable pageblocks count as movable (user and page-cache pages).
    var page = 0
    while page < pageCount {
      if zone.isFree(page) {
        page += 1 << zone.freeOrder(page)
        continue
      }
      if zone.pageblockType(of: page) == .movable { zone.state[page] = inUseMovable }
      page += 1
    }
    return zone
  }

  /// The first `count` pages in use, from the end of the zone: where pages a snapshot shows on
  /// per-CPU lists are placed.
  func pagesInUse(count: Int) -> [Int] {
    var result: [Int] = []
    var page = pageCount - 1
    while page >= 0 && result.count < count {
      let byte = state[page]
      if byte == BuddyZone.inUse || byte == BuddyZone.inUseMovable, !isInsideFreeBlock(page) {
        result.append(page)
      }
      page -= 1
    }
    return result
  }

  /// Up to `count` aligned blocks of 2^`order` pages, from the end of the zone, whose every page
  /// is in use (none on a list or inside a free block): where a snapshot's listed higher-order pages go.
  func blocksInUse(order: Int, count: Int) -> [Int] {
    var result: [Int] = []
    let size = 1 << order
    var block = (pageCount / size - 1) * size
    while block >= 0 && result.count < count {
      if (block..<(block + size)).allSatisfy({ (state[$0] == BuddyZone.inUse || state[$0] == BuddyZone.inUseMovable) && !isInsideFreeBlock($0) }) {
        result.append(block)
      }
      block -= size
    }
    return result
  }

  /// Whether a page is a tail page of a free block.
  func isInsideFreeBlock(_ page: Int) -> Bool {
    for order in 1...BuddyZone.maxOrder {
      let head = page & ~((1 << order) - 1)
      if head != page && isFree(head) && freeOrder(head) >= order { return true }
    }
    return false
  }

  /// Adds `count` free pages after the zone's last page, from an order-10 boundary, in
  /// blocks of order 10 (smaller at the end) at the tail of the movable lists, in movable
  /// pageblocks; the pages skipped to reach the boundary stay in use (a hole).
  ///
  /// Kernel: `online_pages()` → `online_pages_range()` → `generic_online_page()` →
  /// `__free_pages_core()` with `FPI_TO_TAIL`, the pageblocks isolated during onlining and
  /// then made movable (`undo_isolate_page_range()`).
  mutating func grow(by count: Int) {
    let start = ((pageCount + (1 << Self.maxOrder) - 1) >> Self.maxOrder) << Self.maxOrder
    state.append(contentsOf: repeatElement(Self.inUse, count: start + count - pageCount))
    pageCount = start + count
    let blocks = (pageCount + (1 << pageblockOrder) - 1) >> pageblockOrder
    pageblockTypes.append(contentsOf: repeatElement(MigrateType.movable, count: blocks - pageblockTypes.count))
    var page = start
    for order in stride(from: Self.maxOrder, through: 0, by: -1) {
      while page + (1 << order) <= pageCount {
        addToFreeList(page, order: order, type: .movable, tail: true)
        page += 1 << order
      }
    }
  }
}
