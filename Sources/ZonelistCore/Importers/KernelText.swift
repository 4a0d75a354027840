/// The UTF-8 bytes of a kernel text file, read line by line and field by field without a
/// `String` per line or field.
///
/// Every reader of kernel text (sysfs lists, masks and distances, meminfo, zoneinfo,
/// pagetypeinfo, buddyinfo) works on these. The kernel prints ASCII: fields are separated by
/// ASCII white space and numbers are ASCII digits; a `String` is made only for an error's text.
public struct KernelText: Hashable, Sendable {
  public var bytes: [UInt8]

  public init(_ bytes: [UInt8]) { self.bytes = bytes }
  public init(_ text: String) { bytes = Array(text.utf8) }

  /// The text of `bytes` if they are well-formed UTF-8, else nil.
  public init?(validating bytes: [UInt8]) {
    // Kernel text is ASCII: one pass over the bytes, and a full check only past ASCII.
    var ascii: UInt8 = 0
    for byte in bytes { ascii |= byte }
    guard ascii < 0x80 || String(validating: bytes, as: UTF8.self) != nil else { return nil }
    self.bytes = bytes
  }

  /// Every byte, as a range.
  public var all: Range<Int> { 0..<bytes.count }

  /// The text of `range`, for messages.
  public func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

  /// The text of `range` without surrounding white space, for messages.
  public func trimmedString(_ range: Range<Int>) -> String { string(trimmed(range)) }

  /// `range` without ASCII white space at either end.
  public func trimmed(_ range: Range<Int>) -> Range<Int> {
    var (low, high) = (range.lowerBound, range.upperBound)
    while low < high, Self.isSpace(bytes[low]) { low += 1 }
    while high > low, Self.isSpace(bytes[high - 1]) { high -= 1 }
    return low..<high
  }

  /// ASCII white space, as `Character.isWhitespace` has it for ASCII: tab, LF, VT, FF, CR, space.
  @inline(__always) public static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
  /// A space or a tab: the separators within a line of `/proc/zoneinfo` and its kin.
  @inline(__always) public static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

  /// The lines of the text, split at LF, numbered from 1; a text ending in LF has an empty last line.
  public var lines: Lines { Lines(bytes: bytes) }

  /// What separates fields.
  public enum Separator: Sendable {
    /// Runs of ASCII white space (``isSpace(_:)``).
    case space
    /// Runs of spaces and tabs (``isBlank(_:)``).
    case blank

    @inline(__always) func matches(_ byte: UInt8) -> Bool {
      switch self {
      case .space: KernelText.isSpace(byte)
      case .blank: KernelText.isBlank(byte)
      }
    }
  }

  /// The fields of `range`, split at runs of separators.
  public func fields(_ range: Range<Int>, separatedBy separator: Separator = .space) -> Fields {
    Fields(bytes: bytes, position: range.lowerBound, end: range.upperBound, separator: separator)
  }

  /// The first few fields of `range` (a line's words), without an array.
  public func words(_ range: Range<Int>, separatedBy separator: Separator = .blank) -> Words {
    var fields = self.fields(range, separatedBy: separator)
    var words = Words()
    while let field = fields.next() {
      words.append(field)
    }
    return words
  }

  /// Whether the bytes of `range` are `literal`'s.
  public func equals(_ range: Range<Int>, _ literal: [UInt8]) -> Bool {
    guard range.count == literal.count else { return false }
    var index = range.lowerBound
    for byte in literal {
      guard bytes[index] == byte else { return false }
      index += 1
    }
    return true
  }

  /// Whether the bytes of `range` are `literal`'s, ASCII letters in either case.
  public func equalsIgnoringASCIICase(_ range: Range<Int>, _ literal: [UInt8]) -> Bool {
    guard range.count == literal.count else { return false }
    var index = range.lowerBound
    for byte in literal {
      guard Self.lowercased(bytes[index]) == Self.lowercased(byte) else { return false }
      index += 1
    }
    return true
  }

  @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

  /// `range` without the trailing run of `byte`.
  public func trimmingTrailing(_ range: Range<Int>, _ byte: UInt8) -> Range<Int> {
    var high = range.upperBound
    while high > range.lowerBound && bytes[high - 1] == byte { high -= 1 }
    return range.lowerBound..<high
  }

  /// Whether `range` starts with `literal`.
  public func hasPrefix(_ range: Range<Int>, _ literal: [UInt8]) -> Bool {
    range.count >= literal.count && equals(range.lowerBound..<(range.lowerBound + literal.count), literal)
  }

  /// Whether `literal` occurs within `range`.
  public func contains(_ range: Range<Int>, _ literal: [UInt8]) -> Bool {
    guard let first = literal.first, range.count >= literal.count else { return literal.isEmpty }
    var index = range.lowerBound
    while index + literal.count <= range.upperBound {
      if bytes[index] == first && equals(index..<(index + literal.count), literal) { return true }
      index += 1
    }
    return false
  }

  /// The first index of `byte` in `range`, if any.
  public func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
    var index = range.lowerBound
    while index < range.upperBound {
      if bytes[index] == byte { return index }
      index += 1
    }
    return nil
  }

  /// The decimal integer `range` spells, as `Int(_: String)` reads it (an optional sign, then
  /// digits, nothing else), or nil (also past `Int`'s range).
  public func integer(_ range: Range<Int>) -> Int? {
    var index = range.lowerBound
    guard index < range.upperBound else { return nil }
    let negative = bytes[index] == UInt8(ascii: "-")
    if negative || bytes[index] == UInt8(ascii: "+") { index += 1 }
    guard index < range.upperBound else { return nil }
    var value = 0
    while index < range.upperBound {
      let digit = Int(bytes[index]) &- 0x30
      guard digit >= 0 && digit <= 9 else { return nil }
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
      guard !overflow1 && !overflow2 else { return nil }
      value = sum
      index += 1
    }
    return value
  }

  /// Appends the integers of `range`'s white-space separated fields to `values` (each read as
  /// ``integer(_:)`` reads it), in one pass over the bytes.
  ///
  /// - Returns: The first field that is not an integer or does not fit `Value` (`values` then
  ///   holds those before it), or nil.
  public func appendIntegers<Value: FixedWidthInteger>(_ range: Range<Int>, to values: inout [Value]) -> Range<Int>? {
    bytes.withUnsafeBufferPointer { bytes in
      var index = range.lowerBound
      let end = range.upperBound
      while true {
        while index < end && Self.isSpace(bytes[index]) { index += 1 }
        guard index < end else { return nil }
        let start = index
        var value = 0
        var digitsOnly = true
        while index < end && !Self.isSpace(bytes[index]) {
          let digit = Int(bytes[index]) &- 0x30
          if digit < 0 || digit > 9 { digitsOnly = false }
          value = value &* 10 &+ digit
          index += 1
        }
        // Up to 18 digits cannot overflow; anything else is read the slow way.
        if !digitsOnly || index - start > 18 {
          guard let parsed = integer(start..<index) else { return start..<index }
          value = parsed
        }
        guard let fitting = Value(exactly: value) else { return start..<index }
        values.append(fitting)
      }
    }
  }

  /// The hexadecimal number `range` spells (digits only, no prefix), or nil.
  public func hexadecimal(_ range: Range<Int>) -> UInt64? {
    guard !range.isEmpty, range.count <= 16 else { return nil }
    var value: UInt64 = 0
    for index in range {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x41...0x46: digit = byte - 0x41 + 10
      case 0x61...0x66: digit = byte - 0x61 + 10
      default: return nil
      }
      value = value << 4 | UInt64(digit)
    }
    return value
  }

  /// Lines split at LF.
  public struct Lines: Sequence, IteratorProtocol {
    let bytes: [UInt8]
    var position = 0
    var number = 0
    var done = false

    /// The next line's number (1-based) and bytes, without its LF.
    public mutating func next() -> (number: Int, range: Range<Int>)? {
      guard !done else { return nil }
      number += 1
      var end = position
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      let line = position..<end
      if end == bytes.count { done = true } else { position = end + 1 }
      return (number, line)
    }
  }

  /// Fields of a range.
  public struct Fields: Sequence, IteratorProtocol {
    let bytes: [UInt8]
    /// Where the next field's search starts.
    public internal(set) var position: Int
    let end: Int
    let separator: Separator

    public mutating func next() -> Range<Int>? {
      while position < end && separator.matches(bytes[position]) { position += 1 }
      guard position < end else { return nil }
      let start = position
      while position < end && !separator.matches(bytes[position]) { position += 1 }
      return start..<position
    }
  }

  /// A line's first ``capacity`` fields, and how many it has in all.
  public struct Words: Sendable {
    public static let capacity = 4
    /// How many fields the line has (may exceed ``capacity``).
    public var count = 0
    var first = 0..<0, second = 0..<0, third = 0..<0, fourth = 0..<0

    mutating func append(_ field: Range<Int>) {
      switch count {
      case 0: first = field
      case 1: second = field
      case 2: third = field
      case 3: fourth = field
      default: break
      }
      count += 1
    }

    /// Field `index`, which must be below both ``count`` and ``capacity``.
    public subscript(index: Int) -> Range<Int> {
      switch index {
      case 0: first
      case 1: second
      case 2: third
      default: fourth
      }
    }
  }
}
