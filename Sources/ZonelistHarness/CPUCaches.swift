import Foundation
public import ZonelistCore

/// Each CPU's share of its last-level cache, from a sysroot's
/// `sys/devices/system/cpu/cpuN/cache/indexK/{type,size,shared_cpu_list}`.
public enum CPUCaches {
  /// Bytes of the last cache leaf (the highest `indexK`) per CPU sharing it, for each CPU whose
  /// leaf is a data or unified cache; CPUs without cache files are left out.
  ///
  /// Kernel: `update_per_cpu_data_slice_size_cpu()` in `drivers/base/cacheinfo.c`
  /// (`llc->size / cpumask_weight(&llc->shared_cpu_map)`).
  public static func dataSlices(sysroot: String, cpus: [CPUID]) -> [CPUID: Int] {
    var slices: [CPUID: Int] = [:]
    for cpu in cpus {
      let base = "\(sysroot)/sys/devices/system/cpu/cpu\(cpu)/cache"
      var last: String? = nil
      while FileManager.default.fileExists(atPath: "\(base)/index\(last.map { Int($0.dropFirst(5))! + 1 } ?? 0)") {
        last = "index\(last.map { Int($0.dropFirst(5))! + 1 } ?? 0)"
      }
      guard let leaf = last else { continue }
      func read(_ name: String) -> String? {
        (try? String(contentsOfFile: "\(base)/\(leaf)/\(name)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      guard let type = read("type"), type == "Data" || type == "Unified", let size = read("size").flatMap(bytes),
        let shared = read("shared_cpu_list").flatMap({ try? IDList.parse($0, limit: 1 << 16) }), !shared.isEmpty
      else { continue }
      slices[cpu] = size / shared.count
    }
    return slices
  }

  /// `16384K` → 16777216.
  static func bytes(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    if let unit = text.last.flatMap({ units[$0] }) {
      // A size past Int's range is no size (it trapped; fuzz: caches).
      return Int(text.dropLast()).flatMap { let (bytes, overflow) = $0.multipliedReportingOverflow(by: unit); return overflow ? nil : bytes }
    }
    return Int(text)
  }
}
