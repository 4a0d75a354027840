/// The Graphviz DOT form of a ``TopologyPicture``.
extension TopologyPicture {
  /// The picture as a Graphviz `digraph`: a cluster per memory tier holding its nodes,
  /// distances as undirected weighted edges (`dir=none`, label the distance, both directions
  /// when they differ), each node's fallback order as arrows labelled `N:k` (the k-th node
  /// node N tries). Beyond ``dotEdgeLimit`` nodes a complete graph of edges is a tangle: the
  /// distances are a heat-map table instead, each node's whole order is written in it, and
  /// only its first fallback step is an arrow. Beyond ``detailLimit`` nodes, one graph node
  /// per distance group (``DistanceGroups``) with the distances between groups (a table past
  /// ``dotEdgeLimit`` groups), and no fallback arrows.
  ///
  /// - Complexity: O(*n*^2) in the number of nodes.
  public func dot() -> String {
    var out = "digraph zonelist {\n"
    out += "  graph [label=\"\(Markup.dotEscape(title + "\n" + subtitle))\", labelloc=t, fontname=\"sans-serif\", rankdir=LR];\n"
    out += "  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\"];\n"
    out += "  edge [fontname=\"sans-serif\", fontsize=10];\n"
    out += isDetailed ? detailedDOT() : summaryDOT()
    return out + "}\n"
  }

  /// The most nodes (or groups) whose distances DOT draws as edges and whose fallback steps
  /// are all arrows.
  public static let dotEdgeLimit = 6

  func detailedDOT() -> String {
    var out = ""
    for (index, band) in bands.enumerated() {
      out += "  subgraph cluster_\(index) {\n    label=\"\(Markup.dotEscape(band.title))\"; style=rounded; color=\"#9999bb\";\n"
      for id in band.nodes {
        guard let card = self[id] else { continue }
        var label = "Node \(card.id)\(card.isOnline ? "" : " (offline)")\n\(card.memoryText)\n\(card.cpuText)"
        if !card.demotesTo.isEmpty { label += "\ndemotes to \(IDList.format(card.demotesTo.map(\.rawValue)))" }
        if nodes.count > Self.dotEdgeLimit && !card.fallback.isEmpty {
          label += "\nfalls back: " + card.fallback.map { "\($0)" }.joined(separator: " ")
        }
        out += "    n\(card.id) [label=\"\(Markup.dotEscape(label))\", fillcolor=\"\(Self.cardFill(card))\"\(card.isOnline ? "" : ", style=\"rounded,filled,dashed\"")];\n"
      }
      out += "  }\n"
    }
    let ids = distances.nodes
    let maximum = maxDistance
    let edges = nodes.count <= Self.dotEdgeLimit
    if edges {
      out += "  // distances (node_distance), undirected\n"
      for (i, a) in ids.enumerated() {
        for b in ids[(i + 1)...] {
          let there = distances[from: a, to: b], back = distances[from: b, to: a]
          let label = there == back ? "\(there)" : "\(there)/\(back)"
          let weight = 1 + Int((1 - DistanceColor.fraction(min(there, back), maximum: maximum)) * 4)
          out += "  n\(a) -> n\(b) [dir=none, label=\"\(label)\", color=\"\(DistanceColor.fill(min(there, back), maximum: maximum))\", penwidth=\(weight), constraint=false];\n"
        }
      }
    } else {
      out += Self.heatMapDOT(
        title: "node_distance (row: from)", names: ids.map { "\($0)" }, maximum: maximum,
        cell: { i, j in let value = distances[from: ids[i], to: ids[j]]; return ("\(value)", value) })
    }
    out += "  // fallback order (ZONELIST_FALLBACK node order): N:k is the k-th node node N tries"
    out += edges ? "\n" : "; the first other node only, the whole order is in each node's label\n"
    for card in nodes {
      let steps = card.fallback.enumerated().filter { $0.element != card.id }
      for (index, target) in edges ? steps : Array(steps.prefix(1)) {
        out += "  n\(card.id) -> n\(target) [label=\"\(card.id):\(index + 1)\", color=\"#4a6fa5\"];\n"
      }
    }
    return out
  }

  func summaryDOT() -> String {
    let grouping = DistanceGroups(distances)
    let groups = grouping.groups
    let stats = groupStatistics(groups)
    let maximum = maxDistance
    var out = "  // \(nodes.count) nodes summarised by distance group (chains of distance up to \(grouping.threshold))\n"
    for (index, group) in groups.enumerated() {
      let memory = group.reduce(0) { $0 + (self[$1]?.memoryBytes ?? 0) }
      let cpus = group.reduce(0) { $0 + (self[$1]?.cpus.count ?? 0) }
      let tiers = Set(group.compactMap { self[$0]?.tier }).sorted().map { "memory_tier\($0)" }
      let label = "G\(index + 1): \(group.count) nodes\n\(Self.clipped(IDList.format(group.map(\.rawValue)), to: 40))\n\(ByteSize.text(memory)), \(cpus) CPUs" + (tiers.isEmpty ? "" : "\n" + tiers.joined(separator: " "))
      out += "  g\(index + 1) [label=\"\(Markup.dotEscape(label))\", fillcolor=\"#e1ecf8\"];\n"
    }
    let count = groups.count
    if count > Self.dotEdgeLimit {
      out += Self.heatMapDOT(
        title: "node_distance between groups (lowest-highest)", names: groups.indices.map { "G\($0 + 1)" }, maximum: maximum,
        cell: { a, b in
          let (low, high, _) = stats[a * count + b]
          return (low == high ? "\(low)" : "\(low)-\(high)", low)
        })
      // Without edges the groups would stack in one column: rows of four, in order.
      for row in stride(from: 0, to: count, by: 4) where row + 1 < count {
        out += "  " + (row..<min(row + 4, count)).map { "g\($0 + 1)" }.joined(separator: " -> ") + " [style=invis];\n"
      }
      return out
    }
    for a in 0..<count {
      for b in (a + 1)..<max(a + 1, count) {
        let (low, high, _) = stats[a * count + b]
        let label = low == high ? "\(low)" : "\(low)-\(high)"
        out += "  g\(a + 1) -> g\(b + 1) [dir=none, label=\"\(label)\", color=\"\(DistanceColor.fill(low, maximum: maximum))\"];\n"
      }
    }
    return out
  }

  /// A distance table as one Graphviz node with an HTML-like label: a heat map, each cell
  /// coloured by `cell`'s value as the SVG's table is. `names` are plain ids (no markup).
  static func heatMapDOT(title: String, names: [String], maximum: Int, cell: (Int, Int) -> (text: String, value: Int)) -> String {
    var out = "  // distances (node_distance) as a heat map\n"
    out += "  distances [shape=plaintext, style=\"\", label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n"
    out += "    <tr><td colspan=\"\(names.count + 1)\"><b>\(title)</b></td></tr>\n"
    out += "    <tr><td></td>" + names.map { "<td><b>\($0)</b></td>" }.joined() + "</tr>\n"
    for (i, name) in names.enumerated() {
      out += "    <tr><td><b>\(name)</b></td>"
      for j in names.indices {
        let (text, value) = cell(i, j)
        out += "<td bgcolor=\"\(DistanceColor.fill(value, maximum: maximum))\"><font color=\"\(DistanceColor.ink(value, maximum: maximum))\">\(text)</font></td>"
      }
      out += "</tr>\n"
    }
    return out + "  </table>>];\n"
  }
}
