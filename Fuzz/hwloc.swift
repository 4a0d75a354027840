import Foundation
import ZonelistCore
import ZonelistHarness

/// `--input --input-format hwloc`: the bytes as the file's text; a machine read is also laid out
/// and exported to every format, which must read back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHwloc(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard let text = String(data: FuzzInput.data(bytes, count), encoding: .utf8) else { return 0 }
  guard let machine = try? HwlocTopology.read(text, file: "input") else { return 0 }
  guard let topology = try? machine.spec.topology(kernel: KernelVersion(6, 12)) else { return 0 }
  _ = NumactlHardware.text(topology)
  _ = MachineExport.topologyFile(machine.spec)
  _ = MachineExport.hwlocXML(machine.spec)
  _ = MachineExport.libvirtDomain(MachineExport.bootable(machine.spec).0)
  return 0
}
