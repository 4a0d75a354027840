extension ZoneTuning {
  /// The `vm stats threshold` a zone shows while its node's kswapd is awake: the low-to-min
  /// watermark distance shared out over the online CPUs, at least 1, at most 125.
  ///
  /// `statThreshold` is the value of a sleeping kswapd. A zone whose `percpu_drift_mark` has
  /// been set (by any refresh where the online CPUs times the normal threshold exceeded the
  /// low-to-min distance; it is never cleared) switches to this value for as long as its
  /// node's kswapd is awake, so a `/proc/zoneinfo` read at that moment shows it: run-time state,
  /// as `pages free` is. `nil` for a zone without present pages.
  ///
  /// Kernel: `calculate_pressure_threshold()`, `refresh_zone_stat_thresholds()` and
  /// `set_pgdat_percpu_threshold()` in `mm/vmstat.c`; `kswapd_try_to_sleep()` in
  /// `mm/vmscan.c` sets the pressure threshold when kswapd wakes and restores
  /// `calculate_normal_threshold()` only before it sleeps for long.
  public func pressureStatThreshold(onlineCPUCount: Int) -> Int? {
    guard statThreshold != nil else { return nil }
    return Swift.min(125, Swift.max(1, (low - min) / Swift.max(1, onlineCPUCount)))
  }
}
