/// The QEMU options that boot a ``MachineSpec`` (`qemu-system-x86_64` or `qemu-system-i386` on
/// `pc`, `qemu-system-aarch64` on `virt` with the CPU `max`).
///
/// Linux numbers nodes in the order the ACPI SRAT names them, and QEMU lists the CPU
/// entries first (by CPU index), then memory: so nodes with CPUs get the low Linux ids in
/// the order of their first CPU, then the CPU-less nodes in QEMU id order. The arguments
/// keep QEMU's node ids equal to the file's; ``linuxNodeIDs`` says what Linux will call
/// each node, and ``renumbered`` is `true` when that differs.
public struct QEMUArguments: Hashable, Sendable {
  /// The options, without the executable, kernel, initrd and console options.
  public var machineOptions: [String]
  /// The kernel command line options the machine needs (from the spec).
  public var bootOptions: String
  /// The Linux id of each QEMU node.
  public var linuxNodeIDs: [NodeID: NodeID]
  /// What the options cannot do by themselves (dax/kmem needs modules loaded in the guest).
  public var notes: [String] = []
  public var renumbered: Bool { linuxNodeIDs.contains { $0.key != $0.value } }

  /// QEMU's limits: `MAX_NODES` and the distance range `-numa dist` accepts.
  public static let maxNodes = 128
  public static let distanceRange = 11...254

  public init(_ spec: MachineSpec) throws(MachineSpecError) {
    let nodes = spec.nodes.sorted { $0.id < $1.id }
    guard nodes.count <= QEMUArguments.maxNodes else {
      throw .unsupported("\(nodes.count) nodes: QEMU takes at most \(QEMUArguments.maxNodes)")
    }
    if let offline = nodes.first(where: { !$0.isOnline }) {
      throw .unsupported("offline node \(offline.id): QEMU cannot declare a possible-but-offline node without memory hotplug")
    }
    if nodes.contains(where: { $0.zones != nil }) {
      throw .unsupported("explicit zone sizes: QEMU lays memory out itself; give 'memory:' sizes to boot a machine")
    }
    let cpus = nodes.flatMap(\.cpus).sorted()
    guard !cpus.isEmpty else { throw .invalid("no CPUs: QEMU needs at least one") }
    guard cpus == Array(0..<cpus.count) else {
      throw .unsupported("CPU ids \(IDList.format(cpus)): QEMU numbers CPUs 0...\(cpus.count - 1) without gaps")
    }
    let totalBytes = nodes.reduce(0) { $0 + $1.memoryBytes }
    let mebibyte = 1 << 20
    for node in nodes where node.memoryBytes % mebibyte != 0 {
      throw .unsupported("node \(node.id) memory is not a whole number of MiB")
    }
    let tiering = try QEMUArguments.tiering(nodes: nodes)
    // arm64 boots on the virt machine, whose device tree carries the NUMA nodes and distances.
    let machine = spec.architecture == .arm64 ? ["-machine", "virt" + tiering.machine, "-cpu", "max"] : ["-machine", "pc" + tiering.machine]
    var options = machine + ["-m", "\(totalBytes / mebibyte)M", "-smp", "\(cpus.count)"]
    for node in nodes where node.memoryBytes > 0 {
      options += ["-object", "memory-backend-ram,id=mem\(node.id),size=\(node.memoryBytes / mebibyte)M"]
    }
    for node in nodes {
      var option = "node,nodeid=\(node.id)"
      for cpu in IDList.format(node.cpus).split(separator: ",") where !node.cpus.isEmpty { option += ",cpus=\(cpu)" }
      if node.memoryBytes > 0 { option += ",memdev=mem\(node.id)" }
      if tiering.machine.contains("hmat=on"), let initiator = node.cpus.isEmpty ? node.tiering?.initiator : node.id {
        option += ",initiator=\(initiator)"
      }
      options += ["-numa", option]
    }
    if let distances = spec.distances {
      for from in nodes {
        for to in nodes where from.id != to.id {
          let value = distances[from: from.id, to: to.id]
          guard QEMUArguments.distanceRange.contains(value) else {
            throw .unsupported("distance \(value) from node \(from.id) to \(to.id): QEMU takes 11...254 between different nodes")
          }
          options += ["-numa", "dist,src=\(from.id),dst=\(to.id),val=\(value)"]
        }
      }
    }
    machineOptions = options + tiering.options
    bootOptions = [spec.bootOptions, tiering.append].filter { !$0.isEmpty }.joined(separator: " ")
    notes = tiering.notes

    // SRAT order: CPU entries by CPU index, then memory entries by QEMU node id.
    var order: [NodeID] = []
    for cpu in cpus {
      let owner = nodes.first { $0.cpus.contains(cpu) }!.id
      if !order.contains(owner) { order.append(owner) }
    }
    for node in nodes where node.memoryBytes > 0 && !order.contains(node.id) { order.append(node.id) }
    if let unseen = nodes.first(where: { !order.contains($0.id) }) {
      throw .unsupported("node \(unseen.id) has neither CPUs nor memory: QEMU gives it no SRAT entry, so Linux would not see it")
    }
    // The device tree of arm64's virt machine names each node by its QEMU id (`numa-node-id`).
    linuxNodeIDs = Dictionary(
      uniqueKeysWithValues: spec.architecture == .arm64 ? order.map { ($0, $0) } : order.enumerated().map { ($1, NodeID($0)) })
  }

}
