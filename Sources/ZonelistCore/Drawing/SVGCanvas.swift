/// A minimal SVG writer: elements appended as text, coordinates rounded to tenths.
///
/// Every picture the tool draws (the topology, the simulate plot) goes through it, so all
/// text is escaped in one place and the output is the same on every platform.
struct SVGCanvas {
  private(set) var body = ""
  var width: Double
  var height: Double

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// The whole document: a white background, a sans-serif font and the elements.
  func document(title: String) -> String {
    let w = SVGCanvas.number(width), h = SVGCanvas.number(height)
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" \
      font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="12">
      <title>\(Markup.escape(title))</title>
      <rect width="\(w)" height="\(h)" fill="#ffffff"/>

      """ + body + "</svg>\n"
  }

  mutating func raw(_ element: String) { body += element + "\n" }

  mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, radius: Double = 0,
    dashed: Bool = false, tooltip: String? = nil
  ) {
    var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"\(fill)\""
    if let stroke { attributes += " stroke=\"\(stroke)\"" }
    if radius > 0 { attributes += " rx=\"\(Self.number(radius))\"" }
    if dashed { attributes += " stroke-dasharray=\"5 3\"" }
    if let tooltip {
      body += "<rect \(attributes)><title>\(Markup.escape(tooltip))</title></rect>\n"
    } else {
      body += "<rect \(attributes)/>\n"
    }
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ text: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, bold: Bool = false,
    fill: String = "#222222"
  ) {
    var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
    if size != 12 { attributes += " font-size=\"\(Self.number(size))\"" }
    if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
    if bold { attributes += " font-weight=\"bold\"" }
    attributes += " fill=\"\(fill)\""
    body += "<text \(attributes)>\(Markup.escape(text))</text>\n"
  }

  mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
    body +=
      "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
  }

  /// A polyline through `points`.
  mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dashed: Bool = false) {
    let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
    body +=
      "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(list)\"/>\n"
  }

  /// A horizontal arrow from `x1` to `x2` at `y`, its head at `x2`.
  mutating func arrow(x1: Double, x2: Double, y: Double, stroke: String = "#555555") {
    line(x1: x1, y1: y, x2: x2 - 5, y2: y, stroke: stroke, width: 1.5)
    let head = "\(Self.number(x2)),\(Self.number(y)) \(Self.number(x2 - 7)),\(Self.number(y - 4)) \(Self.number(x2 - 7)),\(Self.number(y + 4))"
    body += "<polygon points=\"\(head)\" fill=\"\(stroke)\"/>\n"
  }

  /// `value` with at most one decimal, no trailing `.0`.
  static func number(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
  }
}

/// Escaping for SVG, HTML and DOT text.
public enum Markup {
  /// `text` with `&`, `<`, `>` and `"` escaped for XML and HTML.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }

  /// `text` as a DOT double-quoted string body: `"` and `\` escaped, newlines as `\n`.
  static func dotEscape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out
  }
}

/// The colour scale of distances: near white at 10 (local) to dark red at the largest.
enum DistanceColor {
  /// The fill of a cell for `distance` on a scale ending at `maximum`.
  static func fill(_ distance: Int, maximum: Int) -> String {
    let t = fraction(distance, maximum: maximum)
    // From #fff7ec (local) to #b30000 (farthest), through oranges.
    let stops: [(Double, Double, Double)] = [(255, 247, 236), (253, 187, 132), (239, 101, 72), (179, 0, 0)]
    let scaled = t * Double(stops.count - 1)
    let index = min(Int(scaled), stops.count - 2)
    let local = scaled - Double(index)
    func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * local).rounded()) }
    let (a, b) = (stops[index], stops[index + 1])
    return hex(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
  }

  /// The text colour readable on ``fill(_:maximum:)``.
  static func ink(_ distance: Int, maximum: Int) -> String { fraction(distance, maximum: maximum) > 0.6 ? "#ffffff" : "#222222" }

  static func fraction(_ distance: Int, maximum: Int) -> Double {
    guard maximum > DistanceMatrix.local else { return 0 }
    return min(1, max(0, Double(distance - DistanceMatrix.local) / Double(maximum - DistanceMatrix.local)))
  }

  static func hex(_ red: Int, _ green: Int, _ blue: Int) -> String {
    let digits = Array("0123456789abcdef")
    return "#" + [red, green, blue].map { value in
      let v = min(255, max(0, value))
      return String([digits[v / 16], digits[v % 16]])
    }.joined()
  }
}
