public import ZonelistCore

extension WorkloadFile {
  /// `demote: {from: N, pages: P}` (with `cpu:` and `seconds:` beside it).
  static func demotion(
    _ node: YAMLNode, item: YAMLNode, fields: [String: YAMLNode], cpu: CPUID?, reader: TopologyFile.Reader, topology: Topology
  ) throws(ImportError) -> Workload.Step {
    if let extra = fields.keys.filter({ !["demote", "cpu", "seconds", "seconds-after"].contains($0) }).sorted().first {
      throw reader.fail(item, "a demote step holds only 'demote:', 'cpu:', 'seconds:' and 'seconds-after:', not '\(extra):'")
    }
    let values = try reader.mapping(node, "demote: {from: N, pages: P}", allowed: ["from", "pages"])
    guard let fromField = values["from"], let pagesField = values["pages"] else {
      throw reader.fail(node, "demote: with 'from:' (a node) and 'pages:' (a count)")
    }
    let id = try reader.integer(fromField, "from: a node id")
    guard topology.nodes[NodeID(id)]?.hasMemory == true else {
      throw reader.fail(fromField, "from: a node with memory (\(IDList.format(topology.memoryNodeIDs.map(\.rawValue)))), not \(id)")
    }
    let pages = try reader.integer(pagesField, "pages: a page count")
    guard pages > 0 else { throw reader.fail(pagesField, "pages: a positive page count") }
    return .demote(from: NodeID(id), pages: pages, cpu: cpu)
  }
}
