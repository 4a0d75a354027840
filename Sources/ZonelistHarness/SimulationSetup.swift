import Foundation
public import ZonelistCore

/// Builds the allocator of a machine from a model input: watermarks from the tunables,
/// and the starting free pages and per-CPU lists from the snapshot when asked.
public enum SimulationSetup {
  /// - Parameter context: the build whose lists are walked (`--context`); nil: the last build
  ///   the sysroot's `dmesg` shows, else the boot build.
  public static func simulator(
    input: ModelInput, sysroot: String?, everythingFree: Bool, bootPageSets: Bool = false, context: BuildContext? = nil
  ) throws -> (AllocatorSimulator, [String]) {
    var notes: [String] = []
    var tunables = VMTunables()
    tunables.minFreeKibibytes = nil
    if input.spec == nil {
      let (read, found) = try Sysroot.tunables(sysroot ?? "/", zoneTypes: input.profile.zoneTypes)
      tunables = read
      if !found.contains(VMTunables.Name.minFreeKbytes.rawValue) { tunables.minFreeKibibytes = nil }
    }
    for setting in input.sysctlSettings {
      do { try tunables.set(setting, zoneTypes: input.profile.zoneTypes) } catch { throw HarnessError("--set \(setting): \(error)") }
    }
    let calculator = TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: input.topology.cpus.count)
    let tuning = calculator.compute(tunables)
    for node in input.topology.onlineNodes {
      for (type, size) in node.zones where size.managed.rawValue > AllocatorSimulator.maxPagesPerZone {
        throw HarnessError(
          "zone \(node.id):\(type.kernelName) has \(size.managed.rawValue) managed pages; the simulator holds at most \(AllocatorSimulator.maxPagesPerZone) pages (16 TiB) per zone")
      }
    }
    var start = AllocatorSimulator.StartState()
    start.bootPageSets = bootPageSets
    if !everythingFree {
      if let zoneinfo = input.snapshot?.zoneinfo, zoneinfo.entries.allSatisfy({ $0.free != nil }) {
        for entry in zoneinfo.entries {
          let zone = ZoneReference(node: entry.node, type: entry.type)
          start.freeAreas[zone] = FreeAreaCounts(movablePages: entry.free!.rawValue)
          if let high = entry.high { start.watermarkHigh[zone] = high.rawValue }
          for (cpu, count) in entry.perCPUCounts { start.perCPUCounts[cpu, default: [:]][zone] = count }
          if input.profile.version >= KernelVersion(6, 7) {
            for (cpu, high) in entry.perCPUHigh { start.perCPUHigh[cpu, default: [:]][zone] = high }
          }
        }
        let root = sysroot ?? "/"
        if let pageTypes = try pageTypeInfo(root) {
          for (zone, counts) in pageTypes.zones where start.freeAreas[zone] != nil { start.freeAreas[zone] = counts }
        } else {
          notes.append(
            (FileManager.default.fileExists(atPath: root + "/proc/pagetypeinfo")
              || LiveSnapshot.recordedUnreadable(root: root).contains(SnapshotManifest.pageTypeInfo)
              ? "proc/pagetypeinfo cannot be read (the kernel lets only root read it)"
              : "the input has no proc/pagetypeinfo")
              + ": each zone's free pages are taken to be in the largest blocks, on the movable lists, every pageblock movable")
        }
      } else {
        notes.append("the input has no 'pages free' per zone: the simulation starts with every managed page free")
      }
    }
    let lists = listsInEffect(input: input, sysroot: sysroot, context: context)
    var simulator = AllocatorSimulator(topology: input.topology, profile: input.profile, tuning: tuning, start: start, lists: lists)
    if input.spec == nil { simulator.interleaveWeights = try interleaveWeights(sysroot ?? "/", nodes: input.topology.nodeIDs) }
    if input.spec == nil && input.profile.version >= KernelVersion(6, 7) {
      let slices = CPUCaches.dataSlices(sysroot: sysroot ?? "/", cpus: simulator.cpus)
      simulator.setDataCacheSlices(slices)
      if slices.count < simulator.cpus.count {
        notes.append("no last-level cache size for some CPUs (sys/devices/system/cpu/cpuN/cache): their PCPF_FREE_HIGH_BATCH is taken as unset")
      }
    }
    // Say where the start differs from the snapshot's own counts (pagetypeinfo and zoneinfo are
    // read moments apart; blocks that do not fit the zone's managed pages are left out).
    let startFree = Dictionary(uniqueKeysWithValues: simulator.zones.map { ($0.reference, $0.free) })
    for entry in input.snapshot?.zoneinfo?.entries ?? [] where !everythingFree {
      let reference = ZoneReference(node: entry.node, type: entry.type)
      guard let free = entry.free?.rawValue, let laidOut = startFree[reference], abs(laidOut - free) > 64 else { continue }
      notes.append("\(reference): the simulation starts with \(laidOut) free pages in blocks; zoneinfo says 'pages free \(free)'")
    }
    return (simulator, notes)
  }

  /// The lists to walk: `--context` if given, else those of the last build the sysroot's
  /// `dmesg` file shows, else the boot build's.
  static func listsInEffect(input: ModelInput, sysroot: String?, context: BuildContext?) -> ListsInEffect {
    let (topology, profile) = (input.topology, input.profile)
    if let context {
      return .model(
        topology: topology, profile: profile, context: context,
        reason: context.isBoot
          ? "--context boot: the boot build (on x86 no node has CPUs yet then, so no CPU penalty)"
          : "--context rebuild: a run-time rebuild (nodes with CPUs pushed back, node_load reset)")
    }
    if input.spec == nil, input.edits.allSatisfy({ if case .setSysctl = $0 { true } else { false } }) {
      let path = URL(fileURLWithPath: sysroot ?? "/").appendingPathComponent(BootCapture.dmesgFile).path
      if let data = FileManager.default.contents(atPath: path),
        let lists = ListsInEffect.fromKernelLog(String(decoding: data, as: UTF8.self), topology: topology, profile: profile)
      {
        return lists
      }
      var lists = AllocatorSimulator.bootLists(topology: topology, profile: profile)
      lists.reason = "no dmesg in the sysroot shows a zonelist build: the boot build is assumed (pass --context rebuild for a machine that hot-added memory)"
      return lists
    }
    var lists = AllocatorSimulator.bootLists(topology: topology, profile: profile)
    if input.spec == nil {
      lists.reason = "an edited machine (what-if): the boot build, not the lists its kernel log shows (on x86 no node has CPUs yet then, so no CPU penalty)"
      return lists
    }
    lists.reason = "a topology file: the boot build (on x86 no node has CPUs yet then, so no CPU penalty)"
    return lists
  }

  /// The weighted-interleave weights under `root` (`sys/kernel/mm/mempolicy/weighted_interleave/nodeN`), where present.
  static func interleaveWeights(_ root: String, nodes: [NodeID]) throws(ImportError) -> [NodeID: Int] {
    var weights: [NodeID: Int] = [:]
    for node in nodes {
      let path = URL(fileURLWithPath: root).appendingPathComponent("sys/kernel/mm/mempolicy/weighted_interleave/node\(node.rawValue)").path
      guard let data = FileManager.default.contents(atPath: path) else { continue }
      let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard let weight = Int(text), (1...255).contains(weight) else {
        throw ImportError(file: path, line: 1, text: text, expected: "a weight in 1...255")
      }
      weights[node] = weight
    }
    return weights
  }

  /// Reads `proc/pagetypeinfo` (and `proc/buddyinfo`) under `root`, or nil when absent or unreadable.
  static func pageTypeInfo(_ root: String) throws(ImportError) -> PageTypeInfo? {
    let base = URL(fileURLWithPath: root)
    let path = base.appendingPathComponent("proc/pagetypeinfo").path
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8), !text.isEmpty else { return nil }
    let buddyPath = base.appendingPathComponent("proc/buddyinfo").path
    let buddy = FileManager.default.contents(atPath: buddyPath).flatMap { String(data: $0, encoding: .utf8) }
    return try PageTypeInfo(parsing: text, file: path, buddyinfo: buddy, buddyinfoFile: buddyPath)
  }
}

