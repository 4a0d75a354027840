import Testing
@testable import ZonelistCore

/// Properties of the allocator that hold for any workload.
@Suite struct AllocatorInvariantTests {
  /// Per zone, at every step: free + pages on per-CPU lists + allocated = managed.
  @Test(arguments: 0..<25)
  func pagesAreConservedUnderRandomWorkloads(_ seed: Int) throws {
    let run = try Self.randomRun(seed, takingRuns: true)
    var allocated: [ZoneReference: Int] = [:]
    for result in run.results {
      for (zone, pages) in result.pages { allocated[zone, default: 0] += pages }
      for (zone, pages) in result.pageTablePages { allocated[zone, default: 0] += pages }
    }
    #expect(run.simulator.accountingErrors() == [], "seed \(seed)")
    for zone in run.simulator.zones {
      let onLists = run.simulator.pagesOnLists(zone.reference)
      #expect(zone.free >= 0 && onLists >= 0, "seed \(seed) \(zone.reference)")
      #expect(zone.free + onLists + allocated[zone.reference, default: 0] == zone.managed, "seed \(seed) \(zone.reference)")
    }
  }

  /// Taking a run of pages off one per-CPU list without walking the zonelist each time changes nothing.
  @Test(arguments: 0..<25)
  func runsFromListsEqualPageByPageWalks(_ seed: Int) throws {
    let fast = try Self.randomRun(seed, takingRuns: true)
    let slow = try Self.randomRun(seed, takingRuns: false)
    #expect(fast.results == slow.results, "seed \(seed)")
    #expect(fast.simulator.zones.map(\.freeBlocks) == slow.simulator.zones.map(\.freeBlocks), "seed \(seed)")
    #expect(fast.simulator.pageSets == slow.simulator.pageSets, "seed \(seed)")
  }

  /// A random machine with CPUs and twelve random steps, run. A seed that finds no such
  /// machine fails rather than checking nothing.
  static func randomRun(_ seed: Int, takingRuns: Bool) throws -> WorkloadRun {
    var generator = SeededGenerator(seed: UInt64(seed) &+ 1000)
    // A machine without CPUs cannot allocate: draw again (from the same generator, so the seed
    // still names the case), a few times at most.
    var topology = RandomTopology.make(nodes: Int.random(in: 1...6, using: &generator), shape: .random, using: &generator)
    for _ in 0..<4 where topology.cpus.isEmpty {
      topology = RandomTopology.make(nodes: Int.random(in: 1...6, using: &generator), shape: .random, using: &generator)
    }
    try #require(!topology.cpus.isEmpty, "seed \(seed): the random machine has no CPU")
    let profile = KernelProfile(version: seed % 2 == 0 ? KernelVersion(6, 1) : KernelVersion(6, 12))
    let tuning = TuningCalculator(topology: topology, profile: profile).compute(VMTunables())
    var simulator = AllocatorSimulator(topology: topology, profile: profile, tuning: tuning)
    simulator.shortcuts = takingRuns ? .all : []
    var run = WorkloadRun(simulator: simulator)
    var steps: [Workload.Step] = []
    let modes = MemoryPolicy.Mode.allCases
    let gfps: [GFPFlags] = [.highUserMovable, .kernel, .atomic, .dma32, [.kernel, .thisNode], [.high, .kswapdReclaim, .noRetry]]
    for index in 0..<12 {
      if index > 0 && Bool.random(using: &generator), case .allocate = steps[index - 1] {
        steps.append(.free(step: index, cpu: topology.cpus.randomElement(using: &generator)))
        continue
      }
      let mode = modes.randomElement(using: &generator)!
      let nodes = mode == .default || mode == .local ? [] : Array(topology.nodeIDs.shuffled(using: &generator).prefix(Int.random(in: 1...topology.nodeIDs.count, using: &generator)))
      let order = [0, 0, 1, 2, 3, 9, 10].randomElement(using: &generator)!
      let request = AllocatorSimulator.Request(
        cpu: topology.cpus.randomElement(using: &generator)!, policy: MemoryPolicy(mode, nodes: nodes),
        gfp: gfps.randomElement(using: &generator)!, order: order,
        count: Int.random(in: 1...Swift.max(1, 40_000 >> order), using: &generator))
      steps.append(.allocate(request, repeats: 1, anonymous: Bool.random(using: &generator)))
    }
    try run.run(Workload(steps: steps))
    return run
  }

  /// GFP_DMA32 never lands above DMA32; __GFP_THISNODE never leaves the node.
  @Test func zoneAndNodeLimitsHold() throws {
    let size = ZoneSize(spanned: 20_000, present: 20_000, managed: 20_000)
    let ids: [NodeID] = [0, 1, 2, 3]
    let topology = try Topology(nodes: ids.map { Node(id: $0, cpus: [$0.rawValue], zones: [.dma32: size, .normal: size]) })
    let profile = KernelProfile(version: KernelVersion(6, 12))
    let tuning = TuningCalculator(topology: topology, profile: profile).compute(VMTunables())
    var simulator = AllocatorSimulator(topology: topology, profile: profile, tuning: tuning)
    let cpu = try #require(topology.cpus.first)
    let dma32 = try simulator.allocate(.init(cpu: cpu, gfp: .dma32, count: 30_000))
    #expect(dma32.served.keys.allSatisfy { $0.type <= .dma32 })
    let home = try #require(topology.node(ofCPU: cpu))
    let local = try simulator.allocate(.init(cpu: cpu, gfp: [.kernel, .thisNode], count: 60_000))
    #expect(local.served.keys.allSatisfy { $0.node == home })
    #expect(local.failures > 0 && !local.firstFailure.isEmpty)
  }
}
