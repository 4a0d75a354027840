import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// `/proc/buddyinfo`, as read to resolve the counts `/proc/pagetypeinfo` caps at `>100000`
/// (here in every zone of nodes 0 and 1). The pagetypeinfo is the same for every input; its CMA
/// and Isolate rows, which buddyinfo does not enter, are left out (the parse of this fixed file
/// cost most of a run).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBuddyinfo(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let buddyinfo = FuzzInput.data(bytes, count)
  do { _ = try SimulationSetup.pageTypeInfo(contents: pageTypeInfo, buddyinfo: buddyinfo, root: "fuzz") } catch {
    FuzzInput.check(error, files: ["proc/buddyinfo": buddyinfo])
  }
  return 0
}

private let pageTypeInfo: Data = {
  var text = "Page block order: 9\nPages per block:  512\n\nFree pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
  let zones = [(0, "DMA"), (0, "DMA32"), (0, "Normal"), (1, "Normal"), (1, "Movable")]
  for (node, zone) in zones {
    for type in ["Unmovable", "Movable", "Reclaimable", "HighAtomic"] {
      let counts = type == "Movable" ? ">100000 " + String(repeating: "     1 ", count: 10) : String(repeating: "     0 ", count: 11)
      text += "Node    \(node), zone \(zone), type \(type) \(counts)\n"
    }
  }
  text += "\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n"
  for (node, zone) in zones { text += "Node \(node), zone \(zone)            1            7            0            0 \n" }
  return Data(text.utf8)
}()
