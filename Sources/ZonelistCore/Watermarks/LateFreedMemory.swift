/// The pages the kernel gave to the buddy allocator after it last set the watermarks during
/// boot: the initrd and the kernel image's init sections, freed once the initcalls ran.
///
/// Until a `vm` sysctl is written or memory is hot-plugged, `/proc/zoneinfo` shows the
/// watermarks, protection and per-CPU `high` of that boot computation, from each zone's
/// managed pages less these (measured on real boots: `SnapshotTests`). They come from the
/// kernel log (`RAMDISK:`, the `Freeing …` lines, the early node ranges) and the kernel
/// image's place in `/proc/iomem` (physical KASLR moves it from boot to boot).
///
/// Kernel: `set_recommended_min_free_kbytes()` (khugepaged's start, `hugepage_init()`) and
/// `init_per_zone_wmark_min()` set the boot figures; `free_initrd_mem()` (`populate_rootfs()`),
/// `free_initmem()` and `mark_rodata_ro()` (`free_kernel_image_pages()`) and
/// `mem_encrypt_free_decrypted_mem()` free memory later, each printing `Freeing …`.
/// `Freeing SMP alternatives memory` comes before the initcalls. Deferred struct page
/// initialisation and kernelcore/movablecore zones are not modeled (refused).
public struct LateFreedMemory: Hashable, Sendable {
  /// Pages freed late, by zone.
  public var pages: [ZoneReference: Pages]

  /// Why the late-freed pages cannot be told.
  public struct Unknown: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// Reads the late frees of a boot.
  ///
  /// - Parameters:
  ///   - kernelLog: The boot's log (timestamps allowed); it must hold the early node ranges.
  ///   - iomem: `/proc/iomem` as root reads it (the kernel image's `Kernel …` ranges).
  /// - Complexity: O(*n*) in the lines of the log and of `iomem`.
  public init(kernelLog: String, iomem: String?) throws(Unknown) {
    let lines = kernelLog.split(separator: "\n").map { KernelLog.strippingTimestamp(String($0)) }
    let ranges = LateFreedMemory.nodeRanges(lines)
    guard !ranges.isEmpty else { throw Unknown(description: "the kernel log has no early node ranges ('  node   N: [mem …]')") }
    let image = try LateFreedMemory.kernelImage(iomem)
    var pages: [ZoneReference: Pages] = [:]
    for line in lines where line.hasPrefix("Freeing ") {
      guard let kibibytes = LateFreedMemory.kibibytes(line) else { throw Unknown(description: "cannot read '\(line)'") }
      let place: ClosedRange<Int>
      if line.hasPrefix("Freeing SMP alternatives memory") {
        continue
      } else if line.hasPrefix("Freeing initrd memory") {
        guard let ramdisk = lines.first(where: { $0.hasPrefix("RAMDISK: ") }).flatMap(LateFreedMemory.range) else {
          throw Unknown(description: "the kernel log frees an initrd but shows no 'RAMDISK: [mem …]' line")
        }
        place = ramdisk
      } else if line.hasPrefix("Freeing unused kernel image") || line.hasPrefix("Freeing unused decrypted memory") {
        place = image
      } else {
        throw Unknown(description: "'\(line)': which zone this memory returns to is not modeled")
      }
      let zone = try LateFreedMemory.zone(of: place, ranges: ranges, line: line)
      pages[zone, default: 0] = pages[zone, default: 0] + Pages(kibibytes: kibibytes)
    }
    self.pages = pages
  }

  /// `topology` with each zone's managed pages less the late frees: the machine the boot's
  /// watermark computation saw.
  public func applied(to topology: Topology) throws(Unknown) -> Topology {
    var machine = topology
    for (zone, freed) in pages.sorted(by: { ($0.key.node, $0.key.type) < ($1.key.node, $1.key.type) }) {
      guard var node = machine.nodes[zone.node], let size = node.zones[zone.type], size.managed >= freed else {
        throw Unknown(description: "zone \(zone) manages fewer pages than the \(freed.rawValue) freed into it late in boot")
      }
      node.zones[zone.type] = ZoneSize(spanned: size.spanned, present: size.present, managed: size.managed - freed)
      machine = machine.updating(node)
    }
    return machine
  }

  /// `Freeing initrd memory: 1940K` → 1940.
  static func kibibytes(_ line: String) -> Int? {
    guard let colon = line.lastIndex(of: ":") else { return nil }
    let value = line[line.index(after: colon)...].trimmingWhitespace()
    guard value.hasSuffix("K") else { return nil }
    return Int(value.dropLast())
  }

  /// `[mem 0x…-0x…]` anywhere in `text` → the range.
  static func range(_ text: String) -> ClosedRange<Int>? {
    let marker = Array("[mem 0x")
    let characters = Array(text)
    guard let start = (0..<max(0, characters.count - marker.count + 1)).first(where: { Array(characters[$0..<($0 + marker.count)]) == marker })
    else { return nil }
    let rest = String(characters[(start + marker.count)...].prefix { $0 != "]" })
    let parts = rest.split(separator: "-")
    guard parts.count == 2, let low = Int(parts[0], radix: 16), parts[1].hasPrefix("0x"),
      let high = Int(parts[1].dropFirst(2), radix: 16), low <= high
    else { return nil }
    return low...high
  }

  /// The early node ranges: `  node   0: [mem 0x…-0x…]` lines, by node.
  static func nodeRanges(_ lines: [String]) -> [(NodeID, ClosedRange<Int>)] {
    lines.compactMap { line in
      let trimmed = line.drop { $0 == " " }
      guard trimmed.hasPrefix("node "), let colon = trimmed.firstIndex(of: ":"),
        let id = Int(trimmed[..<colon].dropFirst(5).trimmingWhitespace()), let range = range(String(trimmed[colon...]))
      else { return nil }
      return (NodeID(id), range)
    }
  }

  /// The kernel image: from the first `Kernel …` range of `/proc/iomem` to the last.
  static func kernelImage(_ iomem: String?) throws(Unknown) -> ClosedRange<Int> {
    guard let iomem else { throw Unknown(description: "no proc/iomem: the kernel image's place is unknown (physical KASLR)") }
    var low = Int.max
    var high = -1
    for line in iomem.split(separator: "\n") where line.contains(" : Kernel ") {
      let parts = line.split(separator: ":")[0].trimmingWhitespace().split(separator: "-")
      guard parts.count == 2, let start = Int(parts[0], radix: 16), let end = Int(parts[1], radix: 16) else { continue }
      low = min(low, start)
      high = max(high, end)
    }
    guard high > 0 else {
      throw Unknown(description: "proc/iomem shows no kernel image address (only root sees them): the image's place is unknown")
    }
    return low...high
  }

  /// The zone holding the whole of `place` (x86-64 zone limits: DMA below 16 MiB, DMA32
  /// below 4 GiB, Normal above).
  static func zone(of place: ClosedRange<Int>, ranges: [(NodeID, ClosedRange<Int>)], line: String) throws(Unknown) -> ZoneReference {
    func type(_ address: Int) -> ZoneType { address < 1 << 24 ? .dma : address < 1 << 32 ? .dma32 : .normal }
    guard let node = ranges.first(where: { $0.1.contains(place.lowerBound) })?.0,
      ranges.first(where: { $0.1.contains(place.upperBound) })?.0 == node, type(place.lowerBound) == type(place.upperBound)
    else {
      throw Unknown(description: "'\(line)': its memory does not lie in one zone of one node")
    }
    return ZoneReference(node: node, type: type(place.lowerBound))
  }
}
