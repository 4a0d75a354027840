public import ZonelistCore

/// Builds the allocator of a machine from a model input: watermarks from the tunables,
/// and the starting free pages and per-CPU lists from the snapshot when asked.
public enum SimulationSetup {
  public static func simulator(input: ModelInput, sysroot: String?, everythingFree: Bool) throws -> (AllocatorSimulator, [String]) {
    var notes: [String] = []
    var tunables = VMTunables()
    tunables.minFreeKibibytes = nil
    if input.spec == nil {
      let (read, found) = try Sysroot.tunables(sysroot ?? "/", zoneTypes: input.profile.zoneTypes)
      tunables = read
      if !found.contains(VMTunables.Name.minFreeKbytes.rawValue) { tunables.minFreeKibibytes = nil }
    }
    let calculator = TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: input.topology.cpus.count)
    let tuning = calculator.compute(tunables)
    var free: [ZoneReference: Int]? = nil
    var perCPU: [CPUID: [ZoneReference: Int]] = [:]
    if !everythingFree {
      if let zoneinfo = input.snapshot?.zoneinfo, zoneinfo.entries.allSatisfy({ $0.free != nil }) {
        free = [:]
        for entry in zoneinfo.entries {
          let zone = ZoneReference(node: entry.node, type: entry.type)
          free![zone] = entry.free!.rawValue
          for (cpu, count) in entry.perCPUCounts { perCPU[cpu, default: [:]][zone] = count }
        }
      } else {
        notes.append("the input has no 'pages free' per zone: the simulation starts with every managed page free")
      }
    }
    return (AllocatorSimulator(topology: input.topology, profile: input.profile, tuning: tuning, freePages: free, perCPUCounts: perCPU), notes)
  }
}
