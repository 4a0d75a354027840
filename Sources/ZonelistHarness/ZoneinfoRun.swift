import Foundation
public import ZonelistCore

/// The watermarks, protection and page sets of one input: the pipeline `zonelist zoneinfo`
/// and `zonelist report` run.
public struct ZoneinfoRun: Sendable {
  public var report: TuningReport
  /// What the input lacked (the `vm` sysctls of a sysroot, managed pages of a topology file).
  public var diagnostics: [Diagnostic]
  public var onlineCPUs: [CPUID]

  /// Which watermarks: as the kernel recomputes them, or as the boot set them.
  public enum Figures: Sendable { case current, boot }

  /// Computes the tuning of `input` with its `vm` sysctls (``ModelInput/tunables(sysroot:)``:
  /// the sysroot's, or the kernel's defaults for a topology file, then the `--set` edits).
  ///
  /// - Parameter watermarks: ``Figures/boot`` computes from the managed pages the boot's
  ///   computation saw (``ModelInput/bootWatermarkTopology(sysroot:)``).
  public init(input: ModelInput, sysroot: String?, watermarks: Figures = .current) throws {
    let (tunables, tunableNotes) = try input.tunables(sysroot: sysroot)
    var notes = input.diagnostics + ZoneinfoLayout.diagnostics(for: input.profile.version) + tunableNotes
    var computed = input.topology
    if watermarks == .boot {
      let (machine, lateNotes) = input.bootWatermarkTopology(sysroot: sysroot)
      computed = machine
      notes += lateNotes
    }
    onlineCPUs = input.topology.cpus
    report = TuningCalculator(topology: computed, profile: input.profile, onlineCPUCount: onlineCPUs.count).compute(tunables)
    diagnostics = notes
  }
}
