import Foundation
import ZonelistCore
import ZonelistHarness

/// `nodeN/meminfo` (first byte even) or, on a machine without the node tree, `/proc/meminfo`
/// (first byte odd); there is no `proc/zoneinfo`, so the MemTotal lines give the memory.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMeminfo(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard count > 0 else { return 0 }
  let text = FuzzInput.data(bytes + 1, count - 1)
  if bytes[0] % 2 == 0 {
    var files = FuzzInput.twoNodes
    files["sys/devices/system/node/node0/meminfo"] = text
    FuzzInput.snapshot(files, nodes: [0, 1])
  } else {
    FuzzInput.snapshot(["proc/meminfo": text, "sys/devices/system/cpu/online": Data("0-1\n".utf8)], nodes: [], cpus: [0, 1])
  }
  return 0
}
