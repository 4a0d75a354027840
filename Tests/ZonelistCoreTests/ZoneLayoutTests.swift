import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// Zone spans and present pages from the ranges a boot log prints, against the same
/// boot's `/proc/zoneinfo`.
@Suite struct ZoneLayoutTests {
  @Test(arguments: BootFixture.all)
  func spannedAndPresentMatchTheKernel(_ fixture: BootFixture) throws {
    let snapshot = try fixture.snapshot()
    let profile = KernelProfile(version: try #require(snapshot.kernelVersion))
    let ranges = try ZoneLayout.earlyMemoryNodeRanges(dmesg: fixture.dmesg, file: fixture.name + "/dmesg")
    let layout = ZoneLayout(ranges: ranges, zoneTypes: profile.zoneTypes)
    let zones = try layout.zones(options: snapshot.bootOptions ?? BootOptions())
    let zoneinfo = try #require(snapshot.zoneinfo)
    for entry in zoneinfo.entries {
      let modeled = zones[entry.node]?[entry.type] ?? .empty
      #expect(
        modeled.spanned == entry.size.spanned && modeled.present == entry.size.present,
        "\(fixture.name) node \(entry.node) \(entry.type.kernelName): model \(modeled.spanned)/\(modeled.present), kernel \(entry.size.spanned)/\(entry.size.present)")
    }
  }

  @Test func movablecoreIsRoundedToMaxOrderPages() throws {
    // Hand-worked from find_zone_movable_pfns_for_nodes(): one node [0x100000, 0x200000) (4 GiB
    // to 8 GiB), movablecore=1000 pages rounds up to 1024; the rest is kernelcore.
    let layout = ZoneLayout(ranges: [MemoryRange(node: 0, pages: 0x100000..<0x200000)], zoneTypes: [.dma, .dma32, .normal, .movable, .device])
    var options = BootOptions()
    options.movableCore = "4000K"
    let starts = try layout.movableStarts(options: options)
    #expect(starts == [0: 0x200000 - 1024])
  }
}
