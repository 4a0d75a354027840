/// Where QEMU's arm64 `virt` machine puts each NUMA node's memory.
///
/// QEMU (7.2): RAM starts at 1 GiB (`VIRT_MEM`, `0x40000000`) in one block; the device tree's
/// memory nodes give each NUMA node its consecutive slice in node-id order (`fdt_add_memory_nodes()`,
/// nodes without memory get none). Linux's memblock takes them as they are (the boot's
/// `Early memory node ranges` show no hole).
public struct QEMUVirtLayout: Hashable, Sendable {
  /// Physical page ranges `[start, end)` of each node's memory.
  public private(set) var ranges: [NodeID: [Range<Int>]]

  /// QEMU: `VIRT_MEM`'s base, as a page frame.
  public static let ramStartPFN = 0x4000_0000 >> 12

  /// Lays out `memoryBytes` per node (nodes with 0 get no range).
  public init(memoryBytes: [(NodeID, Int)]) {
    var ranges: [NodeID: [Range<Int>]] = [:]
    var start = QEMUVirtLayout.ramStartPFN
    for (node, bytes) in memoryBytes.sorted(by: { $0.0 < $1.0 }) where bytes > 0 {
      ranges[node] = [start..<(start + bytes >> 12)]
      start += bytes >> 12
    }
    self.ranges = ranges
  }
}
