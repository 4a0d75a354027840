extension PerCPUPages {
  mutating func push(_ page: Int, order: Int, type: MigrateType, front: Bool) {
    if lists == nil { lists = [PageDeque](repeating: PageDeque(), count: Self.listCount) }
    let index = Self.listIndex(order: order, type: type)
    if front { lists![index].pushFront(UInt32(truncatingIfNeeded: page)) } else { lists![index].pushBack(UInt32(truncatingIfNeeded: page)) }
    count += 1 << order
  }

  func isEmpty(list index: Int) -> Bool { lists?[index].isEmpty ?? true }

  /// Bytes held by the lists.
  var bytes: Int { MemoryLayout<PerCPUPages>.stride + (lists?.reduce(0) { $0 + $1.capacityBytes + 24 } ?? 0) }
}

extension BuddyZone {
  /// Bytes held: page states, pageblock types and free lists.
  var bytes: Int { state.count + pageblockTypes.count + freeListBytes }
}

extension AllocatorSimulator {
  /// Takes a block of 2^`order` pages from a zone that passed its watermark check.
  ///
  /// Kernel: `rmqueue()`: `rmqueue_pcplist()` for the orders per-CPU lists hold, else (or when
  /// the lists cannot be refilled) `rmqueue_buddy()`; then `reserve_highatomic_pageblock()`
  /// for a high-order atomic request.
  mutating func takePages(_ zone: Int, cpuIndex: Int, order: Int, type: MigrateType, attempt: Attempt, outcome: inout Outcome) -> Int? {
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
    var pcp = perCPU[cpuIndex][zone]
    perCPU[cpuIndex][zone] = PerCPUPages(high: 0)
    defer { perCPU[cpuIndex][zone] = pcp }
    if autoTunedHigh { pcp.freeCount >>= 1 } else { pcp.freeFactor >>= 1 }
    let index = PerCPUPages.listIndex(order: order, type: type)
    if pcp.isEmpty(list: index) {
      let batch = autoTunedHigh ? allocationBatch(&pcp, zone: zone, order: order) : legacyBatch(zone, order: order)
      var mode = BuddyZone.RemoveMode.normal
      for _ in 0..<batch {
        guard let page = zones[zone].buddy.take(order: order, type: type, noFragment: attempt.noFragment, mode: &mode) else { break }
        zones[zone].buddy.state[page] = BuddyZone.onPerCPUList
        pcp.push(page, order: order, type: type, front: false)
      }
      if pcp.isEmpty(list: index) { return nil }
    }
    let page = Int(pcp.lists![index].popFront()!)
    pcp.count -= 1 << order
    return page
  }

  /// Kernel (before 6.7): `pcp->batch`, scaled down for higher orders.
  func legacyBatch(_ zone: Int, order: Int) -> Int {
    let batch = zones[zone].batch
    return batch > 1 ? Swift.max(batch >> order, 2) : batch
  }

  /// Kernel: `nr_pcp_alloc()` (6.7 on): the batch doubles with each refill without a free in between,
  /// and `pcp->high` grows while the zone is above its high watermark.
  func allocationBatch(_ pcp: inout PerCPUPages, zone: Int, order: Int) -> Int {
    let state = zones[zone]
    let base = state.batch
    pcp.high = Swift.min(Swift.max(pcp.high, state.highMin), state.highMax)
    if pcp.high < base { return 1 }
    var batch = order > 0 ? base : base << pcp.allocFactor
    if state.highMin != state.highMax && !state.belowHigh { pcp.high = Swift.min(pcp.high + batch, state.highMax) }
    if order == 0 {
      let maxAlloc = Swift.max(pcp.high - pcp.count - base, base)
      if batch <= maxAlloc && pcp.allocFactor < 5 { pcp.allocFactor += 1 }
      batch = Swift.min(batch, maxAlloc)
    }
    if batch > 1 { batch = Swift.max(batch >> order, 2) }
    return batch
  }

  /// Frees what an allocation took, block by block in the order it was taken, from `cpu`.
  ///
  /// Kernel: `free_unref_folios()` / `free_unref_page()` → `free_unref_page_commit()` for the
  /// orders per-CPU lists hold, `__free_pages_ok()` → `__free_one_page()` for the others.
  public mutating func free(_ record: AllocationRecord, cpu: CPUID) throws(SimulationError) {
    guard let cpuIndex = cpus.firstIndex(of: cpu) else { throw .unknownCPU(cpu) }
    for extent in record.extents {
      let zone = Int(extent.zone)
      let order = Int(extent.order)
      var page = Int(extent.start)
      for _ in 0..<extent.count {
        freeBlock(zone, page: page, order: order, cpuIndex: cpuIndex)
        page += 1 << order
      }
    }
  }

  /// Frees one block.
  mutating func freeBlock(_ zone: Int, page: Int, order: Int, cpuIndex: Int) {
    let blockType = zones[zone].buddy.pageblockType(of: page)
    guard PerCPUPages.allows(order: order) else {
      zones[zone].buddy.free(page, order: order, type: blockType)
      return
    }
    zones[zone].buddy.state[page] = BuddyZone.onPerCPUList
    var pcp = perCPU[cpuIndex][zone]
    perCPU[cpuIndex][zone] = PerCPUPages(high: 0)
    defer { perCPU[cpuIndex][zone] = pcp }
    let type = blockType == .highAtomic ? MigrateType.movable : blockType
    let index = PerCPUPages.listIndex(order: order, type: type)
    let batch = zones[zone].batch
    if autoTunedHigh {
      pcp.allocFactor >>= 1
      pcp.push(page, order: order, type: type, front: true)
      var freeHigh = false
      if order > 0 && order <= PerCPUPages.costlyOrder {
        freeHigh = pcp.freeCount >= batch && pcp.previousFreeWasHighOrder
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
    let state = zones[zone]
    pcp.high = Swift.min(Swift.max(pcp.high, state.highMin), state.highMax)
    let high = pcp.high
    if high == 0 { return 0 }
    if freeHigh {
      pcp.high = Swift.max(high - (batch << 5), state.highMin)
      return 0
    }
    if state.highMin == state.highMax { return high }
    if state.belowHigh {
      pcp.high = Swift.max(high - Swift.max(pcp.freeCount, batch), state.highMin)
      return Swift.max(pcp.count, state.highMin)
    }
    if pcp.count >= high {
      let needHigh = pcp.freeCount + batch
      if pcp.high < needHigh { pcp.high = Swift.min(Swift.max(needHigh, state.highMin), state.highMax) }
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
        let page = Int(pcp.lists![index].popBack()!)
        remaining -= 1 << order
        pcp.count -= 1 << order
        zones[zone].buddy.free(page, order: order, type: zones[zone].buddy.pageblockType(of: page))
      } while remaining > 0 && !pcp.isEmpty(list: index)
    }
  }

  /// Returns every page of every CPU's lists to the buddy lists. Kernel: `drain_all_pages()`.
  public mutating func drainAllPerCPULists() {
    for c in perCPU.indices {
      for z in zones.indices where perCPU[c][z].count > 0 {
        var pcp = perCPU[c][z]
        drain(&pcp, zone: z, count: pcp.count, first: 0)
        perCPU[c][z] = pcp
      }
    }
  }
}

extension BuddyZone {
  /// Marks an allocated block's pages in use; movable pages count as such for later fallbacks.
  mutating func markInUse(_ page: Int, order: Int, movable: Bool) {
    let byte = movable ? BuddyZone.inUseMovable : BuddyZone.inUse
    for index in page..<(page + (1 << order)) { state[index] = byte }
  }
}

extension AllocatorSimulator {
  /// What every CPU does when its vmstat work runs with page sets (each second while
  /// counters change, and on a write to `vm.stat_refresh`): from 6.7 each list's `high` decays
  /// by an eighth towards `high_min` and the pages above it go back to the buddy lists.
  ///
  /// Kernel: `refresh_cpu_vm_stats(true)` → `decay_pcp_high()`. The draining of other nodes'
  /// lists after three idle rounds (`pcp->expire`) is not modeled.
  public mutating func refreshVMStats() {
    guard autoTunedHigh else { return }
    for c in perCPU.indices {
      for z in zones.indices {
        var pcp = perCPU[c][z]
        perCPU[c][z] = PerCPUPages(high: 0)
        let state = zones[z]
        if pcp.high > state.highMin {
          pcp.high = Swift.max(pcp.count - (state.batch << 5), pcp.high - (pcp.high >> 3), state.highMin)
        }
        let excess = pcp.count - pcp.high
        if excess > 0 { drain(&pcp, zone: z, count: excess, first: 0) }
        perCPU[c][z] = pcp
      }
    }
  }
}
