public import ZonelistCore

extension TopologyFile.Reader {
  /// The node keys that describe its memory tier.
  static let tieringKeys: Set<String> = ["hmat", "initiator", "kind", "adistance"]

  /// Reads a node's `hmat:`, `initiator:`, `kind:` and `adistance:` (`Docs/topology-format.md`).
  func tiering(_ fields: [String: YAMLNode]) throws(ImportError) -> NodeTieringSpec? {
    guard fields.keys.contains(where: Self.tieringKeys.contains) else { return nil }
    var spec = NodeTieringSpec()
    if let hmat = fields["hmat"] {
      guard case .mapping(let byInitiator) = hmat else {
        throw fail(hmat, "hmat: as a mapping of initiator node ids to {latency: ns, bandwidth: MB/s}")
      }
      guard !byInitiator.isEmpty else {
        throw fail(hmat, "hmat: with at least one initiator's figures (leave hmat: out for none)")
      }
      for (key, value) in byInitiator {
        guard let text = key.string, let id = Int(text), id >= 0, id < Topology.maxNumNodes else {
          throw fail(key, "an initiator node id (an integer in 0...\(Topology.maxNumNodes - 1))")
        }
        let entry = try mapping(value, "{latency: ns, bandwidth: MB/s} for initiator \(id)", allowed: ["latency", "bandwidth"])
        func figure(_ name: String, _ unit: String) throws(ImportError) -> UInt32? {
          guard let node = entry[name] else { return nil }
          guard case .scalar(let scalar) = node, let number = Int(scalar.string), number > 0, number <= Int(UInt32.max)
          else { throw fail(node, "\(name): a positive whole number of \(unit) (at most \(UInt32.max))") }
          return UInt32(number)
        }
        let figures = NodeTieringSpec.Figures(latency: try figure("latency", "ns"), bandwidth: try figure("bandwidth", "MB/s"))
        guard figures.latency != nil || figures.bandwidth != nil else {
          throw fail(value, "latency: and/or bandwidth: for initiator \(id)")
        }
        spec.hmat[NodeID(id)] = figures
      }
    }
    if let initiator = fields["initiator"] {
      let id = try integer(initiator, "initiator: a node id (a node with CPUs)")
      guard id >= 0 && id < Topology.maxNumNodes else { throw fail(initiator, "initiator: a node id in 0...\(Topology.maxNumNodes - 1)") }
      spec.initiator = NodeID(id)
    }
    if let kind = fields["kind"] {
      switch kind.string {
      case "dram": spec.isDaxKmem = false
      case "dax-kmem": spec.isDaxKmem = true
      default: throw fail(kind, "kind: dram or dax-kmem")
      }
    }
    if let adistance = fields["adistance"] {
      guard case .scalar(let scalar) = adistance, let value = Int(scalar.string), value >= 0, value <= Int(Int32.max) else {
        throw fail(adistance, "adistance: a whole number in 0...\(Int32.max) (the kernel's int; 576 is DRAM, tier = adistance >> 7)")
      }
      spec.adistance = value
    }
    if spec.isDaxKmem, spec.adistance != nil {
      throw fail(fields["adistance"], "either kind: dax-kmem (kmem's memory type) or adistance:, not both")
    }
    return spec
  }

  /// Checks what one node's tiering says about the others: initiators are nodes with CPUs.
  func validateTiering(_ nodes: [MachineSpec.NodeSpec], items: [YAMLNode]) throws(ImportError) {
    let withCPUs = Set(nodes.filter { !$0.cpus.isEmpty }.map(\.id))
    for (spec, item) in zip(nodes, items) {
      guard let tiering = spec.tiering, case .mapping(let fields) = item else { continue }
      func field(_ name: String) -> YAMLNode? { fields.first { $0.key.string == name }?.value }
      for initiator in tiering.hmat.keys.sorted() where !withCPUs.contains(initiator) {
        let hmat = field("hmat")
        var located: YAMLNode? = hmat
        if case .mapping(let entries)? = hmat { located = entries.first { $0.key.string.flatMap(Int.init) == initiator.rawValue }?.key }
        throw fail(located ?? item, "an initiator that is a node with CPUs (node \(initiator) has none; HMAT initiators are CPU nodes)")
      }
      if let initiator = tiering.initiator {
        guard withCPUs.contains(initiator) else {
          throw fail(field("initiator") ?? item, "initiator: a node with CPUs (node \(initiator) has none)")
        }
        if !spec.cpus.isEmpty && initiator != spec.id {
          throw fail(field("initiator") ?? item, "no initiator: on a node with CPUs (it is its own initiator)")
        }
      }
      if tiering.isDaxKmem && !spec.cpus.isEmpty {
        throw fail(field("kind") ?? item, "kind: dax-kmem on a CPU-less node (dax/kmem memory has no CPUs)")
      }
    }
  }
}
