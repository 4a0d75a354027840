import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `tiers --format kernel-log` prints the kernel's lines only when they rest on nothing
/// assumed: a snapshot without `dmesg` does not say which zonelist build's `node_load[]`
/// scored the targets, and where the other build would choose other targets the lines are
/// refused (one rule with `build --format kernel-log`: ``Exactness``).
@Suite struct TiersExactnessTests {
  /// The fixture copied without its `dmesg`, as a user's snapshot often is (`dmesg_restrict`).
  static func withoutDmesg(_ fixture: TiersFixture) throws -> String {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("tiers-nodmesg-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: fixture.path, toPath: copy)
    try FileManager.default.removeItem(atPath: copy + "/" + BootCapture.dmesgFile)
    return copy
  }

  static let printing = TiersFixture.all.filter { !$0.name.hasSuffix("-6.1") }

  @Test(arguments: printing)
  func withoutDmesgTheLinesAreTheKernelsOrRefused(_ fixture: TiersFixture) throws {
    let sysroot = try Self.withoutDmesg(fixture)
    defer { try? FileManager.default.removeItem(atPath: sysroot) }
    let run = try TiersRun(input: ModelInput.load(sysroot: sysroot, topologyFile: nil, kernel: nil), sysroot: sysroot)
    let kernel = try fixture.demotionSets().last ?? []
    if let lines = run.kernelLogLines {
      // Printed: then exactly the kernel's, whichever build preceded.
      #expect(lines == kernel)
    } else {
      #expect(run.blocking.contains { if case .precedingBuildAssumed = $0 { true } else { false } })
      #expect(run.document.assumptions.contains { $0.affects == ["precedingBuild"] })
    }
  }

  /// `hotadd-tie` was captured because only the hot-add rebuild's `node_load[]` gives the
  /// kernel's target: without the dmesg that says so, the lines must be refused.
  @Test(arguments: TiersFixture.all.filter { $0.name.hasPrefix("hotadd-tie-") })
  func aTieDecidedByTheRebuildIsRefusedWithoutDmesg(_ fixture: TiersFixture) throws {
    let sysroot = try Self.withoutDmesg(fixture)
    defer { try? FileManager.default.removeItem(atPath: sysroot) }
    let run = try TiersRun(input: ModelInput.load(sysroot: sysroot, topologyFile: nil, kernel: nil), sysroot: sysroot)
    #expect(run.kernelLogLines == nil)
    #expect(run.blocking == [.precedingBuildAssumed(assumed: "boot")])
    // --context rebuild states the build: then the lines are the kernel's.
    let stated = try TiersRun(
      input: ModelInput.load(sysroot: sysroot, topologyFile: nil, kernel: nil), sysroot: sysroot,
      precedingBuild: .rebuild(onlining: nil))
    #expect(stated.kernelLogLines == (try fixture.demotionSets().last))
  }

  @Test func theHotaddTieFixturesExist() {
    #expect(TiersFixture.all.filter { $0.name.hasPrefix("hotadd-tie-") }.count == 2)
  }
}
