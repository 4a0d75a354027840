/// Computes watermarks, protection, per-CPU page-set limits and vmstat thresholds the way
/// the kernel does after every `vm` sysctl has been written.
///
/// Kernel: `__setup_per_zone_wmarks()`, `setup_per_zone_lowmem_reserve()`,
/// `zone_batchsize()`, `zone_highsize()`, `zone_set_pageset_high_and_batch()`,
/// `calculate_min_free_kbytes()` in `mm/page_alloc.c`; `set_recommended_min_free_kbytes()`
/// in `mm/khugepaged.c`; `calculate_normal_threshold()` in `mm/vmstat.c`.
///
/// Every figure comes from the zones' managed pages, the CPUs of each node and the
/// tunables; no computed field of an input `zoneinfo` is read.
public struct TuningCalculator: Sendable {
  public let topology: Topology
  public let profile: KernelProfile
  /// Kernel: `num_online_cpus()`.
  public let onlineCPUCount: Int
  /// Whether transparent huge pages are enabled (Debian: `always`), for the default
  /// `min_free_kbytes`. Kernel: `hugepage_pmd_enabled()` (6.12), `hugepage_flags_enabled()` (6.1).
  public let transparentHugePages: Bool

  /// Kernel: `pageblock_nr_pages` on x86-64 (order 9).
  static let pageblockPages = 512
  /// Kernel: `MIGRATE_PCPTYPES`.
  static let migratePCPTypes = 3
  /// Kernel: `SWAP_CLUSTER_MAX`.
  static let swapClusterMax = 32

  public init(topology: Topology, profile: KernelProfile, onlineCPUCount: Int? = nil, transparentHugePages: Bool = true) {
    self.topology = topology
    self.profile = profile
    self.onlineCPUCount = onlineCPUCount ?? max(1, topology.cpus.count)
    self.transparentHugePages = transparentHugePages
  }

  /// The zones `for_each_zone()` visits: every zone of every online node.
  var zones: [(ZoneReference, ZoneSize)] {
    topology.onlineNodes.flatMap { node in
      profile.zoneTypes.map { (ZoneReference(node: node.id, type: $0), node[$0]) }
    }
  }

  /// Whether ZONE_MOVABLE's minimum is capped like HighMem's: always from 6.6 (seen in 6.8),
  /// and before when it is carved out of HighMem (`is_highmem()`, seen on 686-pae 6.1).
  var movableIsCapped: Bool { profile.version >= KernelVersion(6, 6) || topology.movableZoneIsHighmem }

  /// Kernel: `__setup_per_zone_wmarks()`.
  public func watermarks(minFreeKibibytes: Int, scaleFactor: Int, explain: inout [String: [String]])
    -> [ZoneReference: (min: Int, low: Int, high: Int, promo: Int)]
  {
    let pagesMin = minFreeKibibytes >> 2  // Kernel: min_free_kbytes >> (PAGE_SHIFT - 10)
    func capped(_ type: ZoneType) -> Bool { type == .highmem || (movableIsCapped && type == .movable) }
    let lowmemPages = zones.filter { !capped($0.0.type) }.reduce(0) { $0 + $1.1.managed.rawValue }
    explain["global", default: []].append(
      "pages_min = min_free_kbytes \(minFreeKibibytes) >> 2 = \(pagesMin); lowmem_pages (managed of every zone\(movableIsCapped ? " but Movable" : "")) = \(lowmemPages)")
    var result: [ZoneReference: (Int, Int, Int, Int)] = [:]
    for (reference, size) in zones {
      let managed = size.managed.rawValue
      // Kernel: `u64 tmp = (u64)pages_min * managed; do_div(tmp, lowmem_pages)`: a u64 product,
      // which wraps only past 2^64 (min_free_kbytes near INT_MAX on petabytes); so does this.
      let share = lowmemPages == 0 ? 0 : Int((UInt64(pagesMin) &* UInt64(managed)) / UInt64(lowmemPages))
      let minimum = capped(reference.type) ? Swift.min(Swift.max(managed / 1024, TuningCalculator.swapClusterMax), 128) : share
      let scaled = managed / 10000 * scaleFactor + managed % 10000 * scaleFactor / 10000  // mult_frac()
      let delta = Swift.max(share >> 2, scaled)
      let low = minimum + delta
      let high = low + delta
      let promo = high + delta
      result[reference] = (minimum, low, high, promo)
      explain[reference.description, default: []].append(
        capped(reference.type)
          ? "min = clamp(managed \(managed) / 1024, 32, 128) = \(minimum) (share \(pagesMin) * \(managed) / \(lowmemPages) = \(share) only sets the gaps)"
          : "min = pages_min \(pagesMin) * managed \(managed) / lowmem_pages \(lowmemPages) = \(minimum)")
      explain[reference.description, default: []].append(
        "gap = max(share \(share) >> 2 = \(share >> 2), managed * watermark_scale_factor \(scaleFactor) / 10000 = \(scaled)) = \(delta): low \(low), high \(high), promo \(promo)")
    }
    return result
  }

  /// Kernel: `setup_per_zone_lowmem_reserve()`.
  public func protection(ratios: [ZoneType: Int], explain: inout [String: [String]]) -> [ZoneReference: [Int]] {
    var result: [ZoneReference: [Int]] = [:]
    let types = profile.zoneTypes
    for node in topology.onlineNodes {
      for (i, type) in types.enumerated() {
        var reserve = Array(repeating: 0, count: types.count)
        let ratio = ratios[type] ?? 0
        let managed = node[type].managed.rawValue
        let clear = ratio == 0 || managed == 0
        var above = 0
        var steps: [String] = []
        for j in (i + 1)..<types.count where i < types.count - 1 {
          above += node[types[j]].managed.rawValue
          reserve[j] = clear ? 0 : above / ratio
          if !clear { steps.append("\(types[j].kernelName): \(above) / \(ratio) = \(reserve[j])") }
        }
        let reference = ZoneReference(node: node.id, type: type)
        result[reference] = reserve
        if i < types.count - 1 {
          explain[reference.description, default: []].append(
            clear
              ? "protection all 0 (\(ratio == 0 ? "lowmem_reserve_ratio is 0" : "no managed pages"))"
              : "protection[j] = managed pages of the zones above, up to j, / lowmem_reserve_ratio: " + steps.joined(separator: "; "))
        }
      }
    }
    return result
  }

  /// Kernel: `zone_batchsize()`.
  public static func batchSize(managed: Int) -> Int {
    var batch = Swift.min(managed >> 10, (1 << 20) / 4096) / 4
    if batch < 1 { batch = 1 }
    let value = batch + batch / 2
    var power = 1
    while power * 2 <= value { power *= 2 }
    return power - 1
  }

  /// Kernel: `zone_highsize(zone, batch, cpu_online = 0, fraction)`.
  func highSize(_ reference: ZoneReference, managed: Int, low: Int, batch: Int, fraction: Int) -> (Int, String) {
    let total = fraction == 0 ? low : managed / fraction
    var split = topology[reference.node].cpus.count
    if split == 0 { split = onlineCPUCount }
    let high = Swift.max(total / split, batch << 2)
    let source = fraction == 0 ? "low \(low)" : "managed \(managed) / \(fraction)"
    return (high, "max(\(source) / \(split) CPUs, batch << 2 = \(batch << 2)) = \(high)")
  }

  /// Kernel: `zone_set_pageset_high_and_batch(zone, 0)`.
  public func pagesets(lows: [ZoneReference: Int], fraction: Int, explain: inout [String: [String]])
    -> [ZoneReference: (batch: Int, highMin: Int, highMax: Int)]
  {
    var result: [ZoneReference: (Int, Int, Int)] = [:]
    let autoTuned = profile.version >= KernelVersion(6, 7)
    for (reference, size) in zones {
      let managed = size.managed.rawValue
      let batch = Swift.max(1, TuningCalculator.batchSize(managed: managed))
      if profile.version < KernelVersion(5, 14) {
        // Kernel: pageset_set_batch() before 5.14: high = 6 * batch, from the batch before
        // its floor of 1 (percpu_pagelist_fraction, 0 by default, is not modeled).
        let high = 6 * TuningCalculator.batchSize(managed: managed)
        result[reference] = (batch, high, high)
        explain[reference.description, default: []].append(
          "batch = max(1, rounddown_pow_of_two(b + b/2) - 1) with b = max(1, min(managed \(managed) >> 10, 256) / 4) = \(batch); high = 6 * batch before the floor = \(high)")
        continue
      }
      let low = lows[reference] ?? 0
      let (highMin, minText) = highSize(reference, managed: managed, low: low, batch: batch, fraction: fraction)
      var highMax = highMin
      var maxText = ""
      if autoTuned && fraction == 0 {
        let (value, text) = highSize(reference, managed: managed, low: low, batch: batch, fraction: VMTunables.minPercpuPagelistHighFraction)
        highMax = value
        maxText = "; high_max = \(text)"
      }
      result[reference] = (batch, highMin, highMax)
      explain[reference.description, default: []].append(
        "batch = rounddown_pow_of_two(b + b/2) - 1 with b = max(1, min(managed \(managed) >> 10, 256) / 4) = \(batch); "
          + (autoTuned ? "high_min" : "high") + " = \(minText)\(maxText)")
    }
    return result
  }

  /// Kernel: `calculate_normal_threshold()`.
  public func statThreshold(managed: Int) -> Int {
    func fls(_ value: Int) -> Int { value <= 0 ? 0 : Int.bitWidth - value.leadingZeroBitCount }
    return Swift.min(125, 2 * fls(onlineCPUCount) * (1 + fls(managed >> 15)))
  }

  /// Kernel: `nr_free_buffer_pages()`: managed less high watermark over the zones up to Normal.
  func freeBufferPages(highs: [ZoneReference: Int]) -> Int {
    zones.filter { $0.0.type <= .normal && $0.1.isPopulated && topology[$0.0.node].hasMemory }
      .reduce(0) { $0 + Swift.max(0, $1.1.managed.rawValue - (highs[$1.0] ?? 0)) }
  }

  /// The default `min_free_kbytes`, as the boot computes it from these managed pages.
  ///
  /// Kernel: `calculate_min_free_kbytes()` (square root of 16 × lowmem KiB, clamped to
  /// 128…262144) at `init_per_zone_wmark_min()`, then, with THP, the raise of
  /// `set_recommended_min_free_kbytes()` (11 pageblocks per populated zone up to Normal,
  /// at most 5% of `nr_free_buffer_pages()`).
  public func defaultMinFreeKibibytes(scaleFactor: Int, explain: inout [String: [String]]) -> Int {
    let lowmemKibibytes = freeBufferPages(highs: [:]) * 4
    var root = Int(Double(lowmemKibibytes * 16).squareRoot())
    while root * root > lowmemKibibytes * 16 { root -= 1 }
    while (root + 1) * (root + 1) <= lowmemKibibytes * 16 { root += 1 }
    var value = Swift.min(Swift.max(root, 128), 262_144)
    explain["global", default: []].append(
      "default min_free_kbytes = clamp(int_sqrt(\(lowmemKibibytes) KiB * 16) = \(root), 128, 262144) = \(value)")
    guard transparentHugePages else { return value }
    var ignored: [String: [String]] = [:]
    let highs = watermarks(minFreeKibibytes: value, scaleFactor: scaleFactor, explain: &ignored).mapValues(\.high)
    let zoneCount = zones.filter { $0.0.type <= .normal && $0.1.isPopulated }.count
    let pageblock = TuningCalculator.pageblockPages
    var recommended = pageblock * zoneCount * 2 + pageblock * zoneCount * TuningCalculator.migratePCPTypes * TuningCalculator.migratePCPTypes
    let cap = freeBufferPages(highs: highs) / 20
    recommended = Swift.min(recommended, cap) << 2
    if recommended > value {
      explain["global", default: []].append(
        "THP raises it: min(11 pageblocks * \(zoneCount) zones, nr_free_buffer_pages / 20 = \(cap)) pages = \(recommended) KiB")
      value = recommended
    } else {
      explain["global", default: []].append("THP's recommendation \(recommended) KiB does not raise it")
    }
    return value
  }

  /// Every zone's numbers after all the sysctls have been written with `tunables`.
  public func compute(_ tunables: VMTunables) -> TuningReport {
    var explain: [String: [String]] = [:]
    let minFree: Int
    let source: String
    if let given = tunables.minFreeKibibytes {
      minFree = given
      source = "given"
    } else {
      minFree = defaultMinFreeKibibytes(scaleFactor: tunables.watermarkScaleFactor, explain: &explain)
      source = "the kernel's default, from the current managed pages (the boot used the managed pages of its initcalls)"
    }
    let marks = watermarks(minFreeKibibytes: minFree, scaleFactor: tunables.watermarkScaleFactor, explain: &explain)
    let reserves = protection(ratios: tunables.lowmemReserveRatio, explain: &explain)
    let sets = pagesets(lows: marks.mapValues(\.low), fraction: tunables.percpuPagelistHighFraction, explain: &explain)
    var result: [ZoneReference: ZoneTuning] = [:]
    for (reference, size) in zones {
      let mark = marks[reference]!
      let set = sets[reference]!
      let threshold = size.isPopulated ? statThreshold(managed: size.managed.rawValue) : nil
      if let threshold {
        explain[reference.description, default: []].append(
          "vm stats threshold = min(125, 2 * fls(\(onlineCPUCount) CPUs) * (1 + fls(managed >> 15 = \(size.managed.rawValue >> 15)))) = \(threshold)")
      }
      result[reference] = ZoneTuning(
        min: mark.min, low: mark.low, high: mark.high, promo: mark.promo, boost: 0,
        protection: reserves[reference] ?? Array(repeating: 0, count: profile.zoneTypes.count),
        batch: set.batch, highMin: set.highMin, highMax: set.highMax, statThreshold: threshold)
    }
    return TuningReport(zones: result, minFreeKibibytes: minFree, minFreeSource: source, tunables: tunables, explanation: explain)
  }
}
