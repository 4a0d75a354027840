import ZonelistCore

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Random machines for comparing the builders: random or clustered distances with many
/// ties, asymmetric tables, memoryless and CPU-less nodes, sparse ids, offline nodes.
enum RandomTopology {
  enum Shape: CaseIterable { case random, clustered, uniform, asymmetric }

  static func make(nodes count: Int, shape: Shape, memoryShare: Double = 0.8, sparse: Bool = false, using generator: inout SeededGenerator) -> Topology {
    var ids: [NodeID] = []
    var next = 0
    for _ in 0..<count {
      ids.append(NodeID(next))
      next += sparse ? Int.random(in: 1...3, using: &generator) : 1
      if next >= Topology.maxNumNodes { break }
    }
    let clusterSize = max(2, Int.random(in: 2...8, using: &generator))
    var rows: [[Int]] = []
    for i in ids.indices {
      var row: [Int] = []
      for j in ids.indices {
        if i == j { row.append(10); continue }
        switch shape {
        case .random: row.append([12, 15, 20, 20, 25, 30, 40].randomElement(using: &generator)!)
        case .clustered: row.append(i / clusterSize == j / clusterSize ? 12 : (i / (clusterSize * 4) == j / (clusterSize * 4) ? 20 : 32))
        case .uniform: row.append(20)
        case .asymmetric: row.append(Int.random(in: 11...40, using: &generator) / 4 * 4 + 11)
        }
      }
      rows.append(row)
    }
    if shape != .asymmetric {
      for i in ids.indices { for j in ids.indices where j < i { rows[i][j] = rows[j][i] } }
    }
    var cpu = 0
    var nodes: [Node] = []
    for id in ids {
      let online = Double.random(in: 0..<1, using: &generator) > 0.05 || id == ids[0]
      var node = Node(id: id, isOnline: online)
      if online && Bool.random(using: &generator) {
        node.cpus = [cpu]
        cpu += 1
      }
      if online && (Double.random(in: 0..<1, using: &generator) < memoryShare || id == ids[0]) {
        var zones: [ZoneType: ZoneSize] = [:]
        for type in [ZoneType.dma, .dma32, .normal, .movable] where Bool.random(using: &generator) || type == .normal {
          let pages = Pages(Int.random(in: 1...1_000_000, using: &generator))
          zones[type] = ZoneSize(spanned: pages, present: pages, managed: pages)
        }
        node.zones = zones
      }
      nodes.append(node)
    }
    return try! Topology(nodes: nodes, distances: DistanceMatrix(nodes: ids, rows: rows))
  }
}
