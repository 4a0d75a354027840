/// The SVG of a ``SimulationPlot``.
extension SimulationPlot {
  static let panelWidth = 540.0
  static let panelHeight = 240.0
  static let plotInsets = (left: 72.0, right: 56.0, top: 30.0, bottom: 34.0)
  /// Colours by zone type, in kernel order (DMA, DMA32, Normal, HighMem, Movable, Device).
  static func color(_ type: ZoneType) -> String {
    switch type {
    case .dma: "#7f7f7f"
    case .dma32: "#1f77b4"
    case .normal: "#2ca02c"
    case .highmem: "#9467bd"
    case .movable: "#ff7f0e"
    case .device: "#8c564b"
    }
  }

  /// The plot as a standalone SVG document.
  ///
  /// - Complexity: O(*z* × *s*) for *z* zones drawn and *s* steps.
  public func svg() -> String {
    let margin = 24.0
    let columns = panels.count > 1 ? 2 : 1
    let rows = (panels.count + columns - 1) / columns
    let listed = min(steps.count, 40)
    let width = Double(columns) * Self.panelWidth + 2 * margin
    let panelsTop = 96.0
    let stepsTop = panelsTop + Double(rows) * (Self.panelHeight + 12) + 16
    var canvas = SVGCanvas(width: width, height: stepsTop + Double(listed + 2) * 16 + margin)
    canvas.text("Free memory per zone across the workload", x: margin, y: 30, size: 18, bold: true)
    canvas.text(
      "logarithmic axis; each step holds its value until the next; watermarks at the end of the run", x: margin, y: 50, fill: "#555555")
    drawKey(&canvas, x: margin, y: 66)
    for (index, panel) in panels.enumerated() {
      let x = margin + Double(index % columns) * Self.panelWidth
      let y = panelsTop + Double(index / columns) * (Self.panelHeight + 12)
      drawPanel(&canvas, panel, x: x, y: y)
    }
    var y = stepsTop
    if omitted > 0 {
      canvas.text("\(omitted) more node\(omitted == 1 ? "" : "s") not drawn (their free memory changed least)", x: margin, y: y, fill: "#555555")
      y += 20
    }
    canvas.text("Steps", x: margin, y: y, size: 14, bold: true)
    for label in steps.prefix(listed) {
      y += 16
      canvas.text(TopologyPicture.clipped(label, to: Int((width - 2 * margin) / 6.6)), x: margin + 8, y: y, size: 11)
    }
    if steps.count > listed {
      canvas.text("… \(steps.count - listed) more steps (zonelist simulate lists them)", x: margin + 8, y: y + 16, size: 11, fill: "#555555")
    }
    return canvas.document(title: "zonelist simulate: free memory per zone")
  }

  func drawKey(_ canvas: inout SVGCanvas, x: Double, y: Double) {
    var x = x
    canvas.line(x1: x, y1: y, x2: x + 26, y2: y, stroke: "#333333", width: 2)
    canvas.text("free", x: x + 32, y: y + 4, size: 11)
    x += 80
    for (name, pattern) in [("min", "2 3"), ("low", "7 4"), ("high", "14 4")] {
      canvas.raw("<line x1=\"\(SVGCanvas.number(x))\" y1=\"\(SVGCanvas.number(y))\" x2=\"\(SVGCanvas.number(x + 26))\" y2=\"\(SVGCanvas.number(y))\" stroke=\"#333333\" stroke-width=\"1.2\" stroke-dasharray=\"\(pattern)\"/>")
      canvas.text("\(name) watermark", x: x + 32, y: y + 4, size: 11)
      x += 130
    }
  }

  /// The value axis of a panel: from a quarter of the lowest min watermark (at least 64 KiB)
  /// to the largest zone, in bytes.
  func axis(_ panel: Panel) -> (low: Double, high: Double) {
    let page = Double(pageSize)
    let lowest = panel.series.map { Swift.max(1, $0.min) }.min() ?? 1
    let low = Swift.max(65536, Double(lowest) * page / 4)
    let high = Swift.max(low * 4, Double(panel.series.map(\.managed).max() ?? 1) * page * 1.15)
    return (low, high)
  }

  /// Tick values (bytes): powers of two spaced so that at most six fit.
  static func ticks(low: Double, high: Double) -> [Double] {
    let first = Int(Logarithm.log2(low).rounded(.up)), last = Int(Logarithm.log2(high).rounded(.down))
    guard last >= first else { return [] }
    let stride = Swift.max(1, (last - first + 5) / 6)
    // Ticks on exponents that are multiples of the stride, so that 1 GiB (2^30) is one when it can be.
    return Swift.stride(from: first, through: last, by: 1).filter { $0 % stride == 0 }.map { Double(sign: .plus, exponent: $0, significand: 1) }
  }

  /// A power-of-two byte count: `64 KiB`, `256 MiB`, `4 GiB`.
  static func tickLabel(_ bytes: Double) -> String {
    let exponent = Int(bytes.exponent)
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    let unit = Swift.min(exponent / 10, units.count - 1)
    return "\(1 << (exponent - unit * 10)) \(units[unit])"
  }

  func drawPanel(_ canvas: inout SVGCanvas, _ panel: Panel, x: Double, y: Double) {
    let insets = Self.plotInsets
    let left = x + insets.left, right = x + Self.panelWidth - insets.right
    let top = y + insets.top, bottom = y + Self.panelHeight - insets.bottom
    let (low, high) = axis(panel)
    let span = Logarithm.log2(high) - Logarithm.log2(low)
    func yOf(pages: Int) -> Double {
      let bytes = Double(pages) * Double(pageSize)
      guard bytes > low else { return bottom }
      return bottom - (Logarithm.log2(bytes) - Logarithm.log2(low)) / span * (bottom - top)
    }
    let slots = Double(steps.count + 1)
    func xOf(slot: Int) -> Double { left + (right - left) * Double(slot) / slots }
    canvas.rect(x: left, y: top, width: right - left, height: bottom - top, fill: "#fbfbfd", stroke: "#cccccc")
    canvas.text(panel.title, x: left, y: y + 18, size: 13, bold: true)
    for tick in Self.ticks(low: low, high: high) {
      let ty = bottom - (Logarithm.log2(tick) - Logarithm.log2(low)) / span * (bottom - top)
      canvas.line(x1: left, y1: ty, x2: right, y2: ty, stroke: "#e4e4ea")
      canvas.text(Self.tickLabel(tick), x: left - 6, y: ty + 4, size: 10, anchor: .end, fill: "#444444")
    }
    canvas.text("≤ " + ByteSize.text(Int(low)), x: left - 6, y: bottom + 4, size: 9, anchor: .end, fill: "#777777")
    // Step numbers under the slots: start, 1, 2, … (thinned to about 24 labels).
    let every = Swift.max(1, (steps.count + 24) / 24)
    for slot in 0...steps.count where slot % every == 0 {
      let cx = (xOf(slot: slot) + xOf(slot: slot + 1)) / 2
      canvas.text(slot == 0 ? "start" : "\(slot)", x: cx, y: bottom + 14, size: 10, anchor: .middle, fill: "#444444")
    }
    canvas.text("step", x: (left + right) / 2, y: bottom + 28, size: 10, anchor: .middle, fill: "#777777")
    var labelled: [Double] = []
    for series in panel.series {
      let color = Self.color(series.zone.type)
      for (name, value, pattern) in [("min", series.min, "2 3"), ("low", series.low, "7 4"), ("high", series.high, "14 4")] {
        let wy = yOf(pages: value)
        canvas.raw("<line x1=\"\(SVGCanvas.number(left))\" y1=\"\(SVGCanvas.number(wy))\" x2=\"\(SVGCanvas.number(right))\" y2=\"\(SVGCanvas.number(wy))\" stroke=\"\(color)\" stroke-width=\"1.2\" stroke-dasharray=\"\(pattern)\"><title>\(series.zone) \(name) watermark: \(value) pages</title></line>")
        if panel.series.count == 1 && !labelled.contains(where: { abs($0 - wy) < 10 }) {
          canvas.text(name, x: right + 4, y: wy + 4, size: 10, fill: color)
          labelled.append(wy)
        }
      }
      var points: [(Double, Double)] = []
      for (slot, value) in series.free.enumerated() {
        let vy = yOf(pages: value)
        points.append((xOf(slot: slot), vy))
        points.append((xOf(slot: slot + 1), vy))
      }
      canvas.polyline(points, stroke: color, width: 2)
      if panel.series.count > 1 {
        canvas.text(series.zone.type.kernelName, x: right + 4, y: (points.last?.1 ?? bottom) + 4, size: 10, fill: color)
      }
    }
  }
}
