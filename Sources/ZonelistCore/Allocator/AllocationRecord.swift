/// The pages an allocation request took, in the order it took them: what freeing it returns.
///
/// Runs of consecutive blocks in one zone are kept as one extent.
public struct AllocationRecord: Hashable, Sendable {
  struct Extent: Hashable, Sendable {
    var zone: Int32
    var order: UInt8
    var start: UInt32
    /// Blocks of 2^order pages.
    var count: UInt32
  }
  var extents: [Extent] = []

  public init() {}

  mutating func append(zone: Int, page: Int, order: Int) {
    append(Extent(zone: Int32(zone), order: UInt8(order), start: UInt32(truncatingIfNeeded: page), count: 1))
  }

  public mutating func append(_ other: AllocationRecord) {
    for extent in other.extents { append(extent) }
  }

  /// Adds an extent, joining it to the last one when it continues it.
  private mutating func append(_ extent: Extent) {
    if let last = extents.last, last.zone == extent.zone, last.order == extent.order,
      Int(last.start) + Int(last.count) << Int(last.order) == Int(extent.start)
    {
      extents[extents.count - 1].count += extent.count
    } else {
      extents.append(extent)
    }
  }

  /// Pages held.
  public var pages: Int { extents.reduce(0) { $0 + Int($1.count) << Int($1.order) } }
  public var isEmpty: Bool { extents.isEmpty }
  /// Bytes the record takes.
  public var bytes: Int { extents.capacity * MemoryLayout<Extent>.stride }
}
