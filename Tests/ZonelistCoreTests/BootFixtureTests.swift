import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The model against the lines real kernels printed at boot under QEMU.
@Suite struct BootFixtureTests {
  /// The model built from the guest's own sysfs and zoneinfo, read as `zonelist build
  /// --sysroot FIXTURE` reads it (`zonelist-dma-reserve` included, as `capture` writes it).
  static func modelLines(_ fixture: BootFixture) throws -> (log: [String], mminit: [String]) {
    let input = try ModelInput.load(sysroot: fixture.path, topologyFile: nil, kernel: nil)
    let run = try ZonelistRun(input: input, context: .boot)
    let log = try #require(run.kernelLogLines, "\(fixture.name): no Total pages: \(run.notes)")
    return (log, run.mminitLines)
  }

  @Test func everyBootIsThere() throws {
    BootFixture.expectCount("boot")
    var perSeries: [String: Int] = [:]
    for fixture in BootFixture.all {
      let version = try #require(try fixture.snapshot().kernelVersion)
      perSeries[version.series, default: 0] += 1
    }
    #expect(perSeries == Dictionary(uniqueKeysWithValues: KernelProfile.provenSeries.map { ($0, 50) }))
  }

  /// Both pipelines: the full build's, and the node orders alone (`build --format kernel-log`).
  @Test(arguments: BootFixture.all)
  func kernelLogFromSnapshotMatchesTheKernel(_ fixture: BootFixture) throws {
    let kernel = BootCapture.zonelistLines(dmesg: try fixture.dmesg)
    #expect(!kernel.isEmpty, "no zonelist lines in \(fixture.name)/dmesg")
    #expect(try Self.modelLines(fixture).log == kernel)
    let input = try ModelInput.load(sysroot: fixture.path, topologyFile: nil, kernel: nil)
    #expect(try NodeOrderRun(input: input, context: .boot).kernelLogLines == kernel)
  }

  @Test(arguments: BootFixture.all)
  func mminitFromSnapshotMatchesTheKernel(_ fixture: BootFixture) throws {
    let kernel = BootCapture.mminitLines(dmesg: try fixture.dmesg)
    #expect(!kernel.isEmpty, "no mminit::zonelist lines in \(fixture.name)/dmesg")
    #expect(try Self.modelLines(fixture).mminit == kernel)
  }

  /// The boots whose topology file the model lays out alone: all but the `numa=fake=` ones
  /// (not modeled from a topology file, see Docs/verification.md), 3 topologies × 4 kernels.
  static func laidOutFromTheTopologyFile() throws -> [BootFixture] {
    let fixtures = try BootFixture.all.filter { fixture in
      BootOptions(commandLine: try TopologyFile.load(path: fixture.topologyFile).bootOptions).numaFake == nil
    }
    guard fixtures.count == BootFixture.all.count - 12 else {
      throw FixtureError("\(BootFixture.all.count - fixtures.count) boots use numa=fake=, expected 12")
    }
    return fixtures
  }

  /// The model built from the topology file alone, laid out as QEMU lays memory out.
  @Test(arguments: try laidOutFromTheTopologyFile())
  func kernelLogFromTopologyFileMatchesTheKernel(_ fixture: BootFixture) throws {
    let spec = try TopologyFile.load(path: fixture.topologyFile)
    let version = try #require(try fixture.snapshot().kernelVersion)
    let arguments = try QEMUArguments(spec)
    let topology = try spec.topology(kernel: version).renamingNodes(arguments.linuxNodeIDs)
    var builder = ZonelistBuilder(topology: topology, profile: KernelProfile(version: version), context: .boot)
    let build = builder.build()
    let total = try #require(TotalPages.boot(build, topology: topology))
    #expect(KernelLog.lines(build, totalPages: total) == BootCapture.zonelistLines(dmesg: try fixture.dmesg))
    #expect(KernelLog.mminitLines(build, topology: topology) == BootCapture.mminitLines(dmesg: try fixture.dmesg))
  }

  /// `zonelist-dma-reserve` is in every boot whose kernel needs it (before 6.10) and only there,
  /// holding what `capture` writes for that machine and kernel.
  @Test(arguments: BootFixture.all)
  func dmaReserveFileIsWhereTheKernelNeedsIt(_ fixture: BootFixture) throws {
    var capture = BootCapture(files: [SystemSnapshot.Path.version: try String(contentsOfFile: fixture.path + "/proc/version", encoding: .utf8)], dmesg: "")
    capture.recordDMAReserve(of: try TopologyFile.load(path: fixture.topologyFile))
    let file = fixture.path + "/" + ModelInput.dmaReserveFile
    let stored = (try? String(contentsOfFile: file, encoding: .utf8)).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    #expect(stored == capture.dmaReserve.map { String($0.rawValue) }, "\(fixture.name)")
  }
}

struct FixtureError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
