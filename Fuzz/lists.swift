import Foundation
import ZonelistCore
import ZonelistHarness

/// Sysfs lists (`0-3,8`): the first byte picks the file the rest replaces.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLists(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard count > 0 else { return 0 }
  let nodeTree = [
    "sys/devices/system/node/online", "sys/devices/system/node/possible", "sys/devices/system/node/has_cpu",
    "sys/devices/system/node/has_memory", "sys/devices/system/node/has_normal_memory",
    "sys/devices/system/cpu/online", "sys/devices/system/cpu/possible",
    "sys/devices/system/node/node0/cpulist", "sys/devices/system/node/node1/cpulist",
  ]
  let text = FuzzInput.data(bytes + 1, count - 1)
  let choice = Int(bytes[0]) % (nodeTree.count + 2)
  if choice < nodeTree.count {
    var files = FuzzInput.twoNodes
    files[nodeTree[choice]] = text
    FuzzInput.snapshot(files, nodes: [0, 1])
  } else {
    // A kernel without CONFIG_NUMA: the CPU lists alone decide node 0's CPUs.
    let path = choice == nodeTree.count ? "sys/devices/system/cpu/online" : "sys/devices/system/cpu/possible"
    FuzzInput.snapshot([path: text, "proc/meminfo": Data("MemTotal: 1024 kB\n".utf8)], nodes: [], cpus: [0, 1])
  }
  return 0
}
