/// The SVG of a ``TopologyPicture``: node cards in tier bands, a distance heat map and each
/// node's fallback order as numbered arrows (up to ``TopologyPicture/detailLimit`` nodes), or
/// a summary by distance groups beyond.
extension TopologyPicture {
  /// The picture as a standalone SVG document.
  ///
  /// - Complexity: O(*n*^2) in the number of nodes (the distance table); the summary of a
  ///   large machine draws at most ``DistanceGroups/maxGroups`` squared cells.
  public func svg() -> String {
    isDetailed ? detailedSVG() : summarySVG()
  }

  static let margin = 24.0
  static let cardWidth = 156.0
  static let cardHeight = 92.0
  static let cardGap = 14.0
  static let cardsPerRow = 8

  /// An estimate of a text's width: 0.6 em per character.
  static func textWidth(_ text: String, size: Double = 12) -> Double { Double(text.count) * size * 0.6 }

  func detailedSVG() -> String {
    let margin = Self.margin
    let count = nodes.count
    let widest = bands.map(\.nodes.count).max() ?? 1
    let perRow = min(Self.cardsPerRow, max(1, widest))
    let bandWidth = Double(perRow) * (Self.cardWidth + Self.cardGap) - Self.cardGap + 24
    let cell = count <= 8 ? 40.0 : 34.0
    let heatWidth = 48 + Double(count) * cell + 130
    let longest = nodes.map(\.fallback.count).max() ?? 0
    let ladderWidth = 72 + Double(longest) * 60
    let titleWidth = max(Self.textWidth(title, size: 18), Self.textWidth(subtitle), Self.textWidth(Self.ladderHeading, size: 14))
    let width = max(bandWidth, heatWidth, ladderWidth, titleWidth, 480) + 2 * margin
    var canvas = SVGCanvas(width: width, height: 0)
    canvas.text(title, x: margin, y: 32, size: 18, bold: true)
    canvas.text(subtitle, x: margin, y: 52, fill: "#555555")
    var y = 84.0
    y = drawBands(&canvas, top: y, width: width - 2 * margin, perRow: perRow)
    y = drawHeatMap(&canvas, top: y + 28, cell: cell)
    y = drawLadders(&canvas, top: y + 28)
    canvas.height = y + margin
    return canvas.document(title: title)
  }

  /// Card fills: CPUs and memory, memory only, no memory.
  static func cardFill(_ card: NodeCard) -> String {
    if card.memoryBytes == 0 { return "#eeeeee" }
    return card.cpus.isEmpty ? "#e3f2dc" : "#e1ecf8"
  }

  func drawBands(_ canvas: inout SVGCanvas, top: Double, width: Double, perRow: Int) -> Double {
    let margin = Self.margin
    canvas.text("Nodes, in bands by memory tier", x: margin, y: top, size: 14, bold: true)
    var y = top + 12
    for (index, band) in bands.enumerated() {
      let rows = (band.nodes.count + perRow - 1) / perRow
      let height = 32 + Double(max(rows, 1)) * (Self.cardHeight + Self.cardGap) - Self.cardGap + 12
      canvas.rect(x: margin, y: y, width: width, height: height, fill: index % 2 == 0 ? "#f6f6fa" : "#fbf8f1", stroke: "#d0d0dc", radius: 6)
      canvas.text(band.title, x: margin + 12, y: y + 21, size: 12, bold: true, fill: "#444466")
      for (position, id) in band.nodes.enumerated() {
        guard let card = self[id] else { continue }
        let x = margin + 12 + Double(position % perRow) * (Self.cardWidth + Self.cardGap)
        let cardTop = y + 32 + Double(position / perRow) * (Self.cardHeight + Self.cardGap)
        drawCard(&canvas, card, x: x, y: cardTop)
      }
      y += height + 10
    }
    var x = margin
    let entries = [
      ("#e1ecf8", "CPUs and memory"), ("#e3f2dc", "memory without CPUs (CXL, dax/kmem…)"), ("#eeeeee", "no memory"), ("#ffffff", "dashed: offline"),
    ]
    for (fill, label) in entries {
      canvas.rect(x: x, y: y, width: 14, height: 14, fill: fill, stroke: "#7a869a", radius: 2, dashed: fill == "#ffffff")
      canvas.text(label, x: x + 20, y: y + 11, size: 11, fill: "#444444")
      x += 20 + Self.textWidth(label, size: 11) + 18
    }
    return y + 16
  }

  func drawCard(_ canvas: inout SVGCanvas, _ card: NodeCard, x: Double, y: Double) {
    let tooltip = "Node \(card.id): \(card.memoryText), \(card.cpuText), zones \(card.zones.map(\.kernelName).joined(separator: " "))"
    canvas.rect(
      x: x, y: y, width: Self.cardWidth, height: Self.cardHeight, fill: Self.cardFill(card), stroke: "#7a869a", radius: 5,
      dashed: !card.isOnline, tooltip: tooltip)
    canvas.text("Node \(card.id)" + (card.isOnline ? "" : " (offline)"), x: x + 10, y: y + 20, size: 14, bold: true)
    canvas.text(card.memoryText, x: x + 10, y: y + 38)
    canvas.text(Self.clipped(card.cpuText, to: 22), x: x + 10, y: y + 54)
    let zones = card.zones.isEmpty ? "no zones" : card.zones.map(\.kernelName).joined(separator: " ")
    canvas.text(Self.clipped(zones, to: 24), x: x + 10, y: y + 70, size: 11, fill: "#555555")
    if !card.demotesTo.isEmpty {
      canvas.text("demotes to \(IDList.format(card.demotesTo.map(\.rawValue)))", x: x + 10, y: y + 85, size: 11, fill: "#555555")
    }
  }

  /// `text`, cut to `limit` characters with an ellipsis.
  static func clipped(_ text: String, to limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }

  func drawHeatMap(_ canvas: inout SVGCanvas, top: Double, cell: Double) -> Double {
    let margin = Self.margin
    canvas.text("Distances (node_distance from row to column; darker is farther)", x: margin, y: top, size: 14, bold: true)
    let ids = distances.nodes
    let left = margin + 48, gridTop = top + 46
    let maximum = maxDistance
    canvas.text("from \\ to", x: left - 6, y: gridTop - 24, size: 10, anchor: .end, fill: "#555555")
    for (column, id) in ids.enumerated() {
      canvas.text("\(id)", x: left + (Double(column) + 0.5) * cell, y: gridTop - 8, anchor: .middle, bold: true)
    }
    for (row, from) in ids.enumerated() {
      let y = gridTop + Double(row) * cell
      canvas.text("\(from)", x: left - 8, y: y + cell / 2 + 4, anchor: .end, bold: true)
      for (column, to) in ids.enumerated() {
        let value = distances[from: from, to: to]
        let x = left + Double(column) * cell
        canvas.rect(
          x: x, y: y, width: cell, height: cell, fill: DistanceColor.fill(value, maximum: maximum), stroke: "#ffffff",
          tooltip: "node \(from) to node \(to): \(value)")
        canvas.text("\(value)", x: x + cell / 2, y: y + cell / 2 + 4, size: 11, anchor: .middle, fill: DistanceColor.ink(value, maximum: maximum))
      }
    }
    // Legend: the distinct distances.
    let values = Set(distances.rows.joined()).sorted()
    let shown = values.count <= 12 ? values : stride(from: 0, to: values.count, by: (values.count + 11) / 12).map { values[$0] }
    let legendX = left + Double(ids.count) * cell + 24
    canvas.text("distance", x: legendX, y: gridTop - 8, size: 11, fill: "#555555")
    for (index, value) in shown.enumerated() {
      let y = gridTop + Double(index) * 20
      canvas.rect(x: legendX, y: y, width: 16, height: 16, fill: DistanceColor.fill(value, maximum: maximum), stroke: "#999999")
      canvas.text(value == DistanceMatrix.local ? "\(value) (local)" : "\(value)", x: legendX + 22, y: y + 12, size: 11)
    }
    return max(gridTop + Double(ids.count) * cell + 20, gridTop + Double(shown.count) * 20)
  }

  static let ladderHeading = "Fallback order (ZONELIST_FALLBACK node order: arrow k leads to the k-th node tried)"

  func drawLadders(_ canvas: inout SVGCanvas, top: Double) -> Double {
    let margin = Self.margin
    canvas.text(Self.ladderHeading, x: margin, y: top, size: 14, bold: true)
    canvas.text("each box is coloured by its distance from the row's node", x: margin, y: top + 18, size: 11, fill: "#555555")
    let maximum = maxDistance
    var y = top + 34
    for card in nodes {
      canvas.text("Node \(card.id)", x: margin, y: y + 16, bold: true)
      if card.fallback.isEmpty {
        canvas.text("not built in this context", x: margin + 72, y: y + 16, size: 11, fill: "#777777")
      }
      var previous = margin + 56
      for (index, target) in card.fallback.enumerated() {
        let boxX = margin + 72 + Double(index) * 60 + 26
        let distance = distances[from: card.id, to: target]
        canvas.arrow(x1: previous + 2, x2: boxX - 2, y: y + 12)
        canvas.text("\(index + 1)", x: (previous + boxX) / 2, y: y + 5, size: 10, anchor: .middle, fill: "#444444")
        canvas.rect(
          x: boxX, y: y + 1, width: 30, height: 22, fill: DistanceColor.fill(distance, maximum: maximum), stroke: "#7a869a", radius: 3,
          tooltip: "node \(card.id), step \(index + 1): node \(target) at distance \(distance)")
        canvas.text("\(target)", x: boxX + 15, y: y + 16, size: 12, anchor: .middle, bold: true, fill: DistanceColor.ink(distance, maximum: maximum))
        previous = boxX + 30
      }
      y += 30
    }
    return y
  }
}
