import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// A `--topology` file (YAML or JSON), loaded as every command loads it: parsed, its kernel
/// profile resolved and its topology laid out. Wherever the libyaml event composer takes the
/// text, Yams must compose the same tree (the composer's reference), with or without flow
/// sequences of integers read straight from the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTopology(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = FuzzInput.data(bytes, count)
  let path = FuzzInput.write(text, to: "topology.yaml")
  do { _ = try ModelInput.load(sysroot: nil, topologyFile: path, kernel: "6.12") } catch let error as ImportError {
    FuzzInput.check(error, files: ["topology.yaml": text])
  } catch {}
  guard let string = String(data: text, encoding: .utf8) else { return 0 }
  // With runs of integers read from the bytes (every run, however short, and the default),
  // and without: the same tree as Yams, or none.
  let trees = [1, YAMLComposer.minimumRun, .max].map { YAMLComposer.compose(string, minimumRun: $0) }
  if trees[0] != trees[2] || trees[1] != trees[2] {
    fatalError("YAMLComposer composes different trees with and without runs of integers")
  }
  if let tree = trees[2], tree != YAMLComposer.reference(string) {
    fatalError("YAMLComposer and Yams compose different trees")
  }
  return 0
}
