/// Nodes grouped by nearness, to summarise a large machine: two nodes share a group when a
/// chain of distances at most ``threshold`` joins them (sockets, then groups of sockets…).
///
/// Kernel: none; a reading aid over `node_distance()`. A pair's distance is the larger of its
/// two directions, so an asymmetric table still gives one grouping.
struct DistanceGroups: Hashable, Sendable {
  /// The most groups a summary draws.
  static let maxGroups = 32

  /// One level of the hierarchy: joining every pair at most `distance` apart leaves
  /// `groupCount` groups.
  struct Level: Hashable, Sendable {
    var distance: Int
    var groupCount: Int
    /// The size of the largest group at this level.
    var largest: Int
  }

  /// Every level, nearest first, starting with the local distance (each node alone).
  var levels: [Level]
  /// The level drawn: the finest with at most ``maxGroups`` groups.
  var threshold: Int
  /// The groups at ``threshold``, each sorted, ordered by their lowest node.
  var groups: [[NodeID]]

  /// Groups the nodes of `distances`.
  ///
  /// - Complexity: O(*n*^2) in the number of nodes (pairs bucketed by distance, 10...255).
  init(_ distances: DistanceMatrix) {
    let ids = distances.nodes
    let count = ids.count
    var buckets = [[Int]](repeating: [], count: 256)
    let rows = distances.rows
    for i in 0..<count {
      for j in (i + 1)..<count {
        let value = max(rows[i][j], rows[j][i])
        buckets[min(255, max(0, value))].append(i * count + j)
      }
    }
    var parent = Array(0..<count)
    var size = [Int](repeating: 1, count: count)
    func root(_ index: Int) -> Int {
      var node = index
      while parent[node] != node {
        parent[node] = parent[parent[node]]
        node = parent[node]
      }
      return node
    }
    var groupCount = count
    var largest = count == 0 ? 0 : 1
    var levels = [Level(distance: DistanceMatrix.local, groupCount: count, largest: largest)]
    var chosen: (threshold: Int, parent: [Int])? = count <= Self.maxGroups ? (DistanceMatrix.local, parent) : nil
    for value in 0..<256 where !buckets[value].isEmpty {
      for pair in buckets[value] {
        let a = root(pair / count), b = root(pair % count)
        guard a != b else { continue }
        let (big, small) = size[a] >= size[b] ? (a, b) : (b, a)
        parent[small] = big
        size[big] += size[small]
        largest = max(largest, size[big])
        groupCount -= 1
      }
      levels.append(Level(distance: value, groupCount: groupCount, largest: largest))
      if chosen == nil && groupCount <= Self.maxGroups { chosen = (value, parent.indices.map(root)) }
    }
    self.levels = levels
    let final = chosen ?? (DistanceMatrix.local, Array(0..<count))
    threshold = final.threshold
    var members: [Int: [NodeID]] = [:]
    for index in 0..<count {
      var node = index
      while final.parent[node] != node { node = final.parent[node] }
      members[node, default: []].append(ids[index])
    }
    groups = members.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
  }

  /// The levels in words: `≤ 12: 128 groups of up to 8 nodes`.
  var levelLines: [String] {
    let joined = levels.firstIndex { $0.groupCount <= 1 } ?? levels.count - 1
    return levels.prefix(joined + 1).map { level in
      if level.distance == DistanceMatrix.local { return "10 (local): every node alone" }
      if level.groupCount == 1 { return "up to \(level.distance): all nodes joined" }
      return "up to \(level.distance): \(level.groupCount) groups, the largest of \(level.largest) nodes"
    }
  }
}

/// A node's fallback order in runs of equal distance: itself, then `count` nodes at `distance`…
struct FallbackShape: Hashable, Sendable {
  struct Run: Hashable, Sendable {
    var distance: Int
    var nodes: [NodeID]
  }
  var runs: [Run]

  /// The runs of `order` as seen from `local`.
  init(local: NodeID, order: [NodeID], distances: DistanceMatrix) {
    var runs: [Run] = []
    for node in order {
      let distance = distances[from: local, to: node]
      if let last = runs.last, last.distance == distance {
        runs[runs.count - 1].nodes.append(node)
      } else {
        runs.append(Run(distance: distance, nodes: [node]))
      }
    }
    self.runs = runs
  }

  /// The shape without node ids: (distance, count) per run, to compare nodes.
  var signature: [[Int]] { runs.map { [$0.distance, $0.nodes.count] } }
}
