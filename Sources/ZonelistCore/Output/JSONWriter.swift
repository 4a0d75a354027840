/// JSON streamed to a ``ByteWriter`` in the layout of Foundation's `JSONEncoder` with
/// `[.prettyPrinted, .sortedKeys]` (two-space indent, `"key" : value`, an empty container as
/// `[` LF LF indent `]`, `/` escaped as `\/`), byte for byte, without building a tree.
///
/// The caller writes each object's keys in sorted order (``sortedKeys(_:)`` for dictionaries).
public struct JSONWriter {
  public var out: ByteWriter
  private var depth = 0
  /// Whether the innermost open container has no member yet.
  private var empty = true
  /// Where the element being written starts (between ``startElement(maximum:)`` and ``endElement(at:)``).
  private var elementStart = UnsafeMutablePointer<UInt8>(bitPattern: 1)!

  public init(_ out: ByteWriter) { self.out = out }

  public mutating func beginObject() { open(UInt8(ascii: "{")) }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray() { open(UInt8(ascii: "[")) }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  /// Starts an object member; its value follows.
  public mutating func key(_ name: String) {
    separate()
    writeString(name)
    out.write(" : ")
  }

  /// Starts an array element; its value follows.
  public mutating func element() { separate() }

  public mutating func value(_ number: Int) { out.write(number) }
  public mutating func value(_ flag: Bool) { out.write(flag ? "true" : "false") }
  public mutating func value(_ text: String) { writeString(text) }

  /// `key : value` for each present value (an absent one is left out, as `encodeIfPresent`).
  public mutating func member(_ name: String, _ number: Int?) {
    guard let number else { return }
    key(name)
    value(number)
  }
  public mutating func member(_ name: String, _ text: String?) {
    guard let text else { return }
    key(name)
    value(text)
  }
  public mutating func member(_ name: String, _ flag: Bool) {
    key(name)
    value(flag)
  }
  /// An array of strings.
  public mutating func member(_ name: String, _ texts: [String]?) {
    guard let texts else { return }
    key(name)
    beginArray()
    for text in texts {
      element()
      value(text)
    }
    endArray()
  }

  /// An array of integers.
  public mutating func member(_ name: String, _ numbers: [Int]?) {
    guard let numbers else { return }
    key(name)
    beginArray()
    for number in numbers {
      var bytes = startElement(maximum: ByteWriter.maximumDecimalCount)
      bytes += ByteWriter.storeDecimal(number, at: bytes)
      endElement(at: bytes)
    }
    endArray()
  }

  /// An array of zones, each as its `N:Zone` string (``ZoneReference/description``).
  public mutating func member(_ name: String, _ zones: ZoneNames?) {
    guard let zones else { return }
    key(name)
    beginArray()
    let starts = Self.zoneNameStart
    Self.zoneNameBytes.withUnsafeBufferPointer { names in
      for zone in zones.zones {
        let zoneName = UnsafeBufferPointer(rebasing: names[starts[zone.type.rawValue]..<starts[zone.type.rawValue + 1]])
        var bytes = startElement(maximum: ByteWriter.maximumDecimalCount + zoneName.count + 3)
        bytes[0] = UInt8(ascii: "\"")
        bytes += 1 + ByteWriter.storeDecimal(zone.node.rawValue, at: bytes + 1)
        bytes[0] = UInt8(ascii: ":")
        (bytes + 1).update(from: zoneName.baseAddress!, count: zoneName.count)
        bytes += 1 + zoneName.count
        bytes[0] = UInt8(ascii: "\"")
        endElement(at: bytes + 1)
      }
    }
    endArray()
  }

  /// Every zone type's name, one after the other, and where each starts (by raw value, then the end).
  private static let zoneNameBytes = Array(ZoneType.allCases.map(\.kernelName).joined().utf8)
  private static let zoneNameStart = ZoneType.allCases.reduce(into: [0]) { $0.append($0.last! + $1.kernelName.utf8.count) }

  /// Dictionary keys in the order `.sortedKeys` writes them.
  public static func sortedKeys<Value>(_ dictionary: [String: Value]) -> [String] { dictionary.keys.sorted() }

  private mutating func open(_ bracket: UInt8) {
    out.write(byte: bracket)
    depth += 1
    empty = true
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    out.write(byte: UInt8(ascii: "\n"))
    if empty { out.write(byte: UInt8(ascii: "\n")) }
    out.write(repeating: UInt8(ascii: " "), count: 2 * depth)
    out.write(byte: bracket)
    empty = false
  }

  /// `,` (after a member), LF and the indent, in one write.
  private mutating func separate() { endElement(at: startElement(maximum: 0)) }

  /// Starts an array element or member: stores the separator and indent into room for them and
  /// `maximum` more bytes, and returns where those go; ``endElement(at:)`` says where they ended.
  private mutating func startElement(maximum: Int) -> UnsafeMutablePointer<UInt8> {
    let indent = 2 * depth
    var bytes = out.reserving(indent + 2 + maximum)
    elementStart = bytes
    if !empty {
      bytes[0] = UInt8(ascii: ",")
      bytes += 1
    }
    bytes[0] = UInt8(ascii: "\n")
    (bytes + 1).update(repeating: UInt8(ascii: " "), count: indent)
    empty = false
    return bytes + 1 + indent
  }

  private mutating func endElement(at end: UnsafeMutablePointer<UInt8>) { out.commit(end - elementStart) }

  private mutating func writeString(_ text: String) {
    var text = text
    // Most strings need no escape: written whole between their quotes.
    let written = text.withUTF8 { utf8 -> Bool in
      guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/") })
      else { return false }
      out.write(upTo: utf8.count + 2) { bytes in
        bytes[0] = UInt8(ascii: "\"")
        if let source = utf8.baseAddress { (bytes + 1).update(from: source, count: utf8.count) }
        bytes[utf8.count + 1] = UInt8(ascii: "\"")
        return utf8.count + 2
      }
      return true
    }
    if !written { writeEscaped(text) }
  }

  private mutating func writeEscaped(_ text: String) {
    out.write(byte: UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.write("\\\"")
      case UInt8(ascii: "\\"): out.write("\\\\")
      case UInt8(ascii: "/"): out.write("\\/")
      case 0x08: out.write("\\b")
      case 0x0C: out.write("\\f")
      case 0x0A: out.write("\\n")
      case 0x0D: out.write("\\r")
      case 0x09: out.write("\\t")
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.write("\\u00")
        out.write(byte: hex[Int(byte >> 4)])
        out.write(byte: hex[Int(byte & 0xF)])
      default: out.write(byte: byte)
      }
    }
    out.write(byte: UInt8(ascii: "\""))
  }
}
