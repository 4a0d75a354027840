/// The zone headers and sizes of a `/proc/zoneinfo` text.
///
/// Kernel: `zoneinfo_show_print()` in `mm/vmstat.c`. Only the `Node N, zone NAME`
/// headers and the `spanned`, `present` and `managed` lines are read; every other line is
/// skipped, so a cut-down file with just those lines reads the same.
public struct Zoneinfo: Hashable, Sendable {
  /// One `Node N, zone NAME` block.
  public struct Entry: Hashable, Sendable {
    public var node: NodeID
    public var type: ZoneType
    public var size: ZoneSize
    /// The `high` watermark line, when present (boost included), for rebuild totals.
    public var high: Pages?
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
    var entries: [Entry] = []
    var current: (entry: Entry, seen: Set<String>)? = nil
    func finish() throws(ImportError) {
      guard let (entry, seen) = current else { return }
      for key in ["spanned", "present", "managed"] where !seen.contains(key) {
        throw ImportError(
          file: file, line: entry.line, text: "Node \(entry.node), zone \(entry.type.kernelName)",
          expected: "a '\(key)' line in this zone's block")
      }
      entries.append(entry)
    }
    var keys = Set<String>()
    var currentCPU: CPUID? = nil
    var totalPresent = 0
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      let line = String(rawLine)
      if line.hasPrefix("Node ") {
        try finish()
        // "Node 0, zone      DMA"
        let parts = line.dropFirst(5).split(separator: ",", maxSplits: 1)
        guard parts.count == 2, let id = Int(parts[0].trimmingWhitespace()), id >= 0, id < Topology.maxNumNodes else {
          throw ImportError(file: file, line: lineNumber, text: line, expected: "a 'Node N, zone NAME' header with N in 0...1023")
        }
        let zonePart = parts[1].trimmingWhitespace()
        guard zonePart.hasPrefix("zone") else {
          throw ImportError(file: file, line: lineNumber, text: line, expected: "a 'Node N, zone NAME' header")
        }
        let name = String(zonePart.dropFirst(4)).trimmingWhitespace()
        guard let type = ZoneType(kernelName: name) else {
          throw ImportError(
            file: file, line: lineNumber, text: line,
            expected: "a zone name (DMA, DMA32, Normal, HighMem, Movable, Device)")
        }
        let key = "\(id):\(type.rawValue)"
        guard !keys.contains(key) else {
          throw ImportError(file: file, line: lineNumber, text: line, expected: "each node's zone once")
        }
        keys.insert(key)
        current = (Entry(node: NodeID(id), type: type, size: .empty, high: nil, line: lineNumber), [])
        currentCPU = nil
        continue
      }
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      if var (entry, seen) = current {
        if fields.count == 3, fields[0] == "pages", fields[1] == "free" {
          guard let value = Int(fields[2]), value >= 0, value <= Pages.physicalLimit.rawValue else {
            throw ImportError(file: file, line: lineNumber, text: line, expected: "'pages free' followed by a page count")
          }
          entry.free = Pages(value)
          current = (entry, seen)
          continue
        }
        if fields.count == 2, fields[0] == "cpu:", let cpu = Int(fields[1]) {
          currentCPU = cpu
          continue
        }
        if fields.count == 2, fields[0] == "count:" || fields[0] == "high:", currentCPU != nil, let value = Int(fields[1]),
          !(0...Pages.physicalLimit.rawValue).contains(value)
        {
          throw ImportError(file: file, line: lineNumber, text: line, expected: "'\(fields[0])' followed by a page count, \(Pages.physicalLimitText)")
        }
        if fields.count == 2, fields[0] == "count:", let cpu = currentCPU, let value = Int(fields[1]) {
          entry.perCPUCounts[cpu] = value
          seen.insert("count")
          current = (entry, seen)
          continue
        }
        if fields.count == 2, fields[0] == "high:", let cpu = currentCPU, let value = Int(fields[1]) {
          entry.perCPUHigh[cpu] = value
          current = (entry, seen)
          continue
        }
      }
      guard fields.count == 2, ["spanned", "present", "managed", "high"].contains(String(fields[0])) else { continue }
      let key = String(fields[0])
      guard var (entry, seen) = current else {
        if key == "high" { continue }
        throw ImportError(file: file, line: lineNumber, text: line, expected: "a 'Node N, zone NAME' header before '\(key)'")
      }
      guard let value = Int(fields[1]), value >= 0 else {
        throw ImportError(file: file, line: lineNumber, text: line, expected: "'\(key)' followed by a page count")
      }
      guard value <= Pages.physicalLimit.rawValue else {
        throw ImportError(file: file, line: lineNumber, text: line, expected: "'\(key)' \(Pages.physicalLimitText)")
      }
      if key == "present" {
        totalPresent += value
        guard totalPresent <= Pages.physicalLimit.rawValue else {
          throw ImportError(
            file: file, line: lineNumber, text: line,
            expected: "present pages adding up to \(Pages.physicalLimitText) over all zones (\(totalPresent) so far)")
        }
      }
      switch key {
      case "spanned": entry.size.spanned = Pages(value)
      case "present": entry.size.present = Pages(value)
      case "managed": entry.size.managed = Pages(value)
      default: entry.high = Pages(value)
      }
      seen.insert(key)
      current = (entry, seen)
    }
    try finish()
    guard !entries.isEmpty else {
      throw ImportError(file: file, line: 0, text: "", expected: "at least one 'Node N, zone NAME' block")
    }
    self.entries = entries
  }

  /// The zones of `node`.
  public func zones(of node: NodeID) -> [ZoneType: ZoneSize] {
    Dictionary(entries.filter { $0.node == node }.map { ($0.type, $0.size) }, uniquingKeysWith: { a, _ in a })
  }
  /// Nodes named in the file, ascending.
  public var nodes: [NodeID] { Set(entries.map(\.node)).sorted() }
}
