import Testing
import ZonelistHarness
@testable import ZonelistCore

/// Weighted interleave, THP faults, memory hot-add, the lists in effect and the workload
/// file's refusals, each worked by hand from `mm/mempolicy.c`, `mm/huge_memory.c` and
/// `mm/memory_hotplug.c` of Debian's 6.12.
@Suite struct WorkloadFeatureTests {
  func topology(_ sizes: [ZoneSize?]) throws -> Topology {
    try Topology(
      nodes: sizes.enumerated().map { index, size in
        Node(id: NodeID(index), cpus: [index], zones: size.map { [.dma32: $0] } ?? [:])
      })
  }
  func zone(_ pages: Int) -> ZoneSize { ZoneSize(spanned: Pages(pages), present: Pages(pages), managed: Pages(pages)) }
  func simulator(_ topology: Topology, start: AllocatorSimulator.StartState = .init()) -> AllocatorSimulator {
    let profile = KernelProfile(version: KernelVersion(6, 12))
    return AllocatorSimulator(
      topology: topology, profile: profile, tuning: TuningCalculator(topology: topology, profile: profile).compute(VMTunables()), start: start)
  }
  func pagesPerNode(_ pages: [ZoneReference: Int]) -> [NodeID: Int] {
    pages.reduce(into: [:]) { $0[$1.key.node, default: 0] += $1.value }
  }

  /// weighted_interleave_nid(): ilx % 6 over weights 3/1/2 → 3000/1000/2000 of 6000 pages;
  /// the 12 page tables (no interleave index) follow weighted_interleave_nodes() from
  /// il_prev = MAX_NUMNODES-1: 0 0 0 1 2 2 0 0 0 1 2 2 → 6/2/4.
  @Test func weightedInterleaveSplitsByWeightAndTablesFollowTheTaskState() throws {
    var run = WorkloadRun(simulator: simulator(try topology([zone(60_000), zone(60_000), zone(60_000)])))
    var workload = Workload(steps: [
      .allocate(.init(cpu: 0, policy: MemoryPolicy(.weightedInterleave, nodes: [0, 1, 2]), count: 6000), repeats: 1, anonymous: true)
    ])
    workload.weights = [0: 3, 1: 1, 2: 2]
    try run.run(workload)
    let result = try #require(run.results.first)
    #expect(pagesPerNode(result.pages) == [0: 3000, 1: 1000, 2: 2000])
    #expect(pagesPerNode(result.pageTablePages) == [0: 6, 1: 2, 2: 4])
  }

  /// vma_thp_gfp_mask() for each defrag setting, madvised or not.
  @Test func hugePageMaskFollowsDefrag() {
    let light = GFPFlags.highUserMovable.subtracting([.directReclaim, .kswapdReclaim]).union(.noMemAlloc)
    func mask(_ defrag: TransparentHugePages.Defrag, _ madvised: Bool) -> GFPFlags {
      TransparentHugePages(enabled: .always, defrag: defrag).gfp(madvised: madvised)
    }
    #expect(mask(.always, false) == light.union([.directReclaim, .noRetry]))
    #expect(mask(.always, true) == light.union(.directReclaim))
    #expect(mask(.defer, true) == light.union(.kswapdReclaim))
    #expect(mask(.deferMadvise, false) == light.union(.kswapdReclaim))
    #expect(mask(.deferMadvise, true) == light.union(.directReclaim))
    #expect(mask(.madvise, false) == light)
    #expect(mask(.madvise, true) == light.union(.directReclaim))
    #expect(mask(.never, true) == light)
    #expect(!TransparentHugePages(enabled: .madvise).faultsHugePages(advice: nil))
    #expect(TransparentHugePages(enabled: .madvise).faultsHugePages(advice: .hugepage))
    #expect(!TransparentHugePages(enabled: .always).faultsHugePages(advice: .nohugepage))
  }

  /// Node 0 has no free block of order 9: the fault tries node 0 alone (__GFP_THISNODE) and,
  /// without __GFP_DIRECT_RECLAIM (defrag madvise), falls back to 512 small pages on node 0;
  /// with defrag always (direct reclaim) it allocates the usual way and node 1 serves the folio.
  @Test func hugePageFaultStaysLocalUnlessItMayReclaim() throws {
    var start = AllocatorSimulator.StartState()
    start.freeAreas[ZoneReference(node: 0, type: .dma32)] = FreeAreaCounts(blocks: [.movable: [0, 0, 0, 0, 0, 0, 0, 0, 60]])
    let machine = try topology([zone(60_000), zone(60_000)])
    for (defrag, node1) in [(TransparentHugePages.Defrag.madvise, 0), (.always, 512)] {
      var run = WorkloadRun(simulator: simulator(machine, start: start))
      let mask = TransparentHugePages(enabled: .always, defrag: defrag).gfp(madvised: false)
      try run.run(Workload(steps: [.allocate(.init(cpu: 0, count: 512), repeats: 1, anonymous: true, hugePages: mask)]))
      let result = try #require(run.results.first)
      #expect(pagesPerNode(result.pages) == (node1 == 0 ? [0: 512] : [1: 512]), "defrag \(defrag)")
      #expect(result.hugePages == (node1 == 0 ? 0 : 1) && result.hugePageFallbacks == (node1 == 0 ? 1 : 0))
      #expect(pagesPerNode(result.pageTablePages) == [0: 1])
    }
  }

  /// Memory onlined on the memoryless CPU node 1: its memory map (65536 × 64 bytes = 1024
  /// pages, two order-9 blocks) comes from node 0 by node 1's hot-add list; onlining into the
  /// empty zone rebuilds every list; node 1's CPU then allocates from its own new memory.
  @Test func onlinedMemoryIsWalkedAfterTheRebuild() throws {
    var run = WorkloadRun(simulator: simulator(try topology([zone(60_000), nil])))
    try run.run(
      Workload(steps: [
        .allocate(.init(cpu: 1, count: 1000), repeats: 1, anonymous: false),
        .online(node: 1, pages: 65_536, zone: .normal, cpu: 0),
        .allocate(.init(cpu: 1, count: 1000), repeats: 1, anonymous: false),
      ]))
    #expect(pagesPerNode(run.results[0].pages) == [0: 1000])
    #expect(pagesPerNode(run.results[1].pages) == [0: 1024])
    #expect(run.results[1].rebuiltLists?.build[1]?.nodeOrder == [1, 0])
    #expect(pagesPerNode(run.results[2].pages) == [1: 1000])
    #expect(run.simulator.zones.first { $0.reference == ZoneReference(node: 1, type: .normal) }?.managed == 65_536)
    #expect(run.simulator.accountingErrors().isEmpty)
  }

  /// Node 2 is possible but not online. Its hot-add lists (built while it is offline: nodes 0
  /// and 1 tie at distance 20 + the lower-id penalty, node 0 first) serve its memory map;
  /// onlining rebuilds every list at run time, where node 1's CPU costs it a point: node 0's
  /// order becomes 0 2 1, and CPU 0's overflow goes to the new memory, not to node 1.
  @Test func hotAddedNodeTakesTheSpillAfterTheRebuild() throws {
    let dma32 = zone(60_000)
    let machine = try Topology(nodes: [
      Node(id: 0, cpus: [0], zones: [.dma32: dma32]), Node(id: 1, cpus: [1], zones: [.dma32: dma32]), Node(id: 2, isOnline: false),
    ])
    var run = WorkloadRun(simulator: simulator(machine))
    #expect(run.simulator.lists.build[0]?.nodeOrder == [0, 1])
    try run.run(
      Workload(steps: [
        .online(node: 2, pages: 65_536, zone: .normal, cpu: 0),
        .allocate(.init(cpu: 0, count: 70_000), repeats: 1, anonymous: false),
      ]))
    #expect(pagesPerNode(run.results[0].pages) == [0: 1024])
    #expect(run.simulator.lists.build[0]?.nodeOrder == [0, 2, 1])
    let spill = pagesPerNode(run.results[1].pages)
    #expect(spill[1] == nil && (spill[2] ?? 0) > 10_000, "\(spill)")
    #expect(run.simulator.accountingErrors().isEmpty)
  }

  /// Two builds in the log: the last rebuild's node orders are walked, and the reason says so.
  @Test func listsFromTheKernelLogAreTheLastRebuilds() throws {
    let machine = try topology([zone(60_000), zone(60_000), zone(60_000)])
    let log = """
      [    0.1] Fallback order for Node 0: 0 1 2 
      [    0.1] Built 3 zonelists, mobility grouping on.  Total pages: 180000
      [   20.0] Fallback order for Node 0: 0 2 1 
      [   20.0] Built 3 zonelists, mobility grouping on.  Total pages: 180000
      """
    #expect(ListsInEffect.logBuilds(log).count == 2)
    let lists = try #require(ListsInEffect.fromKernelLog(log, topology: machine, profile: KernelProfile(version: KernelVersion(6, 12))))
    #expect(lists.name == "last rebuild")
    #expect(lists.build[0]?.nodeOrder == [0, 2, 1])
    #expect(lists.build[0]?.fallback.map(\.node) == [0, 2, 1])
    #expect(lists.reason.contains("1 run-time rebuild"))
  }

  /// Each refusal names the file and the line.
  @Test(arguments: [
    ("steps:\n  - allocate: 1M\n    pages: 256\n", 2, "not 'allocate:' and 'pages:'"),
    ("weights: {0: 1, 7: 2}\nsteps:\n  - allocate: 1M\n", 1, "a node of this machine"),
    ("steps:\n  - online: {node: 9, memory: 128M}\n", 2, "a possible node"),
    ("steps:\n  - online: {node: 1, memory: 100M}\n", 2, "128M memory blocks"),
    ("thp: sometimes\nsteps:\n  - allocate: 1M\n", 1, "thp: one of always, madvise, never"),
    ("thp: always\nthp-defrag: fast\nsteps:\n  - allocate: 1M\n", 2, "thp-defrag: one of"),
    ("steps:\n  - allocate: 1M\n    madvise: hugepage\n", 3, "with a 'thp:' setting"),
    ("steps:\n  - allocate: 1M\n    nodes: 0\n", 3, "no 'nodes:' for the default policy"),
    ("steps:\n  - policy: local\n    nodes: 0-1\n    allocate: 1M\n", 3, "no 'nodes:' for the local policy"),
  ])
  func badWorkloadsAreRefusedWithTheirLine(_ text: String, _ line: Int, _ expected: String) throws {
    let machine = try topology([zone(60_000), zone(60_000)])
    let error = #expect(throws: ImportError.self) {
      try WorkloadFile.parse(text, file: "w.yaml", topology: machine, profile: KernelProfile(version: KernelVersion(6, 12)))
    }
    #expect(error?.file == "w.yaml" && error?.line == line, "\(String(describing: error))")
    #expect(error?.expected.contains(expected) == true, "\(String(describing: error))")
  }

  /// Fuzz target `workload` (trap: division by zero): `allocate: 256` (bytes) made a step of
  /// zero pages, and the repeat check divided by it. A size is whole pages, rounded up as mmap() does.
  @Test func aSizeUnderOnePageIsOnePage() throws {
    let machine = try topology([zone(60_000), zone(60_000)])
    let profile = KernelProfile(version: KernelVersion(6, 12))
    for (size, pages) in [("256", 1), ("4097", 2), ("8K", 2)] {
      let workload = try WorkloadFile.parse(
        "steps:\n  - allocate: \(size)\n    repeat: 3\n", file: "w.yaml", topology: machine, profile: profile)
      guard case .allocate(let request, let repeats, _, _) = workload.steps.first else {
        Issue.record("no allocation step for \(size)")
        continue
      }
      #expect(request.count == pages && repeats == 3, "\(size)")
    }
  }

  /// zone_for_pfn_range() for memory beyond every zone: the type from memhp_default_state=
  /// (the last one counts), movable_node for the plain `online` type; auto-movable is refused.
  @Test func hotAddedMemoryGoesWhereTheOnlineTypeSays() throws {
    #expect(OnlineType.defaultZone(commandLine: "quiet").zone == .normal)
    #expect(OnlineType.defaultZone(commandLine: "memhp_default_state=offline").zone == .normal)
    #expect(OnlineType.defaultZone(commandLine: "memhp_default_state=online_kernel movable_node").zone == .normal)
    #expect(OnlineType.defaultZone(commandLine: "memhp_default_state=online movable_node").zone == .movable)
    #expect(OnlineType.defaultZone(commandLine: "memhp_default_state=online_movable memhp_default_state=online").zone == .normal)
    #expect(OnlineType.defaultZone(commandLine: "memhp_default_state=online_movable").zone == .movable)
    let machine = try topology([zone(60_000), zone(60_000)])
    let profile = KernelProfile(version: KernelVersion(6, 12))
    let text = "steps:\n  - online: {node: 1, memory: 128M}\n"
    let workload = try WorkloadFile.parse(text, file: "w.yaml", topology: machine, profile: profile, commandLine: "movable_node")
    #expect(workload.steps == [.online(node: 1, pages: 32_768, zone: .movable, cpu: nil)])
    let error = #expect(throws: ImportError.self) {
      try WorkloadFile.parse(text, file: "w.yaml", topology: machine, profile: profile, commandLine: "memory_hotplug.online_policy=auto-movable")
    }
    #expect(error?.line == 2 && error?.expected.contains("auto-movable") == true)
  }

  /// 6.1 has no MPOL_WEIGHTED_INTERLEAVE: the policy and the weights are refused.
  @Test func weightedInterleaveIsRefusedBefore69() throws {
    let machine = try topology([zone(60_000), zone(60_000)])
    let profile = KernelProfile(version: KernelVersion(6, 1))
    for text in ["steps:\n  - policy: weighted-interleave\n    nodes: 0-1\n    allocate: 1M\n", "weights: {0: 2}\nsteps:\n  - allocate: 1M\n"] {
      let error = #expect(throws: ImportError.self) { try WorkloadFile.parse(text, file: "w.yaml", topology: machine, profile: profile) }
      #expect(error?.expected.contains("6.9") == true)
    }
  }

  /// THP settings a kernel does not have are refused with their line: `thp:` before 2.6.38,
  /// `thp-defrag: defer` before 4.6, `defer+madvise` before 4.11; the first kernel that has one takes it.
  @Test(arguments: [
    ("thp: always\nsteps:\n  - allocate: 1M\n", KernelVersion(2, 6, 37), 1, "2.6.38"),
    ("thp: madvise\nthp-defrag: defer\nsteps:\n  - allocate: 1M\n", KernelVersion(4, 5), 2, "4.6"),
    ("thp: always\nthp-defrag: defer+madvise\nsteps:\n  - allocate: 1M\n", KernelVersion(4, 10), 2, "4.11"),
  ])
  func thpSettingsTheKernelLacksAreRefused(_ text: String, _ version: KernelVersion, _ line: Int, _ since: String) throws {
    let machine = try topology([zone(60_000), zone(60_000)])
    let error = #expect(throws: ImportError.self) {
      try WorkloadFile.parse(text, file: "w.yaml", topology: machine, profile: KernelProfile(version: version))
    }
    #expect(error?.file == "w.yaml" && error?.line == line, "\(String(describing: error))")
    #expect(error?.expected.contains("came with \(since)") == true, "\(String(describing: error))")
    let first = since == "2.6.38" ? KernelVersion(2, 6, 38) : since == "4.6" ? KernelVersion(4, 6) : KernelVersion(4, 11)
    _ = try WorkloadFile.parse(text, file: "w.yaml", topology: machine, profile: KernelProfile(version: first))
  }
}
