/// Allocation flags, with the model's own bits (the kernel's vary between versions).
///
/// Kernel: `gfp_t` and the `__GFP_*` bits of `include/linux/gfp_types.h`.
public struct GFPFlags: OptionSet, Hashable, Sendable, Codable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let dma = GFPFlags(rawValue: 1 << 0)
  public static let highmem = GFPFlags(rawValue: 1 << 1)
  public static let dma32 = GFPFlags(rawValue: 1 << 2)
  public static let movable = GFPFlags(rawValue: 1 << 3)
  /// Kernel: `__GFP_THISNODE`: the NOFALLBACK zonelist.
  public static let thisNode = GFPFlags(rawValue: 1 << 4)
  /// Kernel: `__GFP_HIGH`: may dip into the min reserve (`ALLOC_MIN_RESERVE`).
  public static let high = GFPFlags(rawValue: 1 << 5)
  /// Kernel: `__GFP_NORETRY`.
  public static let noRetry = GFPFlags(rawValue: 1 << 6)
  /// Kernel: `__GFP_DIRECT_RECLAIM`.
  public static let directReclaim = GFPFlags(rawValue: 1 << 7)
  /// Kernel: `__GFP_KSWAPD_RECLAIM`.
  public static let kswapdReclaim = GFPFlags(rawValue: 1 << 8)
  /// Kernel: `__GFP_HARDWALL`.
  public static let hardwall = GFPFlags(rawValue: 1 << 9)
  /// Kernel: `__GFP_IO | __GFP_FS` (not modeled beyond being carried).
  public static let ioFS = GFPFlags(rawValue: 1 << 10)
  /// Kernel: `__GFP_RECLAIMABLE` (slab caches that can be shrunk).
  public static let reclaimable = GFPFlags(rawValue: 1 << 11)
  /// Kernel: `__GFP_NOMEMALLOC`: no `ALLOC_NON_BLOCK` (and no high-atomic reserve) without direct reclaim.
  public static let noMemAlloc = GFPFlags(rawValue: 1 << 12)

  /// Kernel: `GFP_KERNEL`.
  public static let kernel: GFPFlags = [.directReclaim, .kswapdReclaim, .ioFS]
  /// Kernel: `GFP_USER`.
  public static let user: GFPFlags = [.kernel, .hardwall]
  /// Kernel: `GFP_HIGHUSER_MOVABLE`: anonymous and page-cache memory.
  public static let highUserMovable: GFPFlags = [.user, .highmem, .movable]
  /// Kernel: `GFP_ATOMIC`: `__GFP_HIGH | __GFP_KSWAPD_RECLAIM`.
  public static let atomic: GFPFlags = [.high, .kswapdReclaim]

  /// The highest zone an allocation may use, or `nil` for a combination the kernel rejects.
  ///
  /// Kernel: `gfp_zone()` and `GFP_ZONE_TABLE`; a missing optional zone maps to Normal.
  public func highestZoneType(in zoneTypes: [ZoneType]) -> ZoneType? {
    func optional(_ type: ZoneType) -> ZoneType { zoneTypes.contains(type) ? type : .normal }
    switch intersection([.dma, .dma32, .highmem, .movable]) {
    case [], [.movable]: return .normal
    case [.dma], [.dma, .movable]: return optional(.dma)
    case [.dma32], [.dma32, .movable]: return optional(.dma32)
    case [.highmem]: return optional(.highmem)
    case [.highmem, .movable]: return .movable
    default: return nil
    }
  }

  /// The flags in the kernel's spelling, named sets first (`GFP_ATOMIC`, `GFP_KERNEL|__GFP_THISNODE`).
  public var kernelName: String {
    let named: [(String, GFPFlags)] = [
      ("GFP_HIGHUSER_MOVABLE", .highUserMovable), ("GFP_USER", .user), ("GFP_KERNEL", .kernel), ("GFP_ATOMIC", .atomic),
    ]
    var rest = self
    var words: [String] = []
    for (name, flags) in named where rest.isSuperset(of: flags) {
      words.append(name)
      rest.subtract(flags)
    }
    let single: [(String, GFPFlags)] = [
      ("__GFP_DMA", .dma), ("__GFP_DMA32", .dma32), ("__GFP_HIGHMEM", .highmem), ("__GFP_MOVABLE", .movable),
      ("__GFP_THISNODE", .thisNode), ("__GFP_HIGH", .high), ("__GFP_NORETRY", .noRetry), ("__GFP_DIRECT_RECLAIM", .directReclaim),
      ("__GFP_KSWAPD_RECLAIM", .kswapdReclaim), ("__GFP_HARDWALL", .hardwall), ("__GFP_IO|__GFP_FS", .ioFS),
      ("__GFP_RECLAIMABLE", .reclaimable), ("__GFP_NOMEMALLOC", .noMemAlloc),
    ]
    for (name, flag) in single where rest.contains(flag) { words.append(name) }
    return words.isEmpty ? "0" : words.joined(separator: "|")
  }

  /// Parses `GFP_KERNEL`, `GFP_HIGHUSER_MOVABLE|__GFP_THISNODE`, `GFP_ATOMIC | __GFP_NORETRY`.
  public init?(parsing text: String) {
    var flags: GFPFlags = []
    for word in text.split(separator: "|").map({ $0.trimmingWhitespace().uppercased() }) {
      switch word {
      case "GFP_KERNEL": flags.formUnion(.kernel)
      case "GFP_USER": flags.formUnion(.user)
      case "GFP_HIGHUSER_MOVABLE": flags.formUnion(.highUserMovable)
      case "GFP_HIGHUSER": flags.formUnion([.user, .highmem])
      case "GFP_ATOMIC": flags.formUnion(.atomic)
      case "GFP_NOWAIT": flags.formUnion(.kswapdReclaim)
      case "GFP_DMA", "__GFP_DMA": flags.formUnion(.dma)
      case "GFP_DMA32", "__GFP_DMA32": flags.formUnion(.dma32)
      case "__GFP_HIGHMEM": flags.formUnion(.highmem)
      case "__GFP_MOVABLE": flags.formUnion(.movable)
      case "__GFP_RECLAIMABLE": flags.formUnion(.reclaimable)
      case "__GFP_THISNODE": flags.formUnion(.thisNode)
      case "__GFP_HIGH": flags.formUnion(.high)
      case "__GFP_NORETRY": flags.formUnion(.noRetry)
      case "__GFP_HARDWALL": flags.formUnion(.hardwall)
      case "__GFP_DIRECT_RECLAIM": flags.formUnion(.directReclaim)
      case "__GFP_KSWAPD_RECLAIM": flags.formUnion(.kswapdReclaim)
      case "__GFP_NOMEMALLOC": flags.formUnion(.noMemAlloc)
      default: return nil
      }
    }
    self = flags
  }
}

/// A memory policy: which nodes a task's allocations may use and prefer.
///
/// Kernel: `struct mempolicy` and the `MPOL_*` modes of `include/uapi/linux/mempolicy.h`.
public struct MemoryPolicy: Hashable, Sendable, Codable {
  public enum Mode: String, Hashable, Sendable, Codable, CaseIterable {
    case `default`, local, preferred, bind, interleave
    case preferredMany = "preferred-many"
    case weightedInterleave = "weighted-interleave"
  }
  public var mode: Mode
  public var nodes: [NodeID]

  public init(_ mode: Mode, nodes: [NodeID] = []) {
    self.mode = mode
    self.nodes = nodes
  }
}
