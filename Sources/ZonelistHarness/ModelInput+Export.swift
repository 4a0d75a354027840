public import ZonelistCore

/// What `zonelist export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
  case topology, qemu, libvirt, hwloc, numactl
}

extension ModelInput {
  /// The machine in `format` (``MachineExport``), and what the output could not keep.
  public func export(_ format: ExportFormat) throws -> (text: String, notes: [String]) {
    let spec = self.spec ?? MachineExport.spec(of: topology, kernel: profile.version)
    var notes = diagnostics.filter(\.isAssumption).map { "the input's own assumption carries over: \($0.description)" }
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
    case .qemu, .libvirt:
      let (bootable, changes) = MachineExport.bootable(spec)
      notes += changes
      let arguments = try QEMUArguments(bootable)  // libvirt is held to QEMU's limits too
      if format == .libvirt {
        let domain = MachineExport.libvirtDomain(bootable)
        return (domain.text, notes + domain.notes)
      }
      let append = bootable.architecture.commandLine([QEMURunner.baseCommandLine, arguments.bootOptions].filter { !$0.isEmpty }.joined(separator: " "))
      return (arguments.machineOptions.joined(separator: " ") + "\n-append '\(append)'\n", notes + arguments.notes)
    }
  }
}
