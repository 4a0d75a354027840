import Foundation
public import ZonelistCore

/// The sides of `zonelist diff`: each input loaded, edited, and computed (zonelists, watermarks,
/// tiers) as `build`, `zoneinfo` and `tiers` would; the one pipeline the CLI and its tests share.
public enum DiffInputs {
  /// One input named on the command line, as a path: a folder is a sysroot, a file a
  /// topology file (further kinds plug in here).
  public static func load(path: String?, kernel: String?, edits: [MachineEdit]) throws -> (ModelInput, sysroot: String?) {
    guard let path else { return (try ModelInput.load(sysroot: nil, topologyFile: nil, kernel: kernel, edits: edits), nil) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw HarnessError("\(path): no such file or folder (expected a sysroot folder or a topology file)")
    }
    if isDirectory.boolValue {
      return (try ModelInput.load(sysroot: path, topologyFile: nil, kernel: kernel, edits: edits), path)
    }
    return (try ModelInput.load(sysroot: nil, topologyFile: path, kernel: kernel, edits: edits), nil)
  }

  /// The side of `input` in `context`, labelled `label`; watermarks and tiers where the input
  /// and the release allow them (else left out, and the diff says they were not compared).
  public static func side(
    _ input: ModelInput, sysroot: String?, context: BuildContext, label: String
  ) throws -> (DiffSide, [Diagnostic]) {
    let (tunables, notes) = try input.tunables(sysroot: sysroot)
    let calculator = TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: input.topology.cpus.count)
    var tiering: MemoryTiering? = nil
    if input.profile.version >= KernelVersion(6, 1) {
      tiering = try TiersRun(input: input, sysroot: sysroot, precedingBuild: context.isBoot ? nil : context).tiering
    }
    let side = DiffSide(
      label: label, topology: input.topology, profile: input.profile, context: context, tuning: calculator.compute(tunables),
      tiering: tiering)
    return (side, input.diagnostics + notes)
  }

  /// How a side is named: the input, the rules, the build, the edits.
  public static func label(path: String?, input: ModelInput, context: BuildContext) -> String {
    let build = context.isBoot ? "boot build" : "rebuild"
    let edits = input.edits.isEmpty ? "" : ", as edited by " + input.edits.map(\.description).joined(separator: " ")
    return "\(path ?? "/ (this machine)"), kernel \(input.profile.version.series) rules, \(build)\(edits)"
  }
}
