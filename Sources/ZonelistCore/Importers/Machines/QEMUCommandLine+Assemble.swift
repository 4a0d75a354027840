extension QEMUCommandLine.Parser {
  // swift-format-ignore: FunctionParameterCount
  /// Puts the options together: CPUs on nodes, memory, distances, HMAT figures, then Linux's
  /// numbering (SRAT order) with the memory laid out in QEMU's node order.
  func assemble(
    machineType: String, hasHMAT: Bool, lowRAM: (bytes: Int, line: Int)?, total: (bytes: Int, line: Int)?, smp: SMP, nodes declared: [NumaNode],
    distances: [(from: Int, to: Int, value: Int, line: Int)], cpuRules: [(node: Int, ids: [String: Int], line: Int)],
    figures: [Int: [Int: NodeTieringSpec.Figures]], ignored: [String], bootWords: [String]
  ) throws(ImportError) -> ImportedMachine {
    let cpuCount = smp.cpus ?? smp.sockets * smp.dies * smp.cores * smp.threads
    var diagnostics: [Diagnostic] = ignored.map { .importedIgnored(format: .qemu, what: $0) }
    if !["pc", "pc-i440fx"].contains(where: { machineType == $0 || machineType.hasPrefix("pc-i440fx-") }) {
      diagnostics.append(.importedMachineType(format: .qemu, machine: machineType))
    }
    var nodes = declared
    // Node ids: given, or the next free one as QEMU numbers them.
    var used = Set(nodes.map(\.id).filter { $0 >= 0 })
    for index in nodes.indices where nodes[index].id < 0 {
      var next = 0
      while used.contains(next) { next += 1 }
      nodes[index].id = next
      used.insert(next)
    }
    var seenIDs: Set<Int> = []
    for node in nodes where !seenIDs.insert(node.id).inserted { throw fail("each -numa node nodeid once (\(node.id) is repeated)", node.line) }
    if nodes.isEmpty {
      // No NUMA options: one node, as the kernel's dummy_numa_init() makes it.
      let bytes = total?.bytes ?? 128 << 20
      nodes = [NumaNode(id: 0, cpus: Array(0..<cpuCount), memory: bytes, line: total?.line ?? 1)]
    }
    try placeCPUs(&nodes, cpuCount: cpuCount, smp: smp, rules: cpuRules)
    let sum = nodes.reduce(0) { $0 + $1.memory }
    if let total, total.bytes != sum {
      throw fail("-m equal to the nodes' memory, \(sum >> 20)M in all (QEMU refuses a different total)", total.line)
    }
    for node in nodes where node.cpus.isEmpty && node.memory == 0 {
      diagnostics.append(.importedIgnored(format: .qemu, what: "node \(node.id) (no CPUs, no memory: QEMU gives it no SRAT entry, so Linux does not see it)"))
    }
    nodes.removeAll { $0.cpus.isEmpty && $0.memory == 0 }
    nodes.sort { $0.id < $1.id }
    // SRAT order: CPU entries by CPU index, then memory entries by QEMU node id.
    var ownerOfCPU = [Int?](repeating: nil, count: cpuCount)
    for node in nodes.reversed() { for cpu in node.cpus { ownerOfCPU[cpu] = node.id } }
    var order: [Int] = []
    var ordered: Set<Int> = []
    for case let owner? in ownerOfCPU where ordered.insert(owner).inserted { order.append(owner) }
    for node in nodes where ordered.insert(node.id).inserted { order.append(node.id) }
    let linux = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    let renumbered = linux.contains { $0.key != $0.value }
    if renumbered {
      let map = linux.sorted { $0.key < $1.key }.map { "\($0.key)->\($0.value)" }.joined(separator: " ")
      diagnostics.append(.importedNodesRenumbered(format: .qemu, map: map))
    }
    var bootWords = bootWords
    let daxKmem = try daxKmemNode(lowRAM, nodes: nodes, bootWords: &bootWords)
    let layout = QEMUPCLayout(memoryBytes: nodes.map { (NodeID($0.id), $0.memory) })
    var specs: [MachineSpec.NodeSpec] = []
    for node in nodes {
      var spec = MachineSpec.NodeSpec(id: NodeID(linux[node.id]!), cpus: node.cpus, memoryBytes: node.memory)
      if renumbered && node.memory > 0 { spec.ranges = layout.ranges[NodeID(node.id)] }
      if let initiator = node.initiator, hasHMAT {
        guard let mapped = linux[initiator] else { throw fail("initiator= naming a node with CPUs", node.line) }
        spec.tiering = NodeTieringSpec(initiator: node.cpus.isEmpty ? NodeID(mapped) : nil)
      }
      if hasHMAT, let byInitiator = figures[node.id], !byInitiator.isEmpty {
        var tiering = spec.tiering ?? NodeTieringSpec()
        for (initiator, entry) in byInitiator {
          guard let mapped = linux[initiator] else { throw fail("hmat-lb initiators that are nodes (\(initiator) is not)", node.line) }
          tiering.hmat[NodeID(mapped)] = entry
        }
        spec.tiering = tiering
      }
      if node.id == daxKmem {
        var tiering = spec.tiering ?? NodeTieringSpec()
        tiering.isDaxKmem = true
        spec.tiering = tiering
      }
      specs.append(spec)
    }
    if !hasHMAT && !figures.isEmpty { diagnostics.append(.importedIgnored(format: .qemu, what: "-numa hmat-lb without -machine hmat=on (QEMU writes no HMAT)")) }
    let matrix = try distanceMatrix(nodes.map(\.id), distances, linux: linux)
    var kept: [String] = []
    for word in bootWords {
      if QEMUCommandLine.bootPrefixes.contains(where: { word.hasPrefix($0) }) { kept.append(word) }
    }
    let spec = MachineSpec(nodes: specs.sorted { $0.id < $1.id }, distances: matrix, bootOptions: kept.joined(separator: " "))
    return ImportedMachine(format: .qemu, spec: spec, diagnostics: diagnostics)
  }

  /// The QEMU id of the dax/kmem node of `-machine …,max-ram-below-4g=`, read as `zonelist
  /// qemu-args` writes it (``QEMUArguments/tiering(nodes:)``): the last node with memory made
  /// soft reserved with `memmap=SIZE%0x100000000-1+0xefffffff` from 4 GiB, the nodes before it
  /// holding exactly `max-ram-below-4g` below 4 GiB. That `memmap=` word is taken off
  /// `bootWords`. Any other use of `max-ram-below-4g` moves memory the layout does not model
  /// and is refused.
  func daxKmemNode(_ lowRAM: (bytes: Int, line: Int)?, nodes: [NumaNode], bootWords: inout [String]) throws(ImportError) -> Int? {
    guard let lowRAM else { return nil }
    let withMemory = nodes.filter { $0.memory > 0 }
    let below = withMemory.dropLast().reduce(0) { $0 + $1.memory }
    let word = "memmap=\((withMemory.last?.memory ?? 0) >> 20)M%0x100000000-1+0xefffffff"
    guard let last = withMemory.last, lowRAM.bytes == below, below <= 3 << 30, let at = bootWords.firstIndex(of: word) else {
      throw fail(
        "max-ram-below-4g= only as zonelist qemu-args writes it for a dax-kmem last node: the memory of the nodes before it (\(below >> 20)M, at most 3G) with \(word) on -append",
        lowRAM.line)
    }
    bootWords.remove(at: at)
    return last.id
  }

  /// Puts `-smp`'s CPUs on the nodes: `cpus=` of `-numa node`, then `-numa cpu` by x86's
  /// socket/die/core/thread numbering (CPU index = ((socket × dies + die) × cores + core) ×
  /// threads + thread). Every CPU must end up on exactly one node.
  func placeCPUs(_ nodes: inout [NumaNode], cpuCount: Int, smp: SMP, rules: [(node: Int, ids: [String: Int], line: Int)]) throws(ImportError) {
    for rule in rules {
      guard let index = nodes.firstIndex(where: { $0.id == rule.node }) else { throw fail("-numa cpu naming a declared node", rule.line) }
      for cpu in 0..<cpuCount where rule.ids.allSatisfy({ smp.position(of: cpu, $0.key) == $0.value }) {
        nodes[index].cpus.append(cpu)
      }
    }
    var owner: [Int: Int] = [:]
    for node in nodes {
      for cpu in node.cpus {
        guard cpu < cpuCount else { throw fail("CPUs below -smp's \(cpuCount) (CPU \(cpu) is on node \(node.id))", node.line) }
        if let other = owner[cpu], other != node.id { throw fail("each CPU on one node (CPU \(cpu) is on nodes \(other) and \(node.id))", node.line) }
        owner[cpu] = node.id
      }
    }
    if let missing = (0..<cpuCount).first(where: { owner[$0] == nil }) {
      throw fail("every CPU of -smp on a node with cpus= or -numa cpu (CPU \(missing) is on none; QEMU's default placement is not modeled)", nodes.first?.line ?? 1)
    }
    for index in nodes.indices { nodes[index].cpus = Array(Set(nodes[index].cpus)).sorted() }
  }

  /// The `-numa dist` table in Linux ids: a pair given one way only is symmetric (as QEMU
  /// makes it); none given at all is no SLIT (the kernel's 10/20).
  func distanceMatrix(_ ids: [Int], _ entries: [(from: Int, to: Int, value: Int, line: Int)], linux: [Int: Int]) throws(ImportError) -> DistanceMatrix? {
    guard !entries.isEmpty else { return nil }
    var table: [Int: [Int: Int]] = [:]
    for entry in entries {
      guard ids.contains(entry.from), ids.contains(entry.to) else { throw fail("-numa dist between declared nodes that Linux sees", entry.line) }
      if entry.from == entry.to, entry.value != 10 { throw fail("a distance of 10 from a node to itself", entry.line) }
      table[entry.from, default: [:]][entry.to] = entry.value
    }
    var rows: [[Int]] = []
    let linuxOrder = ids.sorted { linux[$0]! < linux[$1]! }
    for from in linuxOrder {
      var row: [Int] = []
      for to in linuxOrder {
        if from == to {
          row.append(10)
        } else if let value = table[from]?[to] ?? table[to]?[from] {
          row.append(value)
        } else {
          throw fail("-numa dist for every pair of nodes (none between \(from) and \(to), as QEMU requires)", entries[0].line)
        }
      }
      rows.append(row)
    }
    do { return try DistanceMatrix(nodes: linuxOrder.map { NodeID(linux[$0]!) }, rows: rows) } catch {
      throw fail("\(error)", entries[0].line)
    }
  }
}
