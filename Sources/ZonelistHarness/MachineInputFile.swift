import Foundation
public import ZonelistCore

/// `--input FILE`: a machine as another tool describes it (numactl, hwloc, libvirt, QEMU) or a
/// topology file, its kind detected from the content unless `--input-format` names it.
public enum MachineInputFile {
  /// Reads `path` as `format` (detected when `nil`).
  /// - Returns: The machine, in Linux's node ids, and what its format does not say.
  public static func load(path: String, format: MachineFormat?) throws -> ImportedMachine {
    guard let data = FileBytes.read(path) else {
      throw ImportError(file: path, line: 0, text: "", expected: "a readable file (numactl --hardware output, hwloc or libvirt XML, QEMU arguments or a topology file)")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw ImportError(file: path, line: 0, text: "", expected: "UTF-8 text") }
    let kind = format ?? MachineFormat.detect(text)
    if kind == .topology { return ImportedMachine(format: .topology, spec: try TopologyFile.parse(text, file: path)) }
    return try ImportedMachine.read(text, file: path, format: kind)
  }
}

extension ModelInput {
  /// The model's input from `--input FILE`: like a topology file, with the diagnostics of
  /// what the file's format does not say.
  /// `unnamedKernel` as in ``load(sysroot:topologyFile:kernel:architecture:unnamedKernel:)``.
  public static func load(input path: String, format: MachineFormat?, kernel: String?, unnamedKernel: KernelVersion? = nil) throws -> ModelInput {
    let imported = try MachineInputFile.load(path: path, format: format)
    let (profile, source) = try resolveProfile(
      kernel: kernel, fromInput: imported.spec.kernel, inputName: "\(path) (\(imported.format.rawValue))", architecture: imported.spec.architecture,
      unnamed: unnamedKernel)
    let topology: Topology
    do { topology = try imported.spec.topology(kernel: profile.version) } catch { throw HarnessError("\(path): \(error)") }
    return ModelInput(
      topology: topology, profile: profile, profileSource: source, diagnostics: profileDiagnostics(profile) + imported.diagnostics,
      snapshot: nil, spec: imported.spec)
  }
}
