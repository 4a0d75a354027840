extension BuildReport {
  /// The human-readable table.
  public func table() -> String { ByteWriter.text { writeTable(to: &$0) } }

  /// ``table()`` written to `out`.
  public func writeTable(to out: inout ByteWriter) {
    func line(_ text: String) {
      out.write(text)
      out.write(byte: UInt8(ascii: "\n"))
    }
    let standing =
      provenOnRealKernel
      ? "proven on a real kernel"
      : rulesAssumed.map { "rules of \($0) assumed, the newest proven" } ?? "from source only"
    line("kernel \(kernel) profile (\(standing)), \(context) build, \(zonelistOrder) order")
    for node in nodes {
      var flags: [String] = [node.online ? "online" : "offline"]
      flags.append(node.hasMemory ? "memory" : "no memory")
      flags.append(node.cpus.isEmpty ? "no CPUs" : "CPUs \(node.cpus)")
      line("")
      line("Node \(node.node) (\(flags.joined(separator: ", ")))")
      guard let order = node.fallbackOrder, let fallback = node.fallback else {
        line("  not built by this \(context)")
        continue
      }
      out.write("  node order  : ")
      for (index, id) in order.enumerated() {
        if index > 0 { out.write(byte: UInt8(ascii: " ")) }
        out.write(id)
      }
      Self.writeList("\n  FALLBACK    : ", fallback, to: &out)
      if let thisNode = node.thisNode { Self.writeList("\n  NOFALLBACK  : ", thisNode, to: &out) }
      out.write(byte: UInt8(ascii: "\n"))
    }
    line("")
    if !cpus.isEmpty {
      line("CPU  node  memory node")
      for cpu in cpus {
        let padded = String(repeating: " ", count: max(0, 3 - String(cpu.cpu).count)) + String(cpu.cpu)
        let node = String(repeating: " ", count: max(0, 4 - String(cpu.node).count)) + String(cpu.node)
        line("\(padded)  \(node)  \(cpu.memoryNode.map(String.init) ?? "none")")
      }
      line("")
    }
    guard let policyZone else {
      line("Built \(builtZonelists) zonelists, total pages \(totalPages.map(String.init) ?? "unknown") (a kernel without NUMA: one zonelist, no policy zone, no node_load)")
      return
    }
    let load = nodeLoad.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
    line("node_load after the build: \(load.isEmpty ? "all 0" : load)")
    line("Built \(builtZonelists) zonelists, total pages \(totalPages.map(String.init) ?? "unknown"), policy zone \(policyZone)")
  }

  private static func writeList(_ label: String, _ zones: ZoneNames, to out: inout ByteWriter) {
    out.write(label)
    let zones = zones.zones
    if zones.isEmpty { out.write("(empty)") }
    for (index, zone) in zones.enumerated() {
      if index > 0 { out.write(byte: UInt8(ascii: " ")) }
      KernelLog.writeZone(zone.node, zone.type, to: &out)
    }
  }

  /// The `json` format (`zonelist.build/1`), streamed: the bytes `JSONEncoder` gives with
  /// `[.prettyPrinted, .sortedKeys]`, without a trailing LF.
  public func writeJSON(to json: inout JSONWriter) {
    json.beginObject()
    json.key("assumptions")
    AssumptionReport.writeJSON(assumptions, to: &json)
    json.member("builtZonelists", builtZonelists)
    json.member("context", context)
    json.key("cpus")
    json.beginArray()
    for cpu in cpus {
      json.element()
      json.beginObject()
      json.member("cpu", cpu.cpu)
      json.member("memoryNode", cpu.memoryNode)
      json.member("node", cpu.node)
      json.endObject()
    }
    json.endArray()
    json.member("kernel", kernel)
    json.member("mobilityGrouping", mobilityGrouping)
    json.key("nodeLoad")
    json.beginObject()
    for key in JSONWriter.sortedKeys(nodeLoad) { json.member(key, nodeLoad[key]) }
    json.endObject()
    json.key("nodes")
    json.beginArray()
    for node in nodes {
      json.element()
      node.writeJSON(to: &json)
    }
    json.endArray()
    json.member("notes", notes)
    json.member("numa", numa)
    json.member("policyZone", policyZone)
    json.member("provenOnRealKernel", provenOnRealKernel)
    json.member("rulesAssumed", rulesAssumed)
    json.member("schema", schema)
    json.member("totalPages", totalPages)
    json.member("zonelistOrder", zonelistOrder)
    json.endObject()
  }
}

extension BuildReport.NodeReport {
  func writeJSON(to json: inout JSONWriter) {
    json.beginObject()
    json.member("cpus", cpus)
    json.member("fallback", fallback)
    json.member("fallbackOrder", fallbackOrder)
    json.member("hasMemory", hasMemory)
    json.member("node", node)
    json.member("online", online)
    json.member("thisNode", thisNode)
    json.key("zones")
    json.beginObject()
    for name in JSONWriter.sortedKeys(zones) {
      let size = zones[name]!
      json.key(name)
      json.beginObject()
      json.member("managed", size.managed.rawValue)
      json.member("present", size.present.rawValue)
      json.member("spanned", size.spanned.rawValue)
      json.endObject()
    }
    json.endObject()
    json.endObject()
  }
}

extension AssumptionReport {
  /// A list of assumptions as the `json` formats write it.
  public static func writeJSON(_ assumptions: [AssumptionReport], to json: inout JSONWriter) {
    json.beginArray()
    for assumption in assumptions {
      json.element()
      json.beginObject()
      json.member("affects", assumption.affects)
      json.member("assumed", assumption.assumed)
      json.member("file", assumption.file)
      json.endObject()
    }
    json.endArray()
  }
}
