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
    try self.init(parsing: KernelText(text), file: file, buddyinfo: buddyinfo.map(KernelText.init), buddyinfoFile: buddyinfoFile)
  }

  /// Parses the bytes of `text` and `buddyinfo`, as the string form does.
  public init(parsing text: KernelText, file: String = "/proc/pagetypeinfo", buddyinfo: KernelText?, buddyinfoFile: String = "/proc/buddyinfo")
    throws(ImportError)
  {
    var reader = Reader(text: text, file: file)
    for (number, line) in text.lines { try reader.read(line, number: number) }
    var zones = reader.zones
    if !reader.capped.isEmpty {
      guard let buddyinfo else {
        let zone = reader.capped.keys.sorted { ($0.node, $0.type) < ($1.node, $1.type) }[0]
        throw ImportError(file: file, line: 0, text: "", expected: "exact counts for \(zone) (a count shown as '>100000' needs /proc/buddyinfo beside it)")
      }
      let totals = try Self.buddyinfo(buddyinfo, file: buddyinfoFile)
      for (reference, cells) in reader.capped {
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

  /// The zone of a line starting `Node N, zone NAME` (the name may carry a comma), and where
  /// the fields after it start.
  static func zoneReference(_ text: KernelText, _ line: Range<Int>) -> (ZoneReference, rest: Range<Int>)? {
    var fields = text.fields(line, separatedBy: .blank)
    guard let node = fields.next(), text.equals(node, Reader.node), let id = fields.next(), let zone = fields.next(),
      text.equals(zone, Reader.zone), let name = fields.next(),
      let number = text.integer(text.trimmingTrailing(id, UInt8(ascii: ","))), number >= 0, number < Topology.maxNumNodes
    else { return nil }
    let trimmedName = text.trimmingTrailing(name, UInt8(ascii: ","))
    guard let type = ZoneType.allCases.first(where: { text.equalsIgnoringASCIICase(trimmedName, $0.kernelNameBytes) }) else {
      return nil
    }
    return (ZoneReference(node: NodeID(number), type: type), name.upperBound..<line.upperBound)
  }

  /// Free blocks per order of each zone. Kernel: `/proc/buddyinfo`.
  public static func buddyinfo(_ text: String, file: String = "/proc/buddyinfo") throws(ImportError) -> [ZoneReference: [Int]] {
    try buddyinfo(KernelText(text), file: file)
  }

  /// Free blocks per order of each zone, from the bytes of `/proc/buddyinfo`.
  public static func buddyinfo(_ text: KernelText, file: String = "/proc/buddyinfo") throws(ImportError) -> [ZoneReference: [Int]] {
    var result: [ZoneReference: [Int]] = [:]
    for (number, line) in text.lines where line.contains(where: { text.bytes[$0] != UInt8(ascii: " ") }) {
      guard let (reference, rest) = zoneReference(text, line),
        let counts = Reader.counts(text, rest, expecting: BuddyZone.maxOrder + 1, allowingCaps: false)
      else {
        throw ImportError(file: file, line: number, text: text.string(line), expected: "'Node N, zone NAME' and \(BuddyZone.maxOrder + 1) counts")
      }
      result[reference] = counts.values
    }
    return result
  }
}

extension PageTypeInfo {
  /// The parser's state between lines of `/proc/pagetypeinfo`.
  private struct Reader {
    let text: KernelText
    let file: String
    var zones: [ZoneReference: FreeAreaCounts] = [:]
    var capped: [ZoneReference: [(type: MigrateType, order: Int)]] = [:]
    var blockColumns: [String] = []

    static let node = Array("Node".utf8), zone = Array("zone".utf8), type = Array("type".utf8)
    static let number = Array("Number".utf8), pageBlockOrder = Array("Page block order:".utf8)

    func fail(_ number: Int, _ line: Range<Int>, _ expected: String) -> ImportError {
      ImportError(file: file, line: number, text: text.string(line), expected: expected)
    }

    mutating func read(_ line: Range<Int>, number: Int) throws(ImportError) {
      let words = text.words(line)
      guard words.count > 0 else { return }
      if text.hasPrefix(line, Self.pageBlockOrder) {
        guard words.count == 4, text.equals(words[3], Array("9".utf8)) else {
          throw fail(number, line, "'Page block order: 9' (the simulator models x86-64's 2 MiB pageblocks)")
        }
        return
      }
      if text.equals(words[0], Self.number) {
        var fields = text.fields(line, separatedBy: .blank)
        for _ in 0..<4 { _ = fields.next() }
        blockColumns = fields.map { text.string($0) }
        return
      }
      guard text.equals(words[0], Self.node) else { return }
      guard let (reference, rest) = PageTypeInfo.zoneReference(text, line) else {
        throw fail(number, line, "'Node N, zone NAME' at the start of the line")
      }
      var fields = text.fields(rest, separatedBy: .blank)
      if let first = fields.next(), text.equals(first, Self.type) {
        try freeCounts(reference, fields, line, number: number)
      } else {
        try blockCounts(reference, rest, line, number: number)
      }
    }

    /// `Node 0, zone DMA, type Unmovable 1 0 ...`: free blocks of one migrate type by order.
    mutating func freeCounts(_ reference: ZoneReference, _ after: KernelText.Fields, _ line: Range<Int>, number: Int)
      throws(ImportError)
    {
      var fields = after
      let orders = BuddyZone.maxOrder + 1
      guard let nameRange = fields.next(), case let rest = fields.position..<line.upperBound,
        text.fields(rest, separatedBy: .blank).reduce(0, { n, _ in n + 1 }) == orders
      else { throw fail(number, line, "a migrate type and \(orders) counts (orders 0 to \(BuddyZone.maxOrder))") }
      let name = text.string(nameRange)
      guard let counts = Self.counts(text, rest, expecting: orders, allowingCaps: true) else {
        let bad = text.fields(rest, separatedBy: .blank).first { Self.count(text, $0, allowingCap: true) == nil }!
        throw fail(number, line, "a count of free blocks, not '\(text.string(bad))'")
      }
      if let type = MigrateType(kernelName: name) {
        zones[reference, default: FreeAreaCounts(blocks: [:])].blocks[type] = counts.values
        for order in counts.capped { capped[reference, default: []].append((type, order)) }
      } else if !["CMA", "Isolate"].contains(name) {
        throw fail(number, line, "a migrate type (Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate)")
      }
    }

    /// `Node 0, zone DMA  1 7 0 ...`: pageblocks by type, in the header's column order.
    mutating func blockCounts(_ reference: ZoneReference, _ rest: Range<Int>, _ line: Range<Int>, number: Int) throws(ImportError) {
      let values = Array(text.fields(rest, separatedBy: .blank))
      guard values.count == blockColumns.count, !blockColumns.isEmpty else {
        throw fail(number, line, "one pageblock count per column of the 'Number of blocks type' header")
      }
      for (name, word) in zip(blockColumns, values) {
        guard let value = text.integer(word), value >= 0 else {
          throw fail(number, line, "a count of pageblocks, not '\(text.string(word))'")
        }
        if let type = MigrateType(kernelName: name) { zones[reference, default: FreeAreaCounts(blocks: [:])].pageblocks[type] = value }
      }
    }

    /// A count, or a capped count `>N` (read as N) where allowed.
    static func count(_ text: KernelText, _ word: Range<Int>, allowingCap: Bool) -> (value: Int, capped: Bool)? {
      if allowingCap, !word.isEmpty, text.bytes[word.lowerBound] == UInt8(ascii: ">") {
        return text.integer((word.lowerBound + 1)..<word.upperBound).map { ($0, true) }
      }
      guard let value = text.integer(word), value >= 0 else { return nil }
      return (value, false)
    }

    /// Exactly `expecting` counts in `range`, and the orders of the capped ones.
    static func counts(_ text: KernelText, _ range: Range<Int>, expecting: Int, allowingCaps: Bool) -> (values: [Int], capped: [Int])? {
      var values: [Int] = []
      var capped: [Int] = []
      values.reserveCapacity(expecting)
      for word in text.fields(range, separatedBy: .blank) {
        guard let (value, isCapped) = count(text, word, allowingCap: allowingCaps) else { return nil }
        if isCapped { capped.append(values.count) }
        values.append(value)
      }
      return values.count == expecting ? (values, capped) : nil
    }
  }
}

extension MigrateType {
  /// Parses the spelling of `/proc/pagetypeinfo`.
  public init?(kernelName: String) {
    guard let type = MigrateType.allCases.first(where: { $0.kernelName == kernelName }) else { return nil }
    self = type
  }
}
