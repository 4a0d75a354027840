/// The largest physical address space each architecture's kernel can address, which
/// bounds every memory size the model takes: larger inputs are refused where they are
/// read, so that no size arithmetic can overflow.
///
/// Kernel: `MAX_PHYSMEM_BITS` in `arch/x86/include/asm/sparsemem.h` (x86-64:
/// `pgtable_l5_enabled() ? 52 : 46`, Debian builds with `CONFIG_X86_5LEVEL`; i386 with
/// PAE: 36) and `arch/arm64/include/asm/sparsemem.h` (`PHYS_MASK_SHIFT`, 48 with 4 KiB
/// pages unless `CONFIG_ARM64_PA_BITS_52`).
extension Architecture {
  /// Kernel: `MAX_PHYSMEM_BITS`.
  public var physicalAddressBits: Int {
    switch self {
    case .x86_64: 52
    case .x86_32: 36
    case .arm64: 48
    }
  }
  /// Kernel: `MAX_NUMNODES` (`1 << CONFIG_NODES_SHIFT`) of Debian's kernels of the
  /// architecture: amd64 `NODES_SHIFT` 10, arm64 4; the 686-pae kernel is built without
  /// `CONFIG_NUMA` (`MAX_NUMNODES` 1).
  public var maxNumNodes: Int {
    switch self {
    case .x86_64: 1024
    case .x86_32: 1
    case .arm64: 16
    }
  }
  /// The size of the physical address space, in bytes.
  public var maxPhysicalBytes: Int { 1 << physicalAddressBits }
  /// The number of 4 KiB page frames in the physical address space.
  public var maxPhysicalPages: Int { maxPhysicalBytes >> 12 }
  /// "the 52-bit physical address space of x86_64 (4 PiB)", for messages.
  public var physicalLimitText: String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    let bits = physicalAddressBits
    return "the \(bits)-bit physical address space of \(rawValue) (\(1 << (bits % 10)) \(units[bits / 10]))"
  }
}

extension Pages {
  /// The most pages any modeled machine has: 2^40, x86-64's 52-bit physical address space.
  /// Snapshots (whose architecture the files do not say) are held to it.
  public static let physicalLimit = Pages(Architecture.x86_64.maxPhysicalPages)
  /// "≤ 2^40 pages (the 52-bit physical address space of x86_64 (4 PiB))", for messages.
  public static let physicalLimitText = "at most 2^40 pages (\(Architecture.x86_64.physicalLimitText))"
}
