/// The NUMA distance table: how far each node's memory is from each node.
///
/// Kernel: `node_distance(from, to)`, on x86 `__node_distance()` over `numa_distance[]`
/// (the ACPI SLIT); outside the table the kernel answers `LOCAL_DISTANCE` (10) for a node
/// to itself and `REMOTE_DISTANCE` (20) otherwise, and so does ``subscript(from:to:)``.
///
/// Tables may be asymmetric. Node ids may be sparse.
public struct DistanceMatrix: Hashable, Sendable, Codable {
  /// The nodes the table covers, ascending.
  public private(set) var nodes: [NodeID]
  /// Row-major distances over ``nodes``, one byte each (every entry is checked to be in 10...255).
  ///
  /// Kernel: `numa_distance[]` is a `u8` table.
  private(set) var values: [UInt8]
  private var position: [NodeID: Int]

  /// Kernel: `LOCAL_DISTANCE`.
  public static let local = 10
  /// Kernel: `REMOTE_DISTANCE`.
  public static let remote = 20

  /// Creates a table from full rows, `rows[i][j]` the distance from `nodes[i]` to `nodes[j]`.
  ///
  /// - Throws: ``TopologyError`` when the table is not square, a diagonal entry is not 10,
  ///   or an entry is outside 10...255. An off-diagonal 10 is allowed: `numa=fake=` makes them.
  public init(nodes: [NodeID], rows: [[Int]]) throws(TopologyError) {
    guard rows.count == nodes.count else {
      throw .distanceTableNotSquare(row: nil, expected: nodes.count, found: rows.count)
    }
    var values: [UInt8] = []
    values.reserveCapacity(nodes.count * nodes.count)
    for (i, row) in rows.enumerated() {
      guard row.count == nodes.count else {
        throw .distanceTableNotSquare(row: nodes[i], expected: nodes.count, found: row.count)
      }
      for (j, value) in row.enumerated() {
        try Self.check(value, diagonal: i == j, from: nodes[i], to: nodes[j])
        values.append(UInt8(truncatingIfNeeded: value))
      }
    }
    self.init(checked: nodes, values: values)
  }

  /// Creates a table from its cells row by row, `values[i * n + j]` the distance from
  /// `nodes[i]` to `nodes[j]` (n² values for n nodes), checked as ``init(nodes:rows:)`` does.
  init<Cell: FixedWidthInteger>(nodes: [NodeID], values: [Cell]) throws(TopologyError) {
    let n = nodes.count
    precondition(values.count == n * n, "a distance table of \(n) nodes has \(n * n) cells")
    for i in 0..<n {
      for j in 0..<n { try Self.check(Int(values[i * n + j]), diagonal: i == j, from: nodes[i], to: nodes[j]) }
    }
    // Every cell is in 10...255 now: a byte each.
    self.init(checked: nodes, values: (values as? [UInt8]) ?? values.map { UInt8(truncatingIfNeeded: $0) })
  }

  /// A diagonal cell is 10, any other 10...255 (an off-diagonal 10 is allowed: `numa=fake=` makes them).
  @inline(__always) private static func check(_ value: Int, diagonal: Bool, from: NodeID, to: NodeID) throws(TopologyError) {
    if diagonal {
      guard value == DistanceMatrix.local else { throw .distanceDiagonal(node: from, value: value) }
    } else {
      guard value >= DistanceMatrix.local && value <= 255 else { throw .distanceOutOfRange(from: from, to: to, value: value) }
    }
  }

  private init(checked nodes: [NodeID], values: [UInt8]) {
    self.nodes = nodes
    self.values = values
    self.position = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
  }

  /// A table in which every node is 20 from every other.
  public static func uniform(_ nodes: [NodeID]) -> DistanceMatrix {
    // Cannot fail: the rows are square, the diagonal is 10 and the rest 20.
    try! DistanceMatrix(
      nodes: nodes,
      rows: nodes.indices.map { i in nodes.indices.map { $0 == i ? local : remote } })
  }

  /// The distance from `from` to `to`, or the kernel's default outside the table.
  ///
  /// Kernel: `node_distance(from, to)`.
  public subscript(from from: NodeID, to to: NodeID) -> Int {
    guard let i = position[from], let j = position[to] else {
      return from == to ? DistanceMatrix.local : DistanceMatrix.remote
    }
    return Int(values[i * nodes.count + j])
  }

  /// The rows of the table in ``nodes`` order.
  public var rows: [[Int]] {
    nodes.indices.map { i in values[(i * nodes.count)..<((i + 1) * nodes.count)].map { Int($0) } }
  }

  private enum CodingKeys: String, CodingKey { case nodes, rows }
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let nodes = try container.decode([NodeID].self, forKey: .nodes)
    let rows = try container.decode([[Int]].self, forKey: .rows)
    try self.init(nodes: nodes, rows: rows)
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(nodes, forKey: .nodes)
    try container.encode(rows, forKey: .rows)
  }
}
