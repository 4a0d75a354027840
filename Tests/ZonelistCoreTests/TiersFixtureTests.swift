import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

extension TiersFixture {
  /// The captures this suite must see: a fixture that disappears fails the count.
  static let expectedCount = 86

  /// The tiers exactly as `zonelist tiers --sysroot` computes them.
  func run() throws -> TiersRun {
    let input = try ModelInput.load(sysroot: path, topologyFile: nil, kernel: nil)
    return try TiersRun(input: input, sysroot: path)
  }
}

@Suite struct TiersFixtureTests {
  @Test(arguments: TiersFixture.all)
  func kernelLogEqualsTheLastSetTheKernelPrinted(_ fixture: TiersFixture) throws {
    let run = try fixture.run()
    let lines = try #require(run.kernelLogLines, "kernel-log refused for \(fixture.name): \(run.notes)")
    #expect(lines == (try fixture.demotionSets().last ?? []))
  }

  @Test(arguments: TiersFixture.all)
  func tiersEqualTheGuestsMemoryTiering(_ fixture: TiersFixture) throws {
    let run = try fixture.run()
    let json = Dictionary(uniqueKeysWithValues: run.document.tiers.map { ($0.id, $0.nodes) })
    #expect(json == (try fixture.tiers()))
    #expect(run.differences.isEmpty)
  }

  @Test func everyCaptureIsChecked() {
    #expect(TiersFixture.all.count == TiersFixture.expectedCount)
  }
}
