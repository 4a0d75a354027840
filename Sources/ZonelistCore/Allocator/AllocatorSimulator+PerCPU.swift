extension PerCPUPages {
  mutating func push(_ page: Int, order: Int, type: MigrateType, front: Bool) {
    if lists.isEmpty { lists = [PageDeque](repeating: PageDeque(), count: Self.listCount) }
    let index = Self.listIndex(order: order, type: type)
    if front { lists[index].pushFront(UInt32(truncatingIfNeeded: page)) } else { lists[index].pushBack(UInt32(truncatingIfNeeded: page)) }
    count += 1 << order
  }

  /// `blocks` consecutive blocks from `page` at the back of a list, in order (each as `push(front: false)`).
  mutating func pushBack(_ page: Int, blocks: Int, order: Int, type: MigrateType) {
    if lists.isEmpty { lists = [PageDeque](repeating: PageDeque(), count: Self.listCount) }
    lists[Self.listIndex(order: order, type: type)].pushBack(from: page, count: blocks, step: 1 << order)
    count += blocks << order
  }

  /// `blocks` consecutive blocks from `page` at the front of a list, in order (each as `push(front: true)`).
  mutating func pushFront(_ page: Int, blocks: Int, order: Int, type: MigrateType) {
    if lists.isEmpty { lists = [PageDeque](repeating: PageDeque(), count: Self.listCount) }
    lists[Self.listIndex(order: order, type: type)].pushFront(from: page, count: blocks, step: 1 << order)
    count += blocks << order
  }

  /// Takes the `blocks` newest blocks of a list (each as `popFront`), as runs of consecutive blocks.
  mutating func popFront(list index: Int, blocks: Int) -> [(start: Int, count: Int)] {
    guard blocks > 0 else { return [] }
    let order = Self.order(ofList: index)
    count -= blocks << order
    return lists[index].popFront(blocks, step: 1 << order)
  }

  /// Blocks on a list.
  func blocks(list index: Int) -> Int { lists.isEmpty ? 0 : lists[index].count }

  func isEmpty(list index: Int) -> Bool { lists.isEmpty || lists[index].isEmpty }

  /// Takes the newest block of a list. Kernel: `list_first_entry()` and `list_del()`.
  mutating func popFront(list index: Int) -> Int? {
    guard !lists.isEmpty, let page = lists[index].popFront() else { return nil }
    count -= 1 << Self.order(ofList: index)
    return Int(page)
  }

  /// Takes the oldest block of a list. Kernel: `list_last_entry()` and `list_del()`.
  mutating func popBack(list index: Int) -> Int? {
    guard !lists.isEmpty, let page = lists[index].popBack() else { return nil }
    count -= 1 << Self.order(ofList: index)
    return Int(page)
  }

  /// Bytes held by the lists.
  var bytes: Int { MemoryLayout<PerCPUPages>.stride + lists.reduce(0) { $0 + $1.capacityBytes + 24 } }
}

extension AllocatorSimulator {
  /// Takes a block of 2^`order` pages from a zone that passed its watermark check.
  ///
  /// Kernel: `rmqueue()`: `rmqueue_pcplist()` for the orders per-CPU lists hold, else (or when
  /// the lists cannot be refilled) `rmqueue_buddy()`; then `reserve_highatomic_pageblock()`
  /// for a high-order atomic request.
  /// - Returns: The block, and the per-CPU list (page set, list index) it came from, if one.
  mutating func takePages(
    _ zone: Int, cpuIndex: Int, order: Int, type: MigrateType, attempt: Attempt, outcome: inout Outcome
  ) -> (page: Int, list: (set: Int, index: Int)?)? {
    pageSets[cpuIndex * zones.count + zone].touched = true
    var list: (set: Int, index: Int)? = nil
    var page: Int? = nil
    if PerCPUPages.allows(order: order) {
      page = takeFromPerCPUList(zone, cpuIndex: cpuIndex, order: order, type: type, attempt: attempt)
      if page != nil { list = (cpuIndex * zones.count + zone, PerCPUPages.listIndex(order: order, type: type)) }
    }
    if page == nil { page = takeFromBuddy(zone, order: order, type: type, attempt: attempt) }
    noteBoosts(zone, attempt: attempt, outcome: &outcome)
    guard let page else { return nil }
    zones[zone].buddy.markInUse(page, order: order, movable: type == .movable)
    if attempt.highAtomic { zones[zone].buddy.reserveHighAtomic(page, order: order, managedPages: zones[zone].managed) }
    return (page, list)
  }

  /// Kernel: `boost_watermark()` for each fragmenting fallback: with `ALLOC_KSWAPD` the zone's
  /// kswapd is woken; it finds nothing to reclaim here and removes the boost.
  mutating func noteBoosts(_ zone: Int, attempt: Attempt, outcome: inout Outcome) {
    let boosts = zones[zone].buddy.boostRequests
    guard boosts > 0 else { return }
    zones[zone].buddy.boostRequests = 0
    outcome.fragmentingFallbacks[zones[zone].reference, default: 0] += boosts
    let state = zones[zone]
    if attempt.kswapd && state.managed >= 4 << state.buddy.pageblockOrder && state.high > 0 {
      outcome.kswapdWoken.insert(state.reference.node)
    }
  }

  /// Kernel: `rmqueue_buddy()`.
  mutating func takeFromBuddy(_ zone: Int, order: Int, type: MigrateType, attempt: Attempt) -> Int? {
    if attempt.highAtomic, let page = zones[zone].buddy.takeSmallest(order: order, type: .highAtomic) { return page }
    var mode = BuddyZone.RemoveMode.normal
    if let page = zones[zone].buddy.take(order: order, type: type, noFragment: attempt.noFragment, mode: &mode) { return page }
    if attempt.nonBlock { return zones[zone].buddy.takeSmallest(order: order, type: .highAtomic) }
    return nil
  }

  /// Kernel: `rmqueue_pcplist()` → `__rmqueue_pcplist()`, refilling an empty list with
  /// `rmqueue_bulk()` of `nr_pcp_alloc()` blocks (6.7 on) or `pcp->batch` (before).
  mutating func takeFromPerCPUList(_ zone: Int, cpuIndex: Int, order: Int, type: MigrateType, attempt: Attempt) -> Int? {
    let set = cpuIndex * zones.count + zone
    if autoTunedHigh { pageSets[set].freeCount >>= 1 } else { pageSets[set].freeFactor >>= 1 }
    let index = PerCPUPages.listIndex(order: order, type: type)
    if pageSets[set].isEmpty(list: index) {
      let batch = autoTunedHigh ? allocationBatch(set, zone: zone, order: order) : legacyBatch(zone, order: order)
      var mode = BuddyZone.RemoveMode.normal
      if shortcuts.contains(.bulkRefill) {
        for run in zones[zone].buddy.take(batch, order: order, type: type, noFragment: attempt.noFragment, mode: &mode) {
          zones[zone].buddy.setStates(from: run.page, count: run.blocks << order, BuddyZone.onPerCPUList(type))
          pageSets[set].pushBack(run.page, blocks: run.blocks, order: order, type: type)
        }
      } else {
        for _ in 0..<batch {
          guard let page = zones[zone].buddy.take(order: order, type: type, noFragment: attempt.noFragment, mode: &mode) else { break }
          zones[zone].buddy.markOnPerCPUList(page, order: order, type: type)
          pageSets[set].push(page, order: order, type: type, front: false)
        }
      }
    }
    return pageSets[set].popFront(list: index)
  }

  /// Takes up to `limit` blocks off one per-CPU list, as that many allocations would, each
  /// halving `free_count` (or `free_factor`) first; returns how many it took.
  mutating func takeRun(_ list: PerCPUList, upTo limit: Int, movable: Bool, into record: inout AllocationRecord) -> Int {
    let (set, index, zone) = (list.set, list.index, list.zone)
    let order = PerCPUPages.order(ofList: index)
    let taken = Swift.min(limit, pageSets[set].blocks(list: index))
    guard taken > 0 else { return 0 }
    pageSets[set].touched = true
    let byte = movable ? BuddyZone.inUseMovable : BuddyZone.inUse
    for run in pageSets[set].popFront(list: index, blocks: taken) {
      zones[zone].buddy.setStates(from: run.start, count: run.count << order, byte)
      record.append(AllocationRecord.Run(zone: zone, start: run.start, order: order, count: run.count))
    }
    if autoTunedHigh { pageSets[set].freeCount >>= Swift.min(taken, 63) } else { pageSets[set].freeFactor >>= Swift.min(taken, 63) }
    return taken
  }

  /// Kernel (before 6.7): `pcp->batch`, scaled down for higher orders.
  func legacyBatch(_ zone: Int, order: Int) -> Int {
    let batch = zones[zone].batch
    return batch > 1 ? Swift.max(batch >> order, 2) : batch
  }

  /// Kernel: `nr_pcp_alloc()` (6.7 on): the batch doubles with each refill without a free in between,
  /// and `pcp->high` grows while the zone is above its high watermark.
  mutating func allocationBatch(_ set: Int, zone: Int, order: Int) -> Int {
    let base = zones[zone].batch
    let highMin = zones[zone].highMin
    let highMax = zones[zone].highMax
    pageSets[set].high = Swift.min(Swift.max(pageSets[set].high, highMin), highMax)
    if pageSets[set].high < base { return 1 }
    var batch = order > 0 ? base : base << pageSets[set].allocFactor
    if highMin != highMax && !zones[zone].belowHigh { pageSets[set].high = Swift.min(pageSets[set].high + batch, highMax) }
    if order == 0 {
      let maxAlloc = Swift.max(pageSets[set].high - pageSets[set].count - base, base)
      if batch <= maxAlloc && pageSets[set].allocFactor < 5 { pageSets[set].allocFactor += 1 }
      batch = Swift.min(batch, maxAlloc)
    }
    if batch > 1 { batch = Swift.max(batch >> order, 2) }
    return batch
  }

  /// Frees what an allocation took, block by block in the order it was taken, from `cpu`.
  ///
  /// Kernel: `free_unref_folios()` / `free_unref_page()` → `free_unref_page_commit()` for the
  /// orders per-CPU lists hold, `__free_pages_ok()` → `__free_one_page()` for the others.
  ///
  /// - Complexity: O(*blocks*) plus the buddy merges of pages drained from the lists.
  public mutating func free(_ record: AllocationRecord, cpu: CPUID) throws(SimulationError) {
    guard let cpuIndex = cpus.firstIndex(of: cpu) else { throw .unknownCPU(cpu) }
    // Every block must be one this simulator has handed out and not yet taken back.
    var problem: SimulationError? = nil
    record.forEachZoneRun { run in
      guard problem == nil else { return }
      guard zones.indices.contains(run.zone), run.start + run.count << run.order <= zones[run.zone].buddy.pageCount else {
        problem = .notAllocated("a record of another machine (zone \(run.zone), pages from \(run.start))")
        return
      }
      if let page = zones[run.zone].buddy.firstNotInUse(from: run.start, blocks: run.count, order: run.order) {
        problem = .notAllocated("page \(page) of \(zones[run.zone].reference) is not in use (freed twice?)")
      }
    }
    if let problem { throw problem }
    // Zone by zone: a free in one zone changes nothing a free in another reads.
    record.forEachZoneRun { run in freeRun(run.zone, start: run.start, blocks: run.count, order: run.order, cpuIndex: cpuIndex) }
  }

  /// Frees `blocks` consecutive blocks of 2^`order` pages from `start`, in order.
  ///
  /// With ``Shortcuts/bulkFree``, the blocks go onto the list in runs: each block's counters
  /// are stepped alone up to the one that makes the list drain, and the run before it is pushed at once.
  mutating func freeRun(_ zone: Int, start: Int, blocks: Int, order: Int, cpuIndex: Int) {
    pageSets[cpuIndex * zones.count + zone].touched = true
    guard PerCPUPages.allows(order: order) else {
      for block in 0..<blocks {
        let page = start + block << order
        zones[zone].buddy.free(page, order: order, type: zones[zone].buddy.pageblockType(of: page))
      }
      return
    }
    let set = cpuIndex * zones.count + zone
    var pcp = PerCPUPages(high: 0)
    swap(&pcp, &pageSets[set])
    defer { swap(&pcp, &pageSets[set]) }
    guard shortcuts.contains(.bulkFree) else {
      for block in 0..<blocks { freeToList(&pcp, zone: zone, page: start + block << order, order: order) }
      return
    }
    let pageblockPages = 1 << zones[zone].buddy.pageblockOrder
    var block = 0
    while block < blocks {
      let page = start + block << order
      // The blocks in this pageblock: one type, marked at once (nothing reads the marks of blocks not yet freed).
      let segmentEnd = Swift.min(blocks, block + Swift.max(1, (pageblockPages - page & (pageblockPages - 1)) >> order))
      let blockType = zones[zone].buddy.pageblockType(of: page)
      zones[zone].buddy.setStates(from: page, count: (segmentEnd - block) << order, BuddyZone.onPerCPUList(blockType))
      let type = blockType == .highAtomic ? MigrateType.movable : blockType
      while block < segmentEnd {
        let countBefore = pcp.count
        var run = 0
        var amount: Int? = nil
        repeat {
          pcp.count += 1 << order
          run += 1
          amount = admitFree(&pcp, zone: zone, order: order)
        } while amount == nil && block + run < segmentEnd
        pcp.count = countBefore
        pcp.pushFront(start + block << order, blocks: run, order: order, type: type)
        block += run
        if let amount { drainAfterFree(&pcp, zone: zone, count: amount, first: PerCPUPages.listIndex(order: order, type: type)) }
      }
    }
  }

  /// Frees one block onto a CPU's list, draining the list when it reaches its high mark.
  ///
  /// Kernel: `free_unref_page_commit()`.
  mutating func freeToList(_ pcp: inout PerCPUPages, zone: Int, page: Int, order: Int) {
    let blockType = zones[zone].buddy.pageblockType(of: page)
    zones[zone].buddy.markOnPerCPUList(page, order: order, type: blockType)
    let type = blockType == .highAtomic ? MigrateType.movable : blockType
    pcp.push(page, order: order, type: type, front: true)
    if let amount = admitFree(&pcp, zone: zone, order: order) {
      drainAfterFree(&pcp, zone: zone, count: amount, first: PerCPUPages.listIndex(order: order, type: type))
    }
  }

  /// Steps a list's counters for a block of `order` just put on it; returns the pages to
  /// drain when the list has reached its high mark.
  ///
  /// Kernel: `free_unref_page_commit()`, `nr_pcp_high()`, `nr_pcp_free()`; `PCPF_FREE_HIGH_BATCH`
  /// (6.7 on) keeps a batch on the list through a run of order 1–3 frees.
  mutating func admitFree(_ pcp: inout PerCPUPages, zone: Int, order: Int) -> Int? {
    let batch = zones[zone].batch
    guard autoTunedHigh else {
      let freeHigh = pcp.freeFactor != 0 && order > 0 && order <= PerCPUPages.costlyOrder
      let high = freeHigh ? 0 : pcp.high
      guard pcp.count >= high else { return nil }
      if freeHigh { return pcp.count }
      if high < batch { return 1 }
      let amount = batch << pcp.freeFactor
      if amount < high - batch && pcp.freeFactor < 5 { pcp.freeFactor += 1 }
      return Swift.min(Swift.max(amount, batch), high - batch)
    }
    pcp.allocFactor >>= 1
    var freeHigh = false
    if order > 0 && order <= PerCPUPages.costlyOrder {
      freeHigh = pcp.freeCount >= batch && pcp.previousFreeWasHighOrder && (!pcp.freeHighBatch || pcp.count >= batch)
      pcp.previousFreeWasHighOrder = true
    } else {
      pcp.previousFreeWasHighOrder = false
    }
    if pcp.freeCount < batch << 5 { pcp.freeCount += 1 << order }
    let high = perCPUHigh(&pcp, zone: zone, batch: batch, freeHigh: freeHigh)
    guard pcp.count >= high else { return nil }
    if freeHigh { return Swift.min(pcp.count, batch << 5) }
    if high < batch { return 1 }
    return Swift.min(Swift.max(pcp.freeCount, batch), high - batch)
  }

  /// Drains a list that reached its high mark; from 6.7 a zone back above its high watermark
  /// is no longer `ZONE_BELOW_HIGH`.
  mutating func drainAfterFree(_ pcp: inout PerCPUPages, zone: Int, count: Int, first: Int) {
    drain(&pcp, zone: zone, count: count, first: first)
    if autoTunedHigh && zones[zone].belowHigh
      && watermarkFast(zone, order: 0, mark: zones[zone].high, highestIndex: movableIndex, attempt: Attempt(mark: .low))
    {
      zones[zone].belowHigh = false
    }
  }

  /// Kernel: `nr_pcp_high()` (6.7 on).
  func perCPUHigh(_ pcp: inout PerCPUPages, zone: Int, batch: Int, freeHigh: Bool) -> Int {
    let highMin = zones[zone].highMin
    let highMax = zones[zone].highMax
    let high = Swift.min(Swift.max(pcp.high, highMin), highMax)
    pcp.high = high
    if high == 0 { return 0 }
    if freeHigh {
      pcp.high = Swift.max(high - (batch << 5), highMin)
      return 0
    }
    if highMin == highMax { return high }
    if zones[zone].belowHigh {
      pcp.high = Swift.max(high - Swift.max(pcp.freeCount, batch), highMin)
      return Swift.max(pcp.count, highMin)
    }
    if pcp.count >= high {
      let needHigh = pcp.freeCount + batch
      if high < needHigh { pcp.high = Swift.min(Swift.max(needHigh, highMin), highMax) }
    }
    return high
  }

  /// Returns `count` pages of a CPU's lists to the buddy lists, oldest first, list `first`
  /// before the others in turn. Kernel: `free_pcppages_bulk()`.
  mutating func drain(_ pcp: inout PerCPUPages, zone: Int, count: Int, first: Int) {
    var remaining = Swift.min(pcp.count, count)
    var index = first - 1
    while remaining > 0 {
      repeat { index = index + 1 > PerCPUPages.listCount - 1 ? 0 : index + 1 } while pcp.isEmpty(list: index)
      let order = PerCPUPages.order(ofList: index)
      guard shortcuts.contains(.bulkDrain) else {
        repeat {
          let page = pcp.popBack(list: index)!
          remaining -= 1 << order
          zones[zone].buddy.free(page, order: order, type: drainType(zone, page: page))
        } while remaining > 0 && !pcp.isEmpty(list: index)
        continue
      }
      var run = (start: pcp.popBack(list: index)!, blocks: 1)
      remaining -= 1 << order
      while remaining > 0, let page = pcp.popBack(list: index) {
        remaining -= 1 << order
        if page == run.start + run.blocks << order {
          run.blocks += 1
        } else {
          freeConsecutive(zone, start: run.start, blocks: run.blocks, order: order)
          run = (page, 1)
        }
      }
      freeConsecutive(zone, start: run.start, blocks: run.blocks, order: order)
    }
  }

  /// The type a drained block is freed under: 6.12 the pageblock's of the moment, 6.1 the one cached on the page.
  func drainType(_ zone: Int, page: Int) -> MigrateType {
    zones[zone].buddy.rules == .claimThenSteal
      ? zones[zone].buddy.pageblockType(of: page) : MigrateType(rawValue: zones[zone].buddy.state[page] & 3)!
  }

  /// Frees `blocks` consecutive blocks from `start`, drained in that order, as whole aligned
  /// blocks of up to a pageblock: freeing an aligned block's parts one after the other merges
  /// them into it before anything outside it is looked at, under one type (a pageblock's; 6.1's
  /// cached types are checked alike).
  ///
  /// Kernel: `__free_one_page()` for each block `free_pcppages_bulk()` frees.
  mutating func freeConsecutive(_ zone: Int, start: Int, blocks: Int, order: Int) {
    let end = start + blocks << order
    var page = start
    while page < end {
      var size = Swift.min(page & -page, 1 << zones[zone].buddy.pageblockOrder)
      if page == 0 { size = 1 << zones[zone].buddy.pageblockOrder }
      while page + size > end { size >>= 1 }
      let type = drainType(zone, page: page)
      if zones[zone].buddy.rules == .mixedLists {
        while size > 1 << order && stride(from: page, to: page + size, by: 1 << order).contains(where: { drainType(zone, page: $0) != type }) {
          size >>= 1
        }
      }
      zones[zone].buddy.free(page, order: size.trailingZeroBitCount, type: type)
      page += size
    }
  }

  /// `drain(_:zone:count:first:)` on the lists of page set `set`.
  mutating func drain(set: Int, count: Int) {
    var pcp = PerCPUPages(high: 0)
    swap(&pcp, &pageSets[set])
    drain(&pcp, zone: set % zones.count, count: count, first: 0)
    swap(&pcp, &pageSets[set])
  }
}
