/// The Graphviz DOT form of a ``TopologyPicture``.
extension TopologyPicture {
  /// The picture as a Graphviz `digraph`: a cluster per memory tier holding its nodes,
  /// distances as undirected weighted edges (`dir=none`, label the distance, both directions
  /// when they differ), each node's fallback order as arrows labelled `N:k` (the k-th node
  /// node N tries). Beyond ``detailLimit`` nodes, one graph node per distance group
  /// (``DistanceGroups``) with the distances between groups, and no fallback arrows.
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

  func detailedDOT() -> String {
    var out = ""
    for (index, band) in bands.enumerated() {
      out += "  subgraph cluster_\(index) {\n    label=\"\(Markup.dotEscape(band.title))\"; style=rounded; color=\"#9999bb\";\n"
      for id in band.nodes {
        guard let card = self[id] else { continue }
        var label = "Node \(card.id)\(card.isOnline ? "" : " (offline)")\n\(card.memoryText)\n\(card.cpuText)"
        if !card.demotesTo.isEmpty { label += "\ndemotes to \(IDList.format(card.demotesTo.map(\.rawValue)))" }
        out += "    n\(card.id) [label=\"\(Markup.dotEscape(label))\", fillcolor=\"\(Self.cardFill(card))\"\(card.isOnline ? "" : ", style=\"rounded,filled,dashed\"")];\n"
      }
      out += "  }\n"
    }
    let ids = distances.nodes
    let maximum = maxDistance
    out += "  // distances (node_distance), undirected\n"
    for (i, a) in ids.enumerated() {
      for b in ids[(i + 1)...] {
        let there = distances[from: a, to: b], back = distances[from: b, to: a]
        let label = there == back ? "\(there)" : "\(there)/\(back)"
        let weight = 1 + Int((1 - DistanceColor.fraction(min(there, back), maximum: maximum)) * 4)
        out += "  n\(a) -> n\(b) [dir=none, label=\"\(label)\", color=\"\(DistanceColor.fill(min(there, back), maximum: maximum))\", penwidth=\(weight), constraint=false];\n"
      }
    }
    out += "  // fallback order (ZONELIST_FALLBACK node order): N:k is the k-th node node N tries\n"
    for card in nodes {
      for (index, target) in card.fallback.enumerated() where target != card.id {
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
    for a in 0..<count {
      for b in (a + 1)..<max(a + 1, count) {
        let (low, high, _) = stats[a * count + b]
        let label = low == high ? "\(low)" : "\(low)-\(high)"
        out += "  g\(a + 1) -> g\(b + 1) [dir=none, label=\"\(label)\", color=\"\(DistanceColor.fill(low, maximum: maximum))\"];\n"
      }
    }
    return out
  }
}
