/// A node's piece of physical memory, in page frames `[start, end)`.
///
/// Kernel: one `memblock.memory` region, as `for_each_mem_pfn_range()` yields it and
/// `Early memory node ranges` prints it.
public struct MemoryRange: Hashable, Sendable, Codable {
  public var node: NodeID
  public var pages: Range<Int>
  public init(node: NodeID, pages: Range<Int>) {
    self.node = node
    self.pages = pages
  }
}

/// The CPU architectures whose zone boundaries the layout knows.
public enum Architecture: String, Hashable, Sendable, Codable, CaseIterable {
  /// DMA below 16 MiB, DMA32 below 4 GiB, Normal above. Kernel: `zone_sizes_init()` in `arch/x86/mm/init.c`.
  case x86_64
  /// DMA below 16 MiB, Normal below `max_low_pfn` (896 MiB by default), HighMem above.
  case x86_32
  /// DMA below 4 GiB (the default `zone_dma_limit`), DMA32 empty, Normal above.
  /// Kernel: `zone_sizes_init()` in `arch/arm64/mm/init.c`.
  case arm64
}

/// Computes each zone's spanned and present pages from memory ranges, as `free_area_init()` does.
///
/// Kernel: `free_area_init()`, `find_zone_movable_pfns_for_nodes()`,
/// `zone_spanned_pages_in_node()`, `adjust_zone_range_for_zone_movable()` and
/// `zone_absent_pages_in_node()` in `mm/mm_init.c` (6.12; `mm/page_alloc.c` in 6.1).
/// Managed pages cannot be derived from ranges (they depend on what the boot reserves):
/// the layout sets them to the present pages and says so.
public struct ZoneLayout: Hashable, Sendable {
  public var ranges: [MemoryRange]
  public var architecture: Architecture
  /// The zone types of the kernel, in order.
  public var zoneTypes: [ZoneType]

  public init(ranges: [MemoryRange], architecture: Architecture = .x86_64, zoneTypes: [ZoneType]) {
    self.ranges = ranges.sorted { ($0.pages.lowerBound, $0.node) < ($1.pages.lowerBound, $1.node) }
    self.architecture = architecture
    self.zoneTypes = zoneTypes
  }

  /// Kernel: `arch_zone_lowest_possible_pfn[]` / `arch_zone_highest_possible_pfn[]`.
  /// - Parameter maxLowPFN: i386's `max_low_pfn` (``X86LowMemory``); the layout's end when `nil`.
  public func zoneBounds(maxLowPFN: Int? = nil) -> [ZoneType: Range<Int>] {
    let maxPFN = ranges.map(\.pages.upperBound).max() ?? 0
    let startPFN = ranges.map(\.pages.lowerBound).min() ?? 0
    var maxZonePFN: [ZoneType: Int] = [:]
    switch architecture {
    case .x86_64:
      maxZonePFN = [.dma: Swift.min(4096, maxPFN), .dma32: Swift.min(1 << 20, maxPFN), .normal: maxPFN]
    case .x86_32:
      let maxLow = Swift.min(maxPFN, maxLowPFN ?? maxPFN)
      maxZonePFN = [.dma: Swift.min(4096, maxLow), .normal: maxLow, .highmem: maxPFN]
    case .arm64:
      maxZonePFN = [.dma: Swift.min(1 << 20, maxPFN), .dma32: Swift.min(1 << 20, maxPFN), .normal: maxPFN]
    }
    var bounds: [ZoneType: Range<Int>] = [:]
    var start = startPFN
    for type in zoneTypes where type != .movable {
      let end = Swift.max(maxZonePFN[type] ?? start, start)
      bounds[type] = start..<end
      start = end
    }
    return bounds
  }

  /// Kernel: `find_usable_zone_for_movable()`: the highest zone with a non-empty range.
  func movableZone(_ bounds: [ZoneType: Range<Int>]) -> ZoneType {
    zoneTypes.reversed().first { $0 != .movable && !(bounds[$0]?.isEmpty ?? true) } ?? .normal
  }

  /// Where each node's ZONE_MOVABLE starts, from `kernelcore=` / `movablecore=`.
  ///
  /// Kernel: `find_zone_movable_pfns_for_nodes()` (not the `movable_node` and
  /// `kernelcore=mirror` paths).
  public func movableStarts(options: BootOptions, maxLowPFN: Int? = nil) throws(ZoneLayoutError) -> [NodeID: Int] {
    let totalPages = ranges.reduce(0) { $0 + $1.pages.count }
    var requiredKernelcore = 0
    var requiredMovablecore = 0
    if let text = options.kernelCore {
      if text == "mirror" { throw .unsupported("kernelcore=mirror") }
      requiredKernelcore = try ZoneLayout.core(text, totalPages: totalPages, option: "kernelcore")
    }
    if let text = options.movableCore {
      requiredMovablecore = try ZoneLayout.core(text, totalPages: totalPages, option: "movablecore")
    }
    let maxOrderPages = 1024  // Kernel: MAX_ORDER_NR_PAGES
    if requiredMovablecore > 0 {
      requiredMovablecore = Swift.min(totalPages, (requiredMovablecore + maxOrderPages - 1) / maxOrderPages * maxOrderPages)
      requiredKernelcore = Swift.max(requiredKernelcore, totalPages - requiredMovablecore)
    }
    guard requiredKernelcore > 0 && requiredKernelcore < totalPages else { return [:] }
    let bounds = zoneBounds(maxLowPFN: maxLowPFN)
    let usableStart = bounds[movableZone(bounds)]!.lowerBound
    let memoryNodes = Array(Set(ranges.filter { !$0.pages.isEmpty }.map(\.node))).sorted()
    var usableNodes = memoryNodes.count
    var movable: [NodeID: Int] = [:]
    repeat {
      var kernelcoreNode = requiredKernelcore / usableNodes
      for node in memoryNodes {
        if requiredKernelcore < kernelcoreNode { kernelcoreNode = requiredKernelcore / usableNodes }
        var remaining = kernelcoreNode
        for range in ranges where range.node == node {
          var start = Swift.max(range.pages.lowerBound, movable[node] ?? 0)
          let end = range.pages.upperBound
          if start >= end { continue }
          if start < usableStart {
            let kernelPages = Swift.min(end, usableStart) - start
            remaining -= Swift.min(kernelPages, remaining)
            requiredKernelcore -= Swift.min(kernelPages, requiredKernelcore)
            if end <= usableStart {
              movable[node] = end
              continue
            }
            start = usableStart
          }
          let size = Swift.min(end - start, remaining)
          movable[node] = start + size
          requiredKernelcore -= Swift.min(requiredKernelcore, size)
          remaining -= size
          if remaining == 0 { break }
        }
      }
      usableNodes -= 1
    } while usableNodes > 0 && requiredKernelcore > usableNodes
    var result: [NodeID: Int] = [:]
    for node in memoryNodes {
      let start = ((movable[node] ?? 0) + maxOrderPages - 1) / maxOrderPages * maxOrderPages
      let end = ranges.filter { $0.node == node }.map(\.pages.upperBound).max() ?? 0
      if start > 0 && start < end { result[node] = start }
    }
    return result
  }

  /// Kernel: `cmdline_parse_core()`: a size (`memparse()`) or a percentage of all memory.
  static func core(_ text: String, totalPages: Int, option: String) throws(ZoneLayoutError) -> Int {
    if text.hasSuffix("%") {
      guard let percent = Int(text.dropLast()), (0...100).contains(percent) else {
        throw .badOption("\(option)=\(text): expected a size or a percentage 0%...100%")
      }
      return totalPages * 100 * percent / 10000
    }
    let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60]
    var number = Substring(text)
    var shift = 0
    if let last = text.last?.uppercased().first, let unit = units[last] {
      shift = unit
      number = number.dropLast()
    }
    guard let value = Int(number), value >= 0 else {
      throw .badOption("\(option)=\(text): expected a size like 512M or 2G, or a percentage")
    }
    return (value << shift) >> 12
  }

  /// Each node's zones. Managed pages are set to the present pages (see the type's note).
  /// On i386 the memory past `mem=` and past the HighMem that `highmem=` leaves is dropped
  /// first, and lowmem ends at `max_low_pfn` (``X86LowMemory``); on arm64 the memory past the
  /// first `mem=` bytes (``Arm64MemoryLimit``).
  public func zones(options: BootOptions = BootOptions()) throws(ZoneLayoutError) -> [NodeID: [ZoneType: ZoneSize]] {
    if architecture == .arm64, let text = options.mem {
      let kept = try Arm64MemoryLimit.apply(text, to: ranges)
      return try ZoneLayout(ranges: kept, architecture: architecture, zoneTypes: zoneTypes).zones(options: options, maxLowPFN: nil)
    }
    guard architecture == .x86_32 else { return try zones(options: options, maxLowPFN: nil) }
    let low = try X86LowMemory(ranges: ranges, options: options)
    let kept = ranges.compactMap { range -> MemoryRange? in
      let end = Swift.min(range.pages.upperBound, low.maxPFN)
      return range.pages.lowerBound < end ? MemoryRange(node: range.node, pages: range.pages.lowerBound..<end) : nil
    }
    return try ZoneLayout(ranges: kept, architecture: architecture, zoneTypes: zoneTypes).zones(options: options, maxLowPFN: low.maxLowPFN)
  }

  func zones(options: BootOptions, maxLowPFN: Int?) throws(ZoneLayoutError) -> [NodeID: [ZoneType: ZoneSize]] {
    let bounds = zoneBounds(maxLowPFN: maxLowPFN)
    let movableStart = try movableStarts(options: options, maxLowPFN: maxLowPFN)
    let movableZone = self.movableZone(bounds)
    var result: [NodeID: [ZoneType: ZoneSize]] = [:]
    for node in Set(ranges.map(\.node)) {
      let pieces = ranges.filter { $0.node == node && !$0.pages.isEmpty }
      guard let nodeStart = pieces.map(\.pages.lowerBound).min(), let nodeEnd = pieces.map(\.pages.upperBound).max() else { continue }
      var zones: [ZoneType: ZoneSize] = [:]
      for type in zoneTypes {
        var start: Int
        var end: Int
        if type == .movable {
          guard let movable = movableStart[node] else { continue }
          start = movable
          end = Swift.min(nodeEnd, bounds[movableZone]!.upperBound)
        } else {
          guard let bound = bounds[type] else { continue }
          start = Swift.min(Swift.max(nodeStart, bound.lowerBound), bound.upperBound)
          end = Swift.min(Swift.max(nodeEnd, bound.lowerBound), bound.upperBound)
          if let movable = movableStart[node] {
            if start < movable && end > movable { end = movable } else if start >= movable { start = end }
          }
        }
        if end < nodeStart || start > nodeEnd { continue }
        end = Swift.min(end, nodeEnd)
        start = Swift.max(start, nodeStart)
        guard end > start else { continue }
        let present = pieces.reduce(0) { $0 + Swift.max(0, Swift.min($1.pages.upperBound, end) - Swift.max($1.pages.lowerBound, start)) }
        zones[type] = ZoneSize(spanned: Pages(end - start), present: Pages(present), managed: Pages(present))
      }
      result[node] = zones
    }
    return result
  }

  /// Reads the `Early memory node ranges` block of a kernel log.
  ///
  /// Kernel: the `  node %3d: [mem %#018Lx-%#018Lx]` lines of `free_area_init()`.
  public static func earlyMemoryNodeRanges(dmesg: String, file: String = "dmesg") throws(ImportError) -> [MemoryRange] {
    var ranges: [MemoryRange] = []
    var inBlock = false
    for (index, raw) in dmesg.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = KernelLog.strippingTimestamp(String(raw))
      if line == "Early memory node ranges" {
        inBlock = true
        ranges = []
        continue
      }
      guard inBlock else { continue }
      let trimmed = line.trimmingWhitespace()
      guard trimmed.hasPrefix("node ") else {
        if !ranges.isEmpty || !trimmed.hasPrefix("node") { inBlock = false }
        continue
      }
      // "node   0: [mem 0x0000000000001000-0x000000000009efff]"
      let parts = trimmed.dropFirst(5).split(separator: ":", maxSplits: 1)
      guard parts.count == 2, let node = Int(parts[0].trimmingWhitespace()),
        let open = parts[1].firstIndex(of: "x"), let dash = parts[1].firstIndex(of: "-"), let close = parts[1].firstIndex(of: "]"),
        let start = Int(parts[1][parts[1].index(after: open)..<dash], radix: 16),
        let endHex = Optional(parts[1][parts[1].index(after: dash)..<close].dropFirst(2)),
        let end = Int(endHex, radix: 16)
      else {
        throw ImportError(file: file, line: index + 1, text: line, expected: "'  node N: [mem 0xSTART-0xEND]'")
      }
      ranges.append(MemoryRange(node: NodeID(node), pages: (start >> 12)..<((end + 1) >> 12)))
    }
    guard !ranges.isEmpty else {
      throw ImportError(file: file, line: 0, text: "", expected: "an 'Early memory node ranges' block")
    }
    return ranges
  }
}

/// Memory ranges or options the layout cannot follow.
public enum ZoneLayoutError: Error, Hashable, Sendable, CustomStringConvertible {
  case unsupported(String)
  case badOption(String)
  public var description: String {
    switch self {
    case .unsupported(let what): "not modeled: \(what)"
    case .badOption(let what): what
    }
  }
}
