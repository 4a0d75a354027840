extension MachineExport {
  /// A libvirt domain booting `spec` (already ``bootable(_:)``): cells numbered 0…N−1 in node
  /// order (libvirt's rule; Linux then numbers them as QEMU's nodes), distances, and the HMAT
  /// figures as `<interconnects>`.
  public static func libvirtDomain(_ spec: MachineSpec) -> (text: String, notes: [String]) {
    let nodes = spec.nodes.sorted { $0.id < $1.id }
    let cell = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.id, $0) })
    var notes: [String] = []
    if cell.contains(where: { $0.key.rawValue != $0.value }) {
      notes.append("libvirt numbers cells 0, 1, …: " + nodes.map { "node \($0.id) is cell \(cell[$0.id]!)" }.joined(separator: ", "))
    }
    let total = nodes.reduce(0) { $0 + $1.memoryBytes } >> 10
    let cpuCount = nodes.flatMap(\.cpus).count
    var out = "<domain type='qemu'>\n  <name>zonelist</name>\n"
    out += "  <memory unit='KiB'>\(total)</memory>\n  <vcpu placement='static'>\(cpuCount)</vcpu>\n"
    out += "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n"
    if !spec.bootOptions.isEmpty { out += "    <cmdline>\(escape(spec.bootOptions))</cmdline>\n" }
    out += "  </os>\n"
    out += "  <features>\n    <acpi/>\n  </features>\n  <cpu>\n    <numa>\n"
    for node in nodes {
      let cpus = node.cpus.isEmpty ? "" : " cpus='\(IDList.format(node.cpus))'"
      out += "      <cell id='\(cell[node.id]!)'\(cpus) memory='\(node.memoryBytes >> 10)' unit='KiB'>\n"
      if let distances = spec.distances {
        out += "        <distances>\n"
        for to in nodes { out += "          <sibling id='\(cell[to.id]!)' value='\(distances[from: node.id, to: to.id])'/>\n" }
        out += "        </distances>\n"
      }
      out += "      </cell>\n"
    }
    let figures = nodes.flatMap { target in
      (target.tiering?.hmat ?? [:]).sorted { $0.key < $1.key }.map { (target.id, $0.key, $0.value) }
    }
    if !figures.isEmpty {
      out += "      <interconnects>\n"
      for (target, initiator, value) in figures {
        let pair = "initiator='\(cell[initiator] ?? initiator.rawValue)' target='\(cell[target]!)'"
        if let latency = value.latency { out += "        <latency \(pair) type='access' value='\(latency)'/>\n" }
        if let bandwidth = value.bandwidth { out += "        <bandwidth \(pair) type='access' value='\(bandwidth)' unit='MiB'/>\n" }
      }
      out += "      </interconnects>\n"
    }
    out += "    </numa>\n  </cpu>\n</domain>\n"
    return (out, notes)
  }

  /// hwloc XML v2 for `spec`: a Machine, one Package per node with CPUs (the node as its memory
  /// child, a Core per PU), CPU-less nodes on the Machine, the distance matrix as
  /// `NUMALatency`, HMAT figures as `Latency`/`Bandwidth` memory attributes.
  public static func hwlocXML(_ spec: MachineSpec) -> String {
    let nodes = spec.nodes.filter(\.isOnline).sorted { $0.id < $1.id }
    var gp = 1
    func next() -> Int {
      gp += 1
      return gp
    }
    let all = nodes.flatMap(\.cpus)
    func sets(_ cpus: [Int], _ nodeIDs: [NodeID]) -> String {
      let cpuset = bitmap(cpus)
      let nodeset = bitmap(nodeIDs.map(\.rawValue))
      return "cpuset=\"\(cpuset)\" complete_cpuset=\"\(cpuset)\" nodeset=\"\(nodeset)\" complete_nodeset=\"\(nodeset)\""
    }
    var nodeGP: [NodeID: Int] = [:]
    func numaNode(_ node: MachineSpec.NodeSpec, cpus: [Int], indent: String) -> String {
      let index = next()
      nodeGP[node.id] = index
      let memory = node.memoryBytes > 0 ? " local_memory=\"\(node.memoryBytes)\"" : ""
      var line = "\(indent)<object type=\"NUMANode\" os_index=\"\(node.id)\" \(sets(cpus, [node.id])) gp_index=\"\(index)\"\(memory)"
      if node.tiering?.isDaxKmem == true {
        line += ">\n\(indent)  <info name=\"DAXDevice\" value=\"dax\(node.id).0\"/>\n\(indent)</object>\n"
      } else {
        line += "/>\n"
      }
      return line
    }
    var body = ""
    for node in nodes where node.cpus.isEmpty { body += numaNode(node, cpus: all, indent: "    ") }
    for node in nodes where !node.cpus.isEmpty {
      body += "    <object type=\"Package\" os_index=\"\(node.id)\" \(sets(node.cpus, [node.id])) gp_index=\"\(next())\">\n"
      body += numaNode(node, cpus: node.cpus, indent: "      ")
      for cpu in node.cpus {
        body += "      <object type=\"Core\" os_index=\"\(cpu)\" \(sets([cpu], [node.id])) gp_index=\"\(next())\">\n"
        body += "        <object type=\"PU\" os_index=\"\(cpu)\" \(sets([cpu], [node.id])) gp_index=\"\(next())\"/>\n"
        body += "      </object>\n"
      }
      body += "    </object>\n"
    }
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n<topology version=\"2.0\">\n"
    out += "  <object type=\"Machine\" os_index=\"0\" \(sets(all, nodes.map(\.id))) gp_index=\"1\">\n" + body + "  </object>\n"
    if let distances = spec.distances {
      let indexes = nodes.map { "\($0.id)" }.joined(separator: " ") + " "
      let values = nodes.flatMap { from in nodes.map { "\(distances[from: from.id, to: $0.id])" } }.joined(separator: " ") + " "
      out += "  <distances2 type=\"NUMANode\" nbobjs=\"\(nodes.count)\" kind=\"5\" name=\"NUMALatency\" indexing=\"os\">\n"
      out += "    <indexes length=\"\(indexes.utf8.count)\">\(indexes)</indexes>\n"
      out += "    <u64values length=\"\(values.utf8.count)\">\(values)</u64values>\n  </distances2>\n"
    }
    for (name, flags, isLatency) in [("Bandwidth", 5, false), ("Latency", 6, true)] {
      var values = ""
      for target in nodes {
        for (initiator, figures) in (target.tiering?.hmat ?? [:]).sorted(by: { $0.key < $1.key }) {
          guard let value = isLatency ? figures.latency : figures.bandwidth, let source = nodes.first(where: { $0.id == initiator }) else { continue }
          values += "    <memattr_value target_obj_type=\"NUMANode\" target_obj_gp_index=\"\(nodeGP[target.id]!)\" value=\"\(value)\" initiator_cpuset=\"\(bitmap(source.cpus))\"/>\n"
        }
      }
      if !values.isEmpty { out += "  <memattr name=\"\(name)\" flags=\"\(flags)\">\n" + values + "  </memattr>\n" }
    }
    return out + "</topology>\n"
  }

  /// hwloc's bitmap text as `hwloc_bitmap_snprintf()` writes it: 32-bit words, most significant
  /// first, a zero word between others as nothing and a zero last word as `0x0`
  /// (`0x00000003`, `0x0000000f,0xffffffff`, `0x00000078,,0x00000004`, `0xffffffff,,0x0`).
  static func bitmap(_ ids: [Int]) -> String {
    guard let highest = ids.max() else { return "0x0" }
    var words = [UInt32](repeating: 0, count: highest / 32 + 1)
    for id in ids { words[id / 32] |= 1 << UInt32(id % 32) }
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(words.count * 11)
    for (index, word) in words.enumerated().reversed() {
      if index < words.count - 1 { text.append(UInt8(ascii: ",")) }
      if word != 0 {
        text += [UInt8(ascii: "0"), UInt8(ascii: "x")]
        for shift in stride(from: 28, through: 0, by: -4) { text.append(digits[Int(word >> UInt32(shift) & 0xF)]) }
      } else if index == 0 {
        text += Array("0x0".utf8)
      }
    }
    return String(decoding: text, as: UTF8.self)
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(character)
      }
    }
    return out
  }
}
