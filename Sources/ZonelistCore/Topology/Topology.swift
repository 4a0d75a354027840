/// A machine as the zonelist code sees it: its possible nodes, their zones and CPUs, and
/// the distances between them.
///
/// Kernel: the `node_possible_map`, `NODE_DATA()` for every possible node, the SLIT
/// behind `node_distance()`, and `cpu_to_node()`.
public struct Topology: Hashable, Sendable, Codable {
  /// Every possible node, ascending by id.
  public private(set) var nodes: [NodeID: Node]
  public private(set) var nodeIDs: [NodeID]
  public var distances: DistanceMatrix
  /// The CPU that runs the boot-time build, whose node's list the boot "Total pages" sums.
  ///
  /// Kernel: `numa_node_id()` in `build_all_zonelists()`; CPU 0 on x86.
  public var bootCPU: CPUID
  /// Pages the x86-64 boot reserves below 16 MiB, subtracted from the DMA zone in the
  /// boot-time managed estimate of kernels before 6.10; `nil` when unknown.
  ///
  /// Kernel: `dma_reserve`, set by `memblock_find_dma_reserve()` in `arch/x86/mm/init.c`.
  public var dmaReserve: Pages?

  /// Creates a topology; node ids must be unique and at most 1023.
  ///
  /// - Parameter allowingSharedCPUs: Accepts a CPU on several nodes, as `numa=fake=` makes
  ///   it (x86 puts each CPU in every emulated node of its physical node).
  public init(
    nodes: [Node], distances: DistanceMatrix? = nil, bootCPU: CPUID = 0, dmaReserve: Pages? = nil,
    allowingSharedCPUs: Bool = false
  ) throws(TopologyError) {
    var byID: [NodeID: Node] = [:]
    var seenCPUs: [CPUID: NodeID] = [:]
    for node in nodes {
      guard node.id.rawValue >= 0 && node.id.rawValue < Topology.maxNumNodes else {
        throw .nodeIDOutOfRange(node.id)
      }
      guard byID[node.id] == nil else { throw .duplicateNode(node.id) }
      for cpu in node.cpus {
        if let other = seenCPUs[cpu], !allowingSharedCPUs { throw .cpuOnTwoNodes(cpu: cpu, first: other, second: node.id) }
        if seenCPUs[cpu] == nil { seenCPUs[cpu] = node.id }
      }
      byID[node.id] = node
    }
    guard !byID.isEmpty else { throw .noNodes }
    self.nodes = byID
    self.nodeIDs = byID.keys.sorted()
    self.distances = distances ?? .uniform(nodeIDs)
    self.bootCPU = bootCPU
    self.dmaReserve = dmaReserve
  }

  /// Kernel: `MAX_NUMNODES` on Debian's kernels (`CONFIG_NODES_SHIFT=10`).
  public static let maxNumNodes = 1024
  /// Kernel: `NR_CPUS` on Debian's kernels (`CONFIG_NR_CPUS=8192`, `CONFIG_MAXSMP`); a CPU list
  /// naming a higher id cannot come from them.
  public static let maxNumCPUs = 8192

  public subscript(id: NodeID) -> Node { nodes[id]! }

  /// Nodes in ascending id order. Kernel: `for_each_node()`.
  public var possibleNodes: [Node] { nodeIDs.map { nodes[$0]! } }
  /// Kernel: `for_each_online_node()`.
  public var onlineNodes: [Node] { possibleNodes.filter(\.isOnline) }
  /// Kernel: `for_each_node_state(n, N_MEMORY)`.
  public var memoryNodeIDs: [NodeID] { nodeIDs.filter { nodes[$0]!.hasMemory } }
  /// Kernel: `cpu_to_node(cpu)`; with `numa=fake=` the lowest node holding the CPU.
  public func node(ofCPU cpu: CPUID) -> NodeID? { nodeIDs.first { nodes[$0]!.cpus.contains(cpu) } }
  /// All CPUs, ascending, once each.
  public var cpus: [CPUID] { Set(nodes.values.flatMap(\.cpus)).sorted() }

  /// Returns a copy with `node` replaced or added.
  public func updating(_ node: Node) -> Topology {
    var copy = self
    if copy.nodes[node.id] == nil { copy.nodeIDs = (copy.nodeIDs + [node.id]).sorted() }
    copy.nodes[node.id] = node
    return copy
  }
}

/// A topology that cannot describe a real machine.
public enum TopologyError: Error, Hashable, Sendable, CustomStringConvertible {
  case noNodes
  case nodeIDOutOfRange(NodeID)
  case duplicateNode(NodeID)
  case cpuOnTwoNodes(cpu: CPUID, first: NodeID, second: NodeID)
  case distanceTableNotSquare(row: NodeID?, expected: Int, found: Int)
  case distanceDiagonal(node: NodeID, value: Int)
  case distanceOutOfRange(from: NodeID, to: NodeID, value: Int)

  public var description: String {
    switch self {
    case .noNodes: "expected at least one node"
    case .nodeIDOutOfRange(let id):
      "node id \(id) is out of range: expected 0...\(Topology.maxNumNodes - 1) (MAX_NUMNODES is \(Topology.maxNumNodes))"
    case .duplicateNode(let id): "node \(id) is given twice"
    case .cpuOnTwoNodes(let cpu, let first, let second): "CPU \(cpu) is on node \(first) and on node \(second)"
    case .distanceTableNotSquare(nil, let expected, let found):
      "the distance table has \(found) rows: expected \(expected), one per node"
    case .distanceTableNotSquare(let row?, let expected, let found):
      "the distance row of node \(row) has \(found) entries: expected \(expected), one per node"
    case .distanceDiagonal(let node, let value):
      "the distance from node \(node) to itself is \(value): expected 10 (LOCAL_DISTANCE)"
    case .distanceOutOfRange(let from, let to, let value):
      "the distance from node \(from) to node \(to) is \(value): expected 10...255"
    }
  }
}

extension Topology {
  /// Returns the topology with node ids renamed by `map` (ids not in `map` keep theirs).
  ///
  /// Used for QEMU guests, whose Linux node ids follow the SRAT order, not QEMU's ids.
  public func renamingNodes(_ map: [NodeID: NodeID]) throws(TopologyError) -> Topology {
    func rename(_ id: NodeID) -> NodeID { map[id] ?? id }
    let renamed = possibleNodes.map { node in
      var node = node
      node.id = rename(node.id)
      return node
    }
    let tableNodes = distances.nodes
    let newIDs = tableNodes.map(rename)
    let order = newIDs.indices.sorted { newIDs[$0] < newIDs[$1] }
    let rows = distances.rows
    let table = try DistanceMatrix(nodes: order.map { newIDs[$0] }, rows: order.map { i in order.map { j in rows[i][j] } })
    return try Topology(nodes: renamed, distances: table, bootCPU: bootCPU, dmaReserve: dmaReserve, allowingSharedCPUs: true)
  }
}
