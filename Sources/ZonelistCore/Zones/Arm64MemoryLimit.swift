/// arm64's `mem=`: an amount of RAM, not an address. The boot keeps the first `mem=` bytes of
/// memory in address order and removes the rest (on QEMU's `virt`, RAM starts at 1 GiB, so
/// `mem=1536M` ends memory at 2.5 GiB); a node left without memory stays online, memoryless.
///
/// Kernel: `early_mem()` (`memparse() & PAGE_MASK`) and `arm64_memblock_init()` in
/// `arch/arm64/mm/init.c`; `memblock_mem_limit_remove_map()` and `__find_max_addr()` in
/// `mm/memblock.c` (6.1, 6.12, 7.2). `arm64_memblock_init()` then adds the kernel image and
/// the initrd back if they lay past the limit: not modelled, so a limit that small is refused.
enum Arm64MemoryLimit {
  /// Below this the image or the initrd (QEMU loads it up to 128 MiB above the start of RAM)
  /// may lie past the limit.
  static let smallestModelled = 256 << 20

  /// The ranges `mem=TEXT` leaves; all of them when the limit is 0 or exceeds the memory.
  static func apply(_ text: String, to ranges: [MemoryRange]) throws(ZoneLayoutError) -> [MemoryRange] {
    let limit = try X86LowMemory.bytes(text, option: "mem") >> 12
    guard limit > 0 else { return ranges }
    guard limit << 12 >= smallestModelled else {
      throw .unsupported("mem=\(text) on arm64 below \(smallestModelled >> 20) MiB (the kernel image and initrd added back past the limit)")
    }
    var left = limit
    var kept: [MemoryRange] = []
    for range in ranges.sorted(by: { $0.pages.lowerBound < $1.pages.lowerBound }) where left > 0 {
      let count = Swift.min(left, range.pages.count)
      kept.append(MemoryRange(node: range.node, pages: range.pages.lowerBound..<(range.pages.lowerBound + count)))
      left -= count
    }
    return kept
  }
}
