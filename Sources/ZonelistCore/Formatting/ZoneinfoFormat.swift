/// The computed part of `/proc/zoneinfo`, in the kernel's layout and spacing.
///
/// Kernel: `zoneinfo_show_print()` in `mm/vmstat.c`. Run-time state is left out (`pages
/// free`, the per-node and per-zone counters, `node_unreclaimable`, `start_pfn`), except
/// each page set's `count:`, printed as 0. On 6.12 a page set's `high:` is auto-tuned at
/// run time between `high_min` and `high_max`; this prints `high_min`, the value an idle
/// page set decays to.
public enum ZoneinfoFormat {
  public static func text(_ report: TuningReport, topology: Topology, profile: KernelProfile, onlineCPUs: [CPUID]) -> String {
    var out = ""
    for node in topology.onlineNodes {
      for type in profile.zoneTypes {
        let reference = ZoneReference(node: node.id, type: type)
        guard let tuning = report.zones[reference] else { continue }
        let size = node[type]
        let name = String(repeating: " ", count: Swift.max(0, 8 - type.kernelName.count)) + type.kernelName
        out += "Node \(node.id), zone \(name)\n"
        out += "        boost    \(tuning.boost)\n"
        out += "        min      \(tuning.min)\n"
        out += "        low      \(tuning.low)\n"
        out += "        high     \(tuning.high)\n"
        if profile.version >= KernelVersion(6, 12) { out += "        promo    \(tuning.promo)\n" }
        out += "        spanned  \(size.spanned)\n"
        out += "        present  \(size.present)\n"
        out += "        managed  \(size.managed)\n"
        out += "        cma      0\n"
        out += "        protection: (" + tuning.protection.map(String.init).joined(separator: ", ") + ")\n"
        guard size.isPopulated else { continue }
        out += "  pagesets\n"
        for cpu in onlineCPUs {
          out += "    cpu: \(cpu)\n"
          out += "              count: 0\n"
          out += "              high:  \(tuning.highMin)\n"
          out += "              batch: \(tuning.batch)\n"
          out += "  vm stats threshold: \(tuning.statThreshold ?? 0)\n"
        }
      }
    }
    return out
  }

  /// `--explain`: the arithmetic, global first, then zone by zone.
  public static func explanation(_ report: TuningReport, topology: Topology, profile: KernelProfile) -> String {
    var out = "min_free_kbytes \(report.minFreeKibibytes) (\(report.minFreeSource)); watermark_scale_factor \(report.tunables.watermarkScaleFactor); lowmem_reserve_ratio \(report.tunables.lowmemReserveRatioText(zoneTypes: profile.zoneTypes).replacingTabs()); percpu_pagelist_high_fraction \(report.tunables.percpuPagelistHighFraction)\n"
    for line in report.explanation["global"] ?? [] { out += "  \(line)\n" }
    for node in topology.onlineNodes {
      for type in profile.zoneTypes {
        let reference = ZoneReference(node: node.id, type: type)
        guard let lines = report.explanation[reference.description] else { continue }
        out += "Node \(node.id), zone \(type.kernelName):\n"
        for line in lines { out += "  \(line)\n" }
      }
    }
    return out
  }
}

extension String {
  func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
