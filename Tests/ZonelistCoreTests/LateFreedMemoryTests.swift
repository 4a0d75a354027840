import Foundation
import Testing
import ZonelistCore

/// The pages freed after the boot set its watermarks, on hand-made logs (marked so: the
/// figures are invented; the real boots are `SnapshotTests`' fixtures). What cannot be placed
/// is refused with the reason, never guessed.
@Suite struct LateFreedMemoryTests {
  static let ranges = """
    [    0.000000]   node   0: [mem 0x0000000000001000-0x000000000009efff]
    [    0.000000]   node   0: [mem 0x0000000000100000-0x000000003fffffff]
    [    0.000000]   node   1: [mem 0x0000000040000000-0x000000007fffffff]
    [    0.000000] RAMDISK: [mem 0x7fdfb000-0x7ffdffff]
    """
  static let iomem = "00100000-3fffffff : System RAM\n  05200000-064ca8df : Kernel code\n  06600000-06ffffff : Kernel bss\n"

  @Test func initrdAndImageGoToTheirZones() throws {
    let log = Self.ranges + """

      [    0.2] Freeing SMP alternatives memory: 40K
      [    1.6] Freeing initrd memory: 1940K
      [    2.6] Freeing unused decrypted memory: 2028K
      [    2.8] Freeing unused kernel image (initmem) memory: 4264K
      """
    let freed = try LateFreedMemory(kernelLog: log, iomem: Self.iomem)
    #expect(freed.pages == [ZoneReference(node: 1, type: .dma32): 485, ZoneReference(node: 0, type: .dma32): 1573])
  }

  @Test(arguments: [
    ("[    1.0] Freeing initrd memory: 100K", nil as String?, "no proc/iomem"),
    ("[    1.0] Freeing initrd memory: 100K", "  00000000-00000000 : Kernel code\n", "only root sees them"),
    ("[    1.0] Freeing firmware memory: 100K", iomem, "not modeled"),
    ("[    1.0] Freeing initrd memory: lots", iomem, "cannot read"),
  ])
  func unplaceableFreesAreRefused(_ line: String, _ iomem: String?, _ expected: String) {
    #expect {
      _ = try LateFreedMemory(kernelLog: Self.ranges + "\n" + line, iomem: iomem)
    } throws: { error in
      (error as? LateFreedMemory.Unknown)?.description.contains(expected) ?? false
    }
  }

  @Test func noNodeRangesIsRefused() {
    #expect(throws: LateFreedMemory.Unknown.self) { _ = try LateFreedMemory(kernelLog: "[ 1.0] Freeing initrd memory: 4K", iomem: Self.iomem) }
  }

  /// An initrd across two nodes lies in no one zone: refused.
  @Test func memoryAcrossTwoNodesIsRefused() {
    let log = Self.ranges.replacingOccurrences(of: "RAMDISK: [mem 0x7fdfb000", with: "RAMDISK: [mem 0x3fdfb000") + "\n[ 1.0] Freeing initrd memory: 4K"
    #expect(throws: LateFreedMemory.Unknown.self) { _ = try LateFreedMemory(kernelLog: log, iomem: Self.iomem) }
  }
}
