/// The number of a NUMA node.
///
/// Kernel: `int nid`; `NUMA_NO_NODE` is modeled as `nil`.
public struct NodeID: RawRepresentable, Hashable, Comparable, Sendable, Codable,
  ExpressibleByIntegerLiteral, CustomStringConvertible
{
  public var rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public init(_ rawValue: Int) { self.rawValue = rawValue }
  public init(integerLiteral value: Int) { self.rawValue = value }
  public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
  public var description: String { String(rawValue) }

  public init(from decoder: any Decoder) throws {
    rawValue = try decoder.singleValueContainer().decode(Int.self)
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}

/// The number of a logical CPU.
///
/// Kernel: `unsigned int cpu`.
public typealias CPUID = Int
