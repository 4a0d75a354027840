import Foundation
import ZonelistCore
import ZonelistHarness

/// A `--topology` file (YAML or JSON), loaded as every command loads it: parsed, its kernel
/// profile resolved and its topology laid out.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTopology(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = FuzzInput.data(bytes, count)
  let path = FuzzInput.write(text, to: "topology.yaml")
  do { _ = try ModelInput.load(sysroot: nil, topologyFile: path, kernel: "6.12") } catch let error as ImportError {
    FuzzInput.check(error, files: ["topology.yaml": text])
  } catch {}
  return 0
}
