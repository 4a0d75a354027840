/// The computed part of `/proc/zoneinfo`, line for line as the kernel prints it.
///
/// Kernel: `zoneinfo_show_print()` in `mm/vmstat.c`, in the layout of the release
/// (``ZoneinfoLayout``). Only lines the model computes are printed, each exactly as the
/// kernel prints it: run-time state is left out (`pages free`, the per-node and per-zone
/// counters, each page set's `count:`, `high:` where it is auto-tuned (6.7 on),
/// `node_unreclaimable`, `start_pfn`, the highatomic counts). So the output equals the
/// kernel's file with those lines removed. `boost` is printed as 0: every rewrite of the
/// watermarks (`__setup_per_zone_wmarks()`) resets `watermark_boost` to 0. The figures are
/// those of the kernel's next rewrite (a `vm` sysctl write, memory hotplug): right after
/// boot the watermarks, protection and `high_max` can differ by a fraction of a percent,
/// having been computed from the managed pages of the boot's early initcalls.
public enum ZoneinfoFormat {
  public static func text(_ report: TuningReport, topology: Topology, profile: KernelProfile, onlineCPUs: [CPUID]) -> String {
    ByteWriter.text { write(report, topology: topology, profile: profile, onlineCPUs: onlineCPUs, to: &$0) }
  }

  /// ``text(_:topology:profile:onlineCPUs:)`` written to `out`.
  public static func write(
    _ report: TuningReport, topology: Topology, profile: KernelProfile, onlineCPUs: [CPUID], to out: inout ByteWriter
  ) {
    let layout = ZoneinfoLayout(version: profile.version)
    func line(_ label: String, _ value: Int) {
      out.write(label)
      out.write(value)
      out.write(byte: UInt8(ascii: "\n"))
    }
    // Every CPU's page set of a zone prints the same figures, and most zones print the same
    // ones: each zone's `pagesets` block (all CPUs) is made once per distinct figures and copied.
    var blocks: [[UInt8]: [UInt8]] = [:]
    for node in topology.onlineNodes {
      for type in profile.zoneTypes {
        let reference = ZoneReference(node: node.id, type: type)
        guard let tuning = report.zones[reference] else { continue }
        let size = node[type]
        out.write("Node ")
        out.write(node.id.rawValue)
        out.write(", zone ")
        out.write(repeating: UInt8(ascii: " "), count: Swift.max(0, 8 - type.kernelName.utf8.count))
        out.write(type.kernelName)
        out.write(byte: UInt8(ascii: "\n"))
        if layout.hasBoostAndCMA { line("        boost    ", tuning.boost) }
        line("        min      ", tuning.min)
        line("        low      ", tuning.low)
        line("        high     ", tuning.high)
        if layout.hasPromo { line("        promo    ", tuning.promo) }
        line("        spanned  ", size.spanned.rawValue)
        line("        present  ", size.present.rawValue)
        line("        managed  ", size.managed.rawValue)
        if layout.hasBoostAndCMA { line("        cma      ", size.cma?.rawValue ?? 0) }
        out.write("        protection: (")
        for (index, reserve) in tuning.protection.enumerated() {
          if index > 0 { out.write(", ") }
          out.write(reserve)
        }
        out.write(")\n")
        guard size.isPopulated else { continue }
        out.write("  pagesets\n")
        let key = ByteWriter.bytes { pageset in
          if layout.hasHighMinMax {
            pageset.write("              batch:    \(tuning.batch)\n")
            pageset.write("              high_min: \(tuning.highMin)\n")
            pageset.write("              high_max: \(tuning.highMax)\n")
          } else {
            if layout.pagesetHighIsStatic { pageset.write("              high:  \(tuning.highMin)\n") }
            pageset.write("              batch: \(tuning.batch)\n")
          }
          pageset.write("  vm stats threshold: \(tuning.statThreshold ?? 0)\n")
        }
        if blocks[key] == nil {
          var block = ByteWriter()
          for cpu in onlineCPUs {
            block.write("    cpu: ")
            block.write(cpu)
            block.write(byte: UInt8(ascii: "\n"))
            block.write(key)
          }
          blocks[key] = block.buffer
        }
        out.write(blocks[key]!)
      }
    }
  }

  /// Whether a line of a real `/proc/zoneinfo` is one ``text(_:topology:profile:onlineCPUs:)``
  /// prints (the computed part), so that the two can be compared line for line.
  public static func isComputedLine(_ line: Substring, layout: ZoneinfoLayout) -> Bool {
    if line.hasPrefix("Node ") || line == "  pagesets" || line.hasPrefix("    cpu: ") || line.hasPrefix("  vm stats threshold: ") {
      return true
    }
    let fields = line.split(separator: " ")
    guard let key = fields.first else { return false }
    if line.hasPrefix("        ") && !line.hasPrefix("         ") {
      return ["boost", "min", "low", "high", "promo", "spanned", "present", "managed", "cma", "protection:"].contains(key)
    }
    if line.hasPrefix("              ") {
      return key == "batch:" || key == "high_min:" || key == "high_max:" || (key == "high:" && layout.pagesetHighIsStatic)
    }
    return false
  }

  /// `--format table`: one line per zone, the page-set figures of its CPUs once (they are
  /// the same on every CPU), then the sysctls used.
  public static func table(_ report: TuningReport, topology: Topology, profile: KernelProfile) -> String {
    let header = ["zone", "spanned", "present", "managed", "min", "low", "high", "promo", "batch", "pcp high", "threshold", "protection"]
    var rows: [[String]] = []
    let autoTuned = profile.version >= KernelVersion(6, 7)
    for node in topology.onlineNodes {
      for type in profile.zoneTypes {
        let reference = ZoneReference(node: node.id, type: type)
        guard let tuning = report.zones[reference] else { continue }
        let size = node[type]
        let populated = size.isPopulated
        rows.append([
          reference.description, String(size.spanned.rawValue), String(size.present.rawValue), String(size.managed.rawValue),
          String(tuning.min), String(tuning.low), String(tuning.high), String(tuning.promo),
          populated ? String(tuning.batch) : "-",
          !populated ? "-" : autoTuned ? "\(tuning.highMin)…\(tuning.highMax)" : String(tuning.highMin),
          tuning.statThreshold.map(String.init) ?? "-",
          tuning.protection.map(String.init).joined(separator: " "),
        ])
      }
    }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i == 0 || i == cells.count - 1 ? cell + pad : pad + cell
      }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }
    var out = "kernel \(profile.version.series); min_free_kbytes \(report.minFreeKibibytes) (\(report.minFreeSource)); watermark_scale_factor \(report.tunables.watermarkScaleFactor); percpu_pagelist_high_fraction \(report.tunables.percpuPagelistHighFraction)\n"
    out += line(header)
    for row in rows { out += line(row) }
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
  func trimmingTrailingSpaces() -> String {
    var text = Substring(self)
    while text.last == " " { text.removeLast() }
    return String(text)
  }
}
