import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// A `--topology` file (YAML or JSON), loaded as every command loads it: parsed, its kernel
/// profile resolved and its topology laid out. Wherever the libyaml event composer takes the
/// text, Yams must compose the same tree (the composer's reference).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTopology(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = FuzzInput.data(bytes, count)
  let path = FuzzInput.write(text, to: "topology.yaml")
  do { _ = try ModelInput.load(sysroot: nil, topologyFile: path, kernel: "6.12") } catch let error as ImportError {
    FuzzInput.check(error, files: ["topology.yaml": text])
  } catch {}
  if let string = String(data: text, encoding: .utf8), let tree = YAMLComposer.compose(string), tree != YAMLComposer.reference(string) {
    fatalError("YAMLComposer and Yams compose different trees")
  }
  return 0
}
