import Foundation
public import ZonelistCore

extension ModelInput {
  /// The `vm` sysctls of this input: a sysroot's `proc/sys/vm` (missing ones noted, a missing
  /// `min_free_kbytes` left to the kernel's default), nothing from a topology file (whose
  /// managed pages are estimates, noted), then the `--set` edits in order.
  ///
  /// - Parameter sysroot: The root the input was read from (`nil`: `/`).
  /// - Returns: The tunables and the diagnostics about them.
  public func tunables(sysroot: String?) throws -> (VMTunables, [Diagnostic]) {
    var tunables = VMTunables()
    var notes: [Diagnostic] = []
    let settings = sysctlSettings
    if spec == nil {
      let root = sysroot ?? "/"
      let (read, found) = try Sysroot.tunables(root, zoneTypes: profile.zoneTypes)
      tunables = read
      let given = Set(settings.compactMap { $0.split(separator: "=").first.map { String($0.dropFirst($0.hasPrefix("vm.") ? 3 : 0)) } })
      let minFree = VMTunables.Name.minFreeKbytes.rawValue
      let missing = VMTunables.Name.allCases.map(\.rawValue).filter { !found.contains($0) && !given.contains($0) }
      if !found.contains(minFree) { tunables.minFreeKibibytes = nil }
      if missing.contains(minFree) { notes.append(.minFreeKbytesMissing(root: root)) }
      let others = missing.filter { $0 != minFree }
      if !others.isEmpty { notes.append(.tunablesMissing(root: root, names: others)) }
    } else {
      tunables.minFreeKibibytes = nil
      if spec?.nodes.contains(where: { $0.zones == nil }) ?? false, !diagnostics.contains(.managedEstimatedAsPresent) {
        notes.append(.managedEstimatedAsPresent)
      }
    }
    for setting in settings {
      do { try tunables.set(setting, zoneTypes: profile.zoneTypes) } catch { throw HarnessError("--set \(error)") }
    }
    return (tunables, notes)
  }
}

extension ModelInput {
  /// The machine as the boot's watermark computation saw it: each zone's managed pages less
  /// those freed later in boot (``LateFreedMemory``, from the sysroot's `dmesg` and
  /// `proc/iomem`); the machine as it is, with a diagnostic, when they cannot be told.
  public func bootWatermarkTopology(sysroot: String?) -> (Topology, [Diagnostic]) {
    let base = URL(fileURLWithPath: sysroot ?? "/")
    func read(_ path: String) -> String? {
      FileBytes.read(base.appendingPathComponent(path).path).map { String(decoding: $0, as: UTF8.self) }
    }
    guard spec == nil, let log = read(SnapshotManifest.kernelLogFile) else {
      return (topology, [.lateFreedUnknown(reason: spec == nil ? "the sysroot has no dmesg" : "a topology file has no boot")])
    }
    do {
      let freed = try LateFreedMemory(kernelLog: log, iomem: read(SnapshotManifest.iomem))
      return (try freed.applied(to: topology), [])
    } catch {
      return (topology, [.lateFreedUnknown(reason: error.description)])
    }
  }
}
