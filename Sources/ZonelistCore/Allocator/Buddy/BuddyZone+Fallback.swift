extension BuddyZone {
  /// Where `__rmqueue()` found its last block. Kernel: `enum rmqueue_mode` (6.12.117).
  enum RemoveMode: Sendable { case normal, claim, steal }

  /// Takes a block of `order` for an allocation of `type`: from its own lists, else by the
  /// migrate-type fallback.
  ///
  /// Kernel: `__rmqueue()`; `mode` carries `rmqueue_bulk()`'s memory of the stage that last
  /// succeeded (6.12.117; the older rules always start over).
  mutating func take(order: Int, type: MigrateType, noFragment: Bool, mode: inout RemoveMode) -> Int? {
    switch rules {
    case .mixedLists:
      while true {
        if let page = takeSmallest(order: order, type: type) { return page }
        guard fallbackMixed(order: order, start: type, noFragment: noFragment) else { return nil }
      }
    case .claimThenSteal:
      if mode == .normal, let page = takeSmallest(order: order, type: type) { return page }
      if mode != .steal, let page = claim(order: order, start: type, noFragment: noFragment) {
        mode = .normal
        return page
      }
      if !noFragment, let page = steal(order: order, start: type) {
        mode = .steal
        return page
      }
      return nil
    }
  }

  /// The first fallback type with a free block of `order`, and whether the whole pageblock may be taken.
  ///
  /// Kernel: `find_suitable_fallback()` (`only_stealable` false) and `can_steal_fallback()`.
  func suitableFallback(order: Int, start: MigrateType) -> (type: MigrateType, canSteal: Bool)? {
    guard blocks(order: order) > 0 else { return nil }
    for candidate in start.fallbacks where blocks(order: order, type: candidate) > 0 {
      let canSteal = order >= pageblockOrder || order >= pageblockOrder / 2 || start == .reclaimable || start == .unmovable
      return (candidate, canSteal)
    }
    return nil
  }

  // MARK: Until 6.9

  /// Kernel: `__rmqueue_fallback()` (6.1): the largest block of a fallback type, or the
  /// smallest when a movable allocation could not take its pageblock.
  mutating func fallbackMixed(order: Int, start: MigrateType, noFragment: Bool) -> Bool {
    let minimum = noFragment && order < pageblockOrder ? pageblockOrder : order
    var current = BuddyZone.maxOrder
    while current >= minimum {
      if let found = suitableFallback(order: current, start: start) {
        if !found.canSteal && start == .movable && current > order {
          for smaller in order...BuddyZone.maxOrder {
            if let smallest = suitableFallback(order: smaller, start: start) {
              guard let page = firstBlock(order: smaller, type: smallest.type) else { return false }
              stealMixed(page, order: smaller, from: smallest.type, start: start, wholeBlock: smallest.canSteal)
              return true
            }
          }
          return false
        }
        guard let page = firstBlock(order: current, type: found.type) else { return false }
        stealMixed(page, order: current, from: found.type, start: start, wholeBlock: found.canSteal)
        return true
      }
      current -= 1
    }
    return false
  }

  /// Kernel: `steal_suitable_fallback()` (6.1).
  mutating func stealMixed(_ page: Int, order: Int, from fallback: MigrateType, start: MigrateType, wholeBlock: Bool) {
    let blockType = pageblockType(of: page)
    if blockType == .highAtomic {
      moveToFreeList(page, order: order, from: fallback, to: start)
      return
    }
    if order >= pageblockOrder {
      setPageblockTypes(page, order: order, type: start)
      moveToFreeList(page, order: order, from: fallback, to: start)
      return
    }
    boostRequests += 1
    guard wholeBlock, let counts = countPageblock(of: page) else {
      moveToFreeList(page, order: order, from: fallback, to: start)
      return
    }
    let moved = moveFreeBlocks(pageblockStart: counts.start, to: start)
    guard moved > 0 else {
      moveToFreeList(page, order: order, from: fallback, to: start)
      return
    }
    if moved + alikePages(start: start, blockType: blockType, free: counts.free, movable: counts.movable) >= 1 << (pageblockOrder - 1) {
      pageblockTypes[counts.start >> pageblockOrder] = start
    }
  }

  /// Pages of a pageblock compatible with an allocation of `start`. Kernel: `alike_pages`.
  private func alikePages(start: MigrateType, blockType: MigrateType, free: Int, movable: Int) -> Int {
    if start == .movable { return movable }
    return blockType == .movable ? (1 << pageblockOrder) - (free + movable) : 0
  }

  // MARK: 6.10 on

  /// Kernel: `__rmqueue_claim()`: take a fallback pageblock whole, largest blocks first.
  mutating func claim(order: Int, start: MigrateType, noFragment: Bool) -> Int? {
    let minimum = order < pageblockOrder && noFragment ? pageblockOrder : order
    var current = BuddyZone.maxOrder
    while current >= minimum {
      defer { current -= 1 }
      guard let found = suitableFallback(order: current, start: start) else { continue }
      guard found.canSteal else { break }
      guard let page = firstBlock(order: current, type: found.type) else { continue }
      if let taken = tryToClaimBlock(page, currentOrder: current, order: order, start: start) { return taken }
    }
    return nil
  }

  /// Kernel: `try_to_steal_block()` (6.12.117).
  mutating func tryToClaimBlock(_ page: Int, currentOrder: Int, order: Int, start: MigrateType) -> Int? {
    let blockType = pageblockType(of: page)
    if blockType == .highAtomic { return nil }
    if currentOrder >= pageblockOrder {
      removeFromFreeList(page, order: currentOrder, type: blockType)
      setPageblockTypes(page, order: currentOrder, type: start)
      expand(page, low: order, high: currentOrder, type: start)
      return page
    }
    boostRequests += 1
    guard let counts = countPageblock(of: page) else { return nil }
    if counts.free + alikePages(start: start, blockType: blockType, free: counts.free, movable: counts.movable) >= 1 << (pageblockOrder - 1) {
      _ = moveFreeBlocks(pageblockStart: counts.start, to: start)
      return takeSmallest(order: order, type: start)
    }
    return nil
  }

  /// Kernel: `__rmqueue_steal()`: one block of a fallback type, smallest first, its pageblock unchanged.
  mutating func steal(order: Int, start: MigrateType) -> Int? {
    for current in order...BuddyZone.maxOrder {
      guard let found = suitableFallback(order: current, start: start), let page = firstBlock(order: current, type: found.type) else { continue }
      removeFromFreeList(page, order: current, type: found.type)
      expand(page, low: order, high: current, type: found.type)
      return page
    }
    return nil
  }

  // MARK: High-order atomic reserve

  /// Reserves the pageblock of an allocation served for a high-order atomic request.
  ///
  /// Kernel: `reserve_highatomic_pageblock()`: at most about 1% of the zone (6.12: rounded up to a
  /// pageblock and nothing below one; 6.1: 1% plus one pageblock).
  mutating func reserveHighAtomic(_ page: Int, order: Int, managedPages: Int) {
    let blockPages = 1 << pageblockOrder
    let limit: Int
    switch rules {
    case .claimThenSteal:
      guard managedPages / 100 >= blockPages else { return }
      limit = (managedPages / 100 + blockPages - 1) / blockPages * blockPages
    case .mixedLists:
      limit = managedPages / 100 + blockPages
    }
    guard reservedHighAtomicPages < limit else { return }
    guard pageblockType(of: page) != .highAtomic else { return }
    if rules == .mixedLists {
      reservedHighAtomicPages += blockPages
      pageblockTypes[page >> pageblockOrder] = .highAtomic
      if let counts = countPageblock(of: page) { _ = moveFreeBlocks(pageblockStart: counts.start, to: .highAtomic) }
    } else if order < pageblockOrder {
      guard let counts = countPageblock(of: page) else { return }
      _ = moveFreeBlocks(pageblockStart: counts.start, to: .highAtomic)
      reservedHighAtomicPages += blockPages
    } else {
      setPageblockTypes(page, order: order, type: .highAtomic)
      reservedHighAtomicPages += 1 << order
    }
  }
}

extension BuddyZone {
  /// Takes up to `count` blocks of `order` for an allocation of `type`, as that many calls of
  /// `take(order:type:noFragment:mode:)` would (a per-CPU refill), in runs of consecutive
  /// blocks.
  ///
  /// A block of a higher order with nothing smaller on `type`'s lists is taken from its start
  /// block by block: the state that reaches is the block's remainder split the way `expand()`
  /// splits it, one aligned block per order at the head of its list, so it is made at once.
  ///
  /// Kernel: `rmqueue_bulk()` → `__rmqueue()` → `__rmqueue_smallest()` and `expand()`.
  /// - Complexity: O(blocks split + fallbacks), not O(`count`).
  mutating func take(_ count: Int, order: Int, type: MigrateType, noFragment: Bool, mode: inout RemoveMode) -> [(page: Int, blocks: Int)] {
    var runs: [(page: Int, blocks: Int)] = []
    var taken = 0
    func note(_ page: Int, _ blocks: Int) {
      if let last = runs.last, last.page + last.blocks << order == page {
        runs[runs.count - 1].blocks += blocks
      } else {
        runs.append((page, blocks))
      }
      taken += blocks
    }
    while taken < count {
      if rules == .mixedLists || mode == .normal, let (page, current) = removeSmallest(order: order, type: type) {
        let blocks = Swift.min(count - taken, 1 << (current - order))
        // The remainder [page + blocks << order, page + 2^current), in aligned blocks.
        var rest = page + blocks << order
        let end = page + 1 << current
        while rest < end {
          let size = (rest - page) & -(rest - page)
          addToFreeList(rest, order: size.trailingZeroBitCount, type: type)
          rest += size
        }
        note(page, blocks)
        continue
      }
      guard let page = take(order: order, type: type, noFragment: noFragment, mode: &mode) else { break }
      note(page, 1)
    }
    return runs
  }
}
