/// A count of base pages (4 KiB on x86-64).
///
/// Kernel: `unsigned long` page counts such as `zone->present_pages`.
public struct Pages: RawRepresentable, Hashable, Comparable, Sendable, Codable,
  ExpressibleByIntegerLiteral, AdditiveArithmetic, CustomStringConvertible
{
  public var rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public init(_ rawValue: Int) { self.rawValue = rawValue }
  public init(integerLiteral value: Int) { self.rawValue = value }
  /// Converts a size in bytes to whole pages, rounding down.
  public init(bytes: Int, pageSize: Int = 4096) { self.rawValue = bytes / pageSize }
  /// Converts KiB to whole pages, rounding down (`kB >> (PAGE_SHIFT - 10)`).
  public init(kibibytes: Int, pageSize: Int = 4096) { self.rawValue = kibibytes / (pageSize / 1024) }
  public static var zero: Pages { 0 }
  public static func + (a: Pages, b: Pages) -> Pages { Pages(a.rawValue + b.rawValue) }
  public static func - (a: Pages, b: Pages) -> Pages { Pages(a.rawValue - b.rawValue) }
  public static func < (a: Pages, b: Pages) -> Bool { a.rawValue < b.rawValue }
  public var description: String { String(rawValue) }

  public init(from decoder: any Decoder) throws {
    rawValue = try decoder.singleValueContainer().decode(Int.self)
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}
