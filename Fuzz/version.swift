import Foundation
import ZonelistCore
import ZonelistHarness

/// `/proc/version` and `/proc/cmdline`: two sections split at a `--` line; the release then
/// picks the kernel profile, as the CLI does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersion(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 2)
  var files = FuzzInput.twoNodes
  files["proc/version"] = sections[0]
  if sections.count > 1 { files["proc/cmdline"] = sections[1] }
  guard let snapshot = FuzzInput.snapshot(files, nodes: [0, 1]) else { return 0 }
  _ = try? ModelInput.resolveProfile(kernel: nil, fromInput: snapshot.kernelRelease, inputName: "fuzz/proc/version")
  return 0
}
