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
    let (tuning, watermarkNotes) = watermarks(input: input, calculator: calculator, tunables: tunables)
    notes += watermarkNotes
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
        if !bootPageSets, let note = try hugePageLeftover(root: root, zoneinfo: zoneinfo, input: input, start: &start) { notes.append(note) }
        switch try pageTypeInfo(root) {
        case .read(let pageTypes):
          for (zone, counts) in pageTypes.zones where start.freeAreas[zone] != nil { start.freeAreas[zone] = counts }
        case .assumed(let diagnostic):
          notes.append(diagnostic.description)
        }
      } else {
        notes.append("the input has no 'pages free' per zone: the simulation starts with every managed page free")
      }
    }
    let lists = listsInEffect(input: input, sysroot: sysroot, context: context)
    if let note = lists.disagreementNote { notes.append(note) }
    var simulator = AllocatorSimulator(topology: input.topology, profile: input.profile, tuning: tuning, start: start, lists: lists)
    if input.spec == nil { simulator.interleaveWeights = try interleaveWeights(sysroot ?? "/", nodes: input.topology.nodeIDs) }
    if input.spec == nil && input.profile.version >= KernelVersion(6, 7) {
      let (slices, unknown) = try CPUCaches.dataSlices(sysroot: sysroot ?? "/", cpus: simulator.cpus)
      simulator.setDataCacheSlices(slices)
      if !unknown.isEmpty { notes.append(Diagnostic.lastLevelCacheUnknown(cpus: unknown).description) }
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

  /// Places the order-9 page a run of THP faults left on a per-CPU list
  /// (``AllocatorSimulator/StartState/hugePageRefillLeftover(zoneinfo:topology:profile:hugePageFaults:)``),
  /// from the snapshot's `proc/vmstat`; the note says where, or that the file is missing.
  static func hugePageLeftover(root: String, zoneinfo: Zoneinfo, input: ModelInput, start: inout AllocatorSimulator.StartState)
    throws(ImportError) -> String?
  {
    guard input.profile.version < KernelVersion(6, 7) else { return nil }
    let path = root + "/" + SnapshotManifest.vmstat
    guard FileManager.default.fileExists(atPath: path) else {
      return "no proc/vmstat: every page the snapshot shows on per-CPU lists is taken as order 0 (a THP refill's leftover order-9 page cannot be placed)"
    }
    guard let data = FileBytes.read(path), let text = String(data: data, encoding: .utf8) else {
      throw ImportError(file: path, line: 0, text: "", expected: "readable UTF-8 text")
    }
    var faults = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix("thp_fault_alloc ") {
      let words = line.split(separator: " ")
      guard words.count == 2, let value = Int(words[1]), value >= 0 else {
        throw ImportError(file: path, line: index + 1, text: String(line), expected: "'thp_fault_alloc' followed by a count")
      }
      faults = value
    }
    guard let (cpu, zone) = AllocatorSimulator.StartState.hugePageRefillLeftover(
      zoneinfo: zoneinfo, topology: input.topology, profile: input.profile, hugePageFaults: faults)
    else { return nil }
    start.perCPUHugePages[cpu, default: [:]][zone] = 1
    return "thp_fault_alloc \(faults) (odd): one order-9 page of CPU \(cpu)'s \(start.perCPUCounts[cpu]?[zone] ?? 0) listed pages for \(zone) is taken as a THP refill's leftover (the smallest count of 512 or more on a CPU's own node)"
  }

  /// The watermarks the kernel enforces: those the snapshot's `zoneinfo` states (computed at
  /// boot), recomputed from today's managed pages only where it states none, or where the input
  /// changes what they derive from (a `--set` sysctl, which the kernel answers by recomputing
  /// them; an edited machine; a topology file). The notes say when recomputed values stand in,
  /// and when a stated `boost` is taken off (the simulation starts without one).
  static func watermarks(input: ModelInput, calculator: TuningCalculator, tunables: VMTunables) -> (TuningReport, [String]) {
    guard input.spec == nil, input.edits.isEmpty, let zoneinfo = input.snapshot?.zoneinfo else {
      return (calculator.compute(tunables), [])
    }
    let (report, recomputed) = calculator.compute(tunables, stated: zoneinfo)
    var notes: [String] = []
    if !recomputed.isEmpty {
      let zones = recomputed.map(\.description).joined(separator: ", ")
      notes.append(
        "zoneinfo states no min/low/high/protection for \(zones): recomputed from today's managed pages (the kernel keeps those it computed at boot, in the captures about 100 pages lower on a 1 GiB node)"
      )
    }
    let boosted = zoneinfo.entries.filter { ($0.boost?.rawValue ?? 0) > 0 }
    if !boosted.isEmpty {
      let zones = boosted.map { "\(ZoneReference(node: $0.node, type: $0.type)) boost \($0.boost!.rawValue)" }.joined(separator: ", ")
      notes.append(
        "zoneinfo shows a watermark boost (\(zones)): taken off, the simulation starts without one (the kernel keeps it until kswapd has balanced the node)"
      )
    }
    return (report, notes)
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
      if let data = FileBytes.read(path),
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
      guard FileManager.default.fileExists(atPath: path) else { continue }
      let text = try Sysroot.text(path).trimmingCharacters(in: .whitespacesAndNewlines)
      guard let weight = Int(text), (1...255).contains(weight) else {
        throw ImportError(file: path, line: 1, text: text, expected: "a weight in 1...255")
      }
      weights[node] = weight
    }
    return weights
  }

  /// What a simulation starts from: the free blocks a sysroot shows, or the assumption taken without them.
  enum FreeBlocks: Equatable {
    case read(PageTypeInfo)
    case assumed(Diagnostic)
  }

  /// Reads `proc/pagetypeinfo` (and `proc/buddyinfo`, to resolve its capped counts) under `root`.
  ///
  /// - Returns: The free blocks, or the assumption when `proc/pagetypeinfo` is missing, empty
  ///   or unreadable (the kernel lets only root read it: a copy made by another user is empty).
  /// - Throws: ``ImportError`` naming the file for text that is not UTF-8, a `proc/buddyinfo`
  ///   that exists but cannot be read, and whatever ``PageTypeInfo/init(parsing:file:buddyinfo:buddyinfoFile:)`` throws.
  static func pageTypeInfo(_ root: String) throws(ImportError) -> FreeBlocks {
    let manager = FileManager.default
    let path = root + "/proc/pagetypeinfo"
    guard manager.fileExists(atPath: path) else {
      // A snapshot taken by a user other than root records the file as unreadable.
      let unreadable = LiveSnapshot.recordedUnreadable(root: root).contains(SnapshotManifest.pageTypeInfo)
      return .assumed(unreadable ? .pageTypeInfoUnreadable : .pageTypeInfoMissing)
    }
    guard let data = FileBytes.read(path) else { return .assumed(.pageTypeInfoUnreadable) }
    let buddyPath = root + "/proc/buddyinfo"
    var buddyinfo: Data? = nil
    if manager.fileExists(atPath: buddyPath) {
      guard let buddy = FileBytes.read(buddyPath) else {
        throw ImportError(file: buddyPath, line: 0, text: "", expected: "a readable file")
      }
      buddyinfo = buddy
    }
    return try pageTypeInfo(contents: data, buddyinfo: buddyinfo, root: root)
  }

  /// As ``pageTypeInfo(_:)`` once the files are read (`nil`: no `proc/buddyinfo`); the fuzz targets start here.
  static func pageTypeInfo(contents: Data, buddyinfo: Data?, root: String) throws(ImportError) -> FreeBlocks {
    let path = root + "/proc/pagetypeinfo"
    let buddyPath = root + "/proc/buddyinfo"
    guard let text = KernelText(validating: [UInt8](contents)) else {
      throw ImportError(file: path, line: 0, text: "", expected: "UTF-8 text")
    }
    if text.bytes.isEmpty { return .assumed(.pageTypeInfoUnreadable) }
    var buddy: KernelText? = nil
    if let buddyinfo {
      guard let decoded = KernelText(validating: [UInt8](buddyinfo)) else {
        throw ImportError(file: buddyPath, line: 0, text: "", expected: "UTF-8 text")
      }
      buddy = decoded
    }
    return .read(try PageTypeInfo(parsing: text, file: path, buddyinfo: buddy, buddyinfoFile: buddyPath))
  }
}
