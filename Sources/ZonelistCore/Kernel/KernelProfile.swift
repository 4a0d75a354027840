/// The rules one kernel generation follows when it builds zonelists.
///
/// Kernel: the code of `mm/page_alloc.c` (`build_all_zonelists()` and helpers) at that
/// version, together with Debian's configuration of the architecture (amd64:
/// `CONFIG_NODES_SHIFT=10`, `CONFIG_ZONE_DMA`, `CONFIG_ZONE_DMA32`, `CONFIG_ZONE_DEVICE`, no
/// HighMem; 686-pae and arm64: ``KernelConfiguration``). Each rule below names the release
/// where it changed; see `Docs/kernel-generations.md`.
public struct KernelProfile: Hashable, Sendable, Codable {
  /// The release the rules are taken from.
  public var version: KernelVersion
  /// The architecture the kernel is built for, with Debian's configuration of it.
  public var architecture: Architecture
  /// Whether the kernel is built with `CONFIG_NUMA`. Without it there is one node, one
  /// zonelist per node (no `__GFP_THISNODE` list: no `thisnode` lines), and neither
  /// `Fallback order` nor `Policy zone:` is printed.
  public var hasNUMA: Bool
  /// Kernel: `sizeof(struct page)` (``KernelConfiguration/structPageSize``).
  public var structPageSize: Int
  /// Kernel: `CONFIG_SPARSEMEM`, under which `calc_memmap_size()` counts present pages of a
  /// zone with holes; `FLATMEM` (i386) always counts spanned pages.
  public var isSparseMemory: Bool
  /// Whether the boot sets `dma_reserve` (`memblock_find_dma_reserve()` does on x86-64 only).
  public var setsDMAReserve: Bool
  /// Zone types the kernel has, in `enum zone_type` order.
  public var zoneTypes: [ZoneType]
  /// Kernel: `MAX_NUMNODES`.
  public var maxNumNodes: Int
  /// Kernel: `PENALTY_FOR_NODE_WITH_CPUS`.
  public var penaltyForNodeWithCPUs: Int

  /// How `build_zonelists()` charges `node_load[]` for the first node of a distance group.
  public enum NodeLoadRule: String, Hashable, Sendable, Codable {
    /// 2.6.23–2.6.30: `node_load[node] = load`, with `node_load[]` cleared before every node's list.
    case assignResetPerNode
    /// 2.6.31–5.15: `node_load[node] = load`, cleared once per rebuild.
    case assign
    /// 5.16–5.18: `node_load[node] += load`.
    case accumulateLoad
    /// 5.19 on: `node_load[node] += 1`.
    case increment
  }
  public var nodeLoadRule: NodeLoadRule

  /// What `find_next_best_node()` multiplies the score by before adding `node_load`.
  public enum ScoreMultiplier: String, Hashable, Sendable, Codable {
    /// Up to 5.18: `MAX_NODE_LOAD * MAX_NUMNODES`, `MAX_NODE_LOAD` being `nr_online_nodes`.
    case onlineNodesTimesMaxNumNodes
    /// 5.19 on: `MAX_NUMNODES`.
    case maxNumNodes
  }
  public var scoreMultiplier: ScoreMultiplier

  /// Whether a memoryless local node is left out of its own list (6.6 on; before, it comes first).
  public var skipsMemorylessLocalNode: Bool
  /// Whether every possible node gets zonelists (5.18 on) or only online nodes.
  public var buildsPossibleNodes: Bool

  /// Which zones of a node enter a zonelist. Kernel: the test in `build_zonerefs_node()`.
  public enum ZonePredicate: String, Hashable, Sendable, Codable {
    /// `populated_zone()`: present pages (up to 4.7, and 5.18 on).
    case populated
    /// `managed_zone()`: managed pages (4.8–5.17).
    case managed
  }
  public var zonePredicate: ZonePredicate

  /// How the fallback list interleaves nodes and zones.
  ///
  /// Kernel: `current_zonelist_order` with `ZONELIST_ORDER_NODE` / `ZONELIST_ORDER_ZONE`
  /// (2.6.23–4.13); node order only from 4.14.
  public enum ZonelistOrder: String, Hashable, Sendable, Codable {
    case node
    case zone
  }
  /// The order the kernel picks when `numa_zonelist_order=` is not given.
  public enum DefaultZonelistOrder: String, Hashable, Sendable, Codable {
    /// 4.14 on: there is only node order.
    case nodeOnly
    /// 4.4–4.13 on 64-bit: node order.
    case node
    /// 2.6.35–4.3: node order if any online node lacks ZONE_NORMAL, else the low-memory heuristic.
    case heuristicWithNormalCheck
    /// 2.6.23–2.6.34: the low-memory heuristic of `default_zonelist_order()`.
    case heuristic
  }
  public var defaultZonelistOrder: DefaultZonelistOrder

  /// Whether the node keeps one zonelist per highest zone type (before 2.6.26) instead of
  /// one filtered FALLBACK list.
  public var perZoneTypeZonelists: Bool
  /// Whether FALLBACK zonelists carry a zonelist cache (2.6.20–4.3).
  ///
  /// Kernel: `struct zonelist_cache`, `build_zonelist_cache()`.
  public var hasZonelistCache: Bool
  /// Whether the boot prints `Fallback order for Node N:` lines (5.16 on).
  public var printsFallbackOrder: Bool
  /// Whether `Built …` names the zonelist order (before 4.14).
  public var builtMessageNamesOrder: Bool

  /// How the boot-time `Total pages:` figure is derived.
  public enum BootTotalPages: String, Hashable, Sendable, Codable {
    /// 6.10 on: managed pages start as present pages.
    case present
    /// Up to 6.9: present pages less the memmap estimate and, on zone 0, `dma_reserve`.
    case presentLessMemmapAndDMAReserve
  }
  public var bootTotalPages: BootTotalPages

  /// What a memory hot-add of an offline node rebuilds.
  public enum HotAddRebuild: String, Hashable, Sendable, Codable {
    /// 4.14 on: only the new node's lists.
    case newNodeOnly
    /// 2.6.33–4.13: the new node, then every online node.
    case newNodeThenOnlineNodes
    /// Up to 2.6.32: every online node.
    case onlineNodes
  }
  public var hotAddRebuild: HotAddRebuild

  /// Whether this generation has been booted and compared here (see the README's table).
  public var isProvenOnRealKernel: Bool

  /// The rules of the release `version` built for `architecture`, from the kernel history
  /// this project has read.
  public init(version: KernelVersion, architecture: Architecture = .x86_64) {
    func atLeast(_ major: Int, _ minor: Int, _ patch: Int = 0) -> Bool {
      version >= KernelVersion(major, minor, patch)
    }
    self.version = version
    self.architecture = architecture
    let configuration = KernelConfiguration(architecture: architecture, version: version)
    zoneTypes = configuration.zoneTypes
    hasNUMA = configuration.hasNUMA
    structPageSize = configuration.structPageSize
    isSparseMemory = architecture != .x86_32
    setsDMAReserve = architecture == .x86_64
    maxNumNodes = architecture.maxNumNodes
    penaltyForNodeWithCPUs = 1
    nodeLoadRule =
      !atLeast(2, 6, 31) ? .assignResetPerNode : !atLeast(5, 16) ? .assign : !atLeast(5, 19) ? .accumulateLoad : .increment
    scoreMultiplier = atLeast(5, 19) ? .maxNumNodes : .onlineNodesTimesMaxNumNodes
    skipsMemorylessLocalNode = atLeast(6, 6)
    buildsPossibleNodes = atLeast(5, 18)
    zonePredicate = (atLeast(4, 8) && !atLeast(5, 18)) ? .managed : .populated
    defaultZonelistOrder =
      atLeast(4, 14) ? .nodeOnly : atLeast(4, 4) ? .node : atLeast(2, 6, 35) ? .heuristicWithNormalCheck : .heuristic
    perZoneTypeZonelists = !atLeast(2, 6, 26)
    hasZonelistCache = atLeast(2, 6, 20) && !atLeast(4, 4)
    printsFallbackOrder = atLeast(5, 16) && hasNUMA
    builtMessageNamesOrder = !atLeast(4, 14)
    bootTotalPages = atLeast(6, 10) ? .present : .presentLessMemmapAndDMAReserve
    hotAddRebuild = atLeast(4, 14) ? .newNodeOnly : atLeast(2, 6, 33) ? .newNodeThenOnlineNodes : .onlineNodes
    isProvenOnRealKernel = KernelProfile.provenSeries.contains(version.series)
  }

  /// Series booted under QEMU and compared with captures in this repository's tests:
  /// Debian bullseye's 5.10, bookworm's 6.1, bookworm-backports' 6.12 and sid's 7.2.
  public static let provenSeries: Set<String> = ["5.10", "6.1", "6.12", "7.2"]

  /// Debian bookworm's kernel. Kernel: `linux-image-6.1.0-NN-amd64`.
  public static let linux6_1 = KernelProfile(version: KernelVersion(6, 1))
  /// Debian bookworm-backports' kernel. Kernel: `linux-image-6.12.NN+deb12-amd64`.
  public static let linux6_12 = KernelProfile(version: KernelVersion(6, 12))

}
