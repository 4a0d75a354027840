import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// A boot of a real kernel with memory tiers (HMAT, dax/kmem, hot-add), stored by the
/// capture toolkit as a sysroot snapshot with the whole `dmesg`.
struct TiersFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let all = BootFixture.folders("tiers").map { TiersFixture(name: $0.name, path: $0.path) }

  /// The captures this suite must see: a fixture that disappears fails the count.
  static let expectedCount = 0

  /// The tiers exactly as `zonelist tiers --sysroot` computes them.
  func run() throws -> TiersRun {
    let input = try ModelInput.load(sysroot: path, topologyFile: nil, kernel: nil)
    return try TiersRun(input: input, sysroot: path)
  }

  var dmesgLines: [String] {
    get throws {
      try String(contentsOfFile: path + "/" + BootCapture.dmesgFile, encoding: .utf8)
        .split(separator: "\n").map(String.init)
    }
  }
}

@Suite struct TiersFixtureTests {
  @Test(arguments: TiersFixture.all)
  func kernelLogEqualsTheLastSetTheKernelPrinted(_ fixture: TiersFixture) throws {
    let run = try fixture.run()
    let lines = try #require(run.kernelLogLines, "kernel-log refused for \(fixture.name): \(run.notes)")
    #expect(lines == TiersReport.lastDemotionSet(dmesg: try fixture.dmesgLines))
  }

  @Test(arguments: TiersFixture.all)
  func tiersEqualTheGuestsMemoryTiering(_ fixture: TiersFixture) throws {
    let run = try fixture.run()
    let kernel = try #require(run.kernelTiers, "\(fixture.name) has no memory_tiering directory")
    let json = Dictionary(uniqueKeysWithValues: run.document.tiers.map { ($0.id, $0.nodes.map { NodeID($0) }) })
    #expect(json == kernel)
    #expect(run.differences.isEmpty)
  }

  @Test func everyCaptureIsChecked() {
    #expect(TiersFixture.all.count == TiersFixture.expectedCount)
  }
}
