/// `zonelist simulate` output: a table per step (the plot is ``SimulationPlot``).
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
}

extension String {
  func leftPadded(_ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) + self }
  func padding(_ width: Int) -> String { self + String(repeating: " ", count: Swift.max(0, width - count)) }
}
