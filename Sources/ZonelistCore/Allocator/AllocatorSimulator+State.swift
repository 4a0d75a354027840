extension BuddyZone {
  /// The free lists as the kernel holds them: each list's blocks, first to last, by
  /// `order * typeCount + type` (entries dropped lazily left out, a block once, where it is found).
  var liveLists: [[UInt32]] {
    (0...Self.maxOrder).flatMap { order in
      MigrateType.allCases.map { type in
        let head = Self.headByte(order: order, type: type)
        var seen = Set<UInt32>()
        return elements(order: order, type: type).filter { state[Int($0)] == head && seen.insert($0).inserted }
      }
    }
  }

  /// The page states that mean something: a free block's pages after its first hold whatever
  /// they held (nothing reads them), shown as 0xFF.
  var meaningfulStates: [UInt8] {
    var result = state
    var page = 0
    while page < pageCount {
      guard isFree(page) else {
        page += 1
        continue
      }
      let size = 1 << freeOrder(page)
      for tail in (page + 1)..<Swift.min(page + size, pageCount) { result[tail] = 0xFF }
      page += size
    }
    return result
  }
}

extension AllocatorSimulator {
  /// Everything the simulator's next steps can read, for comparing two simulators: the
  /// shortcuts with the page-by-page walk.
  struct StateDump: Equatable {
    struct Zone: Equatable {
      var lists: [[UInt32]]
      var blockCounts: [Int]
      var free: Int
      var freeHighAtomic: Int
      var reservedHighAtomic: Int
      var pageblockTypes: [MigrateType]
      var states: [UInt8]
      var belowHigh: Bool
      var watermarks: [Int]
    }
    struct PageSet: Equatable {
      var counters: [Int]
      var flags: [Bool]
      var lists: [[UInt32]]
    }
    var zones: [Zone]
    var pageSets: [PageSet]
    var stats: [NUMAStat]
    var taskInterleave: [Int]
    var vmstatWorkQueued: [Bool]
  }

  /// The state now.
  ///
  /// - Complexity: O(pages + listed blocks).
  var stateDump: StateDump {
    StateDump(
      zones: zones.map { zone in
        StateDump.Zone(
          lists: zone.buddy.liveLists, blockCounts: (0...BuddyZone.maxOrder).flatMap { order in MigrateType.allCases.map { zone.buddy.blocks(order: order, type: $0) } },
          free: zone.buddy.freePages, freeHighAtomic: zone.buddy.freeHighAtomicPages, reservedHighAtomic: zone.buddy.reservedHighAtomicPages,
          pageblockTypes: zone.buddy.pageblockTypes, states: zone.buddy.meaningfulStates, belowHigh: zone.belowHigh,
          watermarks: [zone.min, zone.low, zone.high, zone.batch, zone.highMin, zone.highMax])
      },
      pageSets: pageSets.map { set in
        StateDump.PageSet(
          counters: [set.count, set.high, set.allocFactor, set.freeCount, set.freeFactor, Int(set.expire)],
          flags: [set.previousFreeWasHighOrder, set.freeHighBatch, set.touched], lists: set.lists.map(\.elements))
      },
      stats: stats, taskInterleave: [taskInterleave.previous?.rawValue ?? -1, taskInterleave.weightLeft], vmstatWorkQueued: vmstatWorkQueued)
  }
}
