extension MachineDiff {
  /// The text of `zonelist diff`: what differs, section by section, each line naming A and B.
  public func text() -> String {
    var out = ["A: \(a)", "B: \(b)"]
    if isEqual {
      out.append("no difference: node orders, zonelists, tiers, demotion targets and watermarks are the same")
    }
    func list(_ values: [Int]?) -> String { values.map { $0.map(String.init).joined(separator: " ") } ?? "(no list)" }
    if !nodeOrders.isEmpty {
      out += ["", "fallback order"]
      for change in nodeOrders {
        out.append("  node \(change.node): A \(list(change.a))  ->  B \(list(change.b))")
        guard let flip = change.flip else { continue }
        let chosen = { (node: Int?) in node.map { "node \($0)" } ?? "nothing (the list ends)" }
        out.append("    position \(flip.position + 1): A took \(chosen(flip.chosenA)), B took \(chosen(flip.chosenB)), because of")
        out += flip.causes.map { "      \($0.term): \($0.text)" }
      }
    }
    if !zonelists.isEmpty {
      out += ["", "zonelists"]
      for change in zonelists {
        let label = "  node \(change.node) \(change.list)"
        out.append("\(label): A \(change.a?.joined(separator: " ") ?? "(none)")")
        out.append(String(repeating: " ", count: label.count) + ": B \(change.b?.joined(separator: " ") ?? "(none)")")
      }
    }
    if !tiers.isEmpty {
      out += ["", "tiers"]
      out += tiers.map { "  node \($0.node): A \($0.a ?? "no tier")  ->  B \($0.b ?? "no tier")" }
    }
    if !demotion.isEmpty {
      out += ["", "demotion targets"]
      out += demotion.map { "  node \($0.node): A \($0.a ?? "none")  ->  B \($0.b ?? "none")" }
    }
    if !watermarks.isEmpty {
      out += ["", "watermarks"]
      var zones: [String] = []
      for change in watermarks where zones.last != change.zone { zones.append(change.zone) }
      for zone in zones {
        let fields = watermarks.filter { $0.zone == zone }.map { "\($0.field) \($0.a ?? "-") -> \($0.b ?? "-")" }
        out.append("  \(zone): " + fields.joined(separator: ", "))
      }
    }
    if !notCompared.isEmpty { out += ["", "not compared"] + notCompared.map { "  " + $0 } }
    if !isEqual {
      let counts = [
        (nodeOrders.count, "node order"), (zonelists.count, "zonelist"), (tiers.count, "tier"),
        (demotion.count, "demotion target"), (watermarks.count, "watermark figure"),
      ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
      out += ["", "differ: " + counts.joined(separator: ", ")]
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// `zonelist diff --format json`: schema `zonelist.diff/1`.
  public struct Document: Hashable, Sendable, Codable {
    public var schema = "zonelist.diff/1"
    public var equal: Bool
    public var diff: MachineDiff
    public var notes: [String]
    public init(_ diff: MachineDiff, notes: [String]) {
      self.equal = diff.isEqual
      self.diff = diff
      self.notes = notes
    }
  }
}
