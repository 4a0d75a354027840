/// The `zonelist simulate --plot` picture: each zone's free memory across the workload as a
/// step function on a logarithmic axis in binary units, with its min, low and high watermarks,
/// one panel per zone (per node beyond ``zonePanelLimit`` zones) and the steps listed by what
/// they did.
///
/// Kernel: the free pages are `NR_FREE_PAGES` plus the per-CPU lists after each step (what
/// `/proc/zoneinfo`'s `pages free` and the `pcp` counts add up to); the watermarks are
/// `zone->_watermark[WMARK_MIN/LOW/HIGH]` at the end of the run (an `online:` step retunes them).
public struct SimulationPlot: Hashable, Sendable {
  /// The most zones drawn one panel each; beyond, one panel per node.
  public static let zonePanelLimit = 12
  /// The most panels drawn; the nodes whose free memory changed come first.
  public static let panelLimit = 24

  /// One zone's free pages: the value at the start, then after each step.
  public struct Series: Hashable, Sendable {
    public var zone: ZoneReference
    public var free: [Int]
    public var managed: Int
    public var min: Int
    public var low: Int
    public var high: Int
  }

  public struct Panel: Hashable, Sendable {
    public var title: String
    public var series: [Series]
  }

  /// One label per step: its number, what it asked for and what happened.
  public var steps: [String]
  public var panels: [Panel]
  /// Panels left out beyond ``panelLimit``.
  public var omitted: Int
  public var pageSize: Int

  /// Collects the plot of a run.
  ///
  /// - Parameters:
  ///   - start: Each zone's free pages before the first step (a zone missing there, hot-added
  ///     later, starts at 0).
  ///   - zones: The zones at the end of the run, with their watermarks.
  /// - Complexity: O(*z* × *s*) for *z* zones and *s* steps.
  public init(results: [WorkloadRun.StepResult], start: [ZoneReference: Int], zones: [AllocatorSimulator.ZoneState], pageSize: Int = 4096) {
    self.pageSize = pageSize
    steps = results.map { SimulationPlot.label($0, pageSize: pageSize) }
    let drawn = zones.filter { $0.managed > 0 }
    let series = drawn.map { zone in
      var free = [start[zone.reference] ?? 0]
      for result in results { free.append(result.freeAfter[zone.reference] ?? free[free.count - 1]) }
      return Series(zone: zone.reference, free: free, managed: zone.managed, min: zone.min, low: zone.low, high: zone.high)
    }
    var panels: [Panel]
    if series.count <= Self.zonePanelLimit {
      panels = series.map { Panel(title: "Node \($0.zone.node), zone \($0.zone.type.kernelName)", series: [$0]) }
    } else {
      var byNode: [NodeID: [Series]] = [:]
      for item in series { byNode[item.zone.node, default: []].append(item) }
      panels = byNode.keys.sorted().map { node in
        let members = byNode[node] ?? []
        return Panel(title: "Node \(node): " + members.map(\.zone.type.kernelName).joined(separator: ", "), series: members)
      }
      // Nodes whose free memory changed first, each group in node order.
      let changed = panels.filter { $0.series.contains { Set($0.free).count > 1 } }
      let unchanged = panels.filter { !$0.series.contains { Set($0.free).count > 1 } }
      panels = changed + unchanged
    }
    omitted = max(0, panels.count - Self.panelLimit)
    self.panels = Array(panels.prefix(Self.panelLimit))
  }

  /// `3: CPU 0 default 307200 pages order 0 — served 1.2 GiB (230 MiB remote), kswapd woken on 0`.
  static func label(_ result: WorkloadRun.StepResult, pageSize: Int) -> String {
    let served = result.pages.values.filter { $0 > 0 }.reduce(0, +)
    let freed = -result.pages.values.filter { $0 < 0 }.reduce(0, +)
    var parts: [String] = []
    if served > 0 { parts.append("served \(ByteSize.text(served * pageSize))") }
    if result.remotePages > 0 { parts.append("\(ByteSize.text(result.remotePages * pageSize)) off the preferred node") }
    if freed > 0 { parts.append("freed \(ByteSize.text(freed * pageSize))") }
    if !result.kswapdWoken.isEmpty { parts.append("kswapd woken on node \(IDList.format(result.kswapdWoken.map(\.rawValue)))") }
    if result.failures > 0 { parts.append("\(result.failures) allocation\(result.failures == 1 ? "" : "s") failed") }
    if result.rebuiltLists != nil { parts.append("zonelists rebuilt") }
    return "\(result.index): \(result.description)" + (parts.isEmpty ? "" : " — " + parts.joined(separator: ", "))
  }
}

/// Base-2 logarithms without Foundation, for the plot's axis.
enum Logarithm {
  /// log2(`value`) for a positive finite value, to about 1e-12.
  static func log2(_ value: Double) -> Double {
    precondition(value > 0 && value.isFinite, "log2 of \(value)")
    let exponent = Double(value.exponent)
    let significand = value.significand  // in [1, 2)
    // ln(s) = 2 atanh(z), z = (s - 1) / (s + 1) <= 1/3.
    let z = (significand - 1) / (significand + 1)
    let square = z * z
    var term = z, sum = 0.0
    for k in stride(from: 1, through: 41, by: 2) {
      sum += term / Double(k)
      term *= square
    }
    return exponent + 2 * sum / 0.693_147_180_559_945_3
  }
}
