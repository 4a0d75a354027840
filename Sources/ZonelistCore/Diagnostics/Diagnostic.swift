/// One thing the model tells about its input: a value it had to assume, or a reading of
/// an odd file that is exact but worth saying.
///
/// Every note `zonelist` prints is one of these cases, rendered by ``description``; tests
/// match the case, not the wording. ``relies`` says which printed values an assumption
/// stands under, so that a format claiming to be the kernel's own text can refuse
/// (``Exactness``) while `table` and `json` go on and state it.
public enum Diagnostic: Hashable, Sendable {
  // The sysfs node tree and the CPU lists.
  case filesEndInNUL(count: Int, example: String)
  case noNodeTree
  case cpusFromPossible(cpus: [Int])
  case cpusFromDirectories(cpus: [Int])
  case noCPUsAnywhere
  case bootCPUOnNoNode(first: Int, bootCPU: Int)
  case cpusOnSeveralNodes
  case onlineFromDirectories(onlineFileMissing: Bool, nodes: [Int])
  case offlineDirectories(nodes: [Int])
  case possibleMissing(nodes: [Int])
  case addedToPossible(nodes: [Int])
  case onlineWithoutDirectory(nodes: [Int])
  case cpusFromCpumap(nodes: [Int])
  case noCPUList(nodes: [Int])
  // Memory.
  case zoneinfoMissing
  case memoryFromMeminfo(kibibytes: Int)
  case memTotalZero
  case meminfoMissingToo
  case offlineHasMemory(nodes: [Int])
  case memorySizeUnknown(nodes: [Int])
  case memoryAssumed(nodes: [Int])
  case hasMemoryDisagrees(stated: [Int], modeled: [Int], fromZoneinfo: Bool)
  // Distances.
  case distanceMissing(nodes: [Int])
  case distanceEmpty(nodes: [Int])
  case distanceRowsPerPossibleNode(nodes: [Int], possible: [Int], online: [Int])
  case distanceRowsPerDirectory(nodes: [Int], directories: [Int], online: [Int])
  case distanceRowsZero(nodes: [Int])
  case defaultDistances
  case distancesFromOtherRows(nodes: [Int])
  /// As ``distancesFromOtherRows(nodes:)``, for offline nodes (whose rows no boot build uses).
  case offlineDistancesFromOtherRows(nodes: [Int])
  case distancesDefaulted(nodes: [Int])
  case localDistanceBetweenNodes(nodes: [Int])
  case offlineWithoutDistances(nodes: [Int])
  // What a figure needs beyond the node tree.
  case dmaReserveMissing(series: String, root: String, file: String)
  case rebuildNeedsHighWatermarks
  case minFreeKbytesMissing(root: String)
  case tunablesMissing(root: String, names: [String])
  case managedEstimatedAsPresent
  // What the allocator simulation starts from.
  /// No `proc/pagetypeinfo` (``pageTypeInfoUnreadable``: present but empty or unreadable,
  /// as the kernel lets only root read it).
  case pageTypeInfoMissing
  case pageTypeInfoUnreadable
  /// CPUs without a last-level cache leaf (no `cpuN/cache`, or a last `indexK` without
  /// `type`, `size` or `shared_cpu_list`).
  case lastLevelCacheUnknown(cpus: [Int])
  // The kernel's rules and layouts.
  case rulesAssumed(release: KernelVersion, rules: KernelVersion)
  /// A release not booted here whose source was compared with the newest proven one's.
  case rulesFromComparedSource(release: KernelVersion, rules: KernelVersion)
  case zoneinfoLayoutAssumed(release: KernelVersion)
  /// The tiering rules of a release not read in its sources (placed by upstream history).
  case tieringRulesUnconfirmed(release: KernelVersion)
  /// No `dmesg` shows which zonelist build preceded the demotion targets, and the other
  /// build's `node_load[]` would choose other preferred targets.
  case precedingBuildAssumed(assumed: String)
  /// The machine was edited on the command line (``MachineEdit``), in this order: stated by
  /// the user, not assumed.
  case whatIf(edits: [String])
  // Machines described by other tools (`--input`, ``ImportedMachine``).
  /// The format gives node sizes, not zones: laid out as QEMU's pc machine would.
  case importedZonesLaidOut(format: MachineFormat, sizes: String)
  /// The machine type is not QEMU's pc, whose layout the model follows.
  case importedMachineType(format: MachineFormat, machine: String)
  /// The format lists online nodes only.
  case importedPossibleNodesUnknown(format: MachineFormat)
  /// The format gave no distance table: the kernel's defaults are used.
  case importedDistancesMissing(format: MachineFormat)
  /// hwloc gives each NUMA node's locality, not its CPUs.
  case importedCPUsFromLocality
  /// The file's node ids are not the ones Linux gives (QEMU's SRAT order): renumbered.
  case importedNodesRenumbered(format: MachineFormat, map: String)
  /// Parts of the description that do not change what the model computes.
  case importedIgnored(format: MachineFormat, what: String)
  /// `--watermarks boot`, and the pages freed after the boot's watermark computation cannot
  /// be told (``LateFreedMemory``): the current managed pages are used.
  case lateFreedUnknown(reason: String)

  /// What a printed value can rest on.
  public enum Reliance: String, Hashable, Sendable, Codable, CaseIterable {
    /// Which nodes are online and have memory, and the distances: every node order.
    case nodeOrder
    /// Zone sizes: zone-level lists, the policy zone, zoneinfo's sizes.
    case zones
    /// The boot's or rebuild's `Total pages`.
    case totalPages
    /// Which CPUs each node has (per-CPU page sets, CPU-to-node tables, rebuild penalties).
    case cpus
    /// The possible but offline nodes (5.18 builds them; `--onlining` names one).
    case possibleNodes
    /// Watermarks, protection and per-CPU limits: managed pages and the `vm` sysctls.
    case watermarks
    /// The rules of the kernel release.
    case rules
    /// Which lines `/proc/zoneinfo` has and how it pads them.
    case zoneinfoLayout
    /// Which zonelist build's `node_load[]` scored the demotion targets.
    case precedingBuild
    /// Where a simulation's starting free pages lie (orders, migrate types, pageblocks).
    case freeBlocks
  }

  /// The values this stands under; empty for a reading that assumes nothing.
  public var relies: Set<Reliance> {
    switch self {
    case .importedNodesRenumbered, .importedIgnored: []
    case .importedZonesLaidOut, .importedMachineType: [.zones, .totalPages, .watermarks]
    case .importedPossibleNodesUnknown: [.possibleNodes]
    case .importedDistancesMissing: [.nodeOrder]
    case .importedCPUsFromLocality: [.cpus]
    case .filesEndInNUL, .offlineDirectories, .cpusFromCpumap, .offlineHasMemory, .hasMemoryDisagrees,
      .distanceRowsPerPossibleNode, .distanceRowsPerDirectory, .localDistanceBetweenNodes, .rulesFromComparedSource,
      .whatIf:
      []
    case .noNodeTree: [.nodeOrder, .zones, .cpus]
    case .cpusFromPossible, .cpusFromDirectories, .noCPUsAnywhere, .cpusOnSeveralNodes, .onlineWithoutDirectory,
      .noCPUList:
      [.cpus]
    case .bootCPUOnNoNode: [.cpus, .nodeOrder]
    case .onlineFromDirectories: [.nodeOrder]
    case .possibleMissing, .addedToPossible, .offlineWithoutDistances, .offlineDistancesFromOtherRows: [.possibleNodes]
    case .zoneinfoMissing: [.zones, .totalPages, .watermarks]
    case .memoryFromMeminfo, .memTotalZero, .memorySizeUnknown: [.zones, .totalPages, .watermarks]
    case .meminfoMissingToo, .memoryAssumed: [.nodeOrder, .zones, .totalPages, .watermarks]
    case .distanceMissing, .distanceEmpty, .distanceRowsZero, .defaultDistances, .distancesFromOtherRows,
      .distancesDefaulted:
      [.nodeOrder]
    case .dmaReserveMissing, .rebuildNeedsHighWatermarks: [.totalPages]
    case .minFreeKbytesMissing, .tunablesMissing, .managedEstimatedAsPresent, .lastLevelCacheUnknown, .lateFreedUnknown: [.watermarks]
    case .pageTypeInfoMissing, .pageTypeInfoUnreadable: [.freeBlocks]
    case .rulesAssumed, .tieringRulesUnconfirmed: [.rules]
    case .precedingBuildAssumed: [.precedingBuild]
    case .zoneinfoLayoutAssumed: [.zoneinfoLayout]
    }
  }

  /// Whether a value was assumed (as opposed to an exact reading worth telling).
  public var isAssumption: Bool { !relies.isEmpty }

  /// The file (relative to the sysroot) the diagnostic is about, or `nil` when it is about
  /// the input as a whole. `nodeN` stands for every node the case names.
  public var file: String? {
    typealias P = SystemSnapshot.Path
    func nodeFile(_ nodes: [Int], _ name: String) -> String {
      nodes.count == 1 ? P.node(nodes[0], name) : P.nodeRoot + "/nodeN/" + name
    }
    switch self {
    case .filesEndInNUL(_, let example): return example
    case .noNodeTree: return P.nodeRoot
    case .cpusFromPossible, .cpusFromDirectories, .noCPUsAnywhere, .bootCPUOnNoNode: return P.cpuOnline
    case .cpusOnSeveralNodes: return nil
    case .onlineFromDirectories: return P.online
    case .offlineDirectories: return P.online
    case .possibleMissing, .addedToPossible: return P.possible
    case .onlineWithoutDirectory(let nodes): return P.nodeRoot + (nodes.count == 1 ? "/node\(nodes[0])" : "/nodeN")
    case .cpusFromCpumap(let nodes), .noCPUList(let nodes): return nodeFile(nodes, "cpulist")
    case .zoneinfoMissing: return P.zoneinfo
    case .memoryFromMeminfo, .memTotalZero, .meminfoMissingToo: return P.meminfo
    case .offlineHasMemory, .hasMemoryDisagrees: return P.hasMemory
    case .memorySizeUnknown(let nodes), .memoryAssumed(let nodes): return nodeFile(nodes, "meminfo")
    case .distanceMissing(let nodes), .distanceEmpty(let nodes), .distanceRowsPerPossibleNode(let nodes, _, _),
      .distanceRowsPerDirectory(let nodes, _, _), .distanceRowsZero(let nodes), .distancesFromOtherRows(let nodes), .offlineDistancesFromOtherRows(let nodes),
      .distancesDefaulted(let nodes), .localDistanceBetweenNodes(let nodes):
      return nodeFile(nodes, "distance")
    case .defaultDistances: return P.nodeRoot + "/nodeN/distance"
    case .offlineWithoutDistances: return P.possible
    case .dmaReserveMissing(_, _, let file): return file
    case .rebuildNeedsHighWatermarks: return P.zoneinfo
    case .minFreeKbytesMissing: return "proc/sys/vm/min_free_kbytes"
    case .tunablesMissing: return "proc/sys/vm"
    case .managedEstimatedAsPresent, .whatIf: return nil
    case .pageTypeInfoMissing, .pageTypeInfoUnreadable: return "proc/pagetypeinfo"
    case .lastLevelCacheUnknown(let cpus): return cpus.count == 1 ? "sys/devices/system/cpu/cpu\(cpus[0])/cache" : "sys/devices/system/cpu/cpuN/cache"
    case .rulesAssumed, .rulesFromComparedSource, .zoneinfoLayoutAssumed, .tieringRulesUnconfirmed: return P.version
    case .precedingBuildAssumed, .lateFreedUnknown: return "dmesg"
    case .importedZonesLaidOut, .importedMachineType, .importedPossibleNodesUnknown, .importedDistancesMissing,
      .importedCPUsFromLocality, .importedNodesRenumbered, .importedIgnored:
      return nil
    }
  }
}
