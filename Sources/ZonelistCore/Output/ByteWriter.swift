/// The one buffered writer every text output goes through (`kernel-log`, `mminit`, `table`,
/// `zoneinfo`, `json`): UTF-8 bytes appended to a buffer that is handed to a sink when full,
/// numbers written as digits without a `String` each.
///
/// The sink does the I/O (the CLI's standard output); without one the writer collects
/// everything, for a caller that wants the text (``string``).
public struct ByteWriter {
  public private(set) var buffer: [UInt8] = []
  private let capacity: Int
  private let sink: (([UInt8]) -> Void)?

  /// A writer that hands its bytes to `sink` in chunks of about `capacity` bytes.
  public init(capacity: Int = 1 << 16, sink: @escaping ([UInt8]) -> Void) {
    self.capacity = capacity
    self.sink = sink
    buffer.reserveCapacity(capacity + 256)
  }

  /// A writer that keeps everything written (``string``).
  public init() {
    capacity = .max
    sink = nil
  }

  /// What was written, for a writer without a sink.
  public var string: String { String(decoding: buffer, as: UTF8.self) }

  public mutating func write(_ text: String) {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    flushIfFull()
  }

  public mutating func write(_ text: Substring) {
    buffer.append(contentsOf: text.utf8)
    flushIfFull()
  }

  public mutating func write(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    flushIfFull()
  }

  public mutating func write(byte: UInt8) {
    buffer.append(byte)
  }

  /// `value` in decimal, as `String(value)` spells it.
  public mutating func write(_ value: Int) {
    if value < 0 {
      buffer.append(UInt8(ascii: "-"))
      if value == .min {
        write("9223372036854775808")
        return
      }
    }
    var magnitude = value.magnitude
    let start = buffer.count
    repeat {
      buffer.append(UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30)
      magnitude /= 10
    } while magnitude > 0
    buffer[start...].reverse()
    flushIfFull()
  }

  /// `count` copies of `byte` (padding).
  public mutating func write(repeating byte: UInt8, count: Int) {
    if count > 0 { buffer.append(contentsOf: repeatElement(byte, count: count)) }
  }

  @inline(__always) private mutating func flushIfFull() {
    if buffer.count >= capacity { flush() }
  }

  /// Hands what is buffered to the sink.
  public mutating func flush() {
    guard let sink, !buffer.isEmpty else { return }
    sink(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// The lines a body writes, without their LFs: for callers that want lines.
  public static func lines(_ body: (inout ByteWriter) -> Void) -> [String] {
    var writer = ByteWriter()
    body(&writer)
    var lines = writer.string.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// The text a body writes.
  public static func text(_ body: (inout ByteWriter) -> Void) -> String {
    var writer = ByteWriter()
    body(&writer)
    return writer.string
  }
}
