import Foundation
import Testing
@testable import ZonelistCore

/// The buddy allocator on hand-worked cases, each rule as `mm/page_alloc.c` (6.1.192 and
/// 6.12.117) has it.
@Suite struct BuddyZoneTests {
  /// A zone of `pages` pages whose free blocks are `blocks[type][order]`, pageblocks as given.
  func zone(_ pages: Int, _ rules: BuddyZone.Rules, blocks: [MigrateType: [Int]], pageblocks: [MigrateType: Int] = [:]) -> BuddyZone {
    .laidOut(pageCount: pages, rules: rules, counts: FreeAreaCounts(blocks: blocks, pageblocks: pageblocks))
  }
  func orders(_ values: [Int: Int]) -> [Int] { (0...10).map { values[$0] ?? 0 } }

  @Test(arguments: [BuddyZone.Rules.mixedLists, .claimThenSteal])
  func splitAndMergeBack(_ rules: BuddyZone.Rules) throws {
    var buddy = zone(2048, rules, blocks: [.movable: orders([10: 2])])
    var mode = BuddyZone.RemoveMode.normal
    let page = try #require(buddy.take(order: 0, type: .movable, noFragment: false, mode: &mode))
    #expect(page == 0)
    // expand(): one block of each order 0...9 is left beside the second order-10 block.
    #expect((0...10).map { buddy.blocks(order: $0) } == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    #expect(buddy.freePages == 2047)
    buddy.free(page, order: 0, type: .movable)
    #expect((0...10).map { buddy.blocks(order: $0) } == orders([10: 2]))
    #expect(buddy.listProblem() == nil)
  }

  /// An unmovable request in a zone of movable order-10 blocks takes both pageblocks of one.
  @Test(arguments: [BuddyZone.Rules.mixedLists, .claimThenSteal])
  func wholeBlockFallbackChangesThePageblocks(_ rules: BuddyZone.Rules) throws {
    var buddy = zone(2048, rules, blocks: [.movable: orders([10: 2])])
    var mode = BuddyZone.RemoveMode.normal
    _ = try #require(buddy.take(order: 0, type: .unmovable, noFragment: false, mode: &mode))
    #expect(buddy.pageblockTypes.filter { $0 == .unmovable }.count == 2)
    #expect(buddy.blocks(order: 9, type: .unmovable) == 1)
    #expect(buddy.blocks(order: 10, type: .movable) == 1)
    #expect(buddy.boostRequests == 0)
  }

  /// A movable request that finds only a small unmovable block: 6.12 steals it and leaves the
  /// split halves on the unmovable lists; 6.1 moves it to the movable list first (and asks for a boost).
  @Test func smallFallbackStealsOrMovesOneBlock() throws {
    let blocks: [MigrateType: [Int]] = [.unmovable: orders([3: 1])]
    var steal = zone(512, .claimThenSteal, blocks: blocks, pageblocks: [.unmovable: 1])
    var mode = BuddyZone.RemoveMode.normal
    _ = try #require(steal.take(order: 0, type: .movable, noFragment: false, mode: &mode))
    #expect(mode == .steal)
    #expect((0...2).map { steal.blocks(order: $0, type: .unmovable) } == [1, 1, 1])
    #expect(steal.pageblockTypes == [.unmovable])
    #expect(steal.boostRequests == 0)

    var moved = zone(512, .mixedLists, blocks: blocks, pageblocks: [.unmovable: 1])
    _ = try #require(moved.take(order: 0, type: .movable, noFragment: false, mode: &mode))
    #expect((0...2).map { moved.blocks(order: $0, type: .movable) } == [1, 1, 1])
    #expect(moved.pageblockTypes == [.unmovable])
    #expect(moved.boostRequests == 1)
  }

  /// `ALLOC_NOFRAGMENT` refuses to split another type's pageblock below pageblock order.
  @Test(arguments: [BuddyZone.Rules.mixedLists, .claimThenSteal])
  func noFragmentRefusesSmallFallbacks(_ rules: BuddyZone.Rules) {
    var buddy = zone(512, rules, blocks: [.unmovable: orders([3: 1])], pageblocks: [.unmovable: 1])
    var mode = BuddyZone.RemoveMode.normal
    #expect(buddy.take(order: 0, type: .movable, noFragment: true, mode: &mode) == nil)
    #expect(buddy.freePages == 8)
  }

  /// An unmovable request claims a movable pageblock when half of it is free (6.12:
  /// `try_to_steal_block()`; 6.1: `steal_suitable_fallback()`).
  @Test(arguments: [BuddyZone.Rules.mixedLists, .claimThenSteal])
  func halfFreePageblockIsClaimed(_ rules: BuddyZone.Rules) throws {
    var buddy = zone(512, rules, blocks: [.movable: orders([8: 1])], pageblocks: [.movable: 1])
    var mode = BuddyZone.RemoveMode.normal
    _ = try #require(buddy.take(order: 0, type: .unmovable, noFragment: false, mode: &mode))
    #expect(buddy.pageblockTypes == [.unmovable])
    #expect(buddy.boostRequests == 1)
    #expect(buddy.freePages == 255)
  }

  /// Buddies merge across pageblocks of different types in 6.12, which then take the freed block's type.
  @Test func mergeAcrossPageblocksTakesTheFreedType() throws {
    var buddy = zone(1024, .claimThenSteal, blocks: [.movable: orders([9: 1])], pageblocks: [.unmovable: 1])
    // The free order-9 block is pageblock 0 (movable); pageblock 1 is unmovable and in use.
    #expect(buddy.pageblockTypes == [.movable, .unmovable])
    buddy.markInUse(512, order: 9, movable: false)
    buddy.free(512, order: 9, type: .unmovable)
    #expect(buddy.blocks(order: 10, type: .unmovable) == 1)
    #expect(buddy.pageblockTypes == [.unmovable, .unmovable])
  }
}

@Suite struct PageTypeInfoTests {
  static let text = """
    Page block order: 9
    Pages per block:  512

    Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 
    Node    0, zone   Normal, type    Unmovable      5      0      0      0      0      0      0      0      0      0      0 
    Node    0, zone   Normal, type      Movable >100000      1      0      0      0      0      0      0      0      0      2 
    Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 
    Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 
    Node    0, zone   Normal, type          CMA      0      0      0      0      0      0      0      0      0      0      0 
    Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 

    Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate 
    Node 0, zone   Normal            3          509            0            0            0            0 

    """

  @Test func cappedCountsComeFromBuddyinfo() throws {
    let buddyinfo = "Node 0, zone   Normal 123456      1      0      0      0      0      0      0      0      0      2 \n"
    let info = try PageTypeInfo(parsing: Self.text, buddyinfo: buddyinfo)
    let zone = try #require(info.zones[ZoneReference(node: 0, type: .normal)])
    #expect(zone.blocks[.movable]?[0] == 123_451)
    #expect(zone.blocks[.unmovable]?[0] == 5)
    #expect(zone.pageblocks == [.unmovable: 3, .movable: 509, .reclaimable: 0, .highAtomic: 0])
  }

  @Test func cappedCountsWithoutBuddyinfoAreRefused() {
    #expect(throws: ImportError.self) { try PageTypeInfo(parsing: Self.text) }
  }

  @Test func aShortRowNamesItsLine() {
    let text = Self.text.replacingOccurrences(of: "type    Unmovable      5      0", with: "type    Unmovable      5")
    #expect {
      _ = try PageTypeInfo(parsing: text, file: "snap/proc/pagetypeinfo", buddyinfo: "")
    } throws: { error in
      (error as? ImportError)?.line == 5 && (error as? ImportError)?.file == "snap/proc/pagetypeinfo"
    }
  }
}
