import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// `/proc/pagetypeinfo` and `/proc/buddyinfo` (sections split at a `--` line; one section: no
/// buddyinfo), handed over as `simulate` hands them after reading them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPagetypeinfo(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 2)
  let buddyinfo = sections.count > 1 ? sections[1] : nil
  do { _ = try SimulationSetup.pageTypeInfo(contents: sections[0], buddyinfo: buddyinfo, root: "fuzz") } catch {
    FuzzInput.check(error, files: ["proc/pagetypeinfo": sections[0], "proc/buddyinfo": buddyinfo ?? Data()])
  }
  return 0
}
