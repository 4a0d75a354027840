/// The topology as flat arrays over the possible nodes in ascending id order, for the
/// builders' inner loops.
struct DenseTopology: Sendable {
  /// Node ids by dense index, ascending.
  let ids: [NodeID]
  private let indexByID: [Int]
  private let distances: [Int]
  let count: Int
  /// Dense indices of the nodes with memory, ascending. Kernel: `N_MEMORY`.
  let memoryIndices: [Int]
  let hasMemory: [Bool]
  /// Kernel: `!cpumask_empty(cpumask_of_node(n))` at build time.
  let hasCPUs: [Bool]
  /// Each node's zones that enter a list, highest type first. Kernel: `build_zonerefs_node()`.
  let zoneReferences: [[ZoneReference]]

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
      var distances = Array(repeating: 0, count: count * count)
      for (i, from) in ids.enumerated() {
        for (j, to) in ids.enumerated() { distances[i * count + j] = topology.distances[from: from, to: to] }
      }
      self.distances = distances
    }
    let nodes = ids.map { topology[$0] }
    hasMemory = nodes.map(\.hasMemory)
    memoryIndices = nodes.indices.filter { nodes[$0].hasMemory }
    hasCPUs = ids.map { nodesWithCPUs.contains($0) }
    zoneReferences = nodes.map { node in
      profile.zoneTypes.reversed().compactMap { type -> ZoneReference? in
        let size = node[type]
        let enters = profile.zonePredicate == .populated ? size.isPopulated : size.isManaged
        return enters ? ZoneReference(node: node.id, type: type) : nil
      }
    }
  }

  func index(of id: NodeID) -> Int { indexByID[id.rawValue] }

  /// Distances from `from` to every node, by dense index.
  func distanceRow(_ from: Int) -> [Int] { Array(distances[(from * count)..<((from + 1) * count)]) }

  /// Kernel: `node_distance(from, to)`.
  func distance(_ from: Int, _ to: Int) -> Int { distances[from * count + to] }
}

