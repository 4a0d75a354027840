/// Where lowmem ends on Debian's 686-pae kernel, and how much memory the boot keeps.
///
/// Kernel (6.1): `find_low_pfn_range()`, `lowmem_pfn_init()` and `highmem_pfn_init()` in
/// `arch/x86/mm/init_32.c`; `MAXMEM` (`VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE`) in
/// `arch/x86/include/asm/pgtable_32_areas.h`; `parse_vmalloc()` (`__VMALLOC_RESERVE` =
/// the size + `VMALLOC_OFFSET`, 8 MiB; 128 MiB by default) in `arch/x86/mm/pgtable_32.c`;
/// `mem=` (RAM above the address removed from the e820 map) in `arch/x86/kernel/e820.c`.
public struct X86LowMemory: Hashable, Sendable {
  /// Kernel: `max_low_pfn`, the end of ZONE_NORMAL.
  public var maxLowPFN: Int
  /// Kernel: `max_pfn` after `highmem=` trimmed it: memory above is not used.
  public var maxPFN: Int

  /// Kernel: `PAGE_OFFSET` (`CONFIG_PAGE_OFFSET=0xC0000000`, the 3G/1G split).
  public static let pageOffset = 0xC000_0000
  /// Kernel: `VMALLOC_END` of Debian's 686-pae build (`PKMAP_BASE - 2 * PAGE_SIZE`, which
  /// depends on the fixmap and `NR_CPUS=32`): measured, every i386 capture's `max_low_pfn`
  /// is `(0xFEFFE000 - PAGE_OFFSET - __VMALLOC_RESERVE) >> 12` (0x36FFE, 879 MiB, by default).
  public static let vmallocEnd = 0xFEFF_E000
  /// Kernel: `VMALLOC_OFFSET`.
  public static let vmallocOffset = 8 << 20
  /// Kernel: `__VMALLOC_RESERVE` without `vmalloc=`.
  public static let defaultVmallocReserve = 128 << 20

  public init(ranges: [MemoryRange], options: BootOptions) throws(ZoneLayoutError) {
    var maxPFN = ranges.map(\.pages.upperBound).max() ?? 0
    if let text = options.mem {
      maxPFN = Swift.min(maxPFN, try X86LowMemory.bytes(text, option: "mem") >> 12)
    }
    var reserve = X86LowMemory.defaultVmallocReserve
    if let text = options.vmalloc { reserve = try X86LowMemory.bytes(text, option: "vmalloc") + X86LowMemory.vmallocOffset }
    let maxmem = X86LowMemory.vmallocEnd - X86LowMemory.pageOffset - Swift.min(reserve, 1 << 32)
    guard maxmem > 64 << 20 else {
      throw .unsupported("vmalloc=\(options.vmalloc ?? ""): leaves \(Swift.max(maxmem, 0) >> 20) MiB of lowmem")
    }
    let maxmemPFN = maxmem >> 12
    // Kernel: highmem_pages is an unsigned int of pages, -1 when highmem= is not given.
    var requested: Int? = nil
    if let text = options.highmem { requested = (try X86LowMemory.bytes(text, option: "highmem") >> 12) & 0xFFFF_FFFF }
    var maxLow: Int
    if maxPFN <= maxmemPFN {
      // lowmem_pfn_init(): all of RAM fits; highmem= carves HighMem out of its top.
      maxLow = maxPFN
      var highmem = requested ?? 0
      if highmem >= maxPFN { highmem = 0 }
      if highmem > 0 && maxLow - highmem < (64 << 20) >> 12 { highmem = 0 }
      maxLow -= highmem
    } else {
      // highmem_pfn_init(): lowmem ends at MAXMEM; highmem= may cut max_pfn.
      maxLow = maxmemPFN
      let highmem = requested ?? (maxPFN - maxmemPFN)
      if highmem + maxmemPFN < maxPFN { maxPFN = maxmemPFN + highmem }
    }
    maxLowPFN = maxLow
    self.maxPFN = maxPFN
  }

  /// Kernel: `memparse()`: a number with an optional K, M, G, T, P or E suffix.
  static func bytes(_ text: String, option: String) throws(ZoneLayoutError) -> Int {
    let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60]
    var number = Substring(text)
    var shift = 0
    if let last = text.last?.uppercased().first, let unit = units[last] {
      shift = unit
      number = number.dropLast()
    }
    guard let value = Int(number), value >= 0, shift == 0 || value <= Int.max >> shift else {
      throw .badOption("\(option)=\(text): expected a size like 512M or 2G")
    }
    return value << shift
  }
}
