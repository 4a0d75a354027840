/// Reads a libvirt domain (`virsh dumpxml`, or the file given to `virsh define`): the guest
/// NUMA machine libvirt asks QEMU for.
///
/// Taken: `<cpu><numa><cell id= cpus= memory= unit=>` (libvirt's units: b, bytes, KB, k,
/// KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB; KiB by default), each cell's
/// `<distances><sibling id= value=>`, `<interconnects>` `<latency>` (ns) and `<bandwidth>`
/// (per second, KiB by default) of type `access` or `read` → HMAT figures (`hmat:`), the
/// machine type of `<os><type machine=>`; without `<numa>`, one node with `<memory>` and
/// `<vcpu>` CPUs; the kernel options of `<os><cmdline>` that shape memory (`numa=`, `movablecore=`,
/// …). libvirt makes QEMU options of these (`-numa node,nodeid=`, `-numa dist`,
/// `-numa hmat-lb`), so the node ids are renumbered as Linux numbers QEMU's nodes (SRAT order:
/// nodes with CPUs first) and memory is laid out in cell order.
///
/// What it does not say: zones only as far as the machine type is QEMU's `pc` (an i440FX
/// machine lays memory out as the model does; `q35` does not always).
public enum LibvirtDomain {
  public static func read(_ text: String, file: String) throws(ImportError) -> ImportedMachine {
    let root = try XMLTree.parse(text, file: file)
    let lines = NumberedLines(text).lines
    func fail(_ element: XMLElement, _ expected: String) -> ImportError {
      let line = element.line
      return ImportError(file: file, line: line, text: line > 0 && line <= lines.count ? String(lines[line - 1]).trimmingWhitespace() : "", expected: expected)
    }
    guard root.name == "domain" else { throw fail(root, "libvirt's root element <domain>, not <\(root.name)>") }
    var arguments: [String] = []
    let machine = root.child("os")?.child("type")?.attributes["machine"] ?? "pc"
    var hasHMAT = false
    if let numa = root.child("cpu")?.child("numa") {
      let cells = numa.children(named: "cell")
      guard !cells.isEmpty else { throw fail(numa, "at least one <cell> in <numa>") }
      var totalCPUs = 0
      for (index, cell) in cells.enumerated() {
        let id = cell.attributes["id"].flatMap { Int($0) } ?? index
        guard id == index else { throw fail(cell, "cell ids 0, 1, … in order, as libvirt requires (found id='\(cell.attributes["id"] ?? "")' at position \(index))") }
        guard let memoryText = cell.attributes["memory"] else { throw fail(cell, "memory= on the cell") }
        let bytes = try size(memoryText, unit: cell.attributes["unit"] ?? "KiB", element: cell, fail: fail)
        guard bytes % (1 << 20) == 0 else { throw fail(cell, "a cell memory of whole MiB (QEMU's granularity), not \(bytes) bytes") }
        var option = "node,nodeid=\(id)"
        if let cpus = cell.attributes["cpus"], !cpus.isEmpty {
          let list: [Int]
          do { list = try IDList.parse(cpus) } catch { throw fail(cell, "cpus= a CPU list like 0-3 (\(error.reason))") }
          totalCPUs = max(totalCPUs, (list.max() ?? -1) + 1)
          for piece in IDList.format(list).split(separator: ",") { option += ",cpus=\(piece)" }
        }
        if bytes > 0 { option += ",mem=\(bytes >> 20)M" }
        arguments += ["-numa", option]
        for sibling in cell.child("distances")?.children(named: "sibling") ?? [] {
          guard let to = sibling.attributes["id"].flatMap({ Int($0) }), to >= 0, to < cells.count,
            let value = sibling.attributes["value"].flatMap({ Int($0) })
          else { throw fail(sibling, "<sibling id='CELL' value='DISTANCE'/> naming a cell") }
          if to != id { arguments += ["-numa", "dist,src=\(id),dst=\(to),val=\(value)"] }
        }
      }
      for entry in numa.child("interconnects")?.children ?? [] {
        guard entry.name == "latency" || entry.name == "bandwidth" else { throw fail(entry, "<latency> or <bandwidth> in <interconnects>") }
        guard let initiator = entry.attributes["initiator"], let target = entry.attributes["target"], let value = entry.attributes["value"].flatMap({ Int($0) }), value >= 0 else {
          throw fail(entry, "initiator=, target= and value= on <\(entry.name)>")
        }
        guard entry.attributes["cache"] == nil else { continue }
        let type = entry.attributes["type"] ?? "access"
        guard ["access", "read", "write"].contains(type) else { throw fail(entry, "type='access', 'read' or 'write'") }
        if type == "write" { continue }
        hasHMAT = true
        let prefix = "hmat-lb,initiator=\(initiator),target=\(target),hierarchy=memory"
        if entry.name == "latency" {
          arguments += ["-numa", "\(prefix),data-type=\(type)-latency,latency=\(value)"]
        } else {
          let bytes = try size(String(value), unit: entry.attributes["unit"] ?? "KiB", element: entry, fail: fail)
          guard bytes % (1 << 20) == 0 else { throw fail(entry, "a bandwidth of whole MiB per second, not \(bytes) bytes") }
          arguments += ["-numa", "\(prefix),data-type=\(type)-bandwidth,bandwidth=\(bytes >> 20)M"]
        }
      }
      let vcpus = root.child("vcpu").flatMap { Int($0.text.trimmingWhitespace()) } ?? totalCPUs
      arguments += ["-smp", String(max(vcpus, totalCPUs))]
    } else {
      guard let memory = root.child("memory") ?? root.child("currentMemory") else { throw fail(root, "<memory> or <cpu><numa> in the domain") }
      let bytes = try size(memory.text.trimmingWhitespace(), unit: memory.attributes["unit"] ?? "KiB", element: memory, fail: fail)
      guard bytes % (1 << 20) == 0 else { throw fail(memory, "a memory of whole MiB") }
      let vcpus = root.child("vcpu").flatMap { Int($0.text.trimmingWhitespace()) } ?? 1
      guard vcpus > 0, vcpus <= Topology.maxNumCPUs else { throw fail(root.child("vcpu") ?? root, "<vcpu> in 1...\(Topology.maxNumCPUs)") }
      arguments += ["-m", "\(bytes >> 20)M", "-smp", String(vcpus)]
    }
    arguments = ["-machine", machine + (hasHMAT ? ",hmat=on" : "")] + arguments
    if let commandLine = root.child("os")?.child("cmdline")?.text.trimmingWhitespace(), !commandLine.isEmpty {
      guard !commandLine.contains("'") else { throw fail(root.child("os")!, "a <cmdline> without single quotes") }
      arguments += ["-append", "'\(commandLine)'"]
    }
    var imported: ImportedMachine
    do { imported = try QEMUCommandLine.read(arguments.joined(separator: " "), file: file) } catch {
      throw fail(root, "a domain QEMU could boot: \(error.expected)")
    }
    imported.format = .libvirt
    imported.diagnostics = imported.diagnostics.map { diagnostic in
      switch diagnostic {
      case .importedMachineType(_, let machine): .importedMachineType(format: .libvirt, machine: machine)
      case .importedNodesRenumbered(_, let map): .importedNodesRenumbered(format: .libvirt, map: map)
      case .importedIgnored(_, let what): .importedIgnored(format: .libvirt, what: what)
      default: diagnostic
      }
    }
    return imported
  }

  /// libvirt's scaled integers: `value` × `unit` (b, bytes, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB, PB, P, PiB).
  static func size(_ value: String, unit: String, element: XMLElement, fail: (XMLElement, String) -> ImportError) throws(ImportError) -> Int {
    let scales: [String: Int] = [
      "b": 1, "bytes": 1, "KB": 1000, "k": 1024, "K": 1024, "KiB": 1024, "MB": 1_000_000, "M": 1 << 20, "m": 1 << 20, "MiB": 1 << 20,
      "GB": 1_000_000_000, "G": 1 << 30, "g": 1 << 30, "GiB": 1 << 30, "TB": 1_000_000_000_000, "T": 1 << 40, "t": 1 << 40, "TiB": 1 << 40,
      "PB": 1_000_000_000_000_000, "P": 1 << 50, "PiB": 1 << 50,
    ]
    guard let scale = scales[unit] else { throw fail(element, "a libvirt unit (b, KiB, MiB, GiB, TiB, KB, MB, GB, TB, …), not '\(unit)'") }
    guard let number = Int(value), number >= 0 else { throw fail(element, "a whole number of \(unit), not '\(value)'") }
    let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
    guard !overflow, bytes <= Architecture.x86_64.maxPhysicalBytes else { throw fail(element, "a size of at most \(Architecture.x86_64.physicalLimitText)") }
    return bytes
  }
}
