import Foundation
import ZonelistCore
import ZonelistHarness

/// `/proc/zoneinfo` of a machine with nodes 0-1 online and 0-3 possible (first byte even), or
/// without the node tree (first byte odd).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZoneinfo(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard count > 0 else { return 0 }
  let text = FuzzInput.data(bytes + 1, count - 1)
  if bytes[0] % 2 == 0 {
    var files = FuzzInput.twoNodes
    files["sys/devices/system/node/possible"] = Data("0-3\n".utf8)
    files["proc/zoneinfo"] = text
    FuzzInput.snapshot(files, nodes: [0, 1])
  } else {
    FuzzInput.snapshot(["proc/zoneinfo": text, "sys/devices/system/cpu/online": Data("0-1\n".utf8)], nodes: [], cpus: [0, 1])
  }
  return 0
}
