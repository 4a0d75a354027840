/// A sequence of allocation steps: what `zonelist simulate` runs.
public struct Workload: Hashable, Sendable {
  public enum Step: Hashable, Sendable {
    /// `repeat` requests, each of `count` allocations of 2^`order` pages.
    case allocate(AllocatorSimulator.Request, repeats: Int, anonymous: Bool)
    /// Frees what step `step` (1-based) allocated, from `cpu` (nil: the CPU of the previous step).
    case free(step: Int, cpu: CPUID?)
  }
  public var steps: [Step]
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
  }

  public private(set) var simulator: AllocatorSimulator
  public private(set) var results: [StepResult] = []

  public init(simulator: AllocatorSimulator) { self.simulator = simulator }

  /// Runs every step; `progress` is called after each with (done, total).
  public mutating func run(_ workload: Workload, progress: (Int, Int) -> Void = { _, _ in }) throws(SimulationError) {
    var lastCPU = simulator.cpus.first ?? 0
    var allocatedBy: [Int: (pages: [ZoneReference: Int], record: AllocationRecord, tables: [ZoneReference: Int], tableRecord: AllocationRecord)] = [:]
    for (index, step) in workload.steps.enumerated() {
      var result = StepResult(
        index: index + 1, description: "", pages: [:], pageTablePages: [:], failures: 0, failureReasons: [], kswapdWoken: [],
        remotePages: 0, numastat: [:], freeAfter: [:])
      switch step {
      case .allocate(let request, let repeats, let anonymous):
        lastCPU = request.cpu
        result.description = "CPU \(request.cpu) \(request.policy.mode.rawValue)\(request.policy.nodes.isEmpty ? "" : " \(IDList.format(request.policy.nodes.map(\.rawValue)))") \(request.count * repeats << request.order) pages order \(request.order)\(request.gfp == .highUserMovable ? "" : " (\(request.gfp.kernelName))")"
        var woken: Set<NodeID> = []
        var record = AllocationRecord()
        var tableRecord = AllocationRecord()
        func note(_ outcome: AllocatorSimulator.Outcome, tables: Bool) {
          for (zone, pages) in outcome.served {
            if tables { result.pageTablePages[zone, default: 0] += pages } else { result.pages[zone, default: 0] += pages }
          }
          for (zone, count) in outcome.fragmentingFallbacks { result.fragmentingFallbacks[zone, default: 0] += count }
          if tables { tableRecord.append(outcome.record) } else { record.append(outcome.record) }
          woken.formUnion(outcome.kswapdWoken)
          guard !tables else { return }
          result.remotePages += outcome.remotePages
          result.failures += outcome.failures
          if result.failureReasons.isEmpty { result.failureReasons = outcome.firstFailure }
        }
        for _ in 0..<repeats {
          guard anonymous else {
            note(try simulator.allocate(request), tables: false)
            continue
          }
          // Anonymous memory faults in page by page: a page-table page (GFP_KERNEL, the task's
          // policy) before the first page of each 512, then those pages.
          let perTable = Swift.max(1, 512 >> request.order)
          var done = 0
          var table = 0
          while done < request.count {
            var tables = request
            tables.gfp = .kernel
            tables.order = 0
            tables.count = 1
            tables.interleaveStart = table
            note(try simulator.allocate(tables), tables: true)
            var pages = request
            pages.count = Swift.min(perTable, request.count - done)
            pages.interleaveStart = request.interleaveStart + done
            note(try simulator.allocate(pages), tables: false)
            done += pages.count
            table += 1
          }
        }
        result.kswapdWoken = woken.sorted()
        allocatedBy[index + 1] = (result.pages, record, result.pageTablePages, tableRecord)
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
      progress(index + 1, workload.steps.count)
    }
  }
}
