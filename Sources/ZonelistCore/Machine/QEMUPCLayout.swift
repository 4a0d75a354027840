/// Where QEMU's `pc` machine (i440FX, SeaBIOS) puts each NUMA node's memory, and the
/// zones that gives an x86-64 kernel.
///
/// QEMU (7.2): RAM below 4 GiB is all of it when it is under 3.5 GiB, else 3 GiB
/// (`pc_init1()`, `gigabyte_align`), the rest starting at 4 GiB. Nodes take consecutive
/// slices in node-id order; the first node's slice starts with 0–640 KiB and resumes at
/// 1 MiB (`build_srat()`). SeaBIOS reserves the last 128 KiB below the low-RAM top and
/// the EBDA above 639 KiB; Linux drops page 0 (`e820__memblock_setup()` after
/// `e820__update_table(0, PAGE_SIZE)`).
///
/// Kernel: `zone_sizes_init()` in `arch/x86/mm/init.c` (DMA below 16 MiB, DMA32 below
/// 4 GiB, Normal above), `calculate_node_totalpages()`.
public struct QEMUPCLayout: Hashable, Sendable {
  /// Physical page ranges `[start, end)` of each node's memory, as Linux's memblock has them.
  public private(set) var ranges: [NodeID: [Range<Int>]]

  static let pageSize = 4096
  static let mebibyte = 1 << 20
  static let gibibyte = 1 << 30
  /// Kernel: `MAX_DMA_PFN`.
  static let maxDMAPFN = (16 * mebibyte) / pageSize
  /// Kernel: `MAX_DMA32_PFN`.
  static let maxDMA32PFN = (4 * gibibyte) / pageSize

  /// `dma_reserve` on QEMU's `pc` machine with SeaBIOS for a kernel release.
  ///
  /// Kernel: `memblock_find_dma_reserve()` counts the memblock pages below 16 MiB that are
  /// reserved when it runs in `setup_arch()`. From 5.13 `reserve_real_mode()` reserves all
  /// of the first MiB (`memblock_reserve(0, SZ_1M)`): the 158 RAM pages SeaBIOS leaves
  /// there (pfn 1–158). Before, only 0–64 KiB (15 RAM pages) and the 6-page real-mode
  /// trampoline: 21. Nothing is reserved from 1 to 16 MiB (the kernel loads at 16 MiB,
  /// QEMU puts the initrd at the top of low RAM). Measured on 16 boots of 6.1 and 5.10
  /// (1–8 CPUs, 768 MiB–6 GiB, 0–4 nodes): always 158 and 21.
  public static func dmaReserve(kernel: KernelVersion) -> Pages {
    kernel >= KernelVersion(5, 13) ? 158 : 21
  }

  /// Lays out `memoryBytes` per node (nodes with 0 get no range).
  public init(memoryBytes: [(NodeID, Int)]) {
    let total = memoryBytes.reduce(0) { $0 + $1.1 }
    let belowFourGiB = total >= 0xE000_0000 ? 0xC000_0000 : total
    var ranges: [NodeID: [Range<Int>]] = [:]
    var next = 0  // RAM offset, before the PCI hole is skipped
    var isFirst = true
    for (node, bytes) in memoryBytes.sorted(by: { $0.0 < $1.0 }) where bytes > 0 {
      var pieces: [Range<Int>] = []
      let start = next
      let end = next + bytes
      next = end
      // Guest-physical pieces of [start, end): below the 4 GiB hole, then above 4 GiB.
      var physical: [Range<Int>] = []
      if start < belowFourGiB { physical.append(start..<min(end, belowFourGiB)) }
      if end > belowFourGiB {
        let from = max(start, belowFourGiB)
        physical.append((from - belowFourGiB + 4 * QEMUPCLayout.gibibyte)..<(end - belowFourGiB + 4 * QEMUPCLayout.gibibyte))
      }
      for piece in physical {
        var lower = piece.lowerBound
        var upper = piece.upperBound
        if isFirst && lower == 0 {
          // 0–640 KiB less page 0 and the EBDA (SeaBIOS: usable to 0x9fbff), then from 1 MiB.
          pieces.append(1..<(0x9_FC00 / QEMUPCLayout.pageSize))
          lower = QEMUPCLayout.mebibyte
        }
        if upper == belowFourGiB { upper -= 128 * 1024 }  // SeaBIOS' reserved top of low RAM
        if upper > lower { pieces.append((lower / QEMUPCLayout.pageSize)..<(upper / QEMUPCLayout.pageSize)) }
      }
      isFirst = false
      ranges[node] = pieces
    }
    self.ranges = ranges
  }

  /// The zones of `node`: spanned from the first to the last page of the node inside each
  /// zone's bounds, present the pages of its ranges there; managed is set to present (the
  /// real figure depends on what the kernel reserves at boot).
  public func zones(of node: NodeID) -> [ZoneType: ZoneSize] {
    guard let pieces = ranges[node], !pieces.isEmpty else { return [:] }
    let bounds: [(ZoneType, Range<Int>)] = [
      (.dma, 0..<QEMUPCLayout.maxDMAPFN),
      (.dma32, QEMUPCLayout.maxDMAPFN..<QEMUPCLayout.maxDMA32PFN),
      (.normal, QEMUPCLayout.maxDMA32PFN..<Int.max),
    ]
    let nodeStart = pieces.map(\.lowerBound).min()!
    let nodeEnd = pieces.map(\.upperBound).max()!
    var zones: [ZoneType: ZoneSize] = [:]
    for (type, zone) in bounds {
      let start = max(nodeStart, zone.lowerBound)
      let end = min(nodeEnd, zone.upperBound)
      guard end > start else { continue }
      let present = pieces.reduce(0) { sum, piece in
        sum + max(0, min(piece.upperBound, end) - max(piece.lowerBound, start))
      }
      zones[type] = ZoneSize(spanned: Pages(end - start), present: Pages(present), managed: Pages(present))
    }
    return zones
  }
}
