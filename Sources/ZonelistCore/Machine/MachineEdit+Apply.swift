extension MachineEdit {
  /// Applies `edits` in order to `topology` (``setSysctl(_:)`` edits leave it alone: they
  /// go to the tunables).
  ///
  /// - Returns: The edited machine and what the edits state or assume: the list of edits
  ///   applied (``Diagnostic/whatIf(edits:)``), and for an added node that its managed
  ///   pages are its present pages. ``tierKinds(_:of:)`` gives the added nodes' memory types.
  /// - Throws: ``MachineEditError`` for the first edit that does not fit the machine as
  ///   edited so far.
  /// - Complexity: O(*e* × *n*²) for *e* edits on *n* nodes (distance tables are rebuilt).
  public static func apply(_ edits: [MachineEdit], to topology: Topology) throws(MachineEditError) -> (Topology, [Diagnostic]) {
    guard !edits.isEmpty else { return (topology, []) }
    var machine = topology
    var diagnostics: [Diagnostic] = [.whatIf(edits: edits.map(\.description))]
    for edit in edits {
      machine = try edit.applied(to: machine)
      if case .addNode = edit, !diagnostics.contains(.managedEstimatedAsPresent) {
        diagnostics.append(.managedEstimatedAsPresent)
      }
    }
    return (machine, diagnostics)
  }

  /// The memory type of each node `edits` add to `topology`, by the id it gets.
  public static func tierKinds(_ edits: [MachineEdit], of topology: Topology) -> [NodeID: NodeTierInput.Kind] {
    var machine = topology
    var kinds: [NodeID: NodeTierInput.Kind] = [:]
    for edit in edits {
      guard let next = try? edit.applied(to: machine) else { break }
      if case .addNode(let node) = edit, let id = Set(next.nodeIDs).subtracting(machine.nodeIDs).first {
        kinds[id] = node.tier
      }
      machine = next
    }
    return kinds
  }

  /// The `vm` settings among `edits`, in order.
  public static func sysctlSettings(_ edits: [MachineEdit]) -> [String] {
    edits.compactMap { if case .setSysctl(let setting) = $0 { setting } else { nil } }
  }

  /// Applies this edit to `topology`.
  public func applied(to topology: Topology) throws(MachineEditError) -> Topology {
    let (option, value) = optionAndValue
    func fail(_ expected: String) -> MachineEditError { MachineEditError(option: option, value: value, expected: expected) }
    let nodes = IDList.format(topology.nodeIDs.map(\.rawValue))
    func existing(_ node: NodeID) throws(MachineEditError) -> Node {
      guard let found = topology.nodes[node] else { throw fail("a node of the machine (nodes \(nodes)), not \(node)") }
      return found
    }
    switch self {
    case .setSysctl:
      return topology
    case .setDistance(let from, let to, let distance, let bothWays):
      _ = try existing(from)
      _ = try existing(to)
      var rows = topology.nodeIDs.map { a in topology.nodeIDs.map { b in topology.distances[from: a, to: b] } }
      guard let i = topology.nodeIDs.firstIndex(of: from), let j = topology.nodeIDs.firstIndex(of: to) else { return topology }
      rows[i][j] = distance
      if bothWays { rows[j][i] = distance }
      return try rebuilt(topology, distances: rows, ids: topology.nodeIDs, fail: fail)
    case .offlineNode(let id):
      var node = try existing(id)
      if let boot = topology.node(ofCPU: topology.bootCPU), boot == id {
        throw fail("a node without the boot CPU (CPU \(topology.bootCPU) is on node \(id) and cannot go offline)")
      }
      if node.hasMemory, topology.memoryNodeIDs == [id] { throw fail("another node with memory left (node \(id) is the last one)") }
      node.isOnline = false
      node.cpus = []
      node.zones = [:]
      return topology.updating(node)
    case .removeCPUs(let cpus):
      var machine = topology
      for cpu in cpus {
        guard let owner = machine.node(ofCPU: cpu) else {
          throw fail("CPUs of the machine (\(IDList.format(topology.cpus))), not CPU \(cpu)")
        }
        guard cpu != topology.bootCPU else { throw fail("CPUs other than the boot CPU \(cpu), which cannot go offline") }
        var node = machine[owner]
        node.cpus.removeAll { $0 == cpu }
        machine = machine.updating(node)
      }
      return machine
    case .addNode(let new):
      let id = new.id ?? NodeID((0...).first { !topology.nodeIDs.contains(NodeID($0)) } ?? 0)
      guard topology.nodes[id] == nil else { throw fail("id=N of a node the machine does not have (nodes \(nodes))") }
      guard id.rawValue < Topology.maxNumNodes else { throw fail("room for another node (MAX_NUMNODES is \(Topology.maxNumNodes))") }
      for cpu in new.cpus where topology.node(ofCPU: cpu) != nil {
        throw fail("CPUs no node has yet: CPU \(cpu) is on node \(topology.node(ofCPU: cpu)!)")
      }
      let ids = (topology.nodeIDs + [id]).sorted()
      guard new.distances.count == ids.count else {
        throw fail("distance= with \(ids.count) values, one per node once added (nodes \(IDList.format(ids.map(\.rawValue)))), its own 10 included; \(new.distances.count) given")
      }
      let position = ids.firstIndex(of: id) ?? 0
      let rows = ids.enumerated().map { i, a in
        ids.enumerated().map { j, b in
          i == position ? new.distances[j] : j == position ? new.distances[i] : topology.distances[from: a, to: b]
        }
      }
      let size = ZoneSize(spanned: new.pages, present: new.pages, managed: new.pages)
      let node = Node(id: id, isOnline: true, cpus: new.cpus, zones: [new.zone: size])
      return try rebuilt(topology.updating(node), distances: rows, ids: ids, fail: fail)
    }
  }

  private func rebuilt(
    _ topology: Topology, distances rows: [[Int]], ids: [NodeID], fail: (String) -> MachineEditError
  ) throws(MachineEditError) -> Topology {
    var machine = topology
    do {
      machine.distances = try DistanceMatrix(nodes: ids, rows: rows)
    } catch {
      throw fail("distances the kernel accepts: \(error)")
    }
    return machine
  }

  /// The option (without `--`) and value this edit is stated with.
  var optionAndValue: (String, String) {
    let text = description.dropFirst(2)
    let option = String(text.prefix { $0 != " " })
    var value = String(text.dropFirst(option.count + 1))
    if value.hasPrefix("'") && value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
    return (option, value)
  }
}
