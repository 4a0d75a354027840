import Foundation
import ZonelistCore
import ZonelistHarness

/// CPU 0's cache leaves as `simulate` reads them for the per-CPU lists: sections split at `--`
/// lines are `index0/{type,size,shared_cpu_list}` then `index1/…` (a missing section or one of
/// the byte 0x7F: no file; an index folder exists when one of its files does). The files are
/// handed over as `CPUCaches.dataSlices(sysroot:cpus:)` hands them after reading.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCaches(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 6)
  let base = "sys/devices/system/cpu/cpu0/cache"
  var files: [String: Data] = [:]
  var leaves = 0
  for (index, name) in ["type", "size", "shared_cpu_list", "type", "size", "shared_cpu_list"].enumerated()
  where index < sections.count && sections[index] != Data([0x7F]) {
    files["\(base)/index\(index / 3)/\(name)"] = sections[index]
    leaves = max(leaves, index / 3 + 1)
  }
  // Only the last leaf's files are read, as from the disk.
  let last = "\(base)/index\(leaves - 1)/"
  let contents = files.filter { $0.key.hasPrefix(last) }
  do { _ = try CPUCaches.dataSlices(contents: contents, leaves: [0: leaves], cpus: [0], root: "fuzz") } catch {
    FuzzInput.check(error, files: contents.reduce(into: [:]) { $0["fuzz/" + $1.key] = $1.value })
  }
  return 0
}
