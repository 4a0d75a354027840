/// The lines the kernel prints about zonelists, byte for byte, without the timestamp.
///
/// Kernel: the `pr_info()`/`pr_cont()` calls of `build_zonelists()` and
/// `build_all_zonelists()` in `mm/page_alloc.c`, and `mminit_verify_zonelist()` in
/// `mm/mm_init.c`.
public enum KernelLog {
  /// `Fallback order for Node N: a b c ` (with the trailing space), from 5.16.
  public static func fallbackOrderLine(_ lists: NodeZonelists) -> String {
    String(ByteWriter.text { writeFallbackOrder(NodeOrder(node: lists.node, order: lists.nodeOrder), to: &$0) }.dropLast())
  }

  static func writeFallbackOrder(_ order: NodeOrder, to out: inout ByteWriter) {
    out.write("Fallback order for Node ")
    out.write(order.node.rawValue)
    out.write(": ")
    // One reservation for the whole list: each id and its space, then LF.
    out.write(upTo: order.order.count * (ByteWriter.maximumDecimalCount + 1) + 1) { start in
      var position = start
      for node in order.order {
        position += ByteWriter.storeDecimal(node.rawValue, at: position)
        position.pointee = UInt8(ascii: " ")
        position += 1
      }
      position.pointee = UInt8(ascii: "\n")
      return position + 1 - start
    }
  }

  /// `Built N zonelists, mobility grouping on.  Total pages: X` (two spaces before Total).
  public static func builtLine(_ build: NodeOrders, totalPages: Int) -> String {
    let grouping = totalPages < TotalPages.mobilityGroupingThreshold ? "off" : "on"
    if build.profile.builtMessageNamesOrder {
      let order = build.zonelistOrder == .node ? "Node" : "Zone"
      return "Built \(build.builtCount) zonelists in \(order) order, mobility grouping \(grouping).  Total pages: \(totalPages)"
    }
    return "Built \(build.builtCount) zonelists, mobility grouping \(grouping).  Total pages: \(totalPages)"
  }

  /// `Policy zone: Normal`.
  public static func policyZoneLine(_ build: NodeOrders) -> String {
    "Policy zone: \(build.policyZone.kernelName)"
  }

  /// Every line a build prints, in the kernel's order.
  ///
  /// - Parameter totalPages: The `Total pages` figure (``TotalPages``).
  public static func lines(_ build: ZonelistBuild, totalPages: Int) -> [String] {
    ByteWriter.lines { write(build, totalPages: totalPages, to: &$0) }
  }

  /// ``lines(_:totalPages:)`` written to `out`, each ending in LF.
  public static func write(_ build: ZonelistBuild, totalPages: Int, to out: inout ByteWriter) {
    write(build.nodeOrders, totalPages: totalPages, to: &out)
  }

  /// The same lines from the node orders alone: all they print.
  public static func write(_ build: NodeOrders, totalPages: Int, to out: inout ByteWriter) {
    if build.profile.printsFallbackOrder {
      for order in build.orders { writeFallbackOrder(order, to: &out) }
    }
    out.write(builtLine(build, totalPages: totalPages))
    out.write(byte: UInt8(ascii: "\n"))
    // Kernel: `Policy zone:` is printed under CONFIG_NUMA only.
    if build.profile.hasNUMA {
      out.write(policyZoneLine(build))
      out.write(byte: UInt8(ascii: "\n"))
    }
  }

  /// The `mminit::zonelist` lines `mminit_loglevel=4` adds at boot.
  ///
  /// Kernel: `mminit_verify_zonelist()`: for each online node, list `general` then
  /// `thisnode`, for each populated zone of the node, the list's zones up to that zone.
  /// Without CONFIG_NUMA there is no `thisnode` list (`MAX_ZONELISTS` is 1).
  public static func mminitLines(_ build: ZonelistBuild, topology: Topology) -> [String] {
    ByteWriter.lines { writeMminit(build, topology: topology, to: &$0) }
  }

  /// ``mminitLines(_:topology:)`` written to `out`, each ending in LF.
  public static func writeMminit(_ build: ZonelistBuild, topology: Topology, to out: inout ByteWriter) {
    for node in topology.onlineNodes {
      guard let lists = build[node.id] else { continue }
      let kinds = [("general", lists.fallback)] + (build.profile.hasNUMA ? [("thisnode", lists.thisNode)] : [])
      for (name, list) in kinds {
        for type in build.profile.zoneTypes where node[type].isPopulated {
          out.write("mminit::zonelist ")
          out.write(name)
          out.write(byte: UInt8(ascii: " "))
          writeZone(node.id, type, to: &out)
          out.write(" = ")
          // NodeZonelists.eligible(list, atOrBelow: type), without a copy of the list.
          for zone in list where zone.type <= type {
            writeZone(zone.node, zone.type, to: &out)
            out.write(byte: UInt8(ascii: " "))
          }
          out.write(byte: UInt8(ascii: "\n"))
        }
      }
    }
  }

  /// `N:Zone`, as ``ZoneReference/description`` spells it.
  static func writeZone(_ node: NodeID, _ type: ZoneType, to out: inout ByteWriter) {
    out.write(node.rawValue)
    out.write(byte: UInt8(ascii: ":"))
    out.write(type.kernelName)
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
