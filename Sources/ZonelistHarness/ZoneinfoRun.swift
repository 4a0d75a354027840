import Foundation
public import ZonelistCore

/// The watermarks, protection and page sets of one input: the pipeline `zonelist zoneinfo`
/// and `zonelist report` run.
public struct ZoneinfoRun: Sendable {
  public var report: TuningReport
  /// What the input lacked (the `vm` sysctls of a sysroot, managed pages of a topology file).
  public var diagnostics: [Diagnostic]
  public var onlineCPUs: [CPUID]

  /// Computes the tuning of `input` with its `vm` sysctls (``ModelInput/tunables(sysroot:)``:
  /// the sysroot's, or the kernel's defaults for a topology file, then the `--set` edits).
  public init(input: ModelInput, sysroot: String?) throws {
    let (tunables, tunableNotes) = try input.tunables(sysroot: sysroot)
    onlineCPUs = input.topology.cpus
    report = TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: onlineCPUs.count).compute(tunables)
    diagnostics = input.diagnostics + ZoneinfoLayout.diagnostics(for: input.profile.version) + tunableNotes
  }
}
