/// The lines the kernel prints about zonelists, byte for byte, without the timestamp.
///
/// Kernel: the `pr_info()`/`pr_cont()` calls of `build_zonelists()` and
/// `build_all_zonelists()` in `mm/page_alloc.c`, and `mminit_verify_zonelist()` in
/// `mm/mm_init.c`.
public enum KernelLog {
  /// `Fallback order for Node N: a b c ` (with the trailing space), from 5.16.
  public static func fallbackOrderLine(_ lists: NodeZonelists) -> String {
    "Fallback order for Node \(lists.node): " + lists.nodeOrder.map { "\($0) " }.joined()
  }

  /// `Built N zonelists, mobility grouping on.  Total pages: X` (two spaces before Total).
  public static func builtLine(_ build: ZonelistBuild, totalPages: Int) -> String {
    let grouping = totalPages < TotalPages.mobilityGroupingThreshold ? "off" : "on"
    if build.profile.builtMessageNamesOrder {
      let order = build.zonelistOrder == .node ? "Node" : "Zone"
      return "Built \(build.builtCount) zonelists in \(order) order, mobility grouping \(grouping).  Total pages: \(totalPages)"
    }
    return "Built \(build.builtCount) zonelists, mobility grouping \(grouping).  Total pages: \(totalPages)"
  }

  /// `Policy zone: Normal`.
  public static func policyZoneLine(_ build: ZonelistBuild) -> String {
    "Policy zone: \(build.policyZone.kernelName)"
  }

  /// Every line a build prints, in the kernel's order.
  ///
  /// - Parameter totalPages: The `Total pages` figure (``TotalPages``).
  public static func lines(_ build: ZonelistBuild, totalPages: Int) -> [String] {
    var lines: [String] = []
    if build.profile.printsFallbackOrder { lines += build.lists.map(fallbackOrderLine) }
    lines.append(builtLine(build, totalPages: totalPages))
    // Kernel: `Policy zone:` is printed under CONFIG_NUMA only.
    if build.profile.hasNUMA { lines.append(policyZoneLine(build)) }
    return lines
  }

  /// The `mminit::zonelist` lines `mminit_loglevel=4` adds at boot.
  ///
  /// Kernel: `mminit_verify_zonelist()`: for each online node, list `general` then
  /// `thisnode`, for each populated zone of the node, the list's zones up to that zone.
  /// Without CONFIG_NUMA there is no `thisnode` list (`MAX_ZONELISTS` is 1).
  public static func mminitLines(_ build: ZonelistBuild, topology: Topology) -> [String] {
    var lines: [String] = []
    for node in topology.onlineNodes {
      guard let lists = build[node.id] else { continue }
      let kinds = [("general", lists.fallback)] + (build.profile.hasNUMA ? [("thisnode", lists.thisNode)] : [])
      for (name, list) in kinds {
        for type in build.profile.zoneTypes where node[type].isPopulated {
          let entries = NodeZonelists.eligible(list, atOrBelow: type).map { "\($0) " }.joined()
          lines.append("mminit::zonelist \(name) \(node.id):\(type.kernelName) = \(entries)")
        }
      }
    }
    return lines
  }

  /// Whether `line` (timestamp removed) is one ``lines(_:totalPages:)`` would print.
  public static func isZonelistLine(_ line: String) -> Bool {
    line.hasPrefix("Fallback order for Node ") || line.hasPrefix("Built ") && line.contains(" zonelists")
      || line.hasPrefix("Policy zone: ")
  }

  /// Removes a `[    0.109794] ` timestamp prefix.
  public static func strippingTimestamp(_ line: String) -> String {
    guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return line }
    var rest = line[line.index(after: close)...]
    if rest.first == " " { rest.removeFirst() }
    return String(rest)
  }
}
