import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The model against the lines real kernels printed at boot under QEMU.
@Suite struct BootFixtureTests {
  /// The model built from the guest's own sysfs and zoneinfo.
  static func modelLines(_ fixture: BootFixture) throws -> (log: [String], mminit: [String]) {
    let snapshot = try fixture.snapshot()
    let version = try #require(snapshot.kernelVersion, "\(fixture.name) has no proc/version")
    var topology = snapshot.topology
    topology.dmaReserve = QEMUPCLayout.dmaReserve(kernel: version)
    var builder = ZonelistBuilder(topology: topology, profile: KernelProfile(version: version), context: .boot)
    let build = builder.build()
    let total = try #require(TotalPages.boot(build, topology: topology))
    return (KernelLog.lines(build, totalPages: total), KernelLog.mminitLines(build, topology: topology))
  }

  @Test(arguments: BootFixture.all)
  func kernelLogFromSnapshotMatchesTheKernel(_ fixture: BootFixture) throws {
    let kernel = BootCapture.zonelistLines(dmesg: fixture.dmesg)
    #expect(!kernel.isEmpty, "no zonelist lines in \(fixture.name)/dmesg")
    #expect(try Self.modelLines(fixture).log == kernel)
  }

  @Test(arguments: BootFixture.all)
  func mminitFromSnapshotMatchesTheKernel(_ fixture: BootFixture) throws {
    let kernel = BootCapture.mminitLines(dmesg: fixture.dmesg)
    #expect(!kernel.isEmpty, "no mminit::zonelist lines in \(fixture.name)/dmesg")
    #expect(try Self.modelLines(fixture).mminit == kernel)
  }

  /// The model built from the topology file alone, laid out as QEMU lays memory out.
  @Test(arguments: BootFixture.all.filter { fixture in
    guard let file = fixture.topologyFile, let spec = try? TopologyFile.load(path: file) else { return false }
    let options = BootOptions(commandLine: spec.bootOptions)
    return options.numaFake == nil
  })
  func kernelLogFromTopologyFileMatchesTheKernel(_ fixture: BootFixture) throws {
    let spec = try TopologyFile.load(path: try #require(fixture.topologyFile))
    let version = try #require(try fixture.snapshot().kernelVersion)
    let arguments = try QEMUArguments(spec)
    let topology = try spec.topology(kernel: version).renamingNodes(arguments.linuxNodeIDs)
    var builder = ZonelistBuilder(topology: topology, profile: KernelProfile(version: version), context: .boot)
    let build = builder.build()
    let total = try #require(TotalPages.boot(build, topology: topology))
    #expect(KernelLog.lines(build, totalPages: total) == BootCapture.zonelistLines(dmesg: fixture.dmesg))
    #expect(KernelLog.mminitLines(build, topology: topology) == BootCapture.mminitLines(dmesg: fixture.dmesg))
  }

  @Test func fixturesCoverEveryProvenKernel() throws {
    var perSeries: [String: Int] = [:]
    for fixture in BootFixture.all {
      let version = try #require(try fixture.snapshot().kernelVersion)
      perSeries[version.series, default: 0] += 1
    }
    for series in KernelProfile.provenSeries {
      #expect(perSeries[series, default: 0] >= 40, "\(series) boots: \(perSeries)")
    }
  }
}
