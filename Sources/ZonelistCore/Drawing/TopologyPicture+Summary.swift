/// The summary SVG of a machine with more than ``TopologyPicture/detailLimit`` nodes: node
/// kinds, tier bands, the distance table by groups, fallback orders in runs of equal distance.
extension TopologyPicture {
  /// Nodes alike in memory, CPU count and state, for the summary.
  struct NodeKind: Hashable {
    /// The memory as drawn (`1.0 GiB`): nodes a few pages apart are alike.
    var memory: String
    var cpuCount: Int
    var isOnline: Bool
  }

  /// The kinds of node, most common first, with their members.
  var nodeKinds: [(kind: NodeKind, nodes: [NodeID])] {
    var members: [NodeKind: [NodeID]] = [:]
    for card in nodes { members[NodeKind(memory: card.memoryText, cpuCount: card.cpus.count, isOnline: card.isOnline), default: []].append(card.id) }
    return members.map { (kind: $0.key, nodes: $0.value) }.sorted { ($1.nodes.count, $0.nodes[0]) < ($0.nodes.count, $1.nodes[0]) }
  }

  /// `1.0 GiB, 1 CPU each` for a kind.
  static func describe(_ kind: NodeKind) -> String {
    let memory = kind.memory
    let cpus = kind.cpuCount == 0 ? "no CPUs" : kind.cpuCount == 1 ? "1 CPU" : "\(kind.cpuCount) CPUs"
    return "\(memory), \(cpus) each" + (kind.isOnline ? "" : ", offline")
  }

  /// The fallback shapes, most common first: the shape, how many nodes have it, the first such node.
  var fallbackShapes: [(shape: FallbackShape, count: Int, first: NodeID)] {
    var seen: [[[Int]]: (shape: FallbackShape, count: Int, first: NodeID)] = [:]
    var order: [[[Int]]] = []
    for card in nodes where !card.fallback.isEmpty {
      let shape = FallbackShape(local: card.id, order: card.fallback, distances: distances)
      let key = shape.signature
      if seen[key] == nil { order.append(key) }
      seen[key, default: (shape, 0, card.id)].count += 1
    }
    return order.compactMap { seen[$0] }.enumerated().sorted { ($1.element.count, $0.offset) < ($0.element.count, $1.offset) }.map(\.element)
  }

  func summarySVG() -> String {
    let margin = Self.margin
    let width = 1120.0
    var canvas = SVGCanvas(width: width, height: 0)
    canvas.text(title, x: margin, y: 32, size: 18, bold: true)
    canvas.text(subtitle + " (more than \(Self.detailLimit): summarised; zonelist build lists every node)", x: margin, y: 52, fill: "#555555")
    var y = summaryNodes(&canvas, top: 84, width: width - 2 * margin)
    y = summaryHeatMap(&canvas, top: y + 28)
    y = summaryShapes(&canvas, top: y + 28)
    canvas.height = y + margin
    return canvas.document(title: title)
  }

  func summaryNodes(_ canvas: inout SVGCanvas, top: Double, width: Double) -> Double {
    let margin = Self.margin
    let cpus = nodes.reduce(0) { $0 + $1.cpus.count }
    let memory = nodes.reduce(0) { $0 + $1.memoryBytes }
    let online = nodes.filter(\.isOnline).count
    canvas.text("Nodes: \(nodes.count) (\(online) online), \(cpus) CPUs, \(ByteSize.text(memory)) of memory", x: margin, y: top, size: 14, bold: true)
    var y = top + 22
    let kinds = nodeKinds
    for (kind, members) in kinds.prefix(6) {
      let list = Self.clipped(IDList.format(members.map(\.rawValue)), to: 90)
      canvas.text("\(members.count) node\(members.count == 1 ? "" : "s"): \(Self.describe(kind)) — \(list)", x: margin + 12, y: y)
      y += 18
    }
    if kinds.count > 6 {
      canvas.text("… and \(kinds.count - 6) more kinds of node", x: margin + 12, y: y, fill: "#555555")
      y += 18
    }
    y += 8
    canvas.text("Memory tiers", x: margin, y: y + 8, size: 14, bold: true)
    y += 20
    for (index, band) in bands.enumerated() {
      let memory = band.nodes.reduce(0) { $0 + (self[$1]?.memoryBytes ?? 0) }
      canvas.rect(x: margin, y: y, width: width, height: 44, fill: index % 2 == 0 ? "#f6f6fa" : "#fbf8f1", stroke: "#d0d0dc", radius: 6)
      canvas.text(band.title, x: margin + 12, y: y + 18, bold: true, fill: "#444466")
      let list = Self.clipped(IDList.format(band.nodes.map(\.rawValue)), to: 110)
      canvas.text("\(band.nodes.count) nodes, \(ByteSize.text(memory)): \(list)", x: margin + 12, y: y + 35)
      y += 52
    }
    return y
  }

  func summaryHeatMap(_ canvas: inout SVGCanvas, top: Double) -> Double {
    let margin = Self.margin
    let grouping = DistanceGroups(distances)
    let groups = grouping.groups
    let heading =
      grouping.threshold == DistanceMatrix.local
      ? "Distances between nodes (no grouping needed: at most \(DistanceGroups.maxGroups) nodes)"
      : "Distances by group (nodes joined by chains of distance up to \(grouping.threshold))"
    canvas.text(heading, x: margin, y: top, size: 14, bold: true)
    var y = top + 20
    for line in grouping.levelLines.prefix(8) {
      canvas.text(line, x: margin + 12, y: y, size: 11, fill: "#444444")
      y += 15
    }
    let stats = groupStatistics(groups)
    let count = groups.count
    let cell = min(32, 560 / Double(max(count, 1)))
    let left = margin + 40, gridTop = y + 24
    let maximum = maxDistance
    // Groups of one node are named by the node.
    let names = groups.enumerated().map { $0.element.count == 1 ? "\($0.element[0])" : "G\($0.offset + 1)" }
    for a in 0..<count {
      canvas.text(names[a], x: left - 6, y: gridTop + (Double(a) + 0.5) * cell + 4, size: min(11, cell * 0.6), anchor: .end)
      if cell >= 20 { canvas.text(names[a], x: left + (Double(a) + 0.5) * cell, y: gridTop - 6, size: 10, anchor: .middle) }
      for b in 0..<count {
        let (low, high, mean) = stats[a * count + b]
        let tooltip = "\(names[a]) to \(names[b]): " + (low == high ? "\(low)" : "\(low)-\(high), mean \(mean)")
        let x = left + Double(b) * cell, cellTop = gridTop + Double(a) * cell
        canvas.rect(x: x, y: cellTop, width: cell, height: cell, fill: DistanceColor.fill(mean, maximum: maximum), stroke: "#ffffff", tooltip: tooltip)
        let ink = DistanceColor.ink(mean, maximum: maximum)
        if cell >= 24 && low == high {
          canvas.text("\(low)", x: x + cell / 2, y: cellTop + cell / 2 + 4, size: 10, anchor: .middle, fill: ink)
        } else if cell >= 30 {
          canvas.text("\(low)-\(high)", x: x + cell / 2, y: cellTop + cell / 2 + 3, size: 8, anchor: .middle, fill: ink)
        }
      }
    }
    // The groups' members, beside the grid.
    let legendX = left + Double(count) * cell + 24
    for (index, group) in groups.enumerated() where index < 30 && group.count > 1 {
      let list = Self.clipped(IDList.format(group.map(\.rawValue)), to: 40)
      canvas.text("G\(index + 1): \(group.count) node\(group.count == 1 ? "" : "s") \(list)", x: legendX, y: gridTop + 10 + Double(index) * 16, size: 11)
    }
    if groups.count > 30 { canvas.text("… \(groups.count - 30) more groups", x: legendX, y: gridTop + 10 + 30 * 16, size: 11, fill: "#555555") }
    return max(gridTop + Double(count) * cell, gridTop + Double(min(groups.count, 31)) * 16) + 8
  }

  /// Per pair of groups (row-major): the smallest, largest and mean distance between members
  /// (within a group: between distinct members; a group of one gives 10).
  func groupStatistics(_ groups: [[NodeID]]) -> [(Int, Int, Int)] {
    let count = groups.count
    var groupOf: [NodeID: Int] = [:]
    for (index, group) in groups.enumerated() { for node in group { groupOf[node] = index } }
    var low = [Int](repeating: Int.max, count: count * count)
    var high = [Int](repeating: 0, count: count * count)
    var sum = [Int](repeating: 0, count: count * count)
    var pairs = [Int](repeating: 0, count: count * count)
    let ids = distances.nodes
    let rows = distances.rows
    let groupIndex = ids.map { groupOf[$0] ?? 0 }
    for i in ids.indices {
      for j in ids.indices where i != j {
        let cell = groupIndex[i] * count + groupIndex[j]
        let value = rows[i][j]
        low[cell] = min(low[cell], value)
        high[cell] = max(high[cell], value)
        sum[cell] += value
        pairs[cell] += 1
      }
    }
    var result: [(Int, Int, Int)] = []
    result.reserveCapacity(count * count)
    for cell in 0..<(count * count) {
      let local = DistanceMatrix.local
      if pairs[cell] == 0 {
        result.append((local, local, local))
      } else {
        let mean: Int = (sum[cell] + pairs[cell] / 2) / pairs[cell]
        result.append((low[cell], high[cell], mean))
      }
    }
    return result
  }

  func summaryShapes(_ canvas: inout SVGCanvas, top: Double) -> Double {
    let margin = Self.margin
    canvas.text("Fallback orders in runs of equal distance (arrow: the positions in the order)", x: margin, y: top, size: 14, bold: true)
    let maximum = maxDistance
    var y = top + 24
    let shapes = fallbackShapes
    for (shape, count, first) in shapes.prefix(6) {
      let others = count == 1 ? "node \(first)" : "\(count) nodes fall back like node \(first)"
      canvas.text("\(others):", x: margin + 12, y: y, bold: true)
      y += 10
      var previous = margin + 12.0
      var position = 1
      for (index, run) in shape.runs.enumerated() where index < 8 {
        let boxX = previous + 60
        let label = run.nodes.count == 1 ? "\(position)" : "\(position)-\(position + run.nodes.count - 1)"
        canvas.arrow(x1: previous + 2, x2: boxX - 2, y: y + 20)
        canvas.text(label, x: (previous + boxX) / 2, y: y + 13, size: 10, anchor: .middle, fill: "#444444")
        let text = run.nodes.count == 1 ? "node \(run.nodes[0])" : "\(run.nodes.count) nodes"
        canvas.rect(x: boxX, y: y + 2, width: 82, height: 36, fill: DistanceColor.fill(run.distance, maximum: maximum), stroke: "#7a869a", radius: 3,
          tooltip: "positions \(label): nodes \(IDList.format(run.nodes.map(\.rawValue))) at distance \(run.distance)")
        let ink = DistanceColor.ink(run.distance, maximum: maximum)
        canvas.text(text, x: boxX + 41, y: y + 17, size: 11, anchor: .middle, bold: true, fill: ink)
        canvas.text("distance \(run.distance)", x: boxX + 41, y: y + 32, size: 10, anchor: .middle, fill: ink)
        previous = boxX + 82
        position += run.nodes.count
      }
      if shape.runs.count > 8 {
        canvas.text("… \(shape.runs.count - 8) more runs", x: previous + 10, y: y + 24, size: 11, fill: "#555555")
      }
      y += 52
    }
    if shapes.count > 6 {
      canvas.text("… \(shapes.count - 6) more shapes", x: margin + 12, y: y, fill: "#555555")
      y += 18
    }
    return y
  }
}
