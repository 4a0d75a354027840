extension TuningCalculator {
  /// Every zone's numbers with the watermarks and protection a snapshot's `zoneinfo` states in
  /// place of recomputed ones; the page sets' `high` follows the stated `low`, as it did in the kernel.
  ///
  /// The kernel computes the watermarks when it boots (and again only when a `vm` sysctl that
  /// feeds them is written), from the managed pages of that moment; pages freed or reserved
  /// since change `managed` but not the watermarks, so recomputing them from today's managed
  /// pages misses the kernel's by about 100 pages on a 1 GiB node.
  ///
  /// Kernel: `__setup_per_zone_wmarks()` then `zone_pcp_update(zone, 0)` in
  /// `setup_per_zone_wmarks()`, and `setup_per_zone_lowmem_reserve()`, all in `mm/page_alloc.c`;
  /// `zoneinfo_show_print()` prints `min_wmark_pages()` etc., which add `watermark_boost` (the
  /// `boost` line), taken off here as the simulator starts without a boost.
  ///
  /// - Returns: The report, and the populated zones whose watermarks (or protection) the
  ///   snapshot does not state, which keep the recomputed values.
  public func compute(_ tunables: VMTunables, stated zoneinfo: Zoneinfo) -> (report: TuningReport, recomputed: [ZoneReference]) {
    var report = compute(tunables)
    var recomputed: [ZoneReference] = []
    var lows: [ZoneReference: Int] = [:]
    let stated = Dictionary(zoneinfo.entries.map { (ZoneReference(node: $0.node, type: $0.type), $0) }, uniquingKeysWith: { a, _ in a })
    for (reference, size) in zones {
      guard var tune = report.zones[reference] else { continue }
      lows[reference] = tune.low
      guard let entry = stated[reference], let min = entry.min, let low = entry.low, let high = entry.high,
        let protection = entry.protection, protection.count == tune.protection.count
      else {
        if size.isPopulated { recomputed.append(reference) }
        continue
      }
      let boost = entry.boost?.rawValue ?? 0
      tune.min = Swift.max(0, min.rawValue - boost)
      tune.low = Swift.max(0, low.rawValue - boost)
      tune.high = Swift.max(0, high.rawValue - boost)
      tune.promo = tune.high + (tune.high - tune.low)  // Kernel: promo = high + the same gap.
      tune.protection = protection
      report.zones[reference] = tune
      lows[reference] = tune.low
      report.explanation[reference.description, default: []].append(
        "watermarks and protection as zoneinfo states them (computed by the kernel at boot): min \(tune.min), low \(tune.low), high \(tune.high)"
          + (boost > 0 ? " (boost \(boost) taken off)" : ""))
    }
    var ignored: [String: [String]] = [:]
    let sets = pagesets(lows: lows, fraction: tunables.percpuPagelistHighFraction, explain: &ignored)
    for (reference, set) in sets where report.zones[reference] != nil {
      report.zones[reference]!.batch = set.batch
      report.zones[reference]!.highMin = set.highMin
      report.zones[reference]!.highMax = set.highMax
    }
    return (report, recomputed)
  }
}
