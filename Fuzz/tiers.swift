import Foundation
import ZonelistCore
import ZonelistHarness

/// The memory-tiering files `zonelist tiers` reads from a sysroot, on a machine of three nodes
/// with memory (CPUs on node 0): sections split at `--` lines are node 0's, 1's and 2's
/// `access1/initiators/{read_latency,write_latency,read_bandwidth,write_bandwidth}` (12),
/// `demotion_enabled`, the `nodelist` of `memory_tier4` and `memory_tier5`, then `dax0.0`'s
/// `target_node` and `driver`, and the snapshot's `dax-devices` file. A missing section or one
/// holding just the byte 0x7F is a missing file; a node's `access1` exists when one of its
/// figures does. The files are held in memory (`SysrootFiles.memory`), read as from the disk.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTiers(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 18)
  func section(_ index: Int) -> Data? {
    index < sections.count && sections[index] != Data([0x7F]) ? sections[index] : nil
  }
  let input = machine
  var files: [String: Data] = [:]
  for node in 0..<3 {
    for (index, figure) in TierSnapshot.Path.figureNames.enumerated() {
      if let text = section(node * 4 + index) { files[TierSnapshot.Path.figure(node: node, access: 1, figure)] = text }
    }
  }
  files[TierSnapshot.Path.demotionEnabled] = section(12)
  files[TierSnapshot.Path.tierNodelist(4)] = section(13)
  files[TierSnapshot.Path.tierNodelist(5)] = section(14)
  files["\(TierSnapshot.Path.daxDevices)/dax0.0/target_node"] = section(15)
  files["\(TierSnapshot.Path.daxDevices)/dax0.0/driver"] = section(16)
  files[Sysroot.daxDevicesFile] = section(17)
  do { _ = try TiersRun(input: input, files: .memory(files, root: "fuzz")) } catch let error as ImportError {
    FuzzInput.check(error, files: files)
  } catch {}
  return 0
}

/// The machine, read once from sysfs files written under the fuzz folder.
private let machine: ModelInput = {
  let node = "sys/devices/system/node"
  var files = ["\(node)/online": "0-2\n", "\(node)/possible": "0-2\n", "sys/devices/system/cpu/online": "0-1\n"]
  for id in 0..<3 {
    files["\(node)/node\(id)/cpulist"] = id == 0 ? "0-1\n" : "\n"
    files["\(node)/node\(id)/distance"] = ["10 20 30\n", "20 10 30\n", "30 30 10\n"][id]
    files["\(node)/node\(id)/meminfo"] = "Node \(id) MemTotal:        1048576 kB\n"
  }
  for (path, text) in files { FuzzInput.write(Data(text.utf8), to: path) }
  guard let input = try? ModelInput.load(sysroot: FuzzInput.folder, topologyFile: nil, kernel: "6.12") else { fatalError("fuzz machine") }
  return input
}()
