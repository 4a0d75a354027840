/// Walks the zonelists as the page allocator does, zone by zone, with the watermark checks,
/// a buddy allocator per zone, per-CPU page lists and the NUMA counters of the kernel.
///
/// Kernel: `__alloc_pages()` → `prepare_alloc_pages()` → `get_page_from_freelist()` and
/// `__alloc_pages_slowpath()`, `rmqueue()`, `rmqueue_pcplist()`, `__rmqueue()`,
/// `free_unref_page_commit()`, `free_pcppages_bulk()`, `__free_one_page()` and
/// `zone_statistics()` in `mm/page_alloc.c`; `alloc_pages_mpol()` in `mm/mempolicy.c`.
///
/// Departures, said once: nothing is reclaimable, so kswapd wake-ups are reported and kswapd
/// is taken to run at once and find nothing (which also undoes any watermark boost at once);
/// direct reclaim, compaction and the OOM killer end in a reported failure; CMA, memory
/// isolation, page reporting and `unreserve_highatomic_pageblock()` are not modeled; a zone's
/// managed pages are laid out contiguously from an order-10 boundary (holes and reserved pages
/// left out); every profile from 6.10 uses Debian 6.12.117's buddy code.
public struct AllocatorSimulator: Sendable {
  public internal(set) var topology: Topology
  public let profile: KernelProfile
  /// The zonelists walked, and why those.
  public internal(set) var lists: ListsInEffect {
    didSet { candidateCache = [] }
  }
  var build: ZonelistBuild { lists.build }

  /// One zone's allocator state. Kernel: `struct zone`.
  public struct ZoneState: Sendable {
    public var reference: ZoneReference
    public var managed: Int
    public var min: Int
    public var low: Int
    public var high: Int
    /// Kernel: `zone->lowmem_reserve[]`, by zone index.
    public var protection: [Int]
    public var batch: Int
    public var highMin: Int
    public var highMax: Int
    /// Kernel: `ZONE_BELOW_HIGH` (6.7 on).
    var belowHigh = false
    /// The zone's free blocks.
    var buddy: BuddyZone
    /// Kernel: `NR_FREE_PAGES` (buddy free pages, per-CPU lists excluded).
    public var free: Int { buddy.freePages }
    /// Free blocks by order (0...10), all types. Kernel: `/proc/buddyinfo`.
    public var freeBlocks: [Int] { (0...BuddyZone.maxOrder).map { buddy.blocks(order: $0) } }
    /// Pageblocks by type. Kernel: `Number of blocks type` of `/proc/pagetypeinfo`.
    public var pageblocks: [MigrateType: Int] { buddy.pageblockTypes.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
  }

  /// Kernel: the `numa_*` events of `/sys/devices/system/node/nodeN/numastat`.
  public struct NUMAStat: Hashable, Sendable, Codable {
    public var numaHit = 0
    public var numaMiss = 0
    public var numaForeign = 0
    public var interleaveHit = 0
    public var localNode = 0
    public var otherNode = 0
    public init() {}
  }

  public internal(set) var zones: [ZoneState]
  /// The lists of CPU *c* for zone *z* at `c * zones.count + z`.
  var pageSets: [PerCPUPages]
  public let cpus: [CPUID]
  /// Kernel: the NUMA events per node (`numastat`).
  public var numastat: [NodeID: NUMAStat] {
    Dictionary(uniqueKeysWithValues: topology.nodeIDs.enumerated().map { ($1, stats[$0]) })
  }
  /// NUMA events by node position in `topology.nodeIDs`.
  var stats: [NUMAStat]
  /// The node position of each zone.
  var zoneNode: [Int]
  let nodePosition: [NodeID: Int]
  var zoneIndex: [ZoneReference: Int]
  /// Kernel (6.7 on): `pcp->high` between `high_min` and `high_max`, `nr_pcp_alloc()`.
  let autoTunedHigh: Bool
  /// The most managed pages a zone may have: page offsets are kept in 32 bits (16 TiB of 4 KiB pages).
  public static let maxPagesPerZone = Int(UInt32.max)
  /// Kernel: `nr_online_nodes`.
  var onlineNodeCount: Int
  /// The index of `ZONE_MOVABLE` (or the highest zone) in the profile's zone types.
  let movableIndex: Int
  /// Zones that, as the preferred zone, set `ALLOC_NOFRAGMENT`.
  var noFragmentZones: [Bool]
  /// The shortcuts taken (same result, faster); tests turn them off to compare with the page-by-page walk.
  var shortcuts: Shortcuts = .all
  /// ``unmaskedCandidates(_:gfp:highestIndex:)`` by `__GFP_THISNODE`, highest zone and node position.
  var candidateCache: [[Int]?] = []
  /// Zonelist walks so far (``allocateOne``), for tests that check a shortcut was taken.
  var walkCount = 0
  /// The tunables the watermarks came from, for recomputing them after memory is onlined.
  let tunables: VMTunables
  /// The high watermarks the kernel holds (the snapshot's, then those recomputed at each
  /// onlining), for a rebuild's `Total pages`.
  var highWatermarks: [ZoneReference: Int]
  /// Weighted-interleave weights per node (1 for a node not listed).
  /// Kernel: `/sys/kernel/mm/mempolicy/weighted_interleave/nodeN` (6.9 on).
  public var interleaveWeights: [NodeID: Int] = [:]
  /// The task's interleave state: `il_prev` (nil: `MAX_NUMNODES - 1`, as after `set_mempolicy()`) and `il_weight`.
  var taskInterleave: (previous: NodeID?, weightLeft: Int) = (nil, 0)
  /// Per CPU: its vmstat work is queued to run again in a second (`vmstatSecond()`).
  var vmstatWorkQueued: [Bool] = []

  /// Where a simulation starts: each zone's free blocks and each CPU's lists.
  public struct StartState: Sendable {
    /// Free blocks per zone (from `/proc/pagetypeinfo`, or a page count laid out in the largest blocks);
    /// a zone not listed has every managed page free.
    public var freeAreas: [ZoneReference: FreeAreaCounts] = [:]
    /// Pages on each CPU's lists per zone (`count:`).
    public var perCPUCounts: [CPUID: [ZoneReference: Int]] = [:]
    /// Each CPU's `high:` per zone, where the snapshot shows it (run-time state from 6.7).
    public var perCPUHigh: [CPUID: [ZoneReference: Int]] = [:]
    /// The migrate type of the pages a snapshot shows on per-CPU lists: the snapshot does not
    /// say; movable by default (in the captures, a CPU's listed pages served its next movable allocations).
    public var perCPUType: MigrateType = .movable
    /// Each zone's `high` watermark as the snapshot shows it (zoneinfo): what a rebuild's
    /// `Total pages` subtracts (the kernel computed it when `managed` was different).
    public var watermarkHigh: [ZoneReference: Int] = [:]
    /// Every CPU's lists are the boot page set (high 0, batch 1); the snapshot's listed pages are
    /// then left in use. Kernel: `boot_pageset`.
    public var bootPageSets = false
    /// Pageblock-order (THP) pages among a CPU's listed pages for a zone (see
    /// ``hugePageRefillLeftover(zoneinfo:topology:profile:hugePageFaults:)``); the rest of its count is order 0.
    public var perCPUHugePages: [CPUID: [ZoneReference: Int]] = [:]
    public init() {}
  }

  /// Creates the allocator of a machine with every managed page free (as after boot).
  public init(topology: Topology, profile: KernelProfile, tuning: TuningReport, lists: ListsInEffect? = nil) {
    self.init(topology: topology, profile: profile, tuning: tuning, start: StartState(), lists: lists)
  }

  /// The boot build's lists: what a machine that never hot-added memory walks.
  public static func bootLists(topology: Topology, profile: KernelProfile) -> ListsInEffect {
    .model(
      topology: topology, profile: profile, context: .boot,
      reason: "the boot build (on x86 no node has CPUs yet then, so no CPU penalty); a machine that hot-added memory walks a rebuild's")
  }

  /// Creates the allocator of a machine from a starting state; `lists` defaults to the boot build's.
  ///
  /// - Complexity: O(*pages*) for the page states; O(*CPUs* × *zones*) for the per-CPU lists.
  public init(topology: Topology, profile: KernelProfile, tuning: TuningReport, start: StartState, lists: ListsInEffect? = nil) {
    self.topology = topology
    self.profile = profile
    self.lists = lists ?? Self.bootLists(topology: topology, profile: profile)
    tunables = tuning.tunables
    highWatermarks = start.watermarkHigh
    autoTunedHigh = profile.version >= KernelVersion(6, 7)
    let rules: BuddyZone.Rules = profile.version >= KernelVersion(6, 10) ? .claimThenSteal : .mixedLists
    var zones: [ZoneState] = []
    var index: [ZoneReference: Int] = [:]
    for node in topology.onlineNodes {
      for type in profile.zoneTypes {
        let reference = ZoneReference(node: node.id, type: type)
        guard let tune = tuning.zones[reference] else { continue }
        let managed = node[type].managed.rawValue
        precondition(managed <= Self.maxPagesPerZone, "zone \(reference) has \(managed) pages, more than maxPagesPerZone")
        let counts = start.freeAreas[reference] ?? FreeAreaCounts(movablePages: managed)
        index[reference] = zones.count
        let boot = start.bootPageSets
        zones.append(
          ZoneState(
            reference: reference, managed: managed, min: tune.min, low: tune.low, high: tune.high, protection: tune.protection,
            batch: boot ? 1 : tune.batch, highMin: boot ? 0 : tune.highMin, highMax: boot ? 0 : tune.highMax,
            buddy: .laidOut(pageCount: managed, rules: rules, counts: counts)))
      }
    }
    cpus = topology.cpus
    var pageSets = cpus.flatMap { cpu in
      zones.map { zone in PerCPUPages(high: start.bootPageSets ? 0 : start.perCPUHigh[cpu]?[zone.reference] ?? zone.highMin) }
    }
    // Pages a snapshot shows on per-CPU lists: taken from the pages in use at the end of the zone.
    for (z, zone) in zones.enumerated() {
      var counts = cpus.map { start.bootPageSets ? 0 : start.perCPUCounts[$0]?[zone.reference] ?? 0 }
      for (c, cpu) in cpus.enumerated() where !start.bootPageSets {
        let huge = Swift.min(start.perCPUHugePages[cpu]?[zone.reference] ?? 0, counts[c] >> BuddyZone.pageblockOrder)
        for block in zones[z].buddy.blocksInUse(order: BuddyZone.pageblockOrder, count: huge) {
          zones[z].buddy.setState(block, order: BuddyZone.pageblockOrder, BuddyZone.onPerCPUList(.movable))
          pageSets[c * zones.count + z].push(block, order: BuddyZone.pageblockOrder, type: .movable, front: false)
          counts[c] -= 1 << BuddyZone.pageblockOrder
        }
      }
      var pages = zones[z].buddy.pagesInUse(count: counts.reduce(0, +))[...]
      for (c, count) in counts.enumerated() where count > 0 {
        for page in pages.prefix(count) {
          zones[z].buddy.state[page] = BuddyZone.onPerCPUList(start.perCPUType)
          pageSets[c * zones.count + z].push(page, order: 0, type: start.perCPUType, front: false)
        }
        pages = pages.dropFirst(count)
      }
    }
    self.zones = zones
    self.pageSets = pageSets
    zoneIndex = index
    stats = Array(repeating: NUMAStat(), count: topology.nodeIDs.count)
    nodePosition = Dictionary(uniqueKeysWithValues: topology.nodeIDs.enumerated().map { ($1, $0) })
    zoneNode = []
    onlineNodeCount = 0
    movableIndex = profile.zoneTypes.firstIndex(of: .movable) ?? profile.zoneTypes.count - 1
    noFragmentZones = []
    deriveZoneFacts()
  }

  /// What follows from the zones and the topology: each zone's node, `nr_online_nodes`, and
  /// the zones that set `ALLOC_NOFRAGMENT`.
  mutating func deriveZoneFacts() {
    candidateCache = []
    zoneIndex = Dictionary(uniqueKeysWithValues: zones.enumerated().map { ($1.reference, $0) })
    zoneNode = zones.map { nodePosition[$0.reference.node]! }
    onlineNodeCount = topology.onlineNodes.count
    // Kernel: alloc_flags_nofragment(): a Normal zone on a node whose DMA32 is populated (any Normal zone on one node).
    let oneNode = topology.onlineNodes.count <= 1
    let hasDMA32 = profile.zoneTypes.contains(.dma32)
    noFragmentZones = zones.map { zone in
      hasDMA32 && zone.reference.type == .normal && (oneNode || topology.nodes[zone.reference.node]?[.dma32].isPopulated == true)
    }
  }

  /// One allocation request: `count` allocations of 2^`order` pages.
  public struct Request: Hashable, Sendable, Codable {
    public var cpu: CPUID
    public var policy: MemoryPolicy
    public var gfp: GFPFlags
    public var order: Int
    public var count: Int
    /// The first interleave index (the page offset in the mapping for anonymous memory).
    public var interleaveStart: Int
    /// No interleave index: interleave policies take the task's next node (page tables,
    /// `alloc_pages()`). Kernel: `NO_INTERLEAVE_INDEX`.
    public var taskInterleave = false
    /// End the request at its first failed allocation (`--stop-at-failure`).
    public var stopsAtFailure = false
    public init(
      cpu: CPUID, policy: MemoryPolicy = .init(.default), gfp: GFPFlags = .highUserMovable, order: Int = 0, count: Int, interleaveStart: Int = 0
    ) {
      self.cpu = cpu
      self.policy = policy
      self.gfp = gfp
      self.order = order
      self.count = count
      self.interleaveStart = interleaveStart
    }
  }

  /// What a request did.
  public struct Outcome: Hashable, Sendable {
    /// Pages served per zone.
    public var served: [ZoneReference: Int] = [:]
    /// The pages taken, for freeing them later.
    public var record = AllocationRecord()
    /// Allocations that failed (after the slow path), and why, for the first failure.
    public var failures = 0
    public var firstFailure: [String] = []
    /// Pages served by a node other than the preferred one (`numa_miss` counts allocations).
    public var remotePages = 0
    /// Nodes whose kswapd the slow path (or a watermark boost) woke.
    public var kswapdWoken: Set<NodeID> = []
    /// Fallbacks that took pages from a pageblock of another migrate type, per zone.
    /// Kernel: `mm_page_alloc_extfrag` events that split a pageblock (and boost its zone's watermarks).
    public var fragmentingFallbacks: [ZoneReference: Int] = [:]
    public func pages(on node: NodeID) -> Int { served.filter { $0.key.node == node }.reduce(0) { $0 + $1.value } }
  }

  /// Kernel: `node_zonelist()` filtered by `for_next_zone_zonelist_nodemask()`.
  func candidateZones(preferred: NodeID, mask: Set<NodeID>?, gfp: GFPFlags, highestIndex: Int) -> [Int] {
    guard let lists = build[preferred] else { return [] }
    let list = NodeZonelists.eligible(gfp.contains(.thisNode) ? lists.thisNode : lists.fallback, atOrBelow: profile.zoneTypes[highestIndex])
    return list.compactMap { reference in (mask?.contains(reference.node) ?? true) ? zoneIndex[reference] : nil }
  }

  /// `candidateZones` without a mask, kept until the lists or the zones change.
  mutating func unmaskedCandidates(_ position: Int, gfp: GFPFlags, highestIndex: Int) -> [Int] {
    let (nodes, types) = (topology.nodeIDs.count, profile.zoneTypes.count)
    if candidateCache.isEmpty { candidateCache = Array(repeating: nil, count: 2 * types * nodes) }
    let slot = ((gfp.contains(.thisNode) ? types : 0) + highestIndex) * nodes + position
    if let list = candidateCache[slot] { return list }
    let list = candidateZones(preferred: topology.nodeIDs[position], mask: nil, gfp: gfp, highestIndex: highestIndex)
    candidateCache[slot] = list
    return list
  }

  /// Pages on every CPU's lists for a zone. Kernel: the sum of `pcp->count`; per zone, free +
  /// pages on per-CPU lists + allocated = managed.
  ///
  /// - Complexity: O(*CPUs*).
  public func pagesOnLists(_ reference: ZoneReference) -> Int {
    guard let zone = zoneIndex[reference] else { return 0 }
    return cpus.indices.reduce(0) { $0 + pageSets[$1 * zones.count + zone].count }
  }

  /// Bytes of simulator state per managed page (page states, free lists, per-CPU lists).
  public var bytesPerPage: Double {
    let managed = zones.reduce(0) { $0 + $1.managed }
    let bytes = zones.reduce(0) { $0 + $1.buddy.bytes } + pageSets.reduce(0) { $0 + $1.bytes }
    return managed == 0 ? 0 : Double(bytes) / Double(managed)
  }
}

extension AllocatorSimulator {
  /// Work done in runs instead of page by page, each reaching the state the page-by-page walk
  /// reaches (the property tests compare them).
  struct Shortcuts: OptionSet, Sendable {
    let rawValue: Int
    /// Allocations after one from a per-CPU list take from that list without walking, until it is empty.
    static let listRuns = Shortcuts(rawValue: 1)
    /// Interleaved allocations take from the list their node's last allocation came from.
    static let interleaveRuns = Shortcuts(rawValue: 2)
    /// A per-CPU refill takes a higher-order block's pages in one split (`expand()`'s result).
    static let bulkRefill = Shortcuts(rawValue: 4)
    /// A drain frees consecutive pages as whole aligned blocks (`__free_one_page()`'s result).
    static let bulkDrain = Shortcuts(rawValue: 8)
    /// Frees of consecutive blocks go onto a per-CPU list in runs, up to each drain.
    static let bulkFree = Shortcuts(rawValue: 16)
    static let all: Shortcuts = [.listRuns, .interleaveRuns, .bulkRefill, .bulkDrain, .bulkFree]
  }
}

/// A request the simulator refuses.
public enum SimulationError: Error, Hashable, Sendable, CustomStringConvertible {
  case unknownCPU(CPUID)
  case unknownNode(NodeID)
  case unknownZone(ZoneReference)
  case orderTooLarge(Int)
  case badFlags
  case notAllocated(String)
  public var description: String {
    switch self {
    case .unknownCPU(let cpu): "CPU \(cpu) does not exist on this machine"
    case .unknownNode(let node): "node \(node) does not exist on this machine"
    case .unknownZone(let zone): "zone \(zone) does not exist on this machine"
    case .orderTooLarge(let order): "order \(order) is beyond the maximum, \(BuddyZone.maxOrder) (MAX_PAGE_ORDER)"
    case .badFlags: "the zone modifiers combine in a way gfp_zone() rejects"
    case .notAllocated(let what): "cannot free \(what)"
    }
  }
}

extension AllocatorSimulator {
  /// Broken bookkeeping, if any: per zone, the free lists must hold `NR_FREE_PAGES` pages, every
  /// listed block must head a free block of its order, and each CPU's lists must hold its count.
  ///
  /// - Complexity: O(pages on lists + free blocks).
  public func accountingErrors() -> [String] {
    var errors: [String] = []
    for (z, zone) in zones.enumerated() {
      let buddy = zone.buddy
      var listed = 0
      for order in 0...BuddyZone.maxOrder {
        for type in MigrateType.allCases { listed += buddy.blocks(order: order, type: type) << order }
      }
      if listed != buddy.freePages { errors.append("\(zone.reference): free lists hold \(listed) pages, NR_FREE_PAGES is \(buddy.freePages)") }
      if let problem = buddy.listProblem() { errors.append("\(zone.reference): \(problem)") }
      for c in cpus.indices {
        let set = pageSets[c * zones.count + z]
        let held = set.lists.enumerated().reduce(0) { $0 + $1.element.count << PerCPUPages.order(ofList: $1.offset) }
        if held != set.count { errors.append("\(zone.reference) CPU \(cpus[c]): lists hold \(held) pages, count is \(set.count)") }
        for list in set.lists {
          for page in list.elements where !BuddyZone.isOnPerCPUList(buddy.state[Int(page)]) {
            errors.append("\(zone.reference) CPU \(cpus[c]): page \(page) on a list is not marked so")
            break
          }
        }
      }
    }
    return errors
  }
}
