import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The buddy allocator against the kernel's `/proc/buddyinfo` after every step of the
/// allocation captures: the model starts from the `before/` snapshot's `/proc/pagetypeinfo`.
@Suite struct BuddyFixtureTests {
  /// The suite runs over the allocation captures: all of them, and those with `pagetypeinfo`.
  @Test func everyCaptureIsThere() {
    BootFixture.expectCount("alloc")
    #expect(AllocationFixture.all.filter(\.hasPagetypeinfo).count == AllocationTolerance.fixtureCount - AllocationTolerance.withoutPagetypeinfoCount)
  }

  /// Per zone and step, the free pages the model holds in blocks of at least order 9 and 10,
  /// against the kernel's beyond one block of order 10, as a share of the zone's managed pages;
  /// the worst over a fixture, per order.
  static func worstHighOrderErrors(_ fixture: AllocationFixture) throws -> [Int: WorstCase<Double>] {
    let (start, run) = try fixture.simulate()
    let managed = Dictionary(uniqueKeysWithValues: start.zones.map { ($0.reference, $0.managed) })
    var worst: [Int: WorstCase<Double>] = [9: WorstCase(0.0), 10: WorstCase(0.0)]
    for result in run.results {
      for (zone, blocks) in try PageTypeInfo.buddyinfo(fixture.stepFile(result.index, "proc/buddyinfo")) {
        guard let model = result.freeBlocksAfter[zone], let zonePages = managed[zone] else {
          Issue.record("\(fixture.name) step \(result.index): the model has no zone \(zone)")
          continue
        }
        for order in [9, 10] {
          func pages(_ counts: [Int]) -> Int { counts.enumerated().filter { $0.offset >= order }.reduce(0) { $0 + $1.element << $1.offset } }
          // One largest block of slack: the model lays a zone's pages out without its holes, so a
          // small zone (DMA: 3977 pages) can merge into one block fewer or more than the kernel's.
          worst[order]!.note(
            Double(Swift.max(0, abs(pages(model) - pages(blocks)) - (1 << 10))) / Double(zonePages),
            "step \(result.index) \(zone): model \(pages(model)), kernel \(pages(blocks)) pages in blocks of order \(order)+")
        }
      }
    }
    return worst
  }

  /// Whether every zone of the run's machine holds 64k managed pages or fewer.
  static func smallZones(_ fixture: AllocationFixture) -> Bool {
    guard let text = try? String(contentsOfFile: fixture.path + "/before/proc/zoneinfo", encoding: .utf8),
      let zoneinfo = try? Zoneinfo(parsing: text)
    else { return false }
    return zoneinfo.entries.allSatisfy { $0.size.managed.rawValue <= 1 << 16 }
  }

  @Test(arguments: AllocationFixture.all)
  func largeFreeBlocksFollowTheKernel(_ fixture: AllocationFixture) throws {
    for (order, worst) in try Self.worstHighOrderErrors(fixture).sorted(by: { $0.key < $1.key }) {
      print("\(fixture.name): order \(order)+ worst \(String(format: "%.2f", worst.value * 100))% of the zone (\(worst.detail))")
      // 3%, or 4.5% in zones of 64k pages or fewer (the issue-10 captures' 256 MiB nodes), where
      // the up to three order-10 blocks the model keeps merged after a free (worst: six-boot-order-6.1
      // and ties-uniform-6.1 step 3, 3072 pages) are 4.2% of the zone.
      let limit = Self.smallZones(fixture) ? 0.045 : 0.03
      #expect(worst.value <= limit, "\(fixture.name): \(worst.detail)")
    }
  }

  /// Per zone, type and step, how many pageblocks changed type since the start, against the
  /// kernel's `Number of blocks type` change; the worst difference over a fixture.
  static func worstPageblockChange(_ fixture: AllocationFixture) throws -> WorstCase<Int> {
    let (start, run) = try fixture.simulate()
    func read(_ folder: String) throws -> PageTypeInfo {
      try PageTypeInfo(
        parsing: String(contentsOfFile: "\(fixture.path)/\(folder)/proc/pagetypeinfo", encoding: .utf8),
        buddyinfo: String(contentsOfFile: "\(fixture.path)/\(folder)/proc/buddyinfo", encoding: .utf8))
    }
    let before = try read("before")
    var worst = WorstCase(0)
    for result in run.results {
      let after = try read(String(format: "steps/%02d", result.index))
      for zone in start.zones where zone.managed > 0 {
        for type in MigrateType.allCases {
          let kernel = (after.zones[zone.reference]?.pageblocks[type] ?? 0) - (before.zones[zone.reference]?.pageblocks[type] ?? 0)
          let model = (result.pageblocksAfter[zone.reference]?[type] ?? 0) - (zone.pageblocks[type] ?? 0)
          worst.note(
            abs(kernel - model),
            "step \(result.index) \(zone.reference) \(type.kernelName): kernel \(kernel > 0 ? "+" : "")\(kernel), model \(model > 0 ? "+" : "")\(model) pageblocks")
        }
      }
    }
    return worst
  }
  /// Pageblocks change type as the kernel's do, within two order-10 blocks (four pageblocks):
  /// exactly in 7 of the 16 runs (6 of the 8 on 6.1). Where they differ, the model claimed a movable order-10 block
  /// for page tables that the kernel served otherwise (likely from pages already on a CPU's
  /// unmovable list: a snapshot does not say which list its per-CPU pages are on).
  /// (Runs whose snapshot has no `pagetypeinfo` have no starting pageblock types to compare.)
  @Test(arguments: AllocationFixture.all.filter(\.hasPagetypeinfo))
  func pageblockTypesChangeAsTheKernels(_ fixture: AllocationFixture) throws {
    let worst = try Self.worstPageblockChange(fixture)
    print("\(fixture.name): pageblock change worst \(worst.value) (\(worst.detail))")
    #expect(worst.value <= 4, "\(fixture.name): \(worst.detail)")
  }
}
