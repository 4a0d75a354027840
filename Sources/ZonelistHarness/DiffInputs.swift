import Foundation
public import ZonelistCore

/// The sides of `zonelist diff`: each input loaded, edited, and computed (zonelists, watermarks,
/// tiers) as `build`, `zoneinfo` and `tiers` would; the one pipeline the CLI and its tests share.
public enum DiffInputs {
  /// One input named on the command line, as a path: a folder is a sysroot, an archive a
  /// packed sysroot, any other file a machine description whose kind is detected from its
  /// content (topology file, numactl, hwloc, libvirt, QEMU: `--input`'s readers).
  public static func load(path: String?, kernel: String?, edits: [MachineEdit]) throws -> (ModelInput, sysroot: String?) {
    guard let path else { return (try ModelInput.load(sysroot: nil, topologyFile: nil, kernel: kernel, edits: edits), nil) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw HarnessError("\(path): no such file or folder (expected a sysroot folder or archive, or a machine description)")
    }
    if isDirectory.boolValue || SysrootArchive.isArchive(path) {
      let root = isDirectory.boolValue ? path : try SysrootArchive.root(of: path)
      return (try ModelInput.load(sysroot: root, topologyFile: nil, kernel: kernel, edits: edits), root)
    }
    return (try ModelInput.load(input: path, format: nil, kernel: kernel).applying(edits), nil)
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
