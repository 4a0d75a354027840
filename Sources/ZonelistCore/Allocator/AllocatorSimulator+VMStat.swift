extension AllocatorSimulator {
  /// What every CPU's vmstat work does at a write to `vm.stat_refresh`: one round on each CPU.
  ///
  /// Kernel: `vmstat_refresh()` → `schedule_on_each_cpu(refresh_vm_stats)` →
  /// `refresh_cpu_vm_stats(true)`, whose result `refresh_vm_stats()` ignores: unlike
  /// `vmstat_update()` it does not queue the CPU's vmstat work again, and after its fold the
  /// shepherd's `need_update()` finds nothing, so a CPU's work runs on only if it was queued.
  ///
  /// - Complexity: O(*CPUs* × *zones*) plus the pages drained.
  public mutating func refreshVMStats() {
    if vmstatWorkQueued.count != cpus.count { vmstatWorkQueued = Array(repeating: false, count: cpus.count) }
    for cpuIndex in cpus.indices { _ = vmstatRound(cpuIndex: cpuIndex) }
  }

  /// One second of vmstat work: a round on every CPU whose work is queued, because its last
  /// round changed something, or because it changed counters since (the shepherd's
  /// `need_update()`).
  ///
  /// Kernel: `vmstat_update()` (requeued for `sysctl_stat_interval`, one second, while
  /// `refresh_cpu_vm_stats(true)` reports a change) and `vmstat_shepherd()`. On 6.7+ a round that
  /// decays `high` or counts down `pcp->expire` reports a change; on 6.1 only a drain or a counter
  /// fold does, so an idle CPU's remote lists wait for the next `vm.stat_refresh`.
  ///
  /// - Complexity: O(*CPUs* × *zones*) plus the pages drained.
  public mutating func vmstatSecond() {
    if vmstatWorkQueued.count != cpus.count { vmstatWorkQueued = Array(repeating: false, count: cpus.count) }
    for cpuIndex in cpus.indices {
      let base = cpuIndex * zones.count
      guard vmstatWorkQueued[cpuIndex] || (0..<zones.count).contains(where: { pageSets[base + $0].touched }) else { continue }
      vmstatWorkQueued[cpuIndex] = vmstatRound(cpuIndex: cpuIndex)
    }
  }

  /// One CPU's round over every zone; returns whether it changed anything.
  ///
  /// Kernel: `refresh_cpu_vm_stats(true)`: a zone whose counters this CPU changed gets
  /// `pcp->expire = 3`; `decay_pcp_high()` (6.7 on); a list of another node's zone is drained one
  /// batch (`drain_zone_pages()`) when its `expire` counts down to zero; the CPU's own node's
  /// lists never are.
  mutating func vmstatRound(cpuIndex: Int) -> Bool {
    var changed = false
    let cpuNode = topology.node(ofCPU: cpus[cpuIndex])
    for zone in zones.indices {
      let set = cpuIndex * zones.count + zone
      if pageSets[set].touched {
        pageSets[set].touched = false
        pageSets[set].expire = 3
        changed = true
      }
      if autoTunedHigh && decayHigh(set: set, zone: zone) { changed = true }
      guard pageSets[set].expire > 0, pageSets[set].count > 0 else { continue }
      if zones[zone].reference.node == cpuNode {
        pageSets[set].expire = 0
        continue
      }
      pageSets[set].expire -= 1
      if pageSets[set].expire > 0 {
        if autoTunedHigh { changed = true }
        continue
      }
      drain(set: set, count: Swift.min(pageSets[set].count, zones[zone].batch))
      changed = true
    }
    return changed
  }

  /// Kernel: `decay_pcp_high()` (6.7 on): `high` loses an eighth towards `high_min` (at most
  /// `batch << CONFIG_PCP_BATCH_SCALE_MAX` below the count), and the pages above it go back to
  /// the buddy lists a batch at a time; returns whether there is more to do.
  mutating func decayHigh(set: Int, zone: Int) -> Bool {
    var todo = false
    let highMin = zones[zone].highMin
    let batch = zones[zone].batch
    if pageSets[set].high > highMin {
      let high = pageSets[set].high
      pageSets[set].high = Swift.max(pageSets[set].count - (batch << 5), high - (high >> 3), highMin)
      if pageSets[set].high > highMin { todo = true }
    }
    var excess = pageSets[set].count - pageSets[set].high
    while excess > 0 {
      let amount = Swift.min(excess, Swift.max(batch, 1))
      drain(set: set, count: amount)
      excess -= amount
      todo = true
    }
    return todo
  }

  /// Sets `PCPF_FREE_HIGH_BATCH` on each CPU's lists from its share of the last-level cache
  /// (bytes; a CPU not listed keeps the flag unset).
  ///
  /// Kernel (6.7 on): `setup_pcp_cacheinfo()` → `zone_pcp_update_cacheinfo()`: set when
  /// `per_cpu_data_slice_size >> PAGE_SHIFT > 3 * pcp->batch`; the slice is the last cache
  /// leaf's size divided by the CPUs sharing it (`update_per_cpu_data_slice_size_cpu()`).
  public mutating func setDataCacheSlices(_ bytes: [CPUID: Int]) {
    for (cpuIndex, cpu) in cpus.enumerated() {
      for zone in zones.indices {
        pageSets[cpuIndex * zones.count + zone].freeHighBatch = autoTunedHigh && (bytes[cpu] ?? 0) >> 12 > 3 * zones[zone].batch
      }
    }
  }
}

/// When a step's vmstat seconds fall: a step of `seconds:` holds that many of them (rounded), at
/// the middle of each second of its work, the work (pages) spread evenly over the time.
///
/// Kernel: `vmstat_update()` runs on each CPU about once a second (`round_jiffies_relative(HZ)`,
/// at whole seconds of jiffies); a step starts at no particular point of a second, so the
/// count is `seconds` on average and its nearest integer is taken.
public struct VMStatSchedule: Sendable {
  /// Work done (pages) at which each second falls, in order.
  private var marks: [Int]
  private var next = 0

  /// A step of `seconds` (nil: no time) over `work` pages.
  public init(seconds: Double?, work: Int) {
    let count = Self.seconds(seconds)
    marks = (0..<count).map { Int((Double($0) + 0.5) / Double(count) * Double(Swift.max(work, 1))) }
  }

  /// The whole vmstat seconds in `seconds`.
  public static func seconds(_ seconds: Double?) -> Int { Swift.max(0, Int((seconds ?? 0).rounded())) }

  /// How many vmstat seconds have fallen due once `done` pages of the step are done.
  public mutating func due(after done: Int) -> Int {
    let start = next
    while next < marks.count && marks[next] <= done { next += 1 }
    return next - start
  }
}
