import Foundation
import Yams
public import ZonelistCore

/// Reads a `--topology` file (YAML, or JSON, which is YAML too) into a ``MachineSpec``.
///
/// The format is documented in `Docs/topology-format.md`; every error names the file,
/// the line and what was expected.
public enum TopologyFile {
  public static func load(path: String) throws(ImportError) -> MachineSpec {
    guard let data = FileBytes.read(path) else {
      throw ImportError(file: path, line: 0, text: "", expected: "a readable topology file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ImportError(file: path, line: 0, text: "", expected: "UTF-8 text")
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws(ImportError) -> MachineSpec {
    let (root, reader) = try compose(text, file: file, expecting: "a mapping with 'nodes:'")
    return try reader.machine(root)
  }

  /// Parses YAML (or JSON) text into a node tree and a reader that locates errors in it.
  static func compose(_ text: String, file: String, expecting: String) throws(ImportError) -> (YAMLNode, Reader) {
    let reader = Reader(file: file, text: text)
    if let root = YAMLComposer.compose(text) { return (root, reader) }
    return (try composeWithYams(text, file: file, expecting: expecting), reader)
  }

  /// The node tree Yams composes, after ``YAMLShape``'s check: the path for whatever
  /// ``YAMLComposer`` gives up on (it words every YAML error), and the composer's reference.
  static func composeWithYams(_ text: String, file: String, expecting: String) throws(ImportError) -> YAMLNode {
    try YAMLShape.check(text, file: file)
    let root: YAMLNode
    do {
      guard let node = try YAMLNode.composedByYams(text) else {
        throw ImportError(file: file, line: 0, text: "", expected: expecting)
      }
      root = node
    } catch let error as ImportError {
      throw error
    } catch let error as YamlError {
      throw ImportError(
        // libyaml puts the end of a file without a final newline on the line after it.
        file: file, line: Swift.min(yamlLine(error), yamlLines(text).count), text: "\(error)".split(separator: "\n").first.map(String.init) ?? "",
        expected: "well-formed YAML or JSON")
    } catch {
      throw ImportError(file: file, line: 0, text: "\(error)", expected: "well-formed YAML or JSON")
    }
    return root
  }

  /// The lines as libyaml counts them: it breaks lines at CR LF, CR, LF, NEL, LS and PS (a
  /// Swift `String` holds CR LF as one character, so splitting at "\n" would not see them).
  static func yamlLines(_ text: String) -> [String] {
    var lines: [String] = []
    var line = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    var next = scalars.next()
    while let scalar = next {
      next = scalars.next()
      switch scalar {
      case "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}":
        if scalar == "\r" && next == "\n" { next = scalars.next() }
        lines.append(String(line))
        line = String.UnicodeScalarView()
      default:
        line.append(scalar)
      }
    }
    lines.append(String(line))
    return lines
  }

  public static func yamlLine(_ error: YamlError) -> Int {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
      return mark.line
    default: return 0
    }
  }

  public struct Reader {
    var file: String
    /// The whole text: split into lines only to quote a line in an error.
    var text: String

    public func fail(_ node: YAMLNode?, _ expected: String) -> ImportError {
      let lines = TopologyFile.yamlLines(text)
      // libyaml marks a node at the end of a file without a final newline on the line after it.
      let line = Swift.min(node?.line ?? 0, lines.count)
      let text = line > 0 && line <= lines.count ? lines[line - 1].trimmingCharacters(in: .whitespaces) : ""
      return ImportError(file: file, line: line, text: text, expected: expected)
    }

    public func mapping(_ node: YAMLNode, _ what: String, allowed: Set<String>) throws(ImportError) -> [String: YAMLNode] {
      guard case .mapping(let mapping) = node else { throw fail(node, what) }
      var result: [String: YAMLNode] = [:]
      for (key, value) in mapping {
        guard let name = key.string else { throw fail(key, "a key name") }
        guard allowed.contains(name) else {
          throw fail(key, "one of the keys \(allowed.sorted().joined(separator: ", ")), not '\(name)'")
        }
        result[name] = value
      }
      return result
    }

    public func integer(_ node: YAMLNode, _ what: String) throws(ImportError) -> Int {
      guard case .scalar(let scalar) = node, let value = Int(scalar.string) else { throw fail(node, what) }
      return value
    }

    func machine(_ root: YAMLNode) throws(ImportError) -> MachineSpec {
      let top = try mapping(root, "a mapping with 'nodes:'", allowed: ["kernel", "bootOptions", "dmaReserve", "nodes", "distances", "description", "architecture"])
      guard let nodesNode = top["nodes"] else { throw fail(root, "a 'nodes:' list") }
      guard case .sequence(let nodeList) = nodesNode, !nodeList.isEmpty else {
        throw fail(nodesNode, "'nodes:' to be a non-empty list of nodes")
      }
      let architecture = try self.architecture(top["architecture"])
      var nodes: [MachineSpec.NodeSpec] = []
      var seen: Set<NodeID> = []
      var totalBytes = 0
      for item in nodeList {
        let node = try self.node(item, architecture: architecture)
        guard !seen.contains(node.id) else { throw fail(item, "each node id once (node \(node.id) is repeated)") }
        seen.insert(node.id)
        nodes.append(node)
        totalBytes += TopologyFile.bytes(of: node, limit: architecture.maxPhysicalBytes)
        guard totalBytes <= architecture.maxPhysicalBytes else {
          var located = item
          if case .mapping(let fields) = item {
            located = fields.first { ["memory", "zones", "ranges"].contains($0.key.string ?? "") }?.value ?? item
          }
          throw fail(
            located,
            "the nodes' memory adding up to at most \(architecture.physicalLimitText); it reaches \(totalBytes) bytes at this node")
        }
      }
      var cpuOwner: [CPUID: NodeID] = [:]
      for (node, item) in zip(nodes, nodeList) {
        for cpu in node.cpus {
          if let other = cpuOwner[cpu] { throw fail(item, "each CPU on one node (CPU \(cpu) is also on node \(other))") }
          cpuOwner[cpu] = node.id
        }
      }
      try validateTiering(nodes, items: Array(nodeList))
      var distances: DistanceMatrix? = nil
      if let table = top["distances"] {
        distances = try self.distances(table, nodes: nodes.map(\.id).sorted(), order: nodes.map(\.id))
      }
      var kernel: String? = nil
      if let node = top["kernel"] {
        guard let value = node.string, let version = KernelVersion(parsing: value) else {
          throw fail(node, "a kernel release like \"6.12\"")
        }
        do { try KernelReleases.check(version) } catch { throw fail(node, "a kernel release that exists and is modeled: \(error)") }
        kernel = value
      }
      var bootOptions = ""
      if let node = top["bootOptions"] {
        guard let value = node.string else { throw fail(node, "the extra kernel command line as a string") }
        bootOptions = value
      }
      var dmaReserve: Pages? = nil
      if let node = top["dmaReserve"] {
        let value = try integer(node, "dmaReserve as a page count")
        guard value >= 0, value <= architecture.maxPhysicalPages else {
          throw fail(node, "dmaReserve in 0...\(architecture.maxPhysicalPages) pages (\(architecture.physicalLimitText))")
        }
        dmaReserve = Pages(value)
      }
      var spec = MachineSpec(nodes: nodes, distances: distances, kernel: kernel, bootOptions: bootOptions, dmaReserve: dmaReserve)
      spec.architecture = architecture
      return spec
    }

    /// `architecture:`, x86_64 when absent.
    func architecture(_ node: YAMLNode?) throws(ImportError) -> Architecture {
      guard let node else { return .x86_64 }
      guard let name = node.string, let value = Architecture(name: name.replacingOccurrences(of: "-", with: "_")) else {
        throw fail(
          node, "an architecture: \(Architecture.allCases.map { "\($0.rawValue) (\($0.debianName))" }.joined(separator: ", "))")
      }
      return value
    }

    func node(_ item: YAMLNode, architecture: Architecture) throws(ImportError) -> MachineSpec.NodeSpec {
      let fields = try mapping(item, "a node: a mapping with 'id:'", allowed: Set(["id", "cpus", "memory", "zones", "online", "ranges"]).union(Self.tieringKeys))
      guard let idNode = fields["id"] else { throw fail(item, "an 'id:' for the node") }
      let id = try integer(idNode, "a node id (an integer)")
      guard id >= 0 && id < Topology.maxNumNodes else {
        throw fail(idNode, "a node id in 0...\(Topology.maxNumNodes - 1) (MAX_NUMNODES is \(Topology.maxNumNodes))")
      }
      guard id < architecture.maxNumNodes else {
        throw fail(
          idNode,
          architecture == .x86_32
            ? "node 0 only: Debian's \(architecture.debianName) kernel is built without NUMA (MAX_NUMNODES is 1)"
            : "a node id in 0...\(architecture.maxNumNodes - 1): Debian's \(architecture.debianName) kernel has NODES_SHIFT \(architecture.maxNumNodes.trailingZeroBitCount) (MAX_NUMNODES is \(architecture.maxNumNodes))")
      }
      var spec = MachineSpec.NodeSpec(id: NodeID(id))
      if let cpus = fields["cpus"] {
        switch cpus {
        case .scalar(let scalar):
          do { spec.cpus = try IDList.parse(scalar.string) } catch { throw fail(cpus, "a CPU list like '0-3,8' (\(error.reason))") }
        case .sequence(let list):
          var values: [Int] = []
          for entry in list {
            let value = try integer(entry, "a CPU id (an integer)")
            guard value >= 0 && value < Topology.maxNumCPUs else { throw fail(entry, "a CPU id in 0...\(Topology.maxNumCPUs - 1) (NR_CPUS is \(Topology.maxNumCPUs))") }
            values.append(value)
          }
          spec.cpus = Array(Set(values)).sorted()
        default: throw fail(cpus, "a CPU list like '0-3,8' or [0, 1]")
        }
      }
      if let memory = fields["memory"] {
        let limit = "at most \(architecture.maxPhysicalBytes >> 30)G (\(architecture.physicalLimitText))"
        guard let text = memory.string, let bytes = TopologyFile.bytes(text) else {
          throw fail(memory, "a memory size like 512M, 4G or a byte count, \(limit)")
        }
        guard bytes <= architecture.maxPhysicalBytes else { throw fail(memory, "a memory size of \(limit)") }
        spec.memoryBytes = bytes
      }
      if let zones = fields["zones"] {
        let byName = try mapping(zones, "zones as a mapping of zone names to sizes", allowed: Set(ZoneType.allCases.map(\.kernelName)))
        var result: [ZoneType: ZoneSize] = [:]
        for (name, value) in byName {
          let sizes = try mapping(value, "spanned:, present: and managed: page counts", allowed: ["spanned", "present", "managed"])
          func count(_ key: String) throws(ImportError) -> Pages {
            guard let node = sizes[key] else { throw fail(value, "'\(key):' in the \(name) zone") }
            let pages = try integer(node, "'\(key):' as a page count")
            guard pages >= 0 else { throw fail(node, "'\(key):' ≥ 0") }
            guard pages <= architecture.maxPhysicalPages else {
              throw fail(node, "'\(key):' at most \(architecture.maxPhysicalPages) pages (\(architecture.physicalLimitText))")
            }
            return Pages(pages)
          }
          let size = ZoneSize(spanned: try count("spanned"), present: try count("present"), managed: try count("managed"))
          guard size.present <= size.spanned, size.managed <= size.present else {
            throw fail(value, "managed ≤ present ≤ spanned in the \(name) zone")
          }
          result[ZoneType(kernelName: name)!] = size
        }
        spec.zones = result
      }
      if let rangesNode = fields["ranges"] {
        guard case .sequence(let list) = rangesNode else {
          throw fail(rangesNode, "ranges as a list like [\"0x100000000-0x13fffffff\"]")
        }
        var ranges: [Range<Int>] = []
        for entry in list {
          let parts = (entry.string ?? "").split(separator: "-")
          let expected = "a physical range 0xSTART-0xEND (inclusive, page-aligned), as 'Early memory node ranges' prints it"
          guard parts.count == 2, let start = TopologyFile.hex(parts[0]), let end = TopologyFile.hex(parts[1]), end > start else {
            throw fail(entry, expected)
          }
          guard end < architecture.maxPhysicalBytes else {
            throw fail(entry, "a range that ends within \(architecture.physicalLimitText)")
          }
          guard start % 4096 == 0, (end + 1) % 4096 == 0 else { throw fail(entry, expected) }
          ranges.append((start >> 12)..<((end + 1) >> 12))
        }
        spec.ranges = ranges
      }
      if let online = fields["online"] {
        guard let value = online.bool else { throw fail(online, "online: true or false") }
        spec.isOnline = value
      }
      spec.tiering = try tiering(fields)
      return spec
    }

    func distances(_ table: YAMLNode, nodes: [NodeID], order: [NodeID]) throws(ImportError) -> DistanceMatrix {
      guard case .sequence(let rows) = table else { throw fail(table, "'distances:' as a list of rows, one per node") }
      guard rows.count == nodes.count else {
        throw fail(table, "\(nodes.count) distance rows, one per node in the order of 'nodes:' (found \(rows.count))")
      }
      var values: [[Int]] = []
      for row in rows {
        guard case .sequence(let entries) = row else { throw fail(row, "a row like [10, 20]") }
        guard entries.count == nodes.count else {
          throw fail(row, "\(nodes.count) distances in this row, one per node (found \(entries.count))")
        }
        // A row read as a run of integers already holds each entry's `Int(string)`.
        if let parsed = entries.integers {
          values.append(parsed)
          continue
        }
        var parsed: [Int] = []
        for entry in entries { parsed.append(try integer(entry, "a distance (an integer)")) }
        values.append(parsed)
      }
      // Rows follow the order of 'nodes:'; the matrix wants ascending ids.
      // Rows already in ascending order (the usual file) are taken as they are.
      let permutation = nodes == order ? nil : nodes.map { id in order.firstIndex(of: id)! }
      let sortedRows = permutation.map { permutation in permutation.map { i in permutation.map { j in values[i][j] } } } ?? values
      do {
        return try DistanceMatrix(nodes: nodes, rows: sortedRows)
      } catch {
        var row: YAMLNode = table
        switch error {
        case .distanceDiagonal(let node, value: _), .distanceOutOfRange(from: let node, to: _, value: _):
          row = rows[order.firstIndex(of: node)!]
        default: break
        }
        throw fail(row, "\(error)")
      }
    }
  }

  /// A node's memory in bytes, stopping just past `limit` (so that sums over nodes cannot
  /// overflow: each of its sizes is already at most `limit`).
  static func bytes(of node: MachineSpec.NodeSpec, limit: Int) -> Int {
    guard let pages = node.zones.map({ $0.values.map(\.present.rawValue) }) ?? node.ranges.map({ $0.map(\.count) }) else {
      return Swift.min(node.memoryBytes, limit + 1)
    }
    var total = 0
    for count in pages { total = Swift.min(total + count, (limit >> 12) + 1) }
    return total << 12
  }

  static func hex(_ text: Substring) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard trimmed.lowercased().hasPrefix("0x") else { return nil }
    return Int(trimmed.dropFirst(2), radix: 16)
  }

  /// Parses `512M`, `4G`, `1.5G`, `1048576` (binary units).
  public static func bytes(_ text: String) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var number = trimmed
    var scale = 1
    if let last = trimmed.last?.uppercased().first, let unit = units[last] {
      scale = unit
      number = String(trimmed.dropLast())
      if number.uppercased().hasSuffix("I") { return nil }
    } else if trimmed.uppercased().hasSuffix("IB"), trimmed.count > 3 {
      let unitCharacter = trimmed.dropLast(2).last!.uppercased().first!
      guard let unit = units[unitCharacter] else { return nil }
      scale = unit
      number = String(trimmed.dropLast(3))
    }
    if let value = Int(number), value >= 0 {
      let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
      return overflow ? nil : bytes
    }
    if let value = Double(number), value >= 0, value.isFinite {
      let bytes = value * Double(scale)
      guard bytes == bytes.rounded(), bytes < 9e18 else { return nil }
      return Int(bytes)
    }
    return nil
  }
}
