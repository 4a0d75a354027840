import Foundation
import ZonelistCore
import ZonelistHarness

/// An `--input` file in another tool's format: the first byte picks the format (`detect`,
/// `numactl`, `hwloc`, `libvirt`, `qemu`, by its value modulo 5), the rest is the text, read as
/// `MachineInputFile.load` reads it (UTF-8 check, then the format's reader) and turned into the
/// model's topology as `ModelInput.load(input:…)` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMachines(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard count > 0 else { return 0 }
  let data = Data(bytes: bytes + 1, count: count - 1)
  guard let text = String(data: data, encoding: .utf8) else { return 0 }
  let formats: [MachineFormat?] = [nil, .numactl, .hwloc, .libvirt, .qemu]
  let format = formats[Int(bytes[0]) % formats.count] ?? MachineFormat.detect(text)
  // Topology files have their own target.
  guard format != .topology else { return 0 }
  do {
    let machine = try ImportedMachine.read(text, file: "input", format: format)
    _ = try? machine.spec.topology(kernel: KernelVersion(6, 12))
  } catch {
    FuzzInput.check(error, files: ["input": data])
  }
  return 0
}
