/// A sequence of allocation steps: what `zonelist simulate` runs.
public struct Workload: Hashable, Sendable {
  public enum Step: Hashable, Sendable {
    /// `repeat` requests, each of `count` allocations of 2^`order` pages; `hugePages` is the
    /// THP fault mask when the anonymous mapping faults PMD-sized folios (nil: small pages only).
    case allocate(AllocatorSimulator.Request, repeats: Int, anonymous: Bool, hugePages: GFPFlags? = nil)
    /// Frees what step `step` (1-based) allocated, from `cpu` (nil: the CPU of the previous step).
    case free(step: Int, cpu: CPUID?)
    /// Hot-adds `pages` to `node` and onlines them into `zone`.
    case online(node: NodeID, pages: Int, zone: ZoneType, cpu: CPUID?)
    /// An idle pause (`seconds:` alone): nothing allocated or freed.
    case idle(cpu: CPUID?)
    /// Demotes `pages` pages from `node` (oldest first) to its demotion targets
    /// (``Workload/demotionTargets``); see `Workload+Demotion.swift`.
    case demote(from: NodeID, pages: Int, cpu: CPUID?)
  }
  public var steps: [Step]
  /// Each step's `seconds:` by 1-based step number, where given.
  public var seconds: [Int: Double] = [:]
  /// Each step's `seconds-after:`: idle time between its end and the next step (a capture's
  /// snapshot), after the `vm.stat_refresh` of `refreshVMStatsAfterEachStep`.
  public var secondsAfter: [Int: Double] = [:]
  /// Weighted-interleave weights the workload sets (`weights:`), over the snapshot's.
  public var weights: [NodeID: Int] = [:]
  /// The THP settings (`thp:`, `thp-defrag:`); nil: no huge pages.
  public var transparentHugePages: TransparentHugePages? = nil
  /// Each node's demotion targets, for `demote:` steps (from `zonelist tiers`' model).
  public var demotionTargets: [NodeID: DemotionTargets] = [:]
  /// Start from everything free instead of the snapshot's free pages.
  public var startEverythingFree: Bool
  /// Every CPU's lists are the boot page set (high 0, batch 1): each page goes to and from the
  /// buddy lists directly. Kernel: `boot_pageset`, before `zone_pcp_init()`/`setup_per_cpu_pageset()`.
  public var bootPageSets = false
  /// Run every CPU's vmstat work after each step, as a write to `vm.stat_refresh` does
  /// (the capture harness writes it before reading each snapshot).
  public var refreshVMStatsAfterEachStep: Bool
  public init(steps: [Step], startEverythingFree: Bool = false, refreshVMStatsAfterEachStep: Bool = false) {
    self.steps = steps
    self.startEverythingFree = startEverythingFree
    self.refreshVMStatsAfterEachStep = refreshVMStatsAfterEachStep
  }
}

/// Runs a workload and records each step.
public struct WorkloadRun: Sendable {
  /// One step's result.
  public struct StepResult: Hashable, Sendable {
    public var index: Int
    public var description: String
    /// Pages served (positive) or freed (negative) per zone.
    public var pages: [ZoneReference: Int]
    /// Page-table pages the kernel allocates beside anonymous memory (one per 512 pages).
    public var pageTablePages: [ZoneReference: Int]
    public var failures: Int
    public var failureReasons: [String]
    public var kswapdWoken: [NodeID]
    /// Fallbacks that split a pageblock of another migrate type, per zone.
    public var fragmentingFallbacks: [ZoneReference: Int] = [:]
    /// Free blocks by order after the step, per zone (`/proc/buddyinfo`).
    public var freeBlocksAfter: [ZoneReference: [Int]] = [:]
    /// Pageblocks by migrate type after the step, per zone (`Number of blocks type` of `/proc/pagetypeinfo`).
    public var pageblocksAfter: [ZoneReference: [MigrateType: Int]] = [:]
    /// Pages that left the preferred node.
    public var remotePages: Int
    public var numastat: [NodeID: AllocatorSimulator.NUMAStat]
    /// Free pages per zone after the step (buddy plus per-CPU lists).
    public var freeAfter: [ZoneReference: Int]
    /// PMD-sized folios faulted, and huge-page faults that fell back to small pages.
    /// Kernel: `thp_fault_alloc`, `thp_fault_fallback` in `/proc/vmstat`.
    public var hugePages = 0
    public var hugePageFallbacks = 0
    /// The zonelists after an `online:` step rebuilt them (and the `Total pages` it printed).
    public var rebuiltLists: ListsInEffect? = nil
    public var rebuildTotalPages: Int? = nil
  }

  public internal(set) var simulator: AllocatorSimulator
  public private(set) var results: [StepResult] = []
  /// How the run ended: every step run, or cut short.
  public private(set) var ending = Ending.finished
  /// End the workload at its first failed allocation (`--stop-at-failure`).
  public var stopsAtFailure = false
  public init(simulator: AllocatorSimulator) { self.simulator = simulator }

  /// How a run ended.
  public enum Ending: Hashable, Sendable {
    case finished
    /// The step (1-based) whose allocation failed first: it is reported up to that
    /// allocation, and no later step runs.
    case stoppedAtFailure(step: Int)
    /// The caller's progress closure asked to stop while this step (1-based) ran: the
    /// finished steps are reported, this one is not.
    case interrupted(step: Int)
  }

  /// Where a run is: called as steps run (within a long allocation step every range of 512
  /// pages or every 2^20 blocks) and after each step.
  public struct Progress: Hashable, Sendable {
    /// The step (1-based) and the number of steps.
    public var step: Int
    public var steps: Int
    /// Pages the step has taken so far, of those it asks for (0 of 0 for a step that allocates nothing).
    public var pagesDone: Int
    public var pagesAsked: Int
    /// Whether the step is done.
    public var stepFinished: Bool
    public init(step: Int, steps: Int, pagesDone: Int, pagesAsked: Int, stepFinished: Bool) {
      (self.step, self.steps, self.pagesDone, self.pagesAsked, self.stepFinished) = (step, steps, pagesDone, pagesAsked, stepFinished)
    }
  }

  /// What an allocation step took, for freeing it later.
  struct Taken {
    var pages: [ZoneReference: Int] = [:]
    var record = AllocationRecord()
    var tables: [ZoneReference: Int] = [:]
    var tableRecord = AllocationRecord()
  }

  /// Runs every step, or until `progress` returns false (the run is then ``Ending/interrupted(step:)``)
  /// or, with ``stopsAtFailure``, an allocation fails.
  public mutating func run(_ workload: Workload, progress: (Progress) -> Bool = { _ in true }) throws(SimulationError) {
    var lastCPU = simulator.cpus.first ?? 0
    for (node, weight) in workload.weights { simulator.interleaveWeights[node] = weight }
    var allocatedBy: [Int: Taken] = [:]
    for (index, step) in workload.steps.enumerated() {
      // The previous step's idle time after its snapshot (see VMStatSchedule).
      for _ in 0..<VMStatSchedule.seconds(workload.secondsAfter[index]) { simulator.vmstatSecond() }
      var result = StepResult(
        index: index + 1, description: "", pages: [:], pageTablePages: [:], failures: 0, failureReasons: [], kswapdWoken: [],
        remotePages: 0, numastat: [:], freeAfter: [:])
      switch step {
      case .allocate(let request, let repeats, let anonymous, let hugePages):
        lastCPU = request.cpu
        var clock = VMStatSchedule(seconds: workload.seconds[index + 1], work: request.count * repeats << request.order)
        let asked = request.count * repeats << request.order
        var interrupted = false
        allocatedBy[index + 1] = try runAllocation(
          request, repeats: repeats, anonymous: anonymous, hugePages: hugePages, clock: &clock, interrupted: &interrupted, into: &result
        ) { done in
          progress(Progress(step: index + 1, steps: workload.steps.count, pagesDone: done, pagesAsked: asked, stepFinished: false))
        }
        if interrupted {
          ending = .interrupted(step: index + 1)
          return
        }
        for _ in 0..<clock.due(after: .max) { simulator.vmstatSecond() }
      case .free(let stepNumber, let cpu):
        let freeingCPU = cpu ?? lastCPU
        result.description = "free step \(stepNumber) from CPU \(freeingCPU)"
        if let allocated = allocatedBy[stepNumber] {
          try simulator.free(allocated.record, cpu: freeingCPU)
          for (zone, pages) in allocated.pages { result.pages[zone, default: 0] -= pages }
          // Kernel: free_pgtables() after the pages are unmapped.
          try simulator.free(allocated.tableRecord, cpu: freeingCPU)
          for (zone, pages) in allocated.tables { result.pageTablePages[zone, default: 0] -= pages }
        }
        allocatedBy[stepNumber] = nil
      case .online(let node, let pages, let zone, let cpu):
        let onlineCPU = cpu ?? lastCPU
        let outcome = try simulator.online(node: node, pages: pages, zone: zone, cpu: onlineCPU)
        result.description = "online \(pages) pages on node \(node) (\(zone.kernelName)), memory map from CPU \(onlineCPU)"
        result.pages = outcome.memmap.served
        result.failures = outcome.memmap.failures
        result.failureReasons = outcome.memmap.firstFailure
        result.kswapdWoken = outcome.memmap.kswapdWoken.sorted()
        if outcome.rebuilt {
          result.rebuiltLists = simulator.lists
          result.rebuildTotalPages = outcome.totalPages
        }
      case .demote(let node, let pages, let cpu):
        if let cpu { lastCPU = cpu }
        allocatedBy[index + 1] = try runDemotion(
          from: node, pages: pages, cpu: lastCPU, targets: workload.demotionTargets[node], taken: &allocatedBy, into: &result)
      case .idle(let cpu):
        if let cpu { lastCPU = cpu }
        result.description = "idle\(workload.seconds[index + 1].map { " \($0) s" } ?? "") on CPU \(lastCPU)"
      }
      if case .allocate = step {} else {
        // The step's seconds pass after what it did (a free or an online is one call).
        for _ in 0..<VMStatSchedule.seconds(workload.seconds[index + 1]) { simulator.vmstatSecond() }
      }
      if workload.refreshVMStatsAfterEachStep { simulator.refreshVMStats() }
      result.numastat = simulator.numastat
      for zone in simulator.zones {
        result.freeAfter[zone.reference] = zone.free + simulator.pagesOnLists(zone.reference)
        if zone.managed > 0 {
          result.freeBlocksAfter[zone.reference] = zone.freeBlocks
          result.pageblocksAfter[zone.reference] = zone.pageblocks
        }
      }
      results.append(result)
      if stopsAtFailure && result.failures > 0 {
        ending = .stoppedAtFailure(step: index + 1)
        return
      }
      let asked = result.pages.values.reduce(0) { $0 + Swift.max($1, 0) }
      guard progress(Progress(step: index + 1, steps: workload.steps.count, pagesDone: asked, pagesAsked: asked, stepFinished: true)) else {
        if index + 1 < workload.steps.count { ending = .interrupted(step: index + 2) }
        return
      }
    }
  }


  /// One allocation step: `repeats` times `request`; anonymous memory faults page by page
  /// with its page tables, in PMD-sized folios where `hugePages` (the THP mask) is given.
  private mutating func runAllocation(
    _ request: AllocatorSimulator.Request, repeats: Int, anonymous: Bool, hugePages: GFPFlags?, clock: inout VMStatSchedule,
    interrupted: inout Bool, into result: inout StepResult, goesOn: (Int) -> Bool
  ) throws(SimulationError) -> Taken {
    // Whether to go on after `done` pages (false once the caller asked to stop).
    func checkpoint(_ done: Int) -> Bool {
      if !interrupted && !goesOn(done) { interrupted = true }
      return !interrupted
    }
    result.description = "CPU \(request.cpu) \(request.policy.mode.rawValue)\(request.policy.nodes.isEmpty ? "" : " \(IDList.format(request.policy.nodes.map(\.rawValue)))") \(request.count * repeats << request.order) pages order \(request.order)\(request.gfp == .highUserMovable ? "" : " (\(request.gfp.kernelName))")\(hugePages == nil ? "" : ", THP")"
    var woken: Set<NodeID> = []
    var taken = Taken()
    func note(_ outcome: AllocatorSimulator.Outcome, tables: Bool, fallible: Bool = false) {
      for (zone, pages) in outcome.served {
        if tables { taken.tables[zone, default: 0] += pages } else { taken.pages[zone, default: 0] += pages }
      }
      for (zone, count) in outcome.fragmentingFallbacks { result.fragmentingFallbacks[zone, default: 0] += count }
      if tables { taken.tableRecord.append(outcome.record) } else { taken.record.append(outcome.record) }
      woken.formUnion(outcome.kswapdWoken)
      guard !tables else { return }
      result.remotePages += outcome.remotePages
      guard !fallible else { return }
      result.failures += outcome.failures
      if result.failureReasons.isEmpty { result.failureReasons = outcome.firstFailure }
    }
    // Kernel: set_mempolicy() before the step starts the task's interleave state over.
    simulator.setTaskPolicy()
    // Whether to stop after an outcome: at a failure with `stopsAtFailure`, or when interrupted.
    func stops(_ outcome: AllocatorSimulator.Outcome, done: Int) -> Bool {
      (stopsAtFailure && outcome.failures > 0) || !checkpoint(done)
    }
    var request = request
    request.stopsAtFailure = stopsAtFailure
    repeats: for repeated in 0..<repeats {
      guard anonymous else {
        // In chunks of 2^20 blocks, for progress (the same walk: a chunk's first allocation walks again).
        var done = 0
        while done < request.count {
          var chunk = request
          chunk.count = Swift.min(1 << 20, request.count - done)
          chunk.interleaveStart = request.interleaveStart + done
          let outcome = try simulator.allocate(chunk)
          note(outcome, tables: false)
          done += chunk.count
          if stops(outcome, done: (repeated * request.count + done) << request.order) { break repeats }
        }
        for _ in 0..<clock.due(after: (repeated + 1) * request.count << request.order) { simulator.vmstatSecond() }
        continue
      }
      // Anonymous memory faults in range by range (512 pages, one page table): a huge page
      // where the THP mask is given and the whole range is mapped, then its page table
      // (deposited); else the page-table page (GFP_KERNEL, the task's policy without an
      // interleave index) before the first page of the range, then its pages.
      let perTable = Swift.max(1, 512 >> request.order)
      var tables = request
      (tables.gfp, tables.order, tables.count, tables.taskInterleave) = (.kernel, 0, 1, true)
      var done = 0
      while done < request.count {
        // The vmstat seconds that fall while the step runs (see VMStatSchedule).
        for _ in 0..<clock.due(after: (repeated * request.count + done) << request.order) { simulator.vmstatSecond() }
        let count = Swift.min(perTable, request.count - done)
        if let hugePages, request.order == 0, count == 512 {
          var huge = request
          (huge.gfp, huge.order, huge.count) = (hugePages, AllocatorSimulator.hugePageOrder, 1)
          huge.interleaveStart = (request.interleaveStart + done) >> AllocatorSimulator.hugePageOrder
          let outcome = try simulator.allocateHugePage(huge)
          note(outcome, tables: false, fallible: true)
          if outcome.failures == 0 {
            result.hugePages += 1
            note(try simulator.allocate(tables), tables: true)
            done += count
            if !checkpoint((repeated * request.count + done) << request.order) { break repeats }
            continue
          }
          result.hugePageFallbacks += 1
        }
        note(try simulator.allocate(tables), tables: true)
        var pages = request
        pages.count = count
        pages.interleaveStart = request.interleaveStart + done
        let outcome = try simulator.allocate(pages)
        note(outcome, tables: false)
        done += count
        if stops(outcome, done: (repeated * request.count + done) << request.order) { break repeats }
      }
    }
    result.pages = taken.pages
    result.pageTablePages = taken.tables
    result.kswapdWoken = woken.sorted()
    return taken
  }
}
