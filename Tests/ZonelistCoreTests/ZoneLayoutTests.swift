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

/// Architectures without a bootable Debian kernel here: hand-worked from `zone_sizes_init()`.
@Suite struct OtherArchitectureLayoutTests {
  // x86-32 (arch/x86/mm/init.c): DMA below 16 MiB, Normal up to max_low_pfn (896 MiB), HighMem above.
  @Test func x86_32HasHighMemAbove896MiB() throws {
    let layout = ZoneLayout(
      ranges: [MemoryRange(node: 0, pages: 1..<(2 << 18))], architecture: .x86_32, zoneTypes: [.dma, .normal, .highmem, .movable])
    let zones = try #require(try layout.zones()[0])
    #expect(zones[.dma] == ZoneSize(spanned: 4095, present: 4095, managed: 4095))
    #expect(zones[.normal]?.spanned == Pages((896 << 8) - 4096))
    #expect(zones[.highmem]?.spanned == Pages((2 << 18) - (896 << 8)))
  }

  // arm64 (arch/arm64/mm/init.c): with the default 32-bit zone_dma_limit, ZONE_DMA covers
  // everything below 4 GiB and ZONE_DMA32 is empty.
  @Test func arm64PutsLowMemoryInDMA() throws {
    let layout = ZoneLayout(
      ranges: [MemoryRange(node: 0, pages: 0x80000..<0x180000)], architecture: .arm64,
      zoneTypes: [.dma, .dma32, .normal, .movable, .device])
    let zones = try #require(try layout.zones()[0])
    #expect(zones[.dma]?.spanned == 0x80000)
    #expect(zones[.dma32] == nil)
    #expect(zones[.normal]?.spanned == 0x80000)  // 4 GiB to 6 GiB
  }
}
