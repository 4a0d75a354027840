/// `zonelist simulate` output: a table per step and an SVG plot of free pages per zone.
public enum SimulationReport {
  /// Which zonelists the walk starts with, why, and each node's order.
  public static func listsHeader(_ lists: ListsInEffect) -> String {
    var out = "zonelists walked: \(lists.name) — \(lists.reason)\n"
    for node in lists.build.lists {
      out += "  Fallback order for Node \(node.node): \(node.nodeOrder.map { String($0.rawValue) }.joined(separator: " "))\n"
    }
    return out + "\n"
  }

  /// The table: per step, pages per node and zone, events, and the NUMA counters.
  public static func table(_ results: [WorkloadRun.StepResult], topology: Topology) -> String {
    var out = ""
    for result in results {
      out += "step \(result.index): \(result.description)\n"
      let zones = result.pages.filter { $0.value != 0 }.sorted { ($0.key.node, $0.key.type) < ($1.key.node, $1.key.type) }
      for (zone, pages) in zones {
        out += "  \(pages > 0 ? "served" : "freed ") \(String(abs(pages)).leftPadded(9)) pages  \(zone)\n"
      }
      if result.hugePages + result.hugePageFallbacks > 0 {
        out += "  huge pages \(result.hugePages) (order 9), \(result.hugePageFallbacks) fault\(result.hugePageFallbacks == 1 ? "" : "s") fell back to small pages\n"
      }
      if let lists = result.rebuiltLists {
        out += "  zonelists rebuilt\(result.rebuildTotalPages.map { " (Total pages: \($0))" } ?? ""): \(lists.reason)\n"
        for node in lists.build.lists {
          out += "    Fallback order for Node \(node.node): \(node.nodeOrder.map { String($0.rawValue) }.joined(separator: " "))\n"
        }
      }
      let tables = result.pageTablePages.values.reduce(0, +)
      if tables > 0 { out += "  page tables \(tables) pages (one per 512 anonymous pages)\n" }
      if tables < 0 { out += "  page tables \(-tables) pages freed\n" }
      if result.remotePages > 0 { out += "  event: \(result.remotePages) pages fell back to another node than the preferred one\n" }
      for (zone, count) in result.fragmentingFallbacks.sorted(by: { ($0.key.node, $0.key.type) < ($1.key.node, $1.key.type) }) {
        out += "  event: \(count) fallback\(count == 1 ? "" : "s") split a pageblock of another migrate type in \(zone) (watermark boost)\n"
      }
      if !result.kswapdWoken.isEmpty {
        out += "  event: kswapd woken on node \(IDList.format(result.kswapdWoken.map(\.rawValue)))\n"
      }
      if result.failures > 0 {
        out += "  event: \(result.failures) allocations failed\n"
        for reason in result.failureReasons { out += "    \(reason)\n" }
      }
    }
    out += "\nnumastat     " + topology.nodeIDs.map { "node\($0)".leftPadded(12) }.joined() + "\n"
    let last = results.last?.numastat ?? [:]
    let rows: [(String, (AllocatorSimulator.NUMAStat) -> Int)] = [
      ("numa_hit", \.numaHit), ("numa_miss", \.numaMiss), ("numa_foreign", \.numaForeign),
      ("interleave_hit", \.interleaveHit), ("local_node", \.localNode), ("other_node", \.otherNode),
    ]
    for (name, value) in rows {
      out += name.padding(13) + topology.nodeIDs.map { String(last[$0].map(value) ?? 0).leftPadded(12) }.joined() + "\n"
    }
    // Kernel: /proc/buddyinfo after the last step.
    if let blocks = results.last?.freeBlocksAfter, !blocks.isEmpty {
      out += "\nfree blocks after the last step (/proc/buddyinfo)\n"
      for (zone, counts) in blocks.sorted(by: { ($0.key.node, $0.key.type) < ($1.key.node, $1.key.type) }) {
        out += "Node \(zone.node), zone \(zone.type.kernelName.leftPadded(8)) " + counts.map { String($0).leftPadded(6) }.joined(separator: " ") + " \n"
      }
    }
    return out
  }

  /// An SVG line plot of each populated zone's free pages across the steps, with its min
  /// and low watermarks dashed.
  public static func svg(_ results: [WorkloadRun.StepResult], start: [ZoneReference: Int], simulator: AllocatorSimulator) -> String {
    let zones = simulator.zones.filter { $0.managed > 0 }
    let width = 900.0, height = 520.0, left = 80.0, right = 220.0, top = 30.0, bottom = 50.0
    let steps = results.count
    let maxValue = Double(zones.map { $0.managed }.max() ?? 1)
    func x(_ step: Int) -> Double { left + (width - left - right) * Double(step) / Double(max(steps, 1)) }
    func y(_ value: Int) -> Double { top + (height - top - bottom) * (1 - Double(value) / maxValue) }
    let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    svg += "<text x=\"\(left)\" y=\"18\" font-size=\"14\">Free pages per zone across the workload (dashed: min and low watermarks)</text>\n"
    svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - right)\" y2=\"\(y(0))\" stroke=\"black\"/>\n"
    svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(y(0))\" stroke=\"black\"/>\n"
    for tick in 0...4 {
      let value = Int(maxValue) * tick / 4
      svg += "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(value)</text>\n"
    }
    for step in 0...steps {
      svg += "<text x=\"\(x(step))\" y=\"\(height - bottom + 18)\" text-anchor=\"middle\">\(step == 0 ? "start" : String(step))</text>\n"
    }
    svg += "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">step</text>\n"
    for (i, zone) in zones.enumerated() {
      let color = colors[i % colors.count]
      var points = ["\(x(0)),\(y(start[zone.reference] ?? zone.managed))"]
      for result in results { points.append("\(x(result.index)),\(y(result.freeAfter[zone.reference] ?? 0))") }
      svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
      for mark in [zone.min, zone.low] {
        svg += "<line x1=\"\(left)\" y1=\"\(y(mark))\" x2=\"\(width - right)\" y2=\"\(y(mark))\" stroke=\"\(color)\" stroke-dasharray=\"4 3\" stroke-width=\"1\"/>\n"
      }
      svg += "<text x=\"\(width - right + 10)\" y=\"\(top + 16 * Double(i) + 10)\" fill=\"\(color)\">\(zone.reference) (low \(zone.low))</text>\n"
    }
    svg += "</svg>\n"
    return svg
  }
}

extension String {
  func leftPadded(_ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) + self }
  func padding(_ width: Int) -> String { self + String(repeating: " ", count: Swift.max(0, width - count)) }
}
