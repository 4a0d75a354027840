/// The topology as flat arrays over the possible nodes in ascending id order, for the
/// builders' inner loops.
struct DenseTopology: Sendable {
  /// Node ids by dense index, ascending.
  let ids: [NodeID]
  private let indexByID: [Int]
  /// Row-major, one byte each as ``DistanceMatrix`` holds them.
  private let distances: [UInt8]
  let count: Int
  /// Dense indices of the nodes with memory, ascending. Kernel: `N_MEMORY`.
  let memoryIndices: [Int]
  let hasMemory: [Bool]
  /// Kernel: `!cpumask_empty(cpumask_of_node(n))` at build time.
  let hasCPUs: [Bool]
  /// Every node's zones that enter a list. Kernel: `build_zonerefs_node()`.
  let zonesByNode: ZonesByNode

  init(topology: Topology, profile: KernelProfile, nodesWithCPUs: Set<NodeID>) {
    ids = topology.nodeIDs
    count = ids.count
    var indexByID = Array(repeating: -1, count: (ids.last?.rawValue ?? 0) + 1)
    for (index, id) in ids.enumerated() { indexByID[id.rawValue] = index }
    self.indexByID = indexByID
    if topology.distances.nodes == ids {
      // The common case: the table covers exactly the possible nodes, in the same order.
      self.distances = topology.distances.values
    } else {
      // Outside the table the kernel's defaults (10 and 20), inside its checked bytes.
      var distances = [UInt8](repeating: 0, count: count * count)
      for (i, from) in ids.enumerated() {
        for (j, to) in ids.enumerated() {
          distances[i * count + j] = UInt8(truncatingIfNeeded: topology.distances[from: from, to: to])
        }
      }
      self.distances = distances
    }
    let nodes = ids.map { topology[$0] }
    hasMemory = nodes.map(\.hasMemory)
    memoryIndices = nodes.indices.filter { nodes[$0].hasMemory }
    hasCPUs = ids.map { nodesWithCPUs.contains($0) }
    var zones: [ZoneReference] = []
    var zoneStart = [0]
    zoneStart.reserveCapacity(count + 1)
    let types = Array(profile.zoneTypes.reversed())
    for node in nodes {
      for type in types {
        let size = node[type]
        if profile.zonePredicate == .populated ? size.isPopulated : size.isManaged {
          zones.append(ZoneReference(node: node.id, type: type))
        }
      }
      zoneStart.append(zones.count)
    }
    zonesByNode = ZonesByNode(zones: zones, start: zoneStart, indexByID: indexByID)
  }

  /// The zones of the node at dense index `index` that enter a list, highest type first.
  func zoneReferences(_ index: Int) -> ArraySlice<ZoneReference> { zonesByNode.zones(ofIndex: index) }

  func index(of id: NodeID) -> Int { indexByID[id.rawValue] }

  /// Distances from `from` to every node, by dense index.
  func distanceRow(_ from: Int) -> [UInt8] { Array(distances[(from * count)..<((from + 1) * count)]) }

  /// Kernel: `node_distance(from, to)`.
  func distance(_ from: Int, _ to: Int) -> Int { Int(distances[from * count + to]) }
}

/// Every node's zones that enter a list, highest type first, node after node: dense index
/// `i`'s from `start[i]` to `start[i + 1]`. Kernel: `build_zonerefs_node()`.
struct ZonesByNode: Sendable {
  let zones: [ZoneReference]
  let start: [Int]
  /// Dense index by node id (-1 for an id that is not a possible node).
  let indexByID: [Int]

  func zones(ofIndex index: Int) -> ArraySlice<ZoneReference> { zones[start[index]..<start[index + 1]] }

  /// The zones of the nodes of `order`, node after node: a node-ordered list.
  func list(inOrder order: [NodeID]) -> [ZoneReference] {
    [ZoneReference](unsafeUninitializedCapacity: count(inOrder: order)) { list, initialized in
      for zone in walk(inOrder: order) {
        (list.baseAddress! + initialized).initialize(to: zone)
        initialized += 1
      }
    }
  }

  /// The zones of the nodes of `order`, node after node, without making the list.
  func walk(inOrder order: [NodeID]) -> Walk { Walk(zones: zones, order: order, start: start, indexByID: indexByID) }

  /// How many zones the nodes of `order` have.
  func count(inOrder order: [NodeID]) -> Int {
    order.reduce(0) { count, node in
      let index = indexByID[node.rawValue]
      return count + start[index + 1] - start[index]
    }
  }

  /// The zones of a list, or of the nodes of an order node after node, without making the list.
  struct Walk: Sequence, IteratorProtocol {
    let zones: [ZoneReference]
    let order: [NodeID]?
    let start: [Int]
    let indexByID: [Int]
    private var position = 0
    private var zone = 0
    private var end: Int

    /// The zones of `order`'s nodes (`start` and `indexByID` as ``ZonesByNode`` has them), or
    /// `zones` themselves when `order` is nil.
    init(zones: [ZoneReference], order: [NodeID]?, start: [Int] = [], indexByID: [Int] = []) {
      (self.zones, self.order, self.start, self.indexByID) = (zones, order, start, indexByID)
      end = order == nil ? zones.count : 0
    }

    mutating func next() -> ZoneReference? {
      while zone == end {
        guard let order, position < order.count else { return nil }
        let index = indexByID[order[position].rawValue]
        position += 1
        (zone, end) = (start[index], start[index + 1])
      }
      defer { zone += 1 }
      return zones[zone]
    }
  }
}
