import Foundation
import ZonelistCore
import ZonelistHarness

/// CPU 0's cache leaves as `simulate` reads them for the per-CPU lists: sections split at `--`
/// lines are `index0/{type,size,shared_cpu_list}` then `index1/…` (a missing section or one of
/// the byte 0x7F: no file; an index directory exists when one of its files does).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCaches(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 6)
  let base = "sys/devices/system/cpu/cpu0/cache"
  FuzzInput.write(nil, to: base)
  for (index, name) in ["type", "size", "shared_cpu_list", "type", "size", "shared_cpu_list"].enumerated()
  where index < sections.count && sections[index] != Data([0x7F]) {
    FuzzInput.write(sections[index], to: "\(base)/index\(index / 3)/\(name)")
  }
  _ = CPUCaches.dataSlices(sysroot: FuzzInput.folder, cpus: [0])
  return 0
}
