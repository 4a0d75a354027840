import Foundation
public import ZonelistCore

/// Each CPU's share of its last-level cache, from a sysroot's
/// `sys/devices/system/cpu/cpuN/cache/indexK/{type,size,shared_cpu_list}`.
public enum CPUCaches {
  /// The files of a cache leaf that the slice needs.
  static let leafFiles = ["type", "size", "shared_cpu_list"]

  /// A CPU's cache folder, relative to the sysroot.
  static func folder(_ cpu: CPUID) -> String { "sys/devices/system/cpu/cpu\(cpu)/cache" }

  /// Reads the last cache leaf of each CPU under `sysroot` (its `indexK` folders counted from
  /// `index0`) and computes the slices with ``dataSlices(contents:leaves:cpus:root:)``.
  ///
  /// - Throws: ``ImportError`` for a leaf file that exists but cannot be read.
  public static func dataSlices(sysroot: String, cpus: [CPUID]) throws(ImportError) -> (slices: [CPUID: Int], unknown: [CPUID]) {
    let manager = FileManager.default
    var contents: [String: Data] = [:]
    var leaves: [CPUID: Int] = [:]
    for cpu in cpus {
      var count = 0
      while manager.fileExists(atPath: "\(sysroot)/\(folder(cpu))/index\(count)") { count += 1 }
      leaves[cpu] = count
      guard count > 0 else { continue }
      for name in leafFiles {
        let relative = "\(folder(cpu))/index\(count - 1)/\(name)"
        let path = "\(sysroot)/\(relative)"
        guard manager.fileExists(atPath: path) else { continue }
        guard let data = FileBytes.read(path) else {
          throw ImportError(file: path, line: 0, text: "", expected: "a readable file")
        }
        contents[relative] = data
      }
    }
    return try dataSlices(contents: contents, leaves: leaves, cpus: cpus, root: sysroot)
  }

  /// Bytes of the last cache leaf (the highest `indexK`) per CPU sharing it, for each CPU whose
  /// leaf is a data or unified cache (an instruction cache gives none, as in the kernel).
  ///
  /// - Parameters:
  ///   - contents: The bytes of the leaf files, by path relative to `root`.
  ///   - leaves: How many `indexK` folders each CPU has.
  /// - Returns: The slices, and the CPUs whose slice is unknown: no cache folder, or a last
  ///   leaf without its `type`, `size` or `shared_cpu_list` file (the caller states the assumption).
  /// - Throws: ``ImportError`` naming the file for text that is not UTF-8, a type other than
  ///   `Data`, `Instruction` or `Unified`, a size other than `NK` (or `M`, `G`), or a CPU list
  ///   that does not parse or is empty.
  ///
  /// Kernel: `update_per_cpu_data_slice_size_cpu()` in `drivers/base/cacheinfo.c`
  /// (`llc->size / cpumask_weight(&llc->shared_cpu_map)`, for `CACHE_TYPE_DATA` and
  /// `CACHE_TYPE_UNIFIED` leaves); `cache_type_str()` and `size_show()` print the files.
  public static func dataSlices(
    contents: [String: Data], leaves: [CPUID: Int], cpus: [CPUID], root: String
  ) throws(ImportError) -> (slices: [CPUID: Int], unknown: [CPUID]) {
    var slices: [CPUID: Int] = [:]
    var unknown: [CPUID] = []
    for cpu in cpus {
      guard let count = leaves[cpu], count > 0 else {
        unknown.append(cpu)
        continue
      }
      let leaf = "\(folder(cpu))/index\(count - 1)"
      var text: [String: (path: String, value: String)] = [:]
      for name in leafFiles {
        guard let data = contents["\(leaf)/\(name)"] else { continue }
        let path = "\(root)/\(leaf)/\(name)"
        guard let decoded = String(data: data, encoding: .utf8) else {
          throw ImportError(file: path, line: 1, text: "", expected: "UTF-8 text")
        }
        text[name] = (path, decoded.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      guard let type = text["type"], let size = text["size"], let shared = text["shared_cpu_list"] else {
        unknown.append(cpu)
        continue
      }
      guard ["Data", "Instruction", "Unified"].contains(type.value) else {
        throw ImportError(file: type.path, line: 1, text: type.value, expected: "a cache type (Data, Instruction or Unified)")
      }
      guard let bytes = bytes(size.value) else {
        throw ImportError(file: size.path, line: 1, text: size.value, expected: "a cache size like 16384K")
      }
      let sharing: [Int]
      do {
        sharing = try IDList.parse(shared.value, limit: 1 << 16)
      } catch {
        throw ImportError(file: shared.path, line: 1, text: shared.value, expected: "a CPU list (\(error))")
      }
      guard !sharing.isEmpty else {
        throw ImportError(file: shared.path, line: 1, text: shared.value, expected: "the CPUs sharing the cache (at least the CPU itself)")
      }
      if type.value != "Instruction" { slices[cpu] = bytes / sharing.count }
    }
    return (slices, unknown)
  }

  /// `16384K` → 16777216.
  static func bytes(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    var digits = Substring(text)
    var unit = 1
    if let last = text.last, let scale = units[last] {
      digits = digits.dropLast()
      unit = scale
    }
    // Digits only (Int("+5") parses); a size past Int's range is no size (it trapped; fuzz: caches).
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
    let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
    return overflow ? nil : bytes
  }
}
