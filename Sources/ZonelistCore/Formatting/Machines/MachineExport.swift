/// Writes a machine in the formats `--input` reads, so that any input becomes an editable
/// topology file, a QEMU command line or libvirt domain that boots the same NUMA machine, or
/// hwloc XML (`zonelist export`).
public enum MachineExport {
  /// The ``MachineSpec`` a read machine stands for: the spec of a topology file or `--input`,
  /// else one made from the topology of a sysroot (zones given as read; for the formats
  /// that need sizes, each node's present pages).
  public static func spec(of topology: Topology, kernel: KernelVersion) -> MachineSpec {
    let nodes = topology.possibleNodes.map { node in
      var spec = MachineSpec.NodeSpec(
        id: node.id, cpus: node.cpus, memoryBytes: node.zones.values.reduce(0) { $0 + $1.present.rawValue } << 12,
        zones: node.zones.isEmpty ? nil : node.zones, isOnline: node.isOnline)
      if !node.hasMemory { spec.zones = nil }
      return spec
    }
    return MachineSpec(nodes: nodes, distances: topology.distances, kernel: kernel.series)
  }

  /// A spec QEMU and libvirt can boot: sizes in whole MiB (rounded up), zones and ranges left
  /// to QEMU's layout, CPUs renumbered 0…N−1 in order, offline nodes left out.
  /// - Returns: The spec and what was changed, as notes.
  public static func bootable(_ spec: MachineSpec) -> (MachineSpec, [String]) {
    var notes: [String] = []
    var result = spec
    let offline = spec.nodes.filter { !$0.isOnline }.map(\.id.rawValue)
    if !offline.isEmpty {
      notes.append("offline \(offline.count == 1 ? "node" : "nodes") \(IDList.format(offline)) left out: QEMU cannot declare a possible node that is not online")
    }
    result.nodes = spec.nodes.filter(\.isOnline)
    let mebibyte = 1 << 20
    var rounded = false
    var laidOut = false
    for index in result.nodes.indices {
      let bytes = result.nodes[index].memoryBytes
      if result.nodes[index].zones != nil || result.nodes[index].ranges != nil { laidOut = true }
      result.nodes[index].zones = nil
      result.nodes[index].ranges = nil
      let whole = (bytes + mebibyte - 1) / mebibyte * mebibyte
      if whole != bytes { rounded = true }
      result.nodes[index].memoryBytes = whole
    }
    if laidOut { notes.append("memory is given by size: QEMU lays it out itself (zones and ranges are not kept)") }
    if rounded { notes.append("memory sizes rounded up to whole MiB, QEMU's granularity") }
    let cpus = result.nodes.flatMap(\.cpus).sorted()
    if cpus != Array(0..<cpus.count) {
      let map = Dictionary(uniqueKeysWithValues: cpus.enumerated().map { ($1, $0) })
      for index in result.nodes.indices { result.nodes[index].cpus = result.nodes[index].cpus.map { map[$0]! }.sorted() }
      notes.append("CPUs renumbered 0-\(cpus.count - 1) in order (QEMU numbers CPUs without gaps)")
    }
    return (result, notes)
  }

  /// A topology file (`Docs/topology-format.md`) for `spec`, read back by `--topology`.
  public static func topologyFile(_ spec: MachineSpec) -> String {
    var out = "# written by zonelist export\n"
    if let kernel = spec.kernel { out += "kernel: \"\(kernel)\"\n" }
    if !spec.bootOptions.isEmpty { out += "bootOptions: \"\(spec.bootOptions)\"\n" }
    if spec.architecture != .x86_64 { out += "architecture: \(spec.architecture.rawValue)\n" }
    if let reserve = spec.dmaReserve { out += "dmaReserve: \(reserve.rawValue)\n" }
    out += "nodes:\n"
    let nodes = spec.nodes.sorted { $0.id < $1.id }
    for node in nodes {
      out += "  - id: \(node.id)\n"
      if !node.isOnline { out += "    online: false\n" }
      if !node.cpus.isEmpty { out += "    cpus: \(IDList.format(node.cpus))\n" }
      if let zones = node.zones {
        out += "    zones:\n"
        for type in zones.keys.sorted() {
          let size = zones[type]!
          out += "      \(type.kernelName): {spanned: \(size.spanned.rawValue), present: \(size.present.rawValue), managed: \(size.managed.rawValue)}\n"
        }
      } else if let ranges = node.ranges {
        out += "    ranges: [" + ranges.map { "\"0x\(hex($0.lowerBound << 12))-0x\(hex(($0.upperBound << 12) - 1))\"" }.joined(separator: ", ") + "]\n"
      } else if node.memoryBytes > 0 {
        out += "    memory: \(size(node.memoryBytes))\n"
      }
      if let tiering = node.tiering {
        if !tiering.hmat.isEmpty {
          out += "    hmat:\n"
          for initiator in tiering.hmat.keys.sorted() {
            let figures = tiering.hmat[initiator]!
            let parts = [figures.latency.map { "latency: \($0)" }, figures.bandwidth.map { "bandwidth: \($0)" }].compactMap { $0 }
            out += "      \(initiator): {\(parts.joined(separator: ", "))}\n"
          }
        }
        if let initiator = tiering.initiator { out += "    initiator: \(initiator)\n" }
        if tiering.isDaxKmem { out += "    kind: dax-kmem\n" }
        if let adistance = tiering.adistance { out += "    adistance: \(adistance)\n" }
      }
    }
    if let distances = spec.distances {
      out += "distances:\n"
      for from in nodes {
        out += "  - [" + nodes.map { String(distances[from: from.id, to: $0.id]) }.joined(separator: ", ") + "]\n"
      }
    }
    return out
  }

  /// A size as the topology format writes it: whole G, M or K when exact, else bytes.
  static func size(_ bytes: Int) -> String {
    for (unit, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where bytes % (1 << shift) == 0 {
      return "\(bytes >> shift)\(unit)"
    }
    return String(bytes)
  }

  static func hex(_ value: Int) -> String { String(value, radix: 16) }
}
