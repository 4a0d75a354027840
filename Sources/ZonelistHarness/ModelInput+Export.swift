public import ZonelistCore

/// What `zonelist export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
  case topology, qemu, libvirt, hwloc, numactl
}

extension ModelInput {
  /// The machine in `format` (``MachineExport``), and what the output could not keep.
  public func export(_ format: ExportFormat) throws -> (text: String, notes: [String]) {
    let spec = machineSpec
    var notes = diagnostics.filter(\.isAssumption).map { "the input's own assumption carries over: \($0.description)" }
    notes += sysctlSettings.map { "--set \($0) is not part of the machine: not written" }
    switch format {
    case .topology:
      return (MachineExport.topologyFile(spec), notes)
    case .numactl:
      notes.append("numactl's 'free' is run-time state: printed as the size (nothing allocated)")
      return (NumactlHardware.text(topology), notes)
    case .hwloc:
      // hwloc describes the booted machine (after numa=off and the like): the topology, not the plan.
      if topology.possibleNodes.contains(where: { !$0.isOnline }) { notes.append("offline nodes left out: hwloc lists the online ones") }
      var booted = MachineExport.spec(of: topology, kernel: profile.version)
      for index in booted.nodes.indices { booted.nodes[index].tiering = spec.nodes.first { $0.id == booted.nodes[index].id }?.tiering }
      return (MachineExport.hwlocXML(booted), notes)
    case .libvirt:
      let (bootable, changes) = MachineExport.bootable(spec)
      _ = try QEMUArguments(bootable)  // libvirt is held to QEMU's limits too
      let domain = MachineExport.libvirtDomain(bootable)
      let dax = bootable.nodes.filter { $0.tiering?.isDaxKmem == true }.map(\.id.rawValue)
      if !dax.isEmpty {
        notes.append(
          "dax-kmem \(dax.count == 1 ? "node" : "nodes") \(IDList.format(dax)): a libvirt domain has no element for memory soft-reserved at boot (QEMU's max-ram-below-4g=, the kernel's memmap=): written as ordinary memory, its tier is not kept; export --format qemu keeps it")
      }
      return (domain.text, notes + changes + domain.notes)
    case .qemu:
      let (arguments, changes) = try qemuArguments()
      return (arguments.machineOptions.joined(separator: " ") + "\n-append '\(QEMURunner.commandLine(arguments.bootOptions))'\n", notes + changes)
    }
  }

  /// The QEMU options that boot this machine (what `qemu-args` and `export --format qemu`
  /// print): the machine made bootable first (``MachineExport/bootable(_:)``), with what that
  /// changed and what the options cannot keep, as notes.
  public func qemuArguments() throws -> (QEMUArguments, notes: [String]) {
    let (bootable, changes) = MachineExport.bootable(machineSpec)
    let arguments = try QEMUArguments(bootable)
    return (arguments, changes + arguments.notes)
  }

  /// Whether an edit other than `--set` changed the machine.
  var editsMachine: Bool { edits.contains { if case .setSysctl = $0 { false } else { true } } }

  /// The ``MachineSpec`` this input stands for, what-if edits included.
  ///
  /// Unedited, a topology file's or `--input`'s own spec; else one made from the topology
  /// (``MachineExport/spec(of:kernel:)``, zones as laid out) that keeps the file's entry of
  /// every node the edits left as it was, the tiering of the others, and the tier kind of
  /// the nodes `--add-node` added.
  public var machineSpec: MachineSpec {
    if let spec, !editsMachine { return spec }
    var result = MachineExport.spec(of: topology, kernel: profile.version)
    result.architecture = profile.architecture
    let unedited = try? spec?.topology(kernel: profile.version)
    for index in result.nodes.indices {
      let id = result.nodes[index].id
      if let original = spec?.nodes.first(where: { $0.id == id }) {
        let untouched = unedited?.nodes[id] == topology.nodes[id]
        if untouched { result.nodes[index] = original } else { result.nodes[index].tiering = original.tiering }
      } else if let kind = addedTierKinds[id] {
        switch kind {
        case .ordinary: break
        case .daxKmem: result.nodes[index].tiering = NodeTieringSpec(isDaxKmem: true)
        case .explicit(let adistance): result.nodes[index].tiering = NodeTieringSpec(adistance: adistance)
        }
      }
    }
    if let spec {
      result.kernel = spec.kernel ?? result.kernel
      result.bootOptions = spec.bootOptions
      result.dmaReserve = spec.dmaReserve
    }
    return result
  }
}
