import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// A boot of a real kernel under QEMU, stored by `zonelist capture`.
struct BootFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// Every stored boot, by folder name.
  static let all = folders("boot").map { BootFixture(name: $0.name, path: $0.path) }

  /// How many folders each kind of fixture holds (`Fixtures/<kind>/`). A parameterized test over
  /// a folder that lost fixtures, or was not found, would pass with fewer or no cases: every
  /// suite checks its count against this table (``expectCount(_:)``), and
  /// `FixtureCountTests` checks that every kind is in it.
  static let expectedCounts: [String: Int] = [
    "alloc": AllocationTolerance.fixtureCount, "boot": 200, "rebuild": 22, "zoneinfo": 16, "real-machines": 2, "snapshot": 2, "arch": 107,
    "tiers": TiersFixture.expectedCount,
  ]

  /// The folders of `Fixtures/<kind>/`, sorted by name; empty when the folder cannot be read,
  /// which ``expectCount(_:)`` reports.
  static func folders(_ kind: String) -> [(name: String, path: String)] {
    let base = directory + "/" + kind
    let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map { ($0, base + "/" + $0) }
  }

  /// Checks that `Fixtures/<kind>/` holds the number of fixtures ``expectedCounts`` states.
  static func expectCount(_ kind: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let expected = expectedCounts[kind]
    #expect(expected != nil, "Fixtures/\(kind) has no expected count in BootFixture.expectedCounts", sourceLocation: sourceLocation)
    #expect(
      folders(kind).count == expected, "Fixtures/\(kind) holds \(folders(kind).count) fixtures, expected \(expected ?? -1)",
      sourceLocation: sourceLocation)
  }

  func snapshot() throws -> SystemSnapshot { try Sysroot.read(path) }

  var dmesg: String {
    get throws { try String(contentsOfFile: path + "/" + BootCapture.dmesgFile, encoding: .utf8) }
  }

  var topologyFile: String { path + "/topology.yaml" }
}

/// Every kind of fixture has an expected count, so no suite can shrink unnoticed.
@Suite struct FixtureCountTests {
  @Test func everyFixtureKindHasAnExpectedCount() throws {
    let kinds = try FileManager.default.contentsOfDirectory(atPath: BootFixture.directory).filter { !$0.hasPrefix(".") }
    #expect(Set(kinds) == Set(BootFixture.expectedCounts.keys), "Fixtures/ kinds \(kinds.sorted()) vs BootFixture.expectedCounts")
    for kind in kinds { BootFixture.expectCount(kind) }
  }
}
