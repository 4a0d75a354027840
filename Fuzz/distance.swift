import Foundation
import ZonelistCore
import ZonelistHarness

/// `nodeN/distance`, with the `online` and `possible` masks that decide its columns: sections
/// (split at `--` lines) are `online`, `possible` (an empty section: no file), then node 0, 1, …'s
/// distance rows; each distance row's node has a `nodeN` directory.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDistance(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 10)
  var files: [String: Data] = [:]
  if !sections[0].isEmpty { files["sys/devices/system/node/online"] = sections[0] }
  if sections.count > 1, !sections[1].isEmpty { files["sys/devices/system/node/possible"] = sections[1] }
  let rows = Array(sections.dropFirst(2))
  for (node, row) in rows.enumerated() {
    files["sys/devices/system/node/node\(node)/distance"] = row
    files["sys/devices/system/node/node\(node)/cpulist"] = Data("\(node)\n".utf8)
    files["sys/devices/system/node/node\(node)/meminfo"] = Data("Node \(node) MemTotal: 1048576 kB\n".utf8)
  }
  FuzzInput.snapshot(files, nodes: Array(rows.indices))
  return 0
}
