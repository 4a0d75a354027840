import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The writers and readers carry the memory-tier facts (HMAT latency and bandwidth, initiators,
/// dax/kmem) judged by real kernels: each held-out tiers capture's machine, exported as QEMU
/// options (`-numa hmat-lb`), a libvirt domain (`<interconnects>`), hwloc XML (`memattr`) and a
/// topology file (from the boot's own QEMU arguments), read back with `--input` (format detected), gives the `Demotion targets` lines
/// that kernel printed last and the guest's `memory_tiering` tiers.
@Suite struct MachineExportTiersTests {
  static let heldOut = TiersFixture.all.filter { FileManager.default.fileExists(atPath: $0.path + "/topology.yaml") }

  @Test func everyHeldOutCaptureIsRead() { #expect(Self.heldOut.count == 24) }

  @Test(arguments: heldOut)
  func everyExportKeepsTheKernelsTiers(_ fixture: TiersFixture) throws {
    let version = try #require(try Sysroot.read(fixture.path).kernelVersion)
    let kernel = "\(version.major).\(version.minor)"
    // The boot's own QEMU arguments: the machine in Linux's node ids, as the kernel printed them.
    let original = try ModelInput.load(input: fixture.path + "/qemu-args", format: .qemu, kernel: kernel)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-tiers-export-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let expectedLines = try fixture.demotionSets().last ?? []
    let expectedTiers = try fixture.tiers()
    for format in [ExportFormat.topology, .qemu, .libvirt, .hwloc] {
      let (text, notes) = try original.export(format)
      if format == .libvirt, original.spec?.nodes.contains(where: { $0.tiering?.isDaxKmem == true }) == true {
        // libvirt cannot say dax/kmem: the export says so instead of dropping it silently.
        #expect(notes.contains { $0.contains("a libvirt domain has no element for memory soft-reserved at boot") }, "\(fixture)")
        continue
      }
      let path = folder + "/machine.\(format.rawValue)"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      let back = try ModelInput.load(input: path, format: nil, kernel: kernel)
      let tiering = try TiersRun(input: back, sysroot: nil).tiering
      #expect(TiersReport.kernelLogLines(tiering) == expectedLines, "\(fixture) through \(format)")
      #expect(Dictionary(uniqueKeysWithValues: tiering.tiers.map { ($0.id, $0.nodes.map(\.rawValue)) }) == expectedTiers, "\(fixture) through \(format)")
    }
  }
}
