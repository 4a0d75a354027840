extension QEMUArguments {
  /// The HMAT and dax/kmem options a spec's tiering needs, with notes on what QEMU alone
  /// cannot do.
  ///
  /// Kernel and QEMU rules (QEMU 7.2, Debian 6.1/6.12/7.2): `-machine …,hmat=on` makes QEMU
  /// write an HMAT; a node names its processor domain with `initiator=` (a node with CPUs
  /// is its own); `-numa hmat-lb,initiator=I,target=T,hierarchy=memory,data-type=access-latency,latency=NS`
  /// and `data-type=access-bandwidth,bandwidth=NM` (MB/s) give the figures, QEMU writing 0
  /// for pairs not given. dax/kmem memory is made "soft reserved" with
  /// `memmap=SIZE%START-1+0xefffffff` (E820 usable → `E820_TYPE_SOFT_RESERVED`); HMAT's
  /// `dax_hmem` takes the node's whole SRAT range, so that range must be entirely soft
  /// reserved and lie above 4 GiB: `max-ram-below-4g=` the memory of the nodes before it.
  ///
  /// - Returns: The machine-option suffix (`,hmat=on,max-ram-below-4g=…`), the extra
  ///   `-numa` options, the extra kernel command line, and notes.
  static func tiering(nodes: [MachineSpec.NodeSpec]) throws(MachineSpecError) -> (
    machine: String, options: [String], append: String, notes: [String]
  ) {
    let hasHMAT = nodes.contains { !($0.tiering?.hmat.isEmpty ?? true) }
    var machine = hasHMAT ? ",hmat=on" : ""
    try checkHMATLimits(nodes: nodes)
    var options: [String] = []
    for target in nodes {
      for initiator in (target.tiering?.hmat.keys.sorted() ?? []) {
        let figures = target.tiering!.hmat[initiator]!
        let prefix = "hmat-lb,initiator=\(initiator),target=\(target.id),hierarchy=memory"
        if let latency = figures.latency { options += ["-numa", "\(prefix),data-type=access-latency,latency=\(latency)"] }
        if let bandwidth = figures.bandwidth {
          options += ["-numa", "\(prefix),data-type=access-bandwidth,bandwidth=\(bandwidth)M"]
        }
      }
    }
    var append: [String] = []
    var notes: [String] = []
    let dax = nodes.filter { $0.tiering?.isDaxKmem == true }
    if dax.count > 1 { throw .unsupported("\(dax.count) dax-kmem nodes: one soft-reserved range above 4 GiB is supported") }
    if let node = dax.first {
      let withMemory = nodes.filter { $0.memoryBytes > 0 }
      guard withMemory.last?.id == node.id else {
        throw .unsupported("dax-kmem node \(node.id) must be the last node with memory (its range must start at 4 GiB)")
      }
      let below = withMemory.dropLast().reduce(0) { $0 + $1.memoryBytes }
      let twoMiB = 2 << 20
      guard below <= 3 << 30, node.memoryBytes % (128 << 20) == 0, below % twoMiB == 0 else {
        throw .unsupported("dax-kmem node \(node.id): the nodes before it must hold at most 3G (2 MiB aligned) and it a multiple of 128M (kmem adds whole 128 MiB blocks)")
      }
      machine += ",max-ram-below-4g=\(below >> 20)M"
      append.append("memmap=\(node.memoryBytes >> 20)M%0x100000000-1+0xefffffff")
      notes.append(
        "dax-kmem node \(node.id) boots with no memory; in the guest load device_dax, dax_hmem and kmem (on 6.1 also memhp_default_state=online and move dax0.0 to kmem: unbind it, then write it to /sys/bus/dax/drivers/kmem/new_id)")
    }
    return (machine, options, append.joined(separator: " "), notes)
  }
}
