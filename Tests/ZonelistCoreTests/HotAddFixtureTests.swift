import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// Every `online:` step of the allocation fixtures against the kernel's own log of it: the
/// rebuilt node orders and `Total pages` (the lines `build_all_zonelists()` printed when the
/// first memory block came online, in the step's `dmesg`).
@Suite struct HotAddFixtureTests {
  /// The last `Built N zonelists ... Total pages: X` figure of a log.
  static func totalPages(_ dmesg: String) -> Int? {
    dmesg.split(separator: "\n").map { KernelLog.strippingTimestamp(String($0)) }
      .last { $0.hasPrefix("Built ") && $0.contains(" zonelists") }
      .flatMap { $0.split(separator: " ").last.flatMap { Int($0) } }
  }

  @Test(arguments: AllocationFixture.all)
  func rebuildsMatchTheKernelLog(_ fixture: AllocationFixture) throws {
    let (_, run) = try fixture.simulate()
    // Builds the log showed so far: a step whose log shows more rebuilt during the step.
    var builds = (try? String(contentsOfFile: fixture.path + "/before/dmesg", encoding: .utf8)).map { ListsInEffect.logBuilds($0).count }
    for result in run.results {
      guard let dmesg = try? fixture.stepFile(result.index, "dmesg") else {
        #expect(result.rebuiltLists == nil, "\(fixture.name) step \(result.index): the model rebuilt, the kernel's log is missing")
        continue
      }
      let logged = ListsInEffect.logBuilds(dmesg)
      defer { builds = logged.count }
      guard let printed = logged.last, logged.count > (builds ?? 1) else {
        #expect(result.rebuiltLists == nil, "\(fixture.name) step \(result.index): the model rebuilt, the kernel did not")
        continue
      }
      let lists = try #require(result.rebuiltLists, "\(fixture.name) step \(result.index): the kernel rebuilt, the model did not")
      for (node, order) in printed {
        #expect(lists.build[node]?.nodeOrder == order, "\(fixture.name) step \(result.index) node \(node)")
      }
      #expect(result.rebuildTotalPages == Self.totalPages(dmesg), "\(fixture.name) step \(result.index): Total pages")
    }
  }
}
