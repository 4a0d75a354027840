/// The `vm` sysctls that decide watermarks, protection and per-CPU page-set limits.
///
/// Kernel: `min_free_kbytes`, `watermark_scale_factor`, `watermark_boost_factor`,
/// `sysctl_lowmem_reserve_ratio[]` and `percpu_pagelist_high_fraction` in
/// `mm/page_alloc.c`, exposed under `/proc/sys/vm/`.
public struct VMTunables: Hashable, Sendable, Codable {
  /// Kernel: `min_free_kbytes`; `nil` means the kernel's default (computed).
  public var minFreeKibibytes: Int?
  /// Kernel: `watermark_scale_factor` (default 10, 1...3000).
  public var watermarkScaleFactor = 10
  /// Kernel: `watermark_boost_factor` (default 15000, ≥ 0).
  public var watermarkBoostFactor = 15000
  /// Kernel: `sysctl_lowmem_reserve_ratio[]`, by zone (defaults 256, 256, 32, 0, 0).
  public var lowmemReserveRatio: [ZoneType: Int] = [.dma: 256, .dma32: 256, .normal: 32, .highmem: 0, .movable: 0, .device: 0]
  /// Kernel: `percpu_pagelist_high_fraction` (0, or ≥ 8).
  public var percpuPagelistHighFraction = 0

  public init() {}

  /// The sysctl names, as `/proc/sys/vm/` has them.
  public enum Name: String, CaseIterable, Sendable {
    case minFreeKbytes = "min_free_kbytes"
    case watermarkScaleFactor = "watermark_scale_factor"
    case watermarkBoostFactor = "watermark_boost_factor"
    case lowmemReserveRatio = "lowmem_reserve_ratio"
    case percpuPagelistHighFraction = "percpu_pagelist_high_fraction"
  }

  /// Kernel: `MIN_PERCPU_PAGELIST_HIGH_FRACTION`.
  public static let minPercpuPagelistHighFraction = 8

  /// Applies `vm.NAME=VALUE` with the kernel's limits.
  ///
  /// Kernel: the `proc_handler`s and `extra1`/`extra2` bounds of the `vm` table
  /// (`min_free_kbytes_sysctl_handler()`, `watermark_scale_factor_sysctl_handler()`,
  /// `lowmem_reserve_ratio_sysctl_handler()`, `percpu_pagelist_high_fraction_sysctl_handler()`).
  /// - Parameter zoneTypes: The kernel's zones, the entries `lowmem_reserve_ratio` takes.
  public mutating func set(_ assignment: String, zoneTypes: [ZoneType]) throws(VMTunablesError) {
    let parts = assignment.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
    guard parts.count == 2 else { throw .malformed(assignment) }
    var key = parts[0]
    if key.hasPrefix("vm.") { key.removeFirst(3) }
    key = key.replacingDashes()
    guard let name = Name(rawValue: key) else { throw .unknown(parts[0]) }
    let words = parts[1].split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
    var values: [Int] = []
    for word in words {
      guard let value = Int(word) else { throw .notANumber(name: name.rawValue, text: parts[1]) }
      values.append(value)
    }
    guard !values.isEmpty else { throw .notANumber(name: name.rawValue, text: parts[1]) }
    // Kernel: every one of these is an int sysctl (proc_dointvec_minmax).
    if let tooLarge = values.first(where: { $0 > Int(Int32.max) || $0 < Int(Int32.min) }) {
      throw .outOfRange(name: name.rawValue, value: tooLarge, limit: "a 32-bit int")
    }
    if name != .lowmemReserveRatio && values.count != 1 { throw .notANumber(name: name.rawValue, text: parts[1]) }
    let value = values[0]
    switch name {
    case .minFreeKbytes:
      guard value >= 0 else { throw .outOfRange(name: name.rawValue, value: value, limit: "≥ 0") }
      minFreeKibibytes = value
    case .watermarkScaleFactor:
      guard (1...3000).contains(value) else { throw .outOfRange(name: name.rawValue, value: value, limit: "1...3000") }
      watermarkScaleFactor = value
    case .watermarkBoostFactor:
      guard value >= 0 else { throw .outOfRange(name: name.rawValue, value: value, limit: "≥ 0") }
      watermarkBoostFactor = value
    case .lowmemReserveRatio:
      // Kernel: entries below 1 become 0; entries not written keep their value. Entries past
      // the last zone are left unread by `proc_dointvec_minmax()` and the write succeeds (seen
      // on the 686-pae kernel, whose four zones took "128 64 16 0 0").
      for (type, ratio) in zip(zoneTypes, values) { lowmemReserveRatio[type] = max(ratio, 0) < 1 ? 0 : ratio }
    case .percpuPagelistHighFraction:
      guard value == 0 || value >= VMTunables.minPercpuPagelistHighFraction else {
        throw .outOfRange(name: name.rawValue, value: value, limit: "0 or ≥ \(VMTunables.minPercpuPagelistHighFraction)")
      }
      percpuPagelistHighFraction = value
    }
  }

  /// The `lowmem_reserve_ratio` text `/proc/sys/vm` shows, for `zoneTypes`.
  public func lowmemReserveRatioText(zoneTypes: [ZoneType]) -> String {
    zoneTypes.map { String(lowmemReserveRatio[$0] ?? 0) }.joined(separator: "\t")
  }
}

/// A `--set vm.NAME=VALUE` the kernel would refuse.
public enum VMTunablesError: Error, Hashable, Sendable, CustomStringConvertible {
  case malformed(String)
  case unknown(String)
  case notANumber(name: String, text: String)
  case outOfRange(name: String, value: Int, limit: String)

  public var description: String {
    switch self {
    case .malformed(let text): "'\(text)': expected vm.NAME=VALUE"
    case .unknown(let name):
      "'\(name)': expected one of \(VMTunables.Name.allCases.map { "vm." + $0.rawValue }.joined(separator: ", "))"
    case .notANumber(let name, let text): "vm.\(name)=\(text): expected an integer\(name == "lowmem_reserve_ratio" ? " per zone" : "")"
    case .outOfRange(let name, let value, let limit): "vm.\(name)=\(value) is refused by the kernel: the limit is \(limit)"
    }
  }
}

extension String {
  func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
