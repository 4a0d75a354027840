import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// A `--workload` file (YAML or JSON) for `simulate`, on a machine of three nodes (CPUs 0-3 on
/// node 0, 4-7 on node 1, node 2 memory only), handed over as `WorkloadFile.load(path:…)` hands it after reading.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkload(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = FuzzInput.data(bytes, count)
  do { _ = try WorkloadFile.load(contents: text, file: "workload.yaml", topology: machine.topology, profile: machine.profile) } catch {
    FuzzInput.check(error, files: ["workload.yaml": text])
  }
  return 0
}

private let machine: ModelInput = {
  let topology = """
    nodes:
      - {id: 0, cpus: 0-3, memory: 2G}
      - {id: 1, cpus: 4-7, memory: 2G}
      - {id: 2, memory: 1G}
    """
  let path = FuzzInput.write(Data(topology.utf8), to: "machine.yaml")
  guard let input = try? ModelInput.load(sysroot: nil, topologyFile: path, kernel: "6.12") else { fatalError("fuzz machine") }
  return input
}()
