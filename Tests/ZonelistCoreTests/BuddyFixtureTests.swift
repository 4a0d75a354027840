import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The buddy allocator against the kernel's `/proc/buddyinfo` after every step of the
/// allocation captures: the model starts from the `before/` snapshot's `/proc/pagetypeinfo`.
@Suite struct BuddyFixtureTests {
  /// Per zone and step, the free pages the model holds in blocks of at least `order`, against
  /// the kernel's beyond one block of order 10, as a share of the zone's managed pages; the
  /// worst over a fixture.
  static func worstHighOrderError(_ fixture: AllocationFixture, order: Int) throws -> (Double, String) {
    let (run, _) = try fixture.simulate()
    var worst = 0.0
    var detail = ""
    for result in run.results {
      let text = try String(contentsOfFile: fixture.path + String(format: "/steps/%02d/proc/buddyinfo", result.index), encoding: .utf8)
      for (zone, blocks) in try PageTypeInfo.buddyinfo(text) {
        guard let model = result.freeBlocksAfter[zone], let state = run.simulator.zones.first(where: { $0.reference == zone }) else {
          Issue.record("\(fixture.name) step \(result.index): the model has no zone \(zone)")
          continue
        }
        func pages(_ counts: [Int]) -> Int { counts.enumerated().filter { $0.offset >= order }.reduce(0) { $0 + $1.element << $1.offset } }
        // One largest block of slack: the model lays a zone's pages out without its holes, so a
        // small zone (DMA: 3977 pages) can merge into one block fewer or more than the kernel's.
        let error = Double(Swift.max(0, abs(pages(model) - pages(blocks)) - (1 << 10))) / Double(state.managed)
        if error > worst {
          worst = error
          detail = "step \(result.index) \(zone): model \(pages(model)), kernel \(pages(blocks)) pages in blocks of order \(order)+"
        }
      }
    }
    return (worst, detail)
  }

  @Test(arguments: AllocationFixture.all)
  func largeFreeBlocksFollowTheKernel(_ fixture: AllocationFixture) throws {
    for order in [9, 10] {
      let (worst, detail) = try Self.worstHighOrderError(fixture, order: order)
      print("\(fixture.name): order \(order)+ worst \(String(format: "%.2f", worst * 100))% of the zone (\(detail))")
      #expect(worst <= 0.03, "\(fixture.name): \(detail)")
    }
  }

  /// Per zone, type and step, how many pageblocks changed type since the start, against the
  /// kernel's `Number of blocks type` change; the worst difference over a fixture.
  static func worstPageblockChange(_ fixture: AllocationFixture) throws -> (Int, String) {
    let (run, _) = try fixture.simulate()
    func read(_ folder: String) throws -> PageTypeInfo {
      try PageTypeInfo(
        parsing: String(contentsOfFile: "\(fixture.path)/\(folder)/proc/pagetypeinfo", encoding: .utf8),
        buddyinfo: String(contentsOfFile: "\(fixture.path)/\(folder)/proc/buddyinfo", encoding: .utf8))
    }
    let before = try read("before")
    let input = try ModelInput.load(sysroot: fixture.path + "/before", topologyFile: nil, kernel: nil)
    let (start, _) = try SimulationSetup.simulator(input: input, sysroot: fixture.path + "/before", everythingFree: false)
    var worst = 0
    var detail = ""
    for result in run.results {
      let after = try read(String(format: "steps/%02d", result.index))
      for zone in start.zones where zone.managed > 0 {
        for type in MigrateType.allCases {
          let kernel = (after.zones[zone.reference]?.pageblocks[type] ?? 0) - (before.zones[zone.reference]?.pageblocks[type] ?? 0)
          let model = (result.pageblocksAfter[zone.reference]?[type] ?? 0) - (zone.pageblocks[type] ?? 0)
          if abs(kernel - model) > worst {
            worst = abs(kernel - model)
            detail = "step \(result.index) \(zone.reference) \(type.kernelName): kernel \(kernel > 0 ? "+" : "")\(kernel), model \(model > 0 ? "+" : "")\(model) pageblocks"
          }
        }
      }
    }
    return (worst, detail)
  }

  /// Pageblocks change type as the kernel's do, within two order-10 blocks (four pageblocks):
  /// exactly in 7 of the 16 runs (6 of the 8 on 6.1). Where they differ, the model claimed a movable order-10 block
  /// for page tables that the kernel served otherwise (likely from pages already on a CPU's
  /// unmovable list: a snapshot does not say which list its per-CPU pages are on).
  @Test(arguments: AllocationFixture.all)
  func pageblockTypesChangeAsTheKernels(_ fixture: AllocationFixture) throws {
    let (worst, detail) = try Self.worstPageblockChange(fixture)
    print("\(fixture.name): pageblock change worst \(worst) (\(detail))")
    #expect(worst <= 4, "\(fixture.name): \(detail)")
  }
}
