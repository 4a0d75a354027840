extension PerCPUPages {
  mutating func push(_ page: Int, order: Int, type: MigrateType, front: Bool) {
    if lists.isEmpty { lists = [PageDeque](repeating: PageDeque(), count: Self.listCount) }
    let index = Self.listIndex(order: order, type: type)
    if front { lists[index].pushFront(UInt32(truncatingIfNeeded: page)) } else { lists[index].pushBack(UInt32(truncatingIfNeeded: page)) }
    count += 1 << order
  }

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
  mutating func takePages(_ zone: Int, cpuIndex: Int, order: Int, type: MigrateType, attempt: Attempt, outcome: inout Outcome) -> Int? {
    pageSets[cpuIndex * zones.count + zone].touched = true
    var page: Int? = nil
    if PerCPUPages.allows(order: order) { page = takeFromPerCPUList(zone, cpuIndex: cpuIndex, order: order, type: type, attempt: attempt) }
    if page == nil { page = takeFromBuddy(zone, order: order, type: type, attempt: attempt) }
    noteBoosts(zone, attempt: attempt, outcome: &outcome)
    guard let page else { return nil }
    zones[zone].buddy.markInUse(page, order: order, movable: type == .movable)
    if attempt.highAtomic { zones[zone].buddy.reserveHighAtomic(page, order: order, managedPages: zones[zone].managed) }
    return page
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
      for _ in 0..<batch {
        guard let page = zones[zone].buddy.take(order: order, type: type, noFragment: attempt.noFragment, mode: &mode) else { break }
        zones[zone].buddy.markOnPerCPUList(page, order: order, type: type)
        pageSets[set].push(page, order: order, type: type, front: false)
      }
    }
    let page = pageSets[set].popFront(list: index)
    if page != nil { lastPerCPUList = (set, index, zone) }
    return page
  }

  /// Takes up to `limit` blocks off one per-CPU list, as that many allocations would, each
  /// halving `free_count` (or `free_factor`) first; returns how many it took.
  mutating func takeRun(set: Int, list index: Int, zone: Int, order: Int, upTo limit: Int, movable: Bool, into record: inout AllocationRecord) -> Int {
    guard limit > 0, !pageSets[set].isEmpty(list: index) else { return 0 }
    pageSets[set].touched = true
    var list = PageDeque()
    swap(&list, &pageSets[set].lists[index])
    var state: [UInt8] = []
    swap(&state, &zones[zone].buddy.state)
    let byte = movable ? BuddyZone.inUseMovable : BuddyZone.inUse
    let taken = Swift.min(limit, list.count)
    for _ in 0..<taken {
      let page = Int(list.popFront()!)
      if order == 0 { state[page] = byte } else { for index in page..<(page + (1 << order)) { state[index] = byte } }  // BuddyZone.setState on the swapped-out array
      record.append(zone: zone, page: page, order: order)
    }
    swap(&state, &zones[zone].buddy.state)
    swap(&list, &pageSets[set].lists[index])
    pageSets[set].count -= taken << order
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
    for extent in record.extents {
      let zone = Int(extent.zone)
      guard zones.indices.contains(zone), Int(extent.start) + Int(extent.count) << Int(extent.order) <= zones[zone].buddy.pageCount else {
        throw .notAllocated("a record of another machine (zone \(extent.zone), pages from \(extent.start))")
      }
      for block in 0..<Int(extent.count) {
        let page = Int(extent.start) + block << Int(extent.order)
        guard zones[zone].buddy.state[page] <= BuddyZone.inUseMovable else {
          throw .notAllocated("page \(page) of \(zones[zone].reference) is not in use (freed twice?)")
        }
      }
    }
    for extent in record.extents {
      freeRun(Int(extent.zone), start: Int(extent.start), blocks: Int(extent.count), order: Int(extent.order), cpuIndex: cpuIndex)
    }
  }

  /// Frees `blocks` consecutive blocks of 2^`order` pages from `start`, one by one.
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
    for block in 0..<blocks { freeToList(&pcp, zone: zone, page: start + block << order, order: order) }
  }

  /// Frees one block onto a CPU's list, draining the list when it reaches its high mark.
  ///
  /// Kernel: `free_unref_page_commit()`, `nr_pcp_high()`, `nr_pcp_free()`; `PCPF_FREE_HIGH_BATCH`
  /// (6.7 on) keeps a batch on the list through a run of order 1–3 frees.
  mutating func freeToList(_ pcp: inout PerCPUPages, zone: Int, page: Int, order: Int) {
    let blockType = zones[zone].buddy.pageblockType(of: page)
    zones[zone].buddy.markOnPerCPUList(page, order: order, type: blockType)
    let type = blockType == .highAtomic ? MigrateType.movable : blockType
    let index = PerCPUPages.listIndex(order: order, type: type)
    let batch = zones[zone].batch
    if autoTunedHigh {
      pcp.allocFactor >>= 1
      pcp.push(page, order: order, type: type, front: true)
      var freeHigh = false
      if order > 0 && order <= PerCPUPages.costlyOrder {
        freeHigh = pcp.freeCount >= batch && pcp.previousFreeWasHighOrder && (!pcp.freeHighBatch || pcp.count >= batch)
        pcp.previousFreeWasHighOrder = true
      } else {
        pcp.previousFreeWasHighOrder = false
      }
      if pcp.freeCount < batch << 5 { pcp.freeCount += 1 << order }
      let high = perCPUHigh(&pcp, zone: zone, batch: batch, freeHigh: freeHigh)
      if pcp.count >= high {
        let amount: Int
        if freeHigh {
          amount = Swift.min(pcp.count, batch << 5)
        } else if high < batch {
          amount = 1
        } else {
          amount = Swift.min(Swift.max(pcp.freeCount, batch), high - batch)
        }
        drain(&pcp, zone: zone, count: amount, first: index)
        if zones[zone].belowHigh
          && watermarkFast(zone, order: 0, mark: zones[zone].high, highestIndex: movableIndex, attempt: Attempt(mark: .low))
        {
          zones[zone].belowHigh = false
        }
      }
    } else {
      pcp.push(page, order: order, type: type, front: true)
      let freeHigh = pcp.freeFactor != 0 && order > 0 && order <= PerCPUPages.costlyOrder
      let high = freeHigh ? 0 : pcp.high
      if pcp.count >= high {
        var amount: Int
        if freeHigh {
          amount = pcp.count
        } else if high < batch {
          amount = 1
        } else {
          amount = batch << pcp.freeFactor
          if amount < high - batch && pcp.freeFactor < 5 { pcp.freeFactor += 1 }
          amount = Swift.min(Swift.max(amount, batch), high - batch)
        }
        drain(&pcp, zone: zone, count: amount, first: index)
      }
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
      repeat {
        let page = pcp.popBack(list: index)!
        remaining -= 1 << order
        // 6.12 frees under the pageblock's type of the moment; 6.1 under the type cached on the page.
        let type =
          zones[zone].buddy.rules == .claimThenSteal
          ? zones[zone].buddy.pageblockType(of: page) : MigrateType(rawValue: zones[zone].buddy.state[page] & 3)!
        zones[zone].buddy.free(page, order: order, type: type)
      } while remaining > 0 && !pcp.isEmpty(list: index)
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
