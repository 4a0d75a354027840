import Foundation
import ZonelistCore
import ZonelistHarness

/// `nodeN/cpumap` (`00000000,0000ffff`), read where `nodeN/cpulist` is missing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMasks(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  var files = FuzzInput.twoNodes
  files["sys/devices/system/node/node0/cpulist"] = nil
  files["sys/devices/system/node/node0/cpumap"] = FuzzInput.data(bytes, count)
  FuzzInput.snapshot(files, nodes: [0, 1])
  return 0
}
