/// The free blocks of every zone by order and migrate type, and its pageblocks by type.
///
/// Kernel: `/proc/pagetypeinfo` (`pagetypeinfo_showfree_print()` and
/// `pagetypeinfo_showblockcount_print()` in `mm/vmstat.c`), with `/proc/buddyinfo`
/// (`frag_show_print()`) to resolve the counts the kernel caps at `>100000`. Types other than
/// Unmovable, Movable, Reclaimable and HighAtomic (CMA, Isolate) are read and left out.
public struct PageTypeInfo: Hashable, Sendable {
  public var zones: [ZoneReference: FreeAreaCounts]

  /// Parses `text`, and `buddyinfo` when given, naming the files in errors.
  ///
  /// - Throws: ``ImportError`` for a pageblock order other than 9, a malformed row, an unknown
  ///   migrate type, or a count capped at `>100000` without a buddyinfo line to resolve it.
  /// - Complexity: O(*lines*).
  public init(parsing text: String, file: String = "/proc/pagetypeinfo", buddyinfo: String? = nil, buddyinfoFile: String = "/proc/buddyinfo")
    throws(ImportError)
  {
    var zones: [ZoneReference: FreeAreaCounts] = [:]
    var capped: [ZoneReference: [(type: MigrateType, order: Int)]] = [:]
    var blockColumns: [String] = []
    func zone(_ words: [Substring], line: Int, text: Substring) throws(ImportError) -> (ZoneReference, Int) {
      guard let reference = Self.zoneReference(words) else {
        throw ImportError(file: file, line: line, text: String(text), expected: "'Node N, zone NAME' at the start of the line")
      }
      return (reference, 4)
    }
    for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let number = offset + 1
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard let first = words.first else { continue }
      if line.hasPrefix("Page block order:") {
        guard words.count == 4, words[3] == "9" else {
          throw ImportError(file: file, line: number, text: String(line), expected: "'Page block order: 9' (the simulator models x86-64's 2 MiB pageblocks)")
        }
        continue
      }
      if first == "Number" {
        blockColumns = words.dropFirst(4).map(String.init)
        continue
      }
      guard first == "Node" else { continue }
      let (reference, next) = try zone(words, line: number, text: line)
      if words.count > next, words[next] == "type" {
        guard words.count == next + 2 + BuddyZone.maxOrder + 1 else {
          throw ImportError(file: file, line: number, text: String(line), expected: "a migrate type and \(BuddyZone.maxOrder + 1) counts (orders 0 to \(BuddyZone.maxOrder))")
        }
        let name = String(words[next + 1])
        var counts: [Int] = []
        for (order, word) in words[(next + 2)...].enumerated() {
          if word.hasPrefix(">"), let value = Int(word.dropFirst()) {
            counts.append(value)
            if let type = MigrateType(kernelName: name) { capped[reference, default: []].append((type, order)) }
          } else if let value = Int(word), value >= 0 {
            counts.append(value)
          } else {
            throw ImportError(file: file, line: number, text: String(line), expected: "a count of free blocks, not '\(word)'")
          }
        }
        if let type = MigrateType(kernelName: name) {
          zones[reference, default: FreeAreaCounts(blocks: [:])].blocks[type] = counts
        } else if !["CMA", "Isolate"].contains(name) {
          throw ImportError(file: file, line: number, text: String(line), expected: "a migrate type (Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate)")
        }
      } else {
        let values = words[next...]
        guard values.count == blockColumns.count, !blockColumns.isEmpty else {
          throw ImportError(file: file, line: number, text: String(line), expected: "one pageblock count per column of the 'Number of blocks type' header")
        }
        for (name, word) in zip(blockColumns, values) {
          guard let value = Int(word), value >= 0 else {
            throw ImportError(file: file, line: number, text: String(line), expected: "a count of pageblocks, not '\(word)'")
          }
          if let type = MigrateType(kernelName: name) { zones[reference, default: FreeAreaCounts(blocks: [:])].pageblocks[type] = value }
        }
      }
    }
    if !capped.isEmpty {
      guard let buddyinfo else {
        let zone = capped.keys.sorted { ($0.node, $0.type) < ($1.node, $1.type) }[0]
        throw ImportError(file: file, line: 0, text: "", expected: "exact counts for \(zone) (a count shown as '>100000' needs /proc/buddyinfo beside it)")
      }
      let totals = try Self.buddyinfo(buddyinfo, file: buddyinfoFile)
      for (reference, cells) in capped {
        guard let total = totals[reference] else {
          throw ImportError(file: buddyinfoFile, line: 0, text: "", expected: "a line for \(reference) (its pagetypeinfo counts are capped)")
        }
        for (type, order) in cells {
          let others = zones[reference]!.blocks.filter { $0.key != type }.reduce(0) { $0 + $1.value[order] }
          zones[reference]!.blocks[type]![order] = Swift.max(0, total[order] - others)
        }
      }
    }
    self.zones = zones
  }

  /// The zone of a line starting `Node N, zone NAME` (the name may carry a comma).
  static func zoneReference(_ words: [Substring]) -> ZoneReference? {
    guard words.count >= 4, words[0] == "Node", words[2] == "zone", let node = Int(words[1].trimmingCharacters(",")),
      let type = ZoneType(kernelName: String(words[3].trimmingCharacters(",")))
    else { return nil }
    return ZoneReference(node: NodeID(node), type: type)
  }

  /// Free blocks per order of each zone. Kernel: `/proc/buddyinfo`.
  public static func buddyinfo(_ text: String, file: String = "/proc/buddyinfo") throws(ImportError) -> [ZoneReference: [Int]] {
    var result: [ZoneReference: [Int]] = [:]
    for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.allSatisfy({ $0 == " " }) {
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard words.count == 4 + BuddyZone.maxOrder + 1, let reference = zoneReference(words),
        case let counts = words[4...].compactMap({ Int($0) }), counts.count == BuddyZone.maxOrder + 1
      else {
        throw ImportError(file: file, line: offset + 1, text: String(line), expected: "'Node N, zone NAME' and \(BuddyZone.maxOrder + 1) counts")
      }
      result[reference] = counts
    }
    return result
  }
}

extension MigrateType {
  /// Parses the spelling of `/proc/pagetypeinfo`.
  public init?(kernelName: String) {
    guard let type = MigrateType.allCases.first(where: { $0.kernelName == kernelName }) else { return nil }
    self = type
  }
}

extension Substring {
  fileprivate func trimmingCharacters(_ character: Character) -> Substring {
    var text = self
    while text.last == character { text = text.dropLast() }
    return text
  }
}
