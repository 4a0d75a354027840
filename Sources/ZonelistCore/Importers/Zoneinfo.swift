/// The zone headers and sizes of a `/proc/zoneinfo` text.
///
/// Kernel: `zoneinfo_show_print()` in `mm/vmstat.c`. The `Node N, zone NAME` headers and
/// the `spanned`, `present` and `managed` lines are required; the watermark lines (`boost`,
/// `min`, `low`, `high`, `protection:`), `pages free` and the page sets' `cpu:`, `count:` and
/// `high:` are read where present; every other line is skipped, so a cut-down file with just
/// the size lines reads the same.
public struct Zoneinfo: Hashable, Sendable {
  /// One `Node N, zone NAME` block.
  public struct Entry: Hashable, Sendable {
    public var node: NodeID
    public var type: ZoneType
    public var size: ZoneSize
    /// The `high` watermark line, when present (boost included), for rebuild totals.
    public var high: Pages?
    /// The `min` and `low` watermark lines (boost included, as `high`), when present.
    public var min: Pages?
    public var low: Pages?
    /// The `boost` line (`zone->watermark_boost`), when present.
    public var boost: Pages?
    /// The `protection:` line (`zone->lowmem_reserve[]`, one entry per zone type), when present.
    public var protection: [Int]?
    /// `pages free` (run-time state), for a simulation's starting point.
    public var free: Pages?
    /// Each online CPU's `count:` (pages on its per-CPU list), for a simulation's starting point.
    public var perCPUCounts: [CPUID: Int] = [:]
    /// Each online CPU's `high:` (run-time state from 6.7), for a simulation's starting point.
    public var perCPUHigh: [CPUID: Int] = [:]
    /// Line of the header, 1-based.
    public var line: Int
  }
  public var entries: [Entry]

  /// Parses `text`, naming `file` in errors.
  ///
  /// - Throws: ``ImportError`` for a malformed header, an unknown zone name, a zone given
  ///   twice, a size line outside a zone, or a zone missing a size line.
  public init(parsing text: String, file: String = "/proc/zoneinfo") throws(ImportError) {
    try self.init(parsing: KernelText(text), file: file)
  }

  /// Parses the bytes of `text` (as ``init(parsing:file:)-(String,_)`` parses a string).
  public init(parsing text: KernelText, file: String = "/proc/zoneinfo") throws(ImportError) {
    var reader = Reader(text: text, file: file)
    for (number, line) in text.lines {
      try reader.read(line, number: number)
    }
    try reader.finish()
    guard !reader.entries.isEmpty else {
      throw ImportError(file: file, line: 0, text: "", expected: "at least one 'Node N, zone NAME' block")
    }
    self.entries = reader.entries
  }

  /// The zones of `node`.
  public func zones(of node: NodeID) -> [ZoneType: ZoneSize] {
    Dictionary(entries.filter { $0.node == node }.map { ($0.type, $0.size) }, uniquingKeysWith: { a, _ in a })
  }
  /// The zones of every node named, in one pass: `zones(of: n)` is `zonesByNode()[n] ?? [:]`.
  public func zonesByNode() -> [NodeID: [ZoneType: ZoneSize]] {
    var zones: [NodeID: [ZoneType: ZoneSize]] = [:]
    for entry in entries where zones[entry.node]?[entry.type] == nil { zones[entry.node, default: [:]][entry.type] = entry.size }
    return zones
  }
  /// Nodes named in the file, ascending.
  public var nodes: [NodeID] { Set(entries.map(\.node)).sorted() }
}

extension Zoneinfo {
  /// The parser's state between lines.
  private struct Reader {
    let text: KernelText
    let file: String
    var entries: [Entry] = []
    /// The zone being read, and which of its size lines were seen (bits of ``SizeKey``).
    var current: Entry? = nil
    /// Whether ``current`` holds a zone (asked on every line: testing `current` copies the entry).
    var inZone = false
    var seen: UInt8 = 0
    /// Which node and zone headers were seen, by `node * 8 + zone type`.
    var headers = [Bool](repeating: false, count: Topology.maxNumNodes * 8)
    var currentCPU: CPUID? = nil
    var totalPresent = 0

    enum SizeKey: Int, CaseIterable {
      case spanned, present, managed, high, cma, min, low, boost
      /// Every key, kept: `allCases` makes a new array on each use.
      static let all = allCases
      static let names = allCases.map { Array("\($0)".utf8) }
    }
    static let zoneTypes = ZoneType.allCases
    static let node = Array("Node ".utf8), zone = Array("zone".utf8)
    static let pages = Array("pages".utf8), free = Array("free".utf8), cpu = Array("cpu:".utf8)
    static let count = Array("count:".utf8), pcpHigh = Array("high:".utf8), protection = Array("protection:".utf8)

    func fail(_ number: Int, _ line: Range<Int>, _ expected: String) -> ImportError {
      ImportError(file: file, line: number, text: text.string(line), expected: expected)
    }

    mutating func finish() throws(ImportError) {
      guard let entry = current else { return }
      for key in SizeKey.all.prefix(3) where seen & (1 << key.rawValue) == 0 {
        throw ImportError(
          file: file, line: entry.line, text: "Node \(entry.node), zone \(entry.type.kernelName)",
          expected: "a '\(key)' line in this zone's block")
      }
      entries.append(entry)
    }

    mutating func read(_ line: Range<Int>, number: Int) throws(ImportError) {
      if text.hasPrefix(line, Self.node) {
        try finish()
        try header(line, number: number)
        return
      }
      let words = text.words(line)
      if inZone, try perCPU(words, line, number: number) { return }
      if inZone, words.count >= 2, text.equals(words[0], Self.protection) {
        let values = try protection(words[0].upperBound..<line.upperBound, line, number: number)
        current?.protection = values
        return
      }
      guard words.count == 2, let key = SizeKey.all.first(where: { text.equals(words[0], SizeKey.names[$0.rawValue]) })
      else { return }
      guard inZone else {
        if key.rawValue >= SizeKey.high.rawValue { return }
        throw fail(number, line, "a 'Node N, zone NAME' header before '\(key)'")
      }
      guard let value = text.integer(words[1]), value >= 0 else { throw fail(number, line, "'\(key)' followed by a page count") }
      guard value <= Pages.physicalLimit.rawValue else { throw fail(number, line, "'\(key)' \(Pages.physicalLimitText)") }
      // The zone is changed in place (a copy of an entry and its per-CPU tables per line is most of the time).
      switch key {
      case .spanned: current!.size.spanned = Pages(value)
      case .present:
        current!.size.present = Pages(value)
        totalPresent += value
        guard totalPresent <= Pages.physicalLimit.rawValue else {
          throw fail(
            number, line, "present pages adding up to \(Pages.physicalLimitText) over all zones (\(totalPresent) so far)")
        }
      case .managed: current!.size.managed = Pages(value)
      case .high: current!.high = Pages(value)
      case .cma: if value > 0 { current!.size.cma = Pages(value) }
      case .min: current!.min = Pages(value)
      case .low: current!.low = Pages(value)
      case .boost: current!.boost = Pages(value)
      }
      seen |= 1 << key.rawValue
    }

    /// "Node 0, zone      DMA"
    mutating func header(_ line: Range<Int>, number: Int) throws(ImportError) {
      let rest = (line.lowerBound + Self.node.count)..<line.upperBound
      let comma = text.firstIndex(of: UInt8(ascii: ","), in: rest)
      guard let comma, comma + 1 < rest.upperBound, let id = text.integer(text.trimmed(rest.lowerBound..<comma)), id >= 0,
        id < Topology.maxNumNodes
      else { throw fail(number, line, "a 'Node N, zone NAME' header with N in 0...1023") }
      let zonePart = text.trimmed((comma + 1)..<rest.upperBound)
      guard text.hasPrefix(zonePart, Self.zone) else { throw fail(number, line, "a 'Node N, zone NAME' header") }
      let name = text.trimmed((zonePart.lowerBound + Self.zone.count)..<zonePart.upperBound)
      guard let type = Self.zoneTypes.first(where: { text.equalsIgnoringASCIICase(name, $0.kernelNameBytes) }) else {
        throw fail(number, line, "a zone name (DMA, DMA32, Normal, HighMem, Movable, Device)")
      }
      guard !headers[id * 8 + type.rawValue] else { throw fail(number, line, "each node's zone once") }
      headers[id * 8 + type.rawValue] = true
      current = Entry(node: NodeID(id), type: type, size: .empty, high: nil, line: number)
      inZone = true
      seen = 0
      currentCPU = nil
    }

    /// "(0, 183, 183, 183, 183)": the page counts between the parentheses.
    func protection(_ rest: Range<Int>, _ line: Range<Int>, number: Int) throws(ImportError) -> [Int] {
      let list = text.trimmed(rest)
      let expected = "'protection:' followed by page counts in parentheses, as '(0, 183, 183)'"
      guard list.count >= 2, text.bytes[list.lowerBound] == UInt8(ascii: "("), text.bytes[list.upperBound - 1] == UInt8(ascii: ")")
      else { throw fail(number, line, expected) }
      var values: [Int] = []
      var start = list.lowerBound + 1
      while start <= list.upperBound - 1 {
        let end = text.firstIndex(of: UInt8(ascii: ","), in: start..<(list.upperBound - 1)) ?? list.upperBound - 1
        guard let value = text.integer(text.trimmed(start..<end)), value >= 0, value <= Pages.physicalLimit.rawValue else {
          throw fail(number, line, expected)
        }
        values.append(value)
        start = end + 1
      }
      return values
    }

    /// `pages free`, and a page set's `cpu:`, `count:` and `high:`; whether the line was one.
    mutating func perCPU(_ words: KernelText.Words, _ line: Range<Int>, number: Int) throws(ImportError) -> Bool {
      if words.count == 3, text.equals(words[0], Self.pages), text.equals(words[1], Self.free) {
        guard let value = text.integer(words[2]), value >= 0, value <= Pages.physicalLimit.rawValue else {
          throw fail(number, line, "'pages free' followed by a page count")
        }
        current?.free = Pages(value)
        return true
      }
      guard words.count == 2, let value = text.integer(words[1]) else { return false }
      if text.equals(words[0], Self.cpu) {
        currentCPU = value
        return true
      }
      let isCount = text.equals(words[0], Self.count)
      guard let cpu = currentCPU, isCount || text.equals(words[0], Self.pcpHigh) else { return false }
      guard (0...Pages.physicalLimit.rawValue).contains(value) else {
        throw fail(number, line, "'\(isCount ? "count:" : "high:")' followed by a page count, \(Pages.physicalLimitText)")
      }
      if isCount { current?.perCPUCounts[cpu] = value } else { current?.perCPUHigh[cpu] = value }
      return true
    }
  }
}

extension ZoneType {
  /// ``kernelName`` as UTF-8 bytes.
  var kernelNameBytes: [UInt8] { Self.kernelNameBytes[rawValue] }
  private static let kernelNameBytes = allCases.map { Array($0.kernelName.utf8) }
}
