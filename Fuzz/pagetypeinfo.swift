import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// `/proc/pagetypeinfo` and `/proc/buddyinfo` (sections split at a `--` line; one section: no
/// buddyinfo), written to a sysroot and read as `simulate` reads them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPagetypeinfo(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: 2)
  FuzzInput.write(sections[0], to: "proc/pagetypeinfo")
  FuzzInput.write(sections.count > 1 ? sections[1] : nil, to: "proc/buddyinfo")
  do { _ = try SimulationSetup.pageTypeInfo(FuzzInput.folder) } catch {
    FuzzInput.check(error, files: ["proc/pagetypeinfo": sections[0], "proc/buddyinfo": sections.count > 1 ? sections[1] : Data()])
  }
  return 0
}
