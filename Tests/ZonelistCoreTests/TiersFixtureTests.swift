import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

extension TiersFixture {
  /// The captures this suite must see: a fixture that disappears fails the count.
  static let expectedCount = 110

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

  /// Captures of a held-out topology file (`topology.yaml` beside the capture): the model
  /// from the file alone, as `zonelist verify` runs it (HMAT figures read in the file's ids,
  /// QEMU's proximity domains, then renamed as Linux numbers the nodes), must print the
  /// kernel's last set and put the nodes in the guest's tiers.
  @Test(arguments: TiersFixture.all.filter { FileManager.default.fileExists(atPath: $0.path + "/topology.yaml") })
  func topologyFileGivesTheKernelsTiers(_ fixture: TiersFixture) throws {
    let spec = try TopologyFile.load(path: fixture.path + "/topology.yaml")
    let version = try #require(try Sysroot.read(fixture.path).kernelVersion)
    let arguments = try QEMUArguments(spec)
    let topology = try spec.topology(kernel: version).renamingNodes(arguments.linuxNodeIDs)
    let input = try spec.guestTierInput(kernel: version, linuxNodeIDs: arguments.linuxNodeIDs)
    let tiering = try MemoryTiering(topology: topology, input: input, profile: KernelProfile(version: version))
    #expect(TiersReport.kernelLogLines(tiering) == (try fixture.demotionSets().last ?? []))
    #expect(Dictionary(uniqueKeysWithValues: tiering.tiers.map { ($0.id, $0.nodes.map(\.rawValue)) }) == (try fixture.tiers()))
  }

  @Test func heldOutTopologiesAreCaptured() {
    #expect(TiersFixture.all.filter { FileManager.default.fileExists(atPath: $0.path + "/topology.yaml") }.count == 24)
  }

  @Test func everyCaptureIsChecked() {
    #expect(TiersFixture.all.count == TiersFixture.expectedCount)
  }
}
