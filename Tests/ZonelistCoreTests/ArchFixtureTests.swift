import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// Boots of Debian's 686-pae (HighMem, no NUMA) and arm64 kernels (`Fixtures/arch/`, written by
/// `Scripts/zoneinfo-capture/capture.py --arch i386|arm64`): the model, read from the guest's
/// own snapshot with the architecture its release names, against the kernel's boot lines, its
/// `mminit::zonelist` lines and its `/proc/zoneinfo` after every sysctl phase, exactly.
@Suite struct ArchFixtureTests {
  static let all = BootFixture.folders("arch").map { ZoneinfoFixture(name: $0.name, path: $0.path) }

  static func input(_ fixture: ZoneinfoFixture) throws -> ModelInput {
    try ModelInput.load(sysroot: fixture.path, topologyFile: nil, kernel: nil)
  }

  @Test func everyArchitectureAndKernelIsCaptured() throws {
    BootFixture.expectCount("arch")
    var counts: [String: Int] = [:]
    for fixture in Self.all {
      let profile = try Self.input(fixture).profile
      counts["\(profile.architecture.debianName) \(profile.version.series)", default: 0] += 1
    }
    #expect(counts == ArchFixtureTests.expected)
  }

  /// Captures per architecture and series.
  static let expected = ["i386 6.1": 32, "arm64 6.1": 25, "arm64 6.12": 25, "arm64 7.2": 25]

  @Test(arguments: all)
  func kernelLogAndMminitMatchTheKernel(_ fixture: ZoneinfoFixture) throws {
    let input = try Self.input(fixture)
    #expect(input.notes.isEmpty, "\(fixture.name): \(input.notes)")
    let run = try ZonelistRun(input: input, context: .boot)
    let dmesg = try fixture.text("dmesg")
    let log = try #require(run.kernelLogLines, "\(fixture.name): no Total pages: \(run.notes)")
    #expect(log == BootCapture.zonelistLines(dmesg: dmesg), "\(fixture.name)")
    #expect(run.mminitLines == BootCapture.mminitLines(dmesg: dmesg), "\(fixture.name)")
    #expect(!run.mminitLines.isEmpty)
  }

  /// Every phase's computed lines of `/proc/zoneinfo`, from the boot snapshot's zone sizes and
  /// the sysctls as written so far (a refused write changes nothing), line for line.
  @Test(arguments: all)
  func zoneinfoMatchesTheKernelAfterEverySysctlPhase(_ fixture: ZoneinfoFixture) throws {
    let input = try Self.input(fixture)
    let profile = input.profile
    let topology = input.topology
    var (tunables, _) = try Sysroot.tunables(fixture.path, zoneTypes: profile.zoneTypes)
    let calculator = TuningCalculator(topology: topology, profile: profile, onlineCPUCount: topology.cpus.count)
    let layout = ZoneinfoLayout(version: profile.version)
    #expect(fixture.phases.count == 14, "\(fixture.name) has \(fixture.phases.count) phases")
    for phase in fixture.phases {
      for line in try fixture.text("phases/\(phase)/status").split(separator: "\n") {
        let accepted = line.hasSuffix(" ok")
        let assignment = String(line.dropLast(accepted ? 3 : 6))
        var attempt = tunables
        let modelAccepts = (try? attempt.set(assignment, zoneTypes: profile.zoneTypes)) != nil
        #expect(modelAccepts == accepted, "\(fixture.name) \(phase): the kernel \(accepted ? "accepted" : "refused") \(assignment)")
        if accepted { tunables = attempt }
      }
      let report = calculator.compute(tunables)
      let model = ZoneinfoFormat.text(report, topology: topology, profile: profile, onlineCPUs: topology.cpus)
      let kernel = try fixture.text("phases/\(phase)/zoneinfo").split(separator: "\n")
        .filter { ZoneinfoFormat.isComputedLine($0, layout: layout) }
      let ours = model.split(separator: "\n")
      #expect(kernel.count > 10, "\(fixture.name) \(phase): \(kernel.count) computed lines in the kernel's zoneinfo")
      #expect(ours.count == kernel.count, "\(fixture.name) \(phase): \(ours.count) lines, the kernel's \(kernel.count)")
      if let index = Self.firstDifference(ours, kernel, report: report, onlineCPUCount: topology.cpus.count) {
        Issue.record("\(fixture.name) \(phase) line \(index + 1): '\(ours[index])', the kernel printed '\(kernel[index])'")
      }
    }
  }

  /// The first line where the kernel's zoneinfo differs from ours, but for a `vm stats
  /// threshold` that is exactly the zone's pressure threshold (its node's kswapd was awake
  /// when the file was read: ``ZoneTuning/pressureStatThreshold(onlineCPUCount:)``).
  static func firstDifference(_ ours: [Substring], _ kernel: [Substring], report: TuningReport, onlineCPUCount: Int) -> Int? {
    var zone: ZoneReference?
    for (index, (mine, theirs)) in zip(ours, kernel).enumerated() {
      if mine.hasPrefix("Node ") {
        let words = mine.split(whereSeparator: { $0 == " " || $0 == "," })
        zone = report.zones.keys.first { "\($0.node)" == words[1] && $0.type.kernelName == words[3] }
      }
      guard mine != theirs else { continue }
      let prefix = "  vm stats threshold: "
      if mine.hasPrefix(prefix), theirs.hasPrefix(prefix), let zone, let pressure = report.zones[zone]?.pressureStatThreshold(onlineCPUCount: onlineCPUCount),
        theirs == "\(prefix)\(pressure)"
      {
        continue
      }
      return index
    }
    return nil
  }
}

/// The model from each capture's topology file alone, laid out as QEMU lays memory out and
/// as the architecture's kernel zones it (i386: `max_low_pfn`, `mem=`, `highmem=`,
/// `vmalloc=`, `movablecore=`/`kernelcore=`): the same zone spans and present pages as the
/// kernel's zoneinfo, and the same boot lines.
@Suite struct ArchTopologyFileTests {
  @Test(arguments: ArchFixtureTests.all)
  func zonesAndBootLinesFromTheTopologyFileMatchTheKernel(_ fixture: ZoneinfoFixture) throws {
    let snapshot = try Sysroot.read(fixture.path)
    let input = try ModelInput.load(sysroot: nil, topologyFile: fixture.path + "/topology.yaml", kernel: snapshot.kernelRelease)
    for node in snapshot.topology.possibleNodes {
      for type in input.profile.zoneTypes {
        let real = node[type]
        let ours = input.topology[node.id][type]
        #expect(
          ours.spanned == real.spanned && ours.present == real.present,
          "\(fixture.name) node \(node.id) \(type.kernelName): spanned \(ours.spanned) present \(ours.present), the kernel's \(real.spanned) \(real.present)")
      }
    }
    let run = try ZonelistRun(input: input, context: .boot)
    let dmesg = try fixture.text("dmesg")
    #expect(run.kernelLogLines == BootCapture.zonelistLines(dmesg: dmesg), "\(fixture.name)")
    #expect(run.mminitLines == BootCapture.mminitLines(dmesg: dmesg), "\(fixture.name)")
  }
}
