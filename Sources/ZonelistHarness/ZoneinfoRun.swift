import Foundation
public import ZonelistCore

/// The watermarks, protection and page sets of one input: the pipeline `zonelist zoneinfo`
/// and `zonelist report` run.
public struct ZoneinfoRun: Sendable {
  public var report: TuningReport
  /// What the input lacked (the `vm` sysctls of a sysroot, managed pages of a topology file).
  public var diagnostics: [Diagnostic]
  public var onlineCPUs: [CPUID]

  /// Computes the tuning of `input` with the sysroot's `vm` sysctls (or the kernel's defaults
  /// for a topology file) and the what-if `settings` (`vm.NAME=VALUE`).
  ///
  /// - Throws: ``SettingError`` for a refused setting, with the setting's text.
  public init(input: ModelInput, sysroot: String?, settings: [String] = []) throws {
    var tunables = VMTunables()
    var notes = input.diagnostics + ZoneinfoLayout.diagnostics(for: input.profile.version)
    if input.spec == nil {
      let root = sysroot ?? "/"
      let (read, found) = try Sysroot.tunables(root, zoneTypes: input.profile.zoneTypes)
      tunables = read
      let given = Set(settings.compactMap { $0.split(separator: "=").first.map { $0.replacingOccurrences(of: "vm.", with: "") } })
      let minFree = VMTunables.Name.minFreeKbytes.rawValue
      let missing = VMTunables.Name.allCases.map(\.rawValue).filter { !found.contains($0) && !given.contains($0) }
      if !found.contains(minFree) { tunables.minFreeKibibytes = nil }
      if missing.contains(minFree) { notes.append(.minFreeKbytesMissing(root: root)) }
      let others = missing.filter { $0 != minFree }
      if !others.isEmpty { notes.append(.tunablesMissing(root: root, names: others)) }
    } else {
      tunables.minFreeKibibytes = nil
      if input.spec?.nodes.contains(where: { $0.zones == nil }) ?? false { notes.append(.managedEstimatedAsPresent) }
    }
    for setting in settings {
      do { try tunables.set(setting, zoneTypes: input.profile.zoneTypes) } catch {
        throw SettingError(description: "--set \(error)")
      }
    }
    onlineCPUs = input.topology.cpus
    let calculator = TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: onlineCPUs.count)
    report = calculator.compute(tunables)
    diagnostics = notes
  }

  /// A what-if setting the kernel would refuse.
  public struct SettingError: Error, CustomStringConvertible {
    public var description: String
  }
}
