/// Parses and prints the kernel's list format for CPU and node masks (`0-3,8,10-11`).
///
/// Kernel: `bitmap_parselist()` and the `%*pbl` printk format, as in
/// `/sys/devices/system/node/online` or `nodeN/cpulist`.
public enum IDList {
  /// Parses `text` (surrounding white space ignored; an empty text is the empty list).
  ///
  /// - Returns: The ids in ascending order, without duplicates.
  /// - Throws: A description of what was expected, for the caller to locate.
  public static func parse(_ text: String, limit: Int = Topology.maxNumCPUs) throws(IDListError) -> [Int] {
    let text = KernelText(text)
    return try parse(text, text.all, limit: limit)
  }

  /// Parses the bytes of `range` in `text`, as ``parse(_:limit:)`` parses a string.
  public static func parse(_ text: KernelText, _ range: Range<Int>, limit: Int = Topology.maxNumCPUs) throws(IDListError) -> [Int] {
    let trimmed = text.trimmed(range)
    if trimmed.isEmpty { return [] }
    var ranges: [ClosedRange<Int>] = []
    var start = trimmed.lowerBound
    while start <= trimmed.upperBound {
      let end = text.firstIndex(of: UInt8(ascii: ","), in: start..<trimmed.upperBound) ?? trimmed.upperBound
      let piece = text.trimmed(start..<end)
      let dash = text.firstIndex(of: UInt8(ascii: "-"), in: piece)
      let lowRange = piece.lowerBound..<(dash ?? piece.upperBound)
      let highRange = dash.map { ($0 + 1)..<piece.upperBound } ?? lowRange
      guard highRange.lowerBound == lowRange.lowerBound || text.firstIndex(of: UInt8(ascii: "-"), in: highRange) == nil,
        let low = text.integer(lowRange), low >= 0, let high = text.integer(highRange), high >= low
      else { throw IDListError(piece: text.string(piece)) }
      guard high < limit else { throw IDListError(piece: text.string(piece), reason: "an id below \(limit)") }
      ranges.append(low...high)
      start = end + 1
    }
    // Overlapping ranges are merged first, so a list repeating `0-8191` costs no more than one.
    ranges.sort { $0.lowerBound < $1.lowerBound }
    var result: [Int] = []
    for range in ranges {
      let start = Swift.max(range.lowerBound, (result.last ?? -1) + 1)
      if start <= range.upperBound { result += start...range.upperBound }
    }
    return result
  }

  /// Prints ids in the kernel's list format, ranges collapsed.
  public static func format(_ ids: some Sequence<Int>) -> String {
    let sorted = Set(ids).sorted()
    var parts: [String] = []
    var index = 0
    while index < sorted.count {
      var end = index
      while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
      parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
      index = end + 1
    }
    return parts.joined(separator: ",")
  }
}

/// A list in the kernel's `0-3,8` format did not parse.
public struct IDListError: Error, Hashable, Sendable {
  public var piece: String
  public var reason: String = "a list like '0-3,8' of non-negative ids"
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    var slice = Substring(self)
    while let first = slice.first, first.isWhitespace { slice.removeFirst() }
    while let last = slice.last, last.isWhitespace { slice.removeLast() }
    return String(slice)
  }
}
