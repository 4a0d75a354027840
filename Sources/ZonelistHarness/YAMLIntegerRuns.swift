/// A flow sequence of plain decimal integers (`[10, 20, 30]`) read straight from the bytes.
///
/// Each element is a plain scalar whose text is exactly `String(value)` (`0`, `-7`, `123`;
/// never `+1`, `007`, `-0` or more than 18 digits), which a reader turns back with `Int(_:)`
/// into `value`; Yams resolves every such scalar to neither a bool nor `=`.
struct YAMLIntegerRun: Equatable, Sendable {
  var values: [Int]
  /// One entry per line break inside the sequence: the index of the element after it (a
  /// break after the last element is `values.count`). Ascending.
  var breaks: [Int] = []

  /// Lines between the line of the `[` and the line of element `index`.
  func lineOffset(of index: Int) -> Int {
    // The number of breaks at or before `index`.
    var low = 0
    var high = breaks.count
    while low < high {
      let middle = (low + high) / 2
      if breaks[middle] <= index { low = middle + 1 } else { high = middle }
    }
    return low
  }
}

/// The text libyaml reads in place of a YAML text whose large flow sequences of plain decimal
/// integers were read by ``find(in:minimumCount:)``: each such sequence is emptied to its
/// brackets (with its line breaks kept, so that every line number stays the same), and the
/// sequences themselves are kept as ``YAMLIntegerRun``s.
///
/// A `[` is taken for a flow sequence by the bytes alone; ``YAMLComposer`` checks that libyaml
/// reads an empty flow sequence at each kept `[` and `]` (not a quoted or plain scalar, a
/// comment, a block scalar) and gives up otherwise. The bytes between the brackets are then
/// scalars, commas, spaces and line breaks only, which libyaml reads the same way wherever a
/// flow sequence starts; what follows the `]` reads as before (columns after it on its line
/// move left, which matters only to a key, and the composer gives up on a sequence as a key).
struct YAMLIntegerRuns {
  /// The text with every run emptied.
  var text: [UInt8] = []
  var runs: [YAMLIntegerRun] = []
  /// libyaml's `mark.index` (characters from the start, CR LF two) of each run's `[` and `]` in ``text``.
  var opens: [Int] = []
  var closes: [Int] = []

  /// The runs of at least `minimumCount` integers in `bytes`, `nil` when there is none.
  static func find(in bytes: UnsafeBufferPointer<UInt8>, minimumCount: Int) -> YAMLIntegerRuns? {
    var result = YAMLIntegerRuns()
    var copied = 0
    var characters = 0
    var position = 0
    // Every candidate reads into one buffer; a run keeps an array of its own size.
    var values: [Int] = []
    while let open = bytes[position...].firstIndex(of: UInt8(ascii: "[")) {
      var scanner = RunScanner(bytes: bytes, position: open + 1)
      values.removeAll(keepingCapacity: true)
      guard scanner.scanElements(into: &values), values.count >= Swift.max(minimumCount, 1) else {
        position = open + 1
        continue
      }
      let close = scanner.position - 1
      result.append(bytes[copied...open], counting: &characters)
      result.opens.append(characters - 1)
      // The line breaks, then the `]` in its column (the text before it on its line is ASCII).
      if !scanner.breaks.isEmpty {
        result.text.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: scanner.breaks.count))
        result.text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: close - scanner.lineStart))
        characters += scanner.breaks.count + close - scanner.lineStart
      }
      result.text.append(UInt8(ascii: "]"))
      result.closes.append(characters)
      characters += 1
      // A copy of its own size (`Array(values)` would share the buffer and its spare capacity).
      let run = [Int](unsafeUninitializedCapacity: values.count) { copy, count in
        count = copy.initialize(fromContentsOf: values)
      }
      result.runs.append(YAMLIntegerRun(values: run, breaks: scanner.breaks))
      copied = close + 1
      position = copied
    }
    guard !result.runs.isEmpty else { return nil }
    result.append(bytes[copied...], counting: &characters)
    return result
  }

  private mutating func append(_ slice: Slice<UnsafeBufferPointer<UInt8>>, counting characters: inout Int) {
    text.append(contentsOf: slice)
    // libyaml counts a character per UTF-8 sequence (it refuses malformed UTF-8 anyway).
    for byte in slice where byte & 0xC0 != 0x80 { characters += 1 }
  }
}

/// Reads `int (, int)* ,? ]` after a `[`, with spaces and line breaks (LF, CR LF) around the
/// elements and commas; anything else (a comment, a tab, a lone CR, any other scalar) declines.
private struct RunScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  var position: Int
  /// ``YAMLIntegerRun/breaks``, as the elements are read.
  var breaks: [Int] = []
  /// The number of elements read.
  private var count = 0
  /// Where the line of the `]` starts.
  var lineStart = 0

  init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
    self.bytes = bytes
    self.position = position
  }

  /// Reads through the closing `]`; false where the text is anything else.
  mutating func scanElements(into values: inout [Int]) -> Bool {
    guard skipBlanks() else { return false }
    while true {
      guard let value = integer() else { return false }
      values.append(value)
      count += 1
      guard skipBlanks(), position < bytes.count else { return false }
      switch bytes[position] {
      case UInt8(ascii: "]"):
        position += 1
        return true
      case UInt8(ascii: ","):
        position += 1
        guard skipBlanks(), position < bytes.count else { return false }
        // A trailing comma: `[1, 2, ]` is two elements.
        if bytes[position] == UInt8(ascii: "]") {
          position += 1
          return true
        }
      default:
        return false
      }
    }
  }

  /// Skips spaces and line breaks; false at a lone CR (kept for libyaml).
  mutating func skipBlanks() -> Bool {
    while position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: " "):
        position += 1
      case UInt8(ascii: "\n"):
        position += 1
        lineBreak()
      case UInt8(ascii: "\r"):
        guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\n") else { return false }
        position += 2
        lineBreak()
      default:
        return true
      }
    }
    return true
  }

  private mutating func lineBreak() {
    breaks.append(count)
    lineStart = position
  }

  /// `0`, or an optional `-` and 1 to 18 digits without a leading zero.
  mutating func integer() -> Int? {
    var negative = false
    if position < bytes.count, bytes[position] == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    var value = 0
    var digits = 0
    while position < bytes.count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
      // No leading zero, and at most 18 digits (which cannot overflow).
      guard digits < 18, digits == 0 || value != 0 else { return nil }
      value = value &* 10 &+ Int(digit)
      digits += 1
      position += 1
    }
    guard digits > 0, !(negative && value == 0) else { return nil }
    return negative ? -value : value
  }
}
