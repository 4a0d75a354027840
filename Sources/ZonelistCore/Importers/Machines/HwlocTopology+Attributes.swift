extension HwlocTopology {
  /// v2: the `distances2` of type `NUMANode` (the one named `NUMALatency` when there are several).
  static func version2Distances(_ root: XMLElement, nodes: [NUMANode], fail: (XMLElement, String) -> ImportError) throws(ImportError) -> DistanceMatrix? {
    let tables = root.descendants.filter { $0.name == "distances2" && $0.attributes["type"] == "NUMANode" }
    guard let table = tables.first(where: { $0.attributes["name"] == "NUMALatency" }) ?? tables.first else { return nil }
    guard let countText = table.attributes["nbobjs"], let count = Int(countText), count > 0, count <= Topology.maxNumNodes else {
      throw fail(table, "nbobjs= the number of nodes in the table (1...\(Topology.maxNumNodes))")
    }
    func numbers(_ name: String) throws(ImportError) -> [Int] {
      var values: [Int] = []
      for element in table.children(named: name) {
        for word in element.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
          guard let value = Int(word), value >= 0 else { throw fail(element, "whole numbers in <\(name)>, not '\(word)'") }
          values.append(value)
        }
        guard values.count <= count * count else { throw fail(element, "at most \(count * count) values in <\(name)> for \(count) nodes") }
      }
      return values
    }
    let indexes = try numbers("indexes")
    guard indexes.count == count else { throw fail(table, "\(count) <indexes> (nbobjs), found \(indexes.count)") }
    var order = indexes
    switch table.attributes["indexing"] ?? "os" {
    case "os": break
    case "gp":
      order = []
      for gp in indexes {
        guard let node = nodes.first(where: { $0.gpIndex == gp }) else { throw fail(table, "gp indexes of NUMANode objects (\(gp) is none)") }
        order.append(node.id)
      }
    default: throw fail(table, "indexing=\"os\" or \"gp\"")
    }
    if table.children(named: "u64values").isEmpty && !table.children(named: "floats").isEmpty {
      throw fail(table, "<u64values> (float distances are not NUMA distances the kernel could hold)")
    }
    return try matrix(order, values: try numbers("u64values"), nodes: nodes, element: table, fail: fail)
  }

  /// v1: `<distances nbobjs= latency_base=>` followed by nbobjs² `<latency value=>`, over the
  /// NUMA nodes in document order; each distance is base × value.
  static func version1Distances(_ root: XMLElement, nodes: [NUMANode], fail: (XMLElement, String) -> ImportError) throws(ImportError) -> DistanceMatrix? {
    let tables = root.descendants.filter { $0.name == "distances" && $0.attributes["nbobjs"] == String(nodes.count) }
    guard let table = tables.first else { return nil }
    guard let baseText = table.attributes["latency_base"], let base = Double(baseText), base > 0 else {
      throw fail(table, "latency_base= a positive number")
    }
    var values: [Int] = []
    for latency in table.children(named: "latency") {
      guard let text = latency.attributes["value"], let value = Double(text), value >= 0, value <= 1000 else {
        throw fail(latency, "value= a relative latency")
      }
      let distance = (base * value).rounded()
      guard abs(distance - base * value) < 0.01 else { throw fail(latency, "a latency that is a whole distance (base × value)") }
      values.append(Int(distance))
    }
    return try matrix(nodes.map(\.id), values: values, nodes: nodes, element: table, fail: fail)
  }

  /// v2 `memattr` Latency/Bandwidth (or their Read variants) from CPU initiators → `hmat:`.
  ///
  /// An initiator cpuset is a node when it is exactly that node's CPUs; other initiators
  /// (a Package, a single PU) are left out.
  static func memoryAttributes(
    _ root: XMLElement, nodes: [NUMANode], cpus: [Int: [Int]], specs: inout [MachineSpec.NodeSpec],
    fail: (XMLElement, String) -> ImportError
  ) throws(ImportError) {
    let attributes = root.children(named: "memattr")
    func values(_ names: [String]) -> XMLElement? {
      names.lazy.compactMap { name in attributes.first { $0.attributes["name"] == name } }.first
    }
    let initiators = Dictionary(cpus.map { (Set($0.value), $0.key) }, uniquingKeysWith: min)
    for (element, isLatency) in [(values(["Latency", "ReadLatency"]), true), (values(["Bandwidth", "ReadBandwidth"]), false)] {
      guard let element else { continue }
      for value in element.children(named: "memattr_value") {
        guard let initiatorText = value.attributes["initiator_cpuset"] else { continue }
        guard value.attributes["target_obj_type"] == "NUMANode", let gpText = value.attributes["target_obj_gp_index"], let gp = Int(gpText),
          let target = nodes.first(where: { $0.gpIndex == gp })
        else { throw fail(value, "target_obj_type=\"NUMANode\" and the gp_index of a NUMA node") }
        guard let text = value.attributes["value"], let number = UInt32(text) else { throw fail(value, "value= a whole number below 2^32") }
        guard let initiator = initiators[try bitmap(initiatorText, element: value, fail: fail)] else { continue }
        let index = specs.firstIndex { $0.id == NodeID(target.id) }!
        var tiering = specs[index].tiering ?? NodeTieringSpec()
        var figures = tiering.hmat[NodeID(initiator)] ?? NodeTieringSpec.Figures()
        if isLatency { figures.latency = number } else { figures.bandwidth = number }
        tiering.hmat[NodeID(initiator)] = figures
        specs[index].tiering = tiering
      }
    }
  }
}
