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

  private mutating func separate() {
    if !empty { out.write(byte: UInt8(ascii: ",")) }
    out.write(byte: UInt8(ascii: "\n"))
    out.write(repeating: UInt8(ascii: " "), count: 2 * depth)
    empty = false
  }

  private mutating func writeString(_ text: String) {
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
