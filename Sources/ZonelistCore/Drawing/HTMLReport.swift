/// `zonelist report`: one self-contained HTML page (inline SVG and CSS, no scripts, fonts or
/// other requests) with the picture, each node's lists, the tiers, the zoneinfo highlights
/// and the explanations.
public struct HTMLReport: Sendable {
  /// The most nodes whose zone-level lists and explanations are written out; beyond, the
  /// node orders are shortened and the explanations limited to the first nodes.
  public static let detailLimit = 16
  /// How many entries of a node order are written for a machine beyond ``detailLimit``.
  public static let orderPrefix = 24

  public var title: String
  public var picture: TopologyPicture
  public var build: BuildReport
  /// The kernel's own lines (`Fallback order…`, `Built…`), when the input gives them.
  public var kernelLog: [String]?
  /// `zonelist tiers`' table, when the kernel has tiers.
  public var tiersTable: String?
  public var tuning: TuningReport
  /// `zonelist zoneinfo`'s table, shown folded under the highlights.
  public var zoneinfoTable: String
  public var topology: Topology
  public var zoneTypes: [ZoneType]
  /// `zonelist explain` for the first nodes, by node.
  public var explanations: [(node: NodeID, text: String)]
  public var notes: [String]

  public init(
    title: String, picture: TopologyPicture, build: BuildReport, kernelLog: [String]?, tiersTable: String?, tuning: TuningReport,
    zoneinfoTable: String, topology: Topology, zoneTypes: [ZoneType], explanations: [(node: NodeID, text: String)], notes: [String]
  ) {
    self.title = title
    self.picture = picture
    self.build = build
    self.kernelLog = kernelLog
    self.tiersTable = tiersTable
    self.tuning = tuning
    self.zoneinfoTable = zoneinfoTable
    self.topology = topology
    self.zoneTypes = zoneTypes
    self.explanations = explanations
    self.notes = notes
  }

  static let style = """
    body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }
    h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
    .subtitle { color: #555; margin-top: 0; }
    svg { max-width: 100%; height: auto; border: 1px solid #eee; }
    table { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
    th { background: #f3f3f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
    pre { background: #f7f7f9; border: 1px solid #e3e3e8; padding: 10px; overflow-x: auto; font-size: 12px; }
    details { margin: 6px 0; } summary { cursor: pointer; font-weight: bold; }
    .notes li { color: #664400; } nav a { margin-right: 14px; }
    """

  /// The page.
  ///
  /// - Complexity: O(*n*^2) in the number of nodes (the picture and the node orders).
  public func html() -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    // Nothing may be fetched: a browser refuses (and reports) any request the page would make.
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
    out += "<title>\(Markup.escape("zonelist report: " + title))</title>\n<style>\n\(Self.style)</style>\n</head>\n<body>\n"
    out += "<h1>\(Markup.escape(title))</h1>\n"
    out += "<p class=\"subtitle\">\(Markup.escape(picture.subtitle)); made by zonelist \(ZonelistVersion.current)</p>\n"
    out += "<nav><a href=\"#picture\">Picture</a><a href=\"#lists\">Zonelists</a><a href=\"#tiers\">Tiers</a><a href=\"#zoneinfo\">Watermarks</a><a href=\"#explain\">Explanations</a></nav>\n"
    if !notes.isEmpty {
      out += "<h2 id=\"notes\">What the input lacked</h2>\n<ul class=\"notes\">\n"
      for note in notes { out += "<li>\(Markup.escape(note))</li>\n" }
      out += "</ul>\n"
    }
    out += "<h2 id=\"picture\">Picture</h2>\n" + picture.svg()
    out += listsSection() + tiersSection() + zoneinfoSection() + explanationSection()
    return out + "</body>\n</html>\n"
  }

  func listsSection() -> String {
    let detailed = build.nodes.count <= Self.detailLimit
    var out = "<h2 id=\"lists\">Zonelists per node</h2>\n"
    out += "<p>Kernel \(Markup.escape(build.kernel)), \(Markup.escape(build.context)) build, \(build.policyZone.map { "policy zone \(Markup.escape($0))" } ?? "no NUMA (no policy zone)")"
    out += build.totalPages.map { ", Total pages \($0)" } ?? ""
    out += ".\(detailed ? "" : " Node orders are shortened to their first \(Self.orderPrefix) nodes; zonelist build lists them whole.")</p>\n"
    out += "<table>\n<tr><th>node</th><th>state</th><th>CPUs</th><th>memory</th><th>fallback order (nodes)</th>"
    out += detailed ? "<th>FALLBACK (zones)</th><th>NOFALLBACK (zones)</th></tr>\n" : "</tr>\n"
    for node in build.nodes {
      let card = picture.nodes.first { $0.id.rawValue == node.node }
      var order = node.fallbackOrder.map { $0.map(String.init) } ?? []
      if !detailed && order.count > Self.orderPrefix { order = Array(order.prefix(Self.orderPrefix)) + ["… (\(order.count - Self.orderPrefix) more)"] }
      out += "<tr><td class=\"num\">\(node.node)</td><td>\(node.online ? "online" : "offline")</td>"
      out += "<td>\(Markup.escape(node.cpus.isEmpty ? "none" : node.cpus))</td><td>\(Markup.escape(card?.memoryText ?? ""))</td>"
      out += "<td>\(node.fallbackOrder == nil ? "not built" : Markup.escape(order.joined(separator: " ")))</td>"
      if detailed {
        out += "<td>\(Markup.escape((node.fallback?.names ?? []).joined(separator: " ")))</td><td>\(Markup.escape((node.thisNode?.names ?? []).joined(separator: " ")))</td>"
      }
      out += "</tr>\n"
    }
    out += "</table>\n"
    if let kernelLog, !kernelLog.isEmpty {
      out += "<p>The kernel's own lines at boot (<code>zonelist build --format kernel-log</code>):</p>\n<pre>"
      out += Markup.escape(kernelLog.prefix(Self.detailLimit + 2).joined(separator: "\n"))
      out += kernelLog.count > Self.detailLimit + 2 ? "\n… (\(kernelLog.count - Self.detailLimit - 2) more lines)" : ""
      out += "</pre>\n"
    }
    return out
  }

  func tiersSection() -> String {
    var out = "<h2 id=\"tiers\">Memory tiers and demotion</h2>\n"
    guard let tiersTable else { return out + "<p>No memory tiers for this kernel or input (see the notes).</p>\n" }
    return out + "<pre>\(Markup.escape(tiersTable))</pre>\n"
  }

  func zoneinfoSection() -> String {
    var out = "<h2 id=\"zoneinfo\">Watermarks (zoneinfo highlights)</h2>\n"
    out += "<p>min_free_kbytes \(tuning.minFreeKibibytes) (\(Markup.escape(tuning.minFreeSource))); watermark_scale_factor \(tuning.tunables.watermarkScaleFactor). "
    out += "Pages of 4 KiB; the allocator falls back to the next zone of a list when free pages would drop below the low watermark plus the protection.</p>\n"
    out += "<table>\n<tr><th>zone</th><th>managed</th><th>min</th><th>low</th><th>high</th><th>low as memory</th><th>protection</th><th>per-CPU batch</th></tr>\n"
    var rows = 0
    for node in topology.onlineNodes {
      for type in zoneTypes {
        guard let zone = tuning.zones[ZoneReference(node: node.id, type: type)], node[type].isPopulated else { continue }
        rows += 1
        if rows > 4 * Self.detailLimit { continue }
        out += "<tr><td>\(node.id):\(type.kernelName)</td><td class=\"num\">\(node[type].managed)</td><td class=\"num\">\(zone.min)</td>"
        out += "<td class=\"num\">\(zone.low)</td><td class=\"num\">\(zone.high)</td><td class=\"num\">\(ByteSize.text(zone.low * 4096))</td>"
        out += "<td>\(zone.protection.map(String.init).joined(separator: " "))</td><td class=\"num\">\(zone.batch)</td></tr>\n"
      }
    }
    out += "</table>\n"
    if rows > 4 * Self.detailLimit { out += "<p>… \(rows - 4 * Self.detailLimit) more zones: zonelist zoneinfo lists them all.</p>\n" }
    out += "<details><summary>Every figure (<code>zonelist zoneinfo</code>)</summary>\n<pre>\(Markup.escape(zoneinfoTable))</pre>\n</details>\n"
    return out
  }

  func explanationSection() -> String {
    var out = "<h2 id=\"explain\">Why each node falls back where it does</h2>\n"
    out += "<p>Each step of <code>find_next_best_node()</code> (<code>zonelist explain --node N</code>).</p>\n"
    for (node, text) in explanations {
      out += "<details\(node == explanations.first?.node ? " open" : "")><summary>Node \(node)</summary>\n<pre>\(Markup.escape(text))</pre>\n</details>\n"
    }
    if build.nodes.count > explanations.count {
      out += "<p>\(build.nodes.count - explanations.count) more nodes: <code>zonelist explain --node N</code> explains any.</p>\n"
    }
    return out
  }
}
