/// A kind of memory zone, in the kernel's order: cheaper zones come later.
///
/// Kernel: `enum zone_type` in `include/linux/mmzone.h`. Which cases exist depends on the
/// kernel configuration; a ``KernelProfile`` lists the ones its kernel has
/// (``KernelProfile/zoneTypes``). `Comparable` follows the kernel's numbering, so
/// `type <= highest` reads as in the kernel.
public enum ZoneType: Int, CaseIterable, Comparable, Hashable, Sendable, Codable {
  /// Kernel: `ZONE_DMA`.
  case dma
  /// Kernel: `ZONE_DMA32`.
  case dma32
  /// Kernel: `ZONE_NORMAL`.
  case normal
  /// Kernel: `ZONE_HIGHMEM` (32-bit kernels only).
  case highmem
  /// Kernel: `ZONE_MOVABLE`.
  case movable
  /// Kernel: `ZONE_DEVICE`.
  case device

  public static func < (a: ZoneType, b: ZoneType) -> Bool { a.rawValue < b.rawValue }

  /// The name the kernel prints.
  ///
  /// Kernel: `zone_names[]` in `mm/page_alloc.c` (6.1) and `mm/mm_init.c` (6.12).
  public var kernelName: String {
    switch self {
    case .dma: "DMA"
    case .dma32: "DMA32"
    case .normal: "Normal"
    case .highmem: "HighMem"
    case .movable: "Movable"
    case .device: "Device"
    }
  }

  /// Creates a zone type from the kernel's name for it (case-insensitive).
  public init?(kernelName: String) {
    guard let match = ZoneType.allCases.first(where: { $0.kernelName.lowercased() == kernelName.lowercased() })
    else { return nil }
    self = match
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let name = try container.decode(String.self)
    guard let type = ZoneType(kernelName: name) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "unknown zone name '\(name)'")
    }
    self = type
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(kernelName)
  }
}

/// A zone named by its node and type: one entry of a zonelist.
///
/// Kernel: `struct zoneref` in `include/linux/mmzone.h`; `zonelist_node_idx()` and
/// `zonelist_zone_idx()` are ``node`` and ``type``.
public struct ZoneReference: Hashable, Sendable, Codable, CustomStringConvertible {
  public var node: NodeID
  public var type: ZoneType
  public init(node: NodeID, type: ZoneType) {
    self.node = node
    self.type = type
  }
  /// The `N:Zone` form `mminit_verify_zonelist()` prints.
  public var description: String { "\(node):\(type.kernelName)" }
}
