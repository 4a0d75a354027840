/// What Debian's build configuration of one architecture gives the memory model: the zone
/// types, NUMA, and the size of `struct page`.
///
/// Kernel: `/boot/config-*` of `linux-image-*-amd64`, `-686-pae` and `-arm64`:
/// - amd64: `CONFIG_ZONE_DMA`, `CONFIG_ZONE_DMA32`, `CONFIG_ZONE_DEVICE` (from 4.5),
///   `CONFIG_NUMA`, `NODES_SHIFT` 10.
/// - 686-pae (6.1 only: Debian builds no 32-bit kernel after bookworm): `CONFIG_ZONE_DMA`,
///   `CONFIG_HIGHMEM64G`, no `CONFIG_ZONE_DMA32`, no `CONFIG_ZONE_DEVICE` (no memory
///   hotplug), no `CONFIG_NUMA`, `CONFIG_FLATMEM`.
/// - arm64: `CONFIG_ZONE_DMA`, `CONFIG_ZONE_DMA32`, `CONFIG_NUMA`, `NODES_SHIFT` 4;
///   `CONFIG_ZONE_DEVICE` from 6.12 (bookworm's 6.1 is built without it).
public struct KernelConfiguration: Hashable, Sendable {
  /// Zone types in `enum zone_type` order.
  public var zoneTypes: [ZoneType]
  public var hasNUMA: Bool
  /// Kernel: `sizeof(struct page)`: 64 on the 64-bit kernels, 40 on 686-pae (measured: every
  /// i386 capture's boot `Total pages` is its present pages less `spanned × 40 / 4096`,
  /// rounded up, in each zone but HighMem).
  public var structPageSize: Int

  public init(architecture: Architecture, version: KernelVersion) {
    let movable = version >= KernelVersion(2, 6, 23)
    switch architecture {
    case .x86_64:
      zoneTypes = [.dma, .dma32, .normal] + (movable ? [.movable] : []) + (version >= KernelVersion(4, 5) ? [.device] : [])
      hasNUMA = true
      structPageSize = 64
    case .x86_32:
      zoneTypes = [.dma, .normal, .highmem] + (movable ? [.movable] : [])
      hasNUMA = false
      structPageSize = 40
    case .arm64:
      zoneTypes = [.dma, .dma32, .normal] + (movable ? [.movable] : []) + (version >= KernelVersion(6, 12) ? [.device] : [])
      hasNUMA = true
      structPageSize = 64
    }
  }
}

extension Architecture {
  /// The architecture a Debian kernel release names by its flavour suffix: `6.1.0-50-686-pae`
  /// and `-686` (i386), `-arm64` and `-arm64-16k`, `-amd64` and `-cloud-amd64`; `nil` when the
  /// release names none of them (a kernel built elsewhere).
  public init?(release: String) {
    let flavour = release.split(separator: "-").map(String.init)
    if flavour.contains("686") {
      self = .x86_32
    } else if flavour.contains("arm64") || release.hasSuffix("+arm64") {
      self = .arm64
    } else if flavour.contains("amd64") {
      self = .x86_64
    } else {
      return nil
    }
  }
}

extension Topology {
  /// Whether ZONE_MOVABLE is carved out of HighMem, so that the kernel treats it as HighMem
  /// (`is_highmem()`: no memmap charged at boot, the watermark minimum capped).
  ///
  /// Kernel: `movable_zone` from `find_usable_zone_for_movable()`: the highest zone with
  /// memory, HighMem whenever there is memory above the lowmem limit.
  public var movableZoneIsHighmem: Bool { possibleNodes.contains { $0[.highmem].spanned.rawValue > 0 } }
}
