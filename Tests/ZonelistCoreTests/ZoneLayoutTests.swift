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

/// Other architectures' zone boundaries (`zone_sizes_init()`); the captures of
/// `Fixtures/arch` prove them on whole machines (`ArchTopologyFileTests`).
@Suite struct OtherArchitectureLayoutTests {
  // x86-32 (arch/x86/mm/init.c): DMA below 16 MiB, Normal up to max_low_pfn, HighMem above.
  // Debian's 686-pae kernel puts max_low_pfn at 0x36FFE (879 MiB, not the textbook 896 MiB:
  // its vmalloc area and fixmap are larger), as its capture i386-09-2g-two-cpus-6.1 shows.
  @Test func x86_32HasHighMemAboveTheLowmemLimit() throws {
    let layout = ZoneLayout(
      ranges: [MemoryRange(node: 0, pages: 1..<(2 << 18))], architecture: .x86_32, zoneTypes: [.dma, .normal, .highmem, .movable])
    let zones = try #require(try layout.zones()[0])
    #expect(zones[.dma] == ZoneSize(spanned: 4095, present: 4095, managed: 4095))
    #expect(zones[.normal]?.spanned == Pages(0x36FFE - 4096))
    #expect(zones[.highmem]?.spanned == Pages((2 << 18) - 0x36FFE))
  }

  // highmem=, vmalloc= and mem= (arch/x86/mm/init_32.c, pgtable_32.c, kernel/e820.c), with the
  // values of the captures i386-16-highmem-512m, -18-highmem-lowmem-too-small, -20-vmalloc-256m
  // and -13-mem-700m.
  @Test(arguments: [
    ("highmem=512M", 1..<0x7FFE0, 0x36FFE, 0x36FFE + 131072),
    ("highmem=460M", 1..<0x1FFE0, 0x1FFE0, 0x1FFE0),
    ("vmalloc=256M", 1..<0x5FFE0, 190462, 0x5FFE0),
    ("mem=700M", 1..<0x5FFE0, 179200, 179200),
  ])
  func x86_32BootOptionsMoveTheLimits(option: String, pages: Range<Int>, maxLow: Int, maxPFN: Int) throws {
    let low = try X86LowMemory(ranges: [MemoryRange(node: 0, pages: pages)], options: BootOptions(commandLine: option))
    #expect(low.maxLowPFN == maxLow && low.maxPFN == maxPFN, "\(option): \(low)")
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

  // arm64's mem= is an amount of RAM in address order (captures arm64-23-mem-limit,
  // arm64-24-mem-limit-drops-node); below 256 MiB the image and initrd added back are not modelled.
  @Test func arm64MemIsAnAmount() throws {
    let ranges = [MemoryRange(node: 0, pages: 0x40000..<0x60000), MemoryRange(node: 1, pages: 0x60000..<0x80000)]
    let layout = ZoneLayout(ranges: ranges, architecture: .arm64, zoneTypes: [.dma, .dma32, .normal, .movable, .device])
    let zones = try layout.zones(options: BootOptions(commandLine: "mem=640M"))
    #expect(zones[0]?[.dma]?.present == 0x20000 && zones[1]?[.dma]?.present == 0x8000)
    #expect(throws: ZoneLayoutError.self) { try layout.zones(options: BootOptions(commandLine: "mem=128M")) }
  }
}
