/// Reads hwloc's XML (`lstopo --of xml`, `hwloc-gather-topology`'s `.xml`): XML v2 (hwloc 2.x,
/// `<topology version="2.0">` or `"3.0"`) and v1 (hwloc 1.x, `<topology>`).
///
/// Taken: each `NUMANode`'s `os_index` (the Linux node id), `local_memory` (bytes; absent for
/// a memory-less node), its `cpuset`, a `DAXDevice` info or `DAX…` subtype (memory onlined by
/// dax/kmem); the NUMA latency matrix (v2 `distances2` of type `NUMANode`, `indexing="os"`
/// or `"gp"`, `u64values`; v1 `distances` with `latency_base` and `latency` values); v2
/// `memattr` `Latency`/`ReadLatency` (ns) and `Bandwidth`/`ReadBandwidth` (MiB/s) per
/// initiator cpuset → the HMAT figures of `hmat:`.
///
/// What it does not say: zones (`local_memory` is the node's `MemTotal`, what the kernel
/// manages), the kernel's CPU-to-node map (a NUMA node's cpuset is its locality: a CPU-less HBM
/// node shares its DRAM node's), possible but offline nodes, the kernel release.
public enum HwlocTopology {
  struct NUMANode {
    var id: Int
    var gpIndex: Int?
    var memory: Int
    var cpuset: Set<Int>
    var isDax: Bool
    var line: Int
  }

  public static func read(_ text: String, file: String) throws(ImportError) -> ImportedMachine {
    let root = try XMLTree.parse(text, file: file)
    func fail(_ element: XMLElement, _ expected: String) -> ImportError {
      let lines = NumberedLines(text).lines
      let line = element.line
      return ImportError(file: file, line: line, text: line > 0 && line <= lines.count ? String(lines[line - 1]).trimmingWhitespace() : "", expected: expected)
    }
    guard root.name == "topology" else { throw fail(root, "hwloc's root element <topology>, not <\(root.name)>") }
    let isVersion1 = root.attributes["version"] == nil
    var nodes: [NUMANode] = []
    for element in root.descendants where element.name == "object" && element.attributes["type"] == "NUMANode" {
      guard let text = element.attributes["os_index"], let id = Int(text), id >= 0, id < Topology.maxNumNodes else {
        throw fail(element, "a NUMANode with os_index= in 0...\(Topology.maxNumNodes - 1)")
      }
      guard !nodes.contains(where: { $0.id == id }) else { throw fail(element, "each NUMANode os_index once (\(id) is repeated)") }
      var memory = 0
      if let text = element.attributes["local_memory"] {
        guard let bytes = Int(text), bytes >= 0, bytes <= Architecture.x86_64.maxPhysicalBytes else {
          throw fail(element, "local_memory= as bytes, at most \(Architecture.x86_64.physicalLimitText)")
        }
        memory = bytes
      }
      let cpuset = try bitmap(element.attributes["cpuset"] ?? "0x0", element: element, fail: fail)
      let subtype = element.attributes["subtype"] ?? ""
      let isDax = element.children(named: "info").contains { $0.attributes["name"] == "DAXDevice" } || subtype.hasPrefix("DAX")
      nodes.append(NUMANode(id: id, gpIndex: element.attributes["gp_index"].flatMap { Int($0) }, memory: memory, cpuset: cpuset, isDax: isDax, line: element.line))
    }
    guard !nodes.isEmpty else { throw fail(root, "at least one object of type NUMANode (hwloc lists every node with memory)") }
    let total = nodes.reduce(0) { $0 + $1.memory }
    guard total <= Architecture.x86_64.maxPhysicalBytes else {
      throw fail(root, "the NUMA nodes' local_memory adding up to at most \(Architecture.x86_64.physicalLimitText)")
    }
    let cpus = placeCPUs(nodes)
    var diagnostics: [Diagnostic] = [.importedZonesLaidOut(format: .hwloc, sizes: "local_memory, the nodes' MemTotal"), .importedPossibleNodesUnknown(format: .hwloc)]
    if nodes.contains(where: { node in node.cpuset != Set(cpus[node.id] ?? []) }) { diagnostics.append(.importedCPUsFromLocality) }
    let distances = isVersion1 ? try version1Distances(root, nodes: nodes, fail: fail) : try version2Distances(root, nodes: nodes, fail: fail)
    if distances == nil && nodes.count > 1 { diagnostics.append(.importedDistancesMissing(format: .hwloc)) }
    var specs = nodes.sorted { $0.id < $1.id }.map { node in
      var spec = MachineSpec.NodeSpec(id: NodeID(node.id), cpus: cpus[node.id] ?? [], memoryBytes: node.memory)
      if node.isDax { spec.tiering = NodeTieringSpec(isDaxKmem: true) }
      return spec
    }
    if !isVersion1 { try memoryAttributes(root, nodes: nodes, cpus: cpus, specs: &specs, fail: fail) }
    return ImportedMachine(format: .hwloc, spec: MachineSpec(nodes: specs, distances: distances), diagnostics: diagnostics)
  }

  /// hwloc's bitmap text: comma-separated 32-bit hex words, most significant first
  /// (`0xffffffff,0x00000003`); an infinite set (`0xf...f,…`) is refused.
  static func bitmap(_ text: String, element: XMLElement, fail: (XMLElement, String) -> ImportError) throws(ImportError) -> Set<Int> {
    // hwloc_bitmap_snprintf() writes a zero word between others as nothing ("0x00000078,,0x00000004"
    // is CPUs 2 and 67-70), so empty words keep their place.
    let words = text.split(separator: ",", omittingEmptySubsequences: false)
    guard words.count <= Topology.maxNumCPUs / 32 + 1 else { throw fail(element, "a cpuset of at most \(Topology.maxNumCPUs) CPUs") }
    var result: Set<Int> = []
    for (position, word) in words.reversed().enumerated() where !(word.isEmpty && words.count > 1) {
      guard word.hasPrefix("0x"), word != "0xf...f", let value = UInt64(word.dropFirst(2), radix: 16), value <= UInt64(UInt32.max) else {
        throw fail(element, "a finite hwloc bitmap like 0x0000000f or 0xffffffff,0x00000003, not '\(text)'")
      }
      for bit in 0..<32 where value & (1 << UInt64(bit)) != 0 {
        let cpu = position * 32 + bit
        guard cpu < Topology.maxNumCPUs else { throw fail(element, "CPUs below \(Topology.maxNumCPUs)") }
        result.insert(cpu)
      }
    }
    return result
  }

  /// Each CPU on the node with the narrowest cpuset holding it (the lowest id on a tie): a
  /// DRAM node before the HBM or CXL node that shares its locality.
  static func placeCPUs(_ nodes: [NUMANode]) -> [Int: [Int]] {
    var result: [Int: [Int]] = [:]
    for cpu in Set(nodes.flatMap(\.cpuset)).sorted() {
      let owner = nodes.filter { $0.cpuset.contains(cpu) }.min { ($0.cpuset.count, $0.id) < ($1.cpuset.count, $1.id) }!
      result[owner.id, default: []].append(cpu)
    }
    return result
  }

  static func matrix(_ order: [Int], values: [Int], nodes: [NUMANode], element: XMLElement, fail: (XMLElement, String) -> ImportError) throws(ImportError) -> DistanceMatrix {
    guard values.count == order.count * order.count else {
      throw fail(element, "\(order.count * order.count) distances (\(order.count) × \(order.count) nodes), found \(values.count)")
    }
    guard Set(order) == Set(nodes.map(\.id)), order.count == nodes.count else {
      throw fail(element, "a distance matrix over every NUMA node (\(IDList.format(nodes.map(\.id)))), not \(IDList.format(order))")
    }
    let sorted = order.sorted()
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    let rows = sorted.map { from in sorted.map { to in values[position[from]! * order.count + position[to]!] } }
    do { return try DistanceMatrix(nodes: sorted.map { NodeID($0) }, rows: rows) } catch { throw fail(element, "\(error)") }
  }
}
