import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The watermarks a simulation from a snapshot enforces are the ones the kernel holds: its
/// zoneinfo's `min`/`low`/`high` (less `boost`) and `protection:`, computed at boot from the
/// managed pages of that moment, not recomputed from today's (Docs/verification.md, "Watermarks
/// in force": the spills of the captures stop at the stated low).
@Suite struct WatermarksInForceTests {
  /// Every zone of every allocation capture's `before/` snapshot starts with the numbers the
  /// guest's own `/proc/zoneinfo` printed.
  @Test(arguments: AllocationFixture.all)
  func theSimulatorStartsWithTheSnapshotsWatermarks(_ fixture: AllocationFixture) throws {
    let sysroot = fixture.path + "/before"
    let input = try ModelInput.load(sysroot: sysroot, topologyFile: nil, kernel: nil)
    let (simulator, notes) = try SimulationSetup.simulator(input: input, sysroot: sysroot, everythingFree: false)
    let stated = try Zoneinfo(parsing: String(contentsOfFile: sysroot + "/proc/zoneinfo", encoding: .utf8))
    #expect(!notes.contains { $0.contains("recomputed") }, "\(fixture.name): \(notes)")
    var checked = 0
    for entry in stated.entries where entry.size.managed.rawValue > 0 {
      let zone = try #require(simulator.zones.first { $0.reference == ZoneReference(node: entry.node, type: entry.type) })
      let boost = entry.boost?.rawValue ?? 0
      #expect(zone.min == (entry.min?.rawValue ?? -1) - boost, "\(fixture.name) \(zone.reference) min")
      #expect(zone.low == (entry.low?.rawValue ?? -1) - boost, "\(fixture.name) \(zone.reference) low")
      #expect(zone.high == (entry.high?.rawValue ?? -1) - boost, "\(fixture.name) \(zone.reference) high")
      #expect(zone.protection == entry.protection, "\(fixture.name) \(zone.reference) protection")
      checked += 1
    }
    #expect(checked >= 2)
  }

  /// A what-if sysctl makes the kernel recompute them (any `vm` write does), so `--set` with the
  /// snapshot's own `min_free_kbytes` recomputes from today's managed pages: the figures the
  /// captures' sysctl phases show after a write (`ZoneinfoPhaseTests`). Here node 1 holds the
  /// 96 MiB initrd, freed after the boot computed them, so today's figures are higher.
  @Test func aSysctlWriteRecomputesThem() throws {
    let fixture = try #require(AllocationFixture.all.first { $0.name == "h2-initrd-spill-6.12" })
    let sysroot = fixture.path + "/before"
    let minFree = try String(contentsOfFile: sysroot + "/proc/sys/vm/min_free_kbytes", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    var input = try ModelInput.load(sysroot: sysroot, topologyFile: nil, kernel: nil)
    let (stated, _) = try SimulationSetup.simulator(input: input, sysroot: sysroot, everythingFree: false)
    input.edits.append(try MachineEdit(option: "set", value: "vm.min_free_kbytes=\(minFree)"))
    let (recomputed, _) = try SimulationSetup.simulator(input: input, sysroot: sysroot, everythingFree: false)
    let dma32 = ZoneReference(node: 1, type: .dma32)
    let before = try #require(stated.zones.first { $0.reference == dma32 })
    let after = try #require(recomputed.zones.first { $0.reference == dma32 })
    #expect(before.low == 9362)  // the guest's zoneinfo: `low 9362`
    #expect(after.low > before.low)
  }

  /// A stated `boost` is taken off the watermarks (the simulation starts without one), and the
  /// output says so: a copy of a capture's snapshot with node 0's DMA32 `boost` set to 40.
  @Test func aStatedBoostIsTakenOffAndSaid() throws {
    let fixture = try #require(AllocationFixture.all.first { $0.name == "h2-onegig-spill-6.1" })
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("boost-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.copyItem(atPath: fixture.path + "/before", toPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    let path = copy + "/proc/zoneinfo"
    var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
    let header = try #require(lines.firstIndex { $0.hasPrefix("Node 0, zone    DMA32") })
    let boost = try #require(lines[header...].firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("boost") })
    lines[boost] = "        boost    40"
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let input = try ModelInput.load(sysroot: copy, topologyFile: nil, kernel: nil)
    let (simulator, notes) = try SimulationSetup.simulator(input: input, sysroot: copy, everythingFree: false)
    let stated = try Zoneinfo(parsing: String(contentsOfFile: path, encoding: .utf8))
    let entry = try #require(stated.entries.first { $0.node == 0 && $0.type == .dma32 })
    let zone = try #require(simulator.zones.first { $0.reference == ZoneReference(node: 0, type: .dma32) })
    #expect(entry.boost?.rawValue == 40)
    #expect(zone.low == entry.low!.rawValue - 40)
    #expect(notes.contains { $0.contains("0:DMA32 boost 40") }, "\(notes)")
  }
}
