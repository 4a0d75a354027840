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
  /// Array elements already rendered: a 1024-node build writes a million zones and a million
  /// node ids, each one of about a thousand texts.
  private let renderedZones = RenderedElements()
  private let renderedNumbers = RenderedElements()

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
    writeElements(numbers, through: renderedNumbers, key: { $0 }, maximum: ByteWriter.maximumDecimalCount) {
      ByteWriter.storeDecimal($0, at: $1)
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
      /// `"N:Zone"` at `start`; returns how many bytes that took.
      func store(_ zone: ZoneReference, at start: UnsafeMutablePointer<UInt8>) -> Int {
        let zoneName = UnsafeBufferPointer(rebasing: names[starts[zone.type.rawValue]..<starts[zone.type.rawValue + 1]])
        var bytes = start
        bytes[0] = UInt8(ascii: "\"")
        bytes += 1 + ByteWriter.storeDecimal(zone.node.rawValue, at: bytes + 1)
        bytes[0] = UInt8(ascii: ":")
        (bytes + 1).update(from: zoneName.baseAddress!, count: zoneName.count)
        bytes += 1 + zoneName.count
        bytes[0] = UInt8(ascii: "\"")
        return bytes + 1 - start
      }
      writeElements(
        zones.walk, through: renderedZones,
        // Type-major: a list's zones of one type (most are Normal) are neighbours in the table.
        key: { $0.node.rawValue >= 0 && $0.node.rawValue < Self.nodesPerZoneType ? $0.type.rawValue &* Self.nodesPerZoneType &+ $0.node.rawValue : -1 },
        maximum: ByteWriter.maximumDecimalCount + Self.longestZoneName + 3, store)
    }
    endArray()
  }

  /// Zones of nodes below this are rendered once (``RenderedElements``), keyed type-major.
  private static let nodesPerZoneType = RenderedElements.keyLimit / 8
  private static let longestZoneName = ZoneType.allCases.map(\.kernelName.utf8.count).max()!

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

  /// Array elements, each copied from its rendering in `table` under `key` (made the first time
  /// by `store`, which writes at most `maximum` bytes), or written by `store` when it has none.
  /// Runs of elements share one reservation of the output.
  @inline(__always) private mutating func writeElements<Elements: Sequence>(
    _ elements: Elements, through table: RenderedElements, key: (Elements.Element) -> Int, maximum: Int,
    _ store: (Elements.Element, UnsafeMutablePointer<UInt8>) -> Int
  ) {
    let indent = 2 * depth
    let room = max(2 * RenderedElements.slotSize, 2 + indent + maximum)
    let runRoom = 4096 * room
    // `,` LF and the indent as one 16-byte store (and LF and the indent, for the first element);
    // a deeper array writes each element the long way.
    let prefixLength = 2 + indent
    let renders = prefixLength <= RenderedElements.slotSize
    var prefix = SIMD16<UInt8>(repeating: UInt8(ascii: " "))
    (prefix[0], prefix[1]) = (UInt8(ascii: ","), UInt8(ascii: "\n"))
    var firstPrefix = SIMD16<UInt8>(repeating: UInt8(ascii: " "))
    firstPrefix[0] = UInt8(ascii: "\n")
    var start = out.reserving(runRoom)
    var end = start
    var first = empty ? 1 : 0
    for element in elements {
      if end - start > runRoom - room {
        out.commit(end - start)
        start = out.reserving(runRoom)
        end = start
      }
      let slotKey = renders ? key(element) : -1
      if let slot = table.slot(slotKey) ?? table.render(slotKey, { store(element, $0) }) {
        UnsafeMutableRawPointer(end).storeBytes(of: first == 1 ? firstPrefix : prefix, as: SIMD16<UInt8>.self)
        end += prefixLength - first
        let text = slot.load(as: SIMD16<UInt8>.self)
        UnsafeMutableRawPointer(end).storeBytes(of: text, as: SIMD16<UInt8>.self)
        end += Int(text[RenderedElements.slotSize - 1])
      } else {
        if first == 0 {
          end[0] = UInt8(ascii: ",")
          end += 1
        }
        end[0] = UInt8(ascii: "\n")
        (end + 1).update(repeating: UInt8(ascii: " "), count: indent)
        end += 1 + indent
        end += store(element, end)
      }
      first = 0
    }
    out.commit(end - start)
    empty = first == 1
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

/// Array elements rendered once each, for writers that repeat them: each element's text in a
/// slot of ``slotSize`` bytes whose last byte is its length (the separator and indent are the
/// writer's). Keys are small non-negative integers (below ``keyLimit``); an element that does
/// not fit its slot, or a key out of range, is not kept and the caller writes it the long way.
/// Small slots keep a thousand nodes' renderings within the first-level cache.
private final class RenderedElements {
  static let slotSize = 16
  static let keyLimit = 1 << 16
  private var slots = UnsafeMutableRawPointer.allocate(byteCount: slotSize, alignment: slotSize)
  private var capacity = 0

  deinit { slots.deallocate() }

  /// The rendering of `key`, if it was made and fits its slot.
  @inline(__always) func slot(_ key: Int) -> UnsafeRawPointer? {
    guard key >= 0, key < capacity else { return nil }
    let slot = slots + key &* Self.slotSize
    let length = slot.load(fromByteOffset: Self.slotSize - 1, as: UInt8.self)
    return length == 0 || length == UInt8.max ? nil : UnsafeRawPointer(slot)
  }

  /// Renders `key` with `render` (which stores the text at the pointer given and returns its
  /// length) unless it was tried before; nil when it does not fit or `key` is out of range.
  func render(_ key: Int, _ render: (UnsafeMutablePointer<UInt8>) -> Int) -> UnsafeRawPointer? {
    guard key >= 0, key < Self.keyLimit else { return nil }
    if key >= capacity { prepare(toHold: key) }
    let slot = slots + key &* Self.slotSize
    if slot.load(fromByteOffset: Self.slotSize - 1, as: UInt8.self) != 0 { return self.slot(key) }
    // Rendered into a scratch buffer as large as any element: the slot keeps it only if it fits.
    var scratch = [UInt8](repeating: 0, count: 64)
    let count = scratch.withUnsafeMutableBufferPointer { render($0.baseAddress!) }
    guard count < Self.slotSize else {
      slot.storeBytes(of: UInt8.max, toByteOffset: Self.slotSize - 1, as: UInt8.self)
      return nil
    }
    scratch.withUnsafeBytes { slot.copyMemory(from: $0.baseAddress!, byteCount: count) }
    slot.storeBytes(of: UInt8(count), toByteOffset: Self.slotSize - 1, as: UInt8.self)
    return UnsafeRawPointer(slot)
  }

  /// Room for `key`.
  private func prepare(toHold key: Int) {
    let larger = max(key + 1, capacity * 2)
    let moved = UnsafeMutableRawPointer.allocate(byteCount: larger * Self.slotSize, alignment: Self.slotSize)
    moved.initializeMemory(as: UInt8.self, repeating: 0, count: larger * Self.slotSize)
    moved.copyMemory(from: slots, byteCount: capacity * Self.slotSize)
    slots.deallocate()
    (slots, capacity) = (moved, larger)
  }
}
