/// Reads and writes the text of `numactl --hardware` (numactl 2.0, libnuma's view of
/// `/sys/devices/system/node`).
///
/// ```
/// available: 3 nodes (0-2)
/// node 0 cpus: 0
/// node 0 size: 969 MB
/// node 0 free: 936 MB
/// …
/// node distances:
/// node   0   1   2
///   0:  10  20  30
/// ```
///
/// What it does not say: zones (only each node's `MemTotal`, rounded down to MiB, which is
/// the memory the kernel manages, not what is installed), possible but offline nodes, the
/// kernel release. A node of `0 MB` is taken as memoryless.
public enum NumactlHardware {
  /// Reads `numactl --hardware` output.
  ///
  /// - Throws: ``ImportError`` naming `file`, the line and what numactl 2.0 prints there
  ///   (another locale or version is refused, never half read).
  public static func read(_ text: String, file: String) throws(ImportError) -> ImportedMachine {
    let lines = NumberedLines(text).lines
    var number = 0
    func fail(_ expected: String, at line: Int? = nil) -> ImportError {
      let index = (line ?? number) - 1
      return ImportError(file: file, line: max(line ?? number, 1), text: index >= 0 && index < lines.count ? String(lines[index]) : "", expected: expected)
    }
    var rest = lines.enumerated().map { ($0.offset + 1, $0.element.trimmingWhitespace()) }.filter { !$0.1.isEmpty }
    guard let (firstNumber, first) = rest.first else { throw ImportError(file: file, line: 1, text: "", expected: "numactl --hardware output starting 'available: N nodes (LIST)'") }
    number = firstNumber
    if first.hasPrefix("No NUMA available") {
      throw fail("a machine with NUMA (numactl says the kernel has none: read it as one node with --topology or --sysroot)")
    }
    let header = first.split(separator: " ")
    guard header.count == 4, header[0] == "available:", let count = Int(header[1]), header[2] == "nodes" || header[2] == "node",
      header[3].hasPrefix("("), header[3].hasSuffix(")")
    else { throw fail("'available: N nodes (LIST)', as numactl 2.0 prints it in any locale") }
    let ids: [Int]
    do { ids = try IDList.parse(String(header[3].dropFirst().dropLast()), limit: Topology.maxNumNodes) } catch {
      throw fail("a node list like (0-3) in 'available:' (\(error.reason))")
    }
    guard ids.count == count, count > 0 else { throw fail("'available: \(ids.count) nodes' for the list \(IDList.format(ids))") }
    rest.removeFirst()
    var nodes: [Int: MachineSpec.NodeSpec] = [:]
    var seen: Set<String> = []
    var cpuOwner: [Int: Int] = [:]
    var totalBytes = 0
    var sharedCPUs = false
    while let (lineNumber, line) = rest.first, line.hasPrefix("node "), !line.hasPrefix("node distances") {
      number = lineNumber
      rest.removeFirst()
      let words = line.split(separator: " ", omittingEmptySubsequences: true)
      guard words.count >= 3, let id = Int(words[1]), ids.contains(id) else {
        throw fail("'node N cpus:', 'node N size:' or 'node N free:' for a node of 'available:' (\(IDList.format(ids)))")
      }
      let field = String(words[2])
      guard seen.insert("\(id) \(field)").inserted else { throw fail("one '\(field)' line for node \(id)") }
      var node = nodes[id] ?? MachineSpec.NodeSpec(id: NodeID(id))
      switch field {
      case "cpus:":
        var cpus: [Int] = []
        for word in words.dropFirst(3) {
          guard let cpu = Int(word), cpu >= 0, cpu < Topology.maxNumCPUs else { throw fail("CPU numbers below \(Topology.maxNumCPUs) after 'cpus:'") }
          // numa=fake= puts a CPU on every emulated node of its real node: it is kept on the
          // lowest, as the kernel's cpu_to_node() has it (and the sysroot reader does).
          if cpuOwner[cpu] != nil {
            sharedCPUs = true
            continue
          }
          cpuOwner[cpu] = id
          cpus.append(cpu)
        }
        node.cpus = cpus.sorted()
      case "size:", "free:":
        guard words.count == 5, let value = Int(words[3]), value >= 0 else {
          throw fail("'node \(id) \(field) N MB' (a whole number of MB)")
        }
        let scale: Int
        switch words[4] {
        case "MB": scale = 1 << 20
        case "GB": scale = 1 << 30
        case "kB", "KB": scale = 1 << 10
        default: throw fail("a size in MB (or kB, GB), as numactl prints it, not '\(words[4])'")
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow, bytes <= Architecture.x86_64.maxPhysicalBytes else {
          throw fail("a size of at most \(Architecture.x86_64.physicalLimitText)")
        }
        if field == "size:" {
          node.memoryBytes = bytes
          totalBytes += bytes
          guard totalBytes <= Architecture.x86_64.maxPhysicalBytes else {
            throw fail("the nodes' sizes adding up to at most \(Architecture.x86_64.physicalLimitText)")
          }
        }
      default:
        throw fail("'cpus:', 'size:' or 'free:' after 'node \(id)', not '\(field)'")
      }
      nodes[id] = node
    }
    for id in ids where !seen.contains("\(id) size:") {
      throw fail("a 'node \(id) size:' line (every node of 'available:' has one)", at: rest.first?.0 ?? lines.count)
    }
    var diagnostics: [Diagnostic] = [.importedZonesLaidOut(format: .numactl, sizes: "MemTotal, rounded down to MiB"), .importedPossibleNodesUnknown(format: .numactl)]
    if sharedCPUs { diagnostics.append(.cpusOnSeveralNodes) }
    var distances: DistanceMatrix? = nil
    if let (lineNumber, line) = rest.first {
      number = lineNumber
      if line.hasPrefix("No distance information") {
        rest.removeFirst()
        diagnostics.append(.importedDistancesMissing(format: .numactl))
      } else {
        guard line == "node distances:" else { throw fail("'node distances:' after the nodes' lines") }
        rest.removeFirst()
        // `fail` reads `number`: it is not passed inout beside it (fuzz target machines:
        // an overlapping access trapped on every bad table).
        distances = try readDistances(&rest, ids: ids, fail: fail)
      }
    } else {
      diagnostics.append(.importedDistancesMissing(format: .numactl))
    }
    if let (lineNumber, _) = rest.first {
      number = lineNumber
      throw fail("nothing after the distance table (numactl 2.0 prints nothing more)")
    }
    let spec = MachineSpec(nodes: ids.map { nodes[$0] ?? MachineSpec.NodeSpec(id: NodeID($0)) }, distances: distances)
    return ImportedMachine(format: .numactl, spec: spec, diagnostics: diagnostics)
  }

  static func readDistances(
    _ rest: inout [(Int, String)], ids: [Int], fail: (String, Int?) -> ImportError
  ) throws(ImportError) -> DistanceMatrix {
    guard let (headerNumber, header) = rest.first else { throw fail("the distance table's header 'node 0 1 …'", nil) }
    var number = headerNumber
    rest.removeFirst()
    let columns = header.split(separator: " ")
    guard columns.first == "node", columns.dropFirst().map({ Int($0) }) == ids.map({ Optional($0) }) else {
      throw fail("the header 'node \(ids.map(String.init).joined(separator: " "))' (one column per node of 'available:')", number)
    }
    var rows: [[Int]] = []
    for id in ids {
      guard let (rowNumber, row) = rest.first else { throw fail("the distance row '\(id): …' (the table has \(ids.count) rows)", number) }
      number = rowNumber
      rest.removeFirst()
      let words = row.split(separator: " ")
      guard words.first == "\(id):" else { throw fail("the distance row of node \(id), '\(id): …'", number) }
      let values = words.dropFirst().map { Int($0) }
      guard values.count == ids.count, values.allSatisfy({ $0 != nil }) else {
        throw fail("\(ids.count) distances in the row of node \(id), one per node (found \(values.count))", number)
      }
      rows.append(values.map { $0! })
    }
    do { return try DistanceMatrix(nodes: ids.map { NodeID($0) }, rows: rows) } catch { throw fail("\(error)", number) }
  }

  /// The text `numactl --hardware` prints for `topology`: every online node with its CPUs and
  /// its size (the managed pages, as `MemTotal` counts them), then the distance table.
  ///
  /// `free` is the memory free right now, which a model of the boot does not have: it is
  /// printed as the size (nothing allocated yet), and `--format numactl` says so.
  public static func text(_ topology: Topology) -> String {
    let nodes = topology.onlineNodes
    let ids = nodes.map(\.id.rawValue)
    var out = "available: \(ids.count) nodes (\(IDList.format(ids)))\n"
    for node in nodes {
      let cpus = node.cpus.map { " \($0)" }.joined()
      let megabytes = node.zones.values.reduce(0) { $0 + $1.managed.rawValue } >> 8
      out += "node \(node.id) cpus:\(cpus)\n"
      out += "node \(node.id) size: \(megabytes) MB\n"
      out += "node \(node.id) free: \(megabytes) MB\n"
    }
    out += "node distances:\n"
    out += "node " + ids.map { pad($0, 3) }.joined(separator: " ") + " \n"
    for from in ids {
      out += pad(from, 3) + ": " + ids.map { pad(topology.distances[from: NodeID(from), to: NodeID($0)], 3) }.joined(separator: " ") + " \n"
    }
    return out
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
  }
}
