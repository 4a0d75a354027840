/// The one buffered writer every text output goes through (`kernel-log`, `mminit`, `table`,
/// `zoneinfo`, `json`): UTF-8 bytes stored into a buffer that is handed to a sink when full,
/// numbers written as digits without a `String` each.
///
/// The sink does the I/O (the CLI's standard output); without one the writer collects
/// everything, for a caller that wants the text (``string``).
///
/// Every write reserves room once and stores its bytes straight into the buffer (no
/// `Array.append` per byte): the 4 MB of a 1024-node `kernel-log` and the 37 MB of its `json`
/// cost little beyond the stores. Copies of a writer share the buffer until one writes
/// (copy on write), as an array would.
public struct ByteWriter {
  private var storage: Storage
  private let capacity: Int
  private let sink: ((UnsafeRawBufferPointer) -> Void)?

  /// A writer that hands its bytes to `sink` in chunks of about `capacity` bytes.
  public init(capacity: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
    self.capacity = capacity
    self.sink = sink
    storage = Storage(allocated: capacity + 256)
  }

  /// A writer that keeps everything written (``string``).
  public init() {
    capacity = .max
    sink = nil
    storage = Storage(allocated: 256)
  }

  /// The bytes written and not yet handed to the sink.
  public var buffer: [UInt8] { Array(storage.bytes) }

  /// What was written, for a writer without a sink.
  public var string: String { String(decoding: storage.bytes, as: UTF8.self) }

  public mutating func write(_ text: String) {
    var text = text
    text.withUTF8 { write($0) }
  }

  public mutating func write(_ text: Substring) {
    var text = text
    text.withUTF8 { write($0) }
  }

  public mutating func write(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { write($0) }
  }

  public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count).update(from: source, count: bytes.count)
    storage.count += bytes.count
    flushIfFull()
  }

  public mutating func write(byte: UInt8) {
    reserve(1).pointee = byte
    storage.count += 1
  }

  /// `value` in decimal, as `String(value)` spells it.
  public mutating func write(_ value: Int) {
    write(upTo: Self.maximumDecimalCount) { Self.storeDecimal(value, at: $0) }
  }

  /// The most bytes ``storeDecimal(_:at:)`` stores: a sign and 19 digits.
  static let maximumDecimalCount = 20

  /// Stores `value` in decimal at `start`; returns how many bytes that took.
  @inline(__always) static func storeDecimal(_ value: Int, at start: UnsafeMutablePointer<UInt8>) -> Int {
    // Node ids, zone counts, most figures: below 10,000, written without a loop.
    if value >= 0 && value < 10_000 {
      return storeSmall(UInt32(truncatingIfNeeded: value), at: start)
    }
    var magnitude = value.magnitude
    var digits = 1
    var power: UInt = 10
    while digits < 19 && magnitude >= power {
      digits += 1
      power = power &* 10
    }
    let sign = value < 0 ? 1 : 0
    if sign == 1 { start.pointee = UInt8(ascii: "-") }
    var position = start + sign + digits
    repeat {
      position -= 1
      position.pointee = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
      magnitude /= 10
    } while magnitude > 0
    return sign + digits
  }

  /// `value` (below 10,000) in decimal at `start`; returns how many digits that took.
  @inline(__always) private static func storeSmall(_ value: UInt32, at start: UnsafeMutablePointer<UInt8>) -> Int {
    @inline(__always) func digit(_ d: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: d) &+ 0x30 }
    if value < 10 {
      start[0] = digit(value)
      return 1
    }
    if value < 100 {
      start[0] = digit(value / 10)
      start[1] = digit(value % 10)
      return 2
    }
    if value < 1000 {
      start[0] = digit(value / 100)
      start[1] = digit(value / 10 % 10)
      start[2] = digit(value % 10)
      return 3
    }
    start[0] = digit(value / 1000)
    start[1] = digit(value / 100 % 10)
    start[2] = digit(value / 10 % 10)
    start[3] = digit(value % 10)
    return 4
  }

  /// `count` copies of `byte` (padding).
  public mutating func write(repeating byte: UInt8, count: Int) {
    guard count > 0 else { return }
    reserve(count).update(repeating: byte, count: count)
    storage.count += count
  }

  /// Writes at most `maximum` bytes through `body`, which returns how many it wrote: for
  /// writers of many short pieces (one reservation instead of one per byte).
  @inline(__always) mutating func write(upTo maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
    let written = body(reserve(maximum))
    commit(written)
  }

  /// Room for `maximum` bytes: store them from the pointer returned, then ``commit(_:)`` the
  /// count stored (no other write in between).
  @inline(__always) mutating func reserving(_ maximum: Int) -> UnsafeMutablePointer<UInt8> { reserve(maximum) }

  /// Adds the `count` bytes stored after ``reserving(_:)``.
  @inline(__always) mutating func commit(_ count: Int) {
    storage.count += count
    flushIfFull()
  }

  /// Where the next `count` bytes go, once the buffer is this writer's own and holds them.
  @inline(__always) private mutating func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    if storage.count + count > storage.allocated { storage.grow(toHold: storage.count + count) }
    return storage.base + storage.count
  }

  @inline(__always) private mutating func flushIfFull() {
    if storage.count >= capacity { flush() }
  }

  /// Hands what is buffered to the sink.
  public mutating func flush() {
    guard let sink, storage.count > 0 else { return }
    sink(UnsafeRawBufferPointer(storage.bytes))
    if isKnownUniquelyReferenced(&storage) {
      storage.count = 0
    } else {
      storage = Storage(allocated: storage.allocated)
    }
  }

  /// The lines a body writes, without their LFs: for callers that want lines.
  public static func lines(_ body: (inout ByteWriter) -> Void) -> [String] {
    var writer = ByteWriter()
    body(&writer)
    var lines = writer.string.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// The bytes a body writes.
  public static func bytes(_ body: (inout ByteWriter) -> Void) -> [UInt8] {
    var writer = ByteWriter()
    body(&writer)
    return writer.buffer
  }

  /// The text a body writes.
  public static func text(_ body: (inout ByteWriter) -> Void) -> String {
    var writer = ByteWriter()
    body(&writer)
    return writer.string
  }

  /// The buffer: `count` bytes written of `allocated`.
  private final class Storage {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private(set) var allocated: Int

    init(allocated: Int) {
      base = .allocate(capacity: allocated)
      self.allocated = allocated
    }

    deinit { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    func copy() -> Storage {
      let copy = Storage(allocated: allocated)
      copy.base.initialize(from: base, count: count)
      copy.count = count
      return copy
    }

    func grow(toHold needed: Int) {
      let larger = max(needed, allocated * 2)
      let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
      moved.initialize(from: base, count: count)
      base.deallocate()
      base = moved
      allocated = larger
    }
  }
}
