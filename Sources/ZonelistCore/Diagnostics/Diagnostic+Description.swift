extension Diagnostic: CustomStringConvertible {
  /// The note as `zonelist` prints it after `note: `.
  public var description: String {
    typealias P = SystemSnapshot.Path
    func nodes(_ ids: [Int]) -> String { (ids.count == 1 ? "node " : "nodes ") + IDList.format(ids) }
    func many(_ ids: [Int]) -> Bool { ids.count > 1 }
    switch self {
    case .filesEndInNUL(let count, let example):
      return "\(count) \(count == 1 ? "file ends" : "files end") in NUL bytes, as snapshot tools save them (e.g. \(example)): the NULs are ignored"
    case .noNodeTree:
      return "there is no sysfs node tree (\(P.nodeRoot)): a kernel without CONFIG_NUMA, or a snapshot without it; the machine is taken as one node 0 holding every CPU and all memory"
    case .cpusFromPossible(let cpus):
      return "\(P.cpuOnline) is missing: node 0's CPUs are taken from \(P.cpuPossible) (\(IDList.format(cpus)))"
    case .cpusFromDirectories(let cpus):
      return "\(P.cpuOnline) and \(P.cpuPossible) are missing: node 0's CPUs are the cpuN directories of \(P.cpuRoot) (\(IDList.format(cpus)))"
    case .noCPUsAnywhere:
      return "\(P.cpuOnline), \(P.cpuPossible) and the cpuN directories of \(P.cpuRoot) are missing: node 0 is taken to have no CPUs"
    case .bootCPUOnNoNode(let first, let bootCPU):
      return "CPU \(first), the first in \(P.cpuOnline), is on no node: the boot CPU is taken to be CPU \(bootCPU)"
    case .cpusOnSeveralNodes:
      return "some CPUs are listed on several nodes (numa=fake= does this): each CPU's node is taken to be the lowest one"
    case .onlineFromDirectories(let missing, let ids):
      return "\(P.online) is \(missing ? "missing" : "empty"): the online nodes are taken to be the nodeN directories (\(IDList.format(ids)))"
    case .offlineDirectories(let ids):
      return "\(ids.count == 1 ? "node" : "nodes") \(IDList.format(ids)) \(ids.count == 1 ? "has a nodeN directory but is" : "have nodeN directories but are") not in \(P.online): kept as offline, without CPUs or memory"
    case .possibleMissing(let ids):
      return "\(P.possible) is missing: the possible nodes are taken to be the online ones and the nodeN directories (\(IDList.format(ids)))"
    case .addedToPossible(let ids):
      return "nodes \(IDList.format(ids)) are online or have a nodeN directory but are not in \(P.possible): added to the possible nodes"
    case .onlineWithoutDirectory(let ids):
      let plural = many(ids)
      return "\(nodes(ids)) \(plural ? "are" : "is") online but \(plural ? "have" : "has") no nodeN directory: taken to have no CPUs"
    case .cpusFromCpumap(let ids):
      return "nodeN/cpulist is missing for \(nodes(ids)): \(many(ids) ? "their" : "its") CPUs are read from nodeN/cpumap"
    case .noCPUList(let ids):
      return "nodeN/cpulist and nodeN/cpumap are missing for \(nodes(ids)): taken to have no CPUs"
    case .zoneinfoMissing:
      return "\(P.zoneinfo) is missing: each node with memory gets one Normal zone standing for its MemTotal; zone-level lists and Total pages are not the kernel's"
    case .memoryFromMeminfo(let kibibytes):
      return "node 0's memory is the MemTotal of \(P.meminfo) (\(kibibytes) kB)"
    case .memTotalZero:
      return "\(P.meminfo) gives MemTotal 0: node 0 is taken to have no memory"
    case .meminfoMissingToo:
      return "\(P.meminfo) is missing too: node 0 is taken to have memory, of unknown size"
    case .offlineHasMemory(let ids):
      return "\(P.hasMemory) lists \(nodes(ids)), which \(P.online) does not: an offline node has no memory, so none is given"
    case .memorySizeUnknown(let ids):
      return "nodeN/meminfo is missing for \(nodes(ids)): whether \(many(ids) ? "they have" : "it has") memory is taken from \(P.hasMemory), the size is unknown"
    case .memoryAssumed(let ids):
      return "nodeN/meminfo is missing for \(nodes(ids)) and there is no \(P.hasMemory): taken to have memory, of unknown size"
    case .hasMemoryDisagrees(let stated, let modeled, let fromZoneinfo):
      let source = fromZoneinfo ? "the zones of \(P.zoneinfo)" : "the nodes' MemTotal"
      return "\(P.hasMemory) says \(IDList.format(stated)) but \(source) give \(IDList.format(modeled)): \(source) are used"
    case .distanceMissing(let ids):
      return "nodeN/distance is missing for \(nodes(ids))"
    case .distanceEmpty(let ids):
      return "nodeN/distance is empty for \(nodes(ids))"
    case .distanceRowsPerPossibleNode(let ids, let possible, let online):
      let plural = many(ids)
      return "the distance \(plural ? "rows" : "row") of \(nodes(ids)) \(plural ? "list" : "lists") one distance per possible node (\(IDList.format(possible))), not per online node (\(IDList.format(online))): read as such"
    case .distanceRowsPerDirectory(let ids, let directories, let online):
      let plural = many(ids)
      return "the distance \(plural ? "rows" : "row") of \(nodes(ids)) \(plural ? "list" : "lists") one distance per nodeN directory (\(IDList.format(directories))), not per online node (\(IDList.format(online))): read as such"
    case .distanceRowsZero(let ids):
      let plural = many(ids)
      return "the distance \(plural ? "rows" : "row") of \(nodes(ids)) \(plural ? "are" : "is") all 0 (no firmware distance table, as old ia64 kernels print it)"
    case .defaultDistances:
      return "no node has a usable distance row: the kernel's defaults are used (10 to itself, 20 to every other node)"
    case .distancesFromOtherRows(let ids), .offlineDistancesFromOtherRows(let ids):
      return "distances from \(nodes(ids)) are not in their own distance files: taken from the other nodes' rows, as if the table were symmetric"
    case .distancesDefaulted(let ids):
      return "some distances from \(nodes(ids)) are in no distance file: taken as the kernel's default 20 (REMOTE_DISTANCE)"
    case .localDistanceBetweenNodes(let ids):
      return "the distance table gives 10 (LOCAL_DISTANCE) between distinct nodes (from \(nodes(ids))), as numa=fake= or a firmware bug makes it: used as given"
    case .offlineWithoutDistances(let ids):
      let one = ids.count == 1
      return "\(one ? "node" : "nodes") \(IDList.format(ids)) \(one ? "is" : "are") possible but offline: sysfs shows no distances for \(one ? "it" : "them"), so the kernel's defaults (20) are used"
    case .dmaReserveMissing(let series, let root, let file):
      return "dma_reserve (boot-time pages reserved below 16 MiB) is not in the sysroot: the \(series) boot 'Total pages' cannot be computed; put the figure in \(root)/\(file)"
    case .rebuildNeedsHighWatermarks:
      return "a rebuild's Total pages needs each zone's high watermark: give a sysroot whose proc/zoneinfo has 'high' lines"
    case .minFreeKbytesMissing(let root):
      return "\(root)/proc/sys/vm/min_free_kbytes is missing: the kernel's default is computed from the current managed pages"
    case .tunablesMissing(let root, let names):
      return "some of \(root)/proc/sys/vm is missing: the kernel's defaults are used for \(names.joined(separator: ", "))"
    case .managedEstimatedAsPresent:
      return "managed pages are estimated as the present pages: only a real boot knows what it reserves (a QEMU guest of 1 GiB manages about 2% less), so watermarks are estimates; a snapshot of a booted machine gives exact figures"
    case .pageTypeInfoMissing, .pageTypeInfoUnreadable:
      return (self == .pageTypeInfoMissing ? "the input has no proc/pagetypeinfo" : "proc/pagetypeinfo cannot be read (the kernel lets only root read it)")
        + ": each zone's free pages are taken to be in the largest blocks, on the movable lists, every pageblock movable"
    case .lastLevelCacheUnknown(let cpus):
      return "no last-level cache size for \(cpus.count == 1 ? "CPU" : "CPUs") \(IDList.format(cpus)) (sys/devices/system/cpu/cpuN/cache): their PCPF_FREE_HIGH_BATCH is taken as unset"
    case .rulesAssumed(let release, let rules):
      return "kernel \(release.series) is newer than every release whose source was read here (up to \(KernelReleases.newestSourceCompared.series)): its rules are taken to be \(rules.series)'s, the newest proven on real boots; a later change to zonelists, watermarks or zoneinfo would not be known"
    case .rulesFromComparedSource(let release, let rules):
      return "kernel \(release.series) was not booted here; its rules are \(rules.series)'s (the newest proven): its source (Debian's \(release.series) release candidate) has the same zonelist, watermark, per-CPU page-set and zoneinfo code"
    case .zoneinfoLayoutAssumed(let release):
      return "the /proc/zoneinfo layout of kernel \(release.series) was not compared with a real one here (known: \(ZoneinfoLayout.knownSeries)): which lines it prints, and how it pads them, is assumed"
    case .tieringRulesUnconfirmed(let release):
      return "the tiering rules of \(release.series) are not confirmed (not read in its sources): they are placed by the upstream history (HMAT algorithm from 6.7 for kmem, for every node from 6.10; demotion lines printed as from 6.12)"
    case .lateFreedUnknown(let reason):
      return "--watermarks boot: the pages freed after the boot set the watermarks cannot be told (\(reason)): the current managed pages are used, as after a recompute"
    case .whatIf(let edits):
      return "what-if: the machine as edited by \(edits.joined(separator: ", ")) (applied in this order)"
    case .precedingBuildAssumed(let assumed):
      return "no dmesg in the sysroot shows the zonelist builds: the \(assumed) build's node_load is assumed, and the other build's would choose other preferred targets (pass --context boot|rebuild)"
    case .importedZonesLaidOut(let format, let sizes):
      return "\(format.rawValue) gives each node's memory size (\(sizes)), not its zones: the zones are laid out as QEMU's pc machine (x86-64, SeaBIOS) lays out that much memory, so zone-level lists, Total pages and watermarks are estimates; the node order is exact"
    case .importedMachineType(let format, let machine):
      return "the \(format.rawValue) machine type is \(machine), not pc (i440FX): its memory is laid out as pc's would be, which \(machine) may not do"
    case .importedPossibleNodesUnknown(let format):
      return "\(format.rawValue) lists the online nodes only: possible but offline nodes (for which 5.18 on builds zonelists too) are not known"
    case .importedDistancesMissing(let format):
      return "the \(format.rawValue) input gives no NUMA distance table: the kernel's defaults are used (10 to itself, 20 to every other node)"
    case .importedCPUsFromLocality:
      return "hwloc gives each NUMA node's locality, not the kernel's CPU-to-node map: each CPU is put on the memory node with the narrowest cpuset holding it (the lowest id on a tie)"
    case .importedNodesRenumbered(let format, let map):
      return "Linux numbers nodes with CPUs first (SRAT order): the \(format.rawValue) input's node ids are renumbered \(map)"
    case .importedIgnored(let format, let what):
      return "\(format.rawValue): \(what) does not change what the model computes: ignored"
    }
  }
}
