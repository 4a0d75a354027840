import Foundation
import ZonelistCore
@testable import ZonelistHarness

/// The settings files read beside a snapshot: the `vm` sysctls under `proc/sys/vm`, the
/// `zonelist-dma-reserve` file and the weighted-interleave weights of nodes 0 and 1. Sections
/// split at `--` lines, in the order of `VMTunables.Name`, then the dma_reserve, then the two
/// weights (a missing section: no file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTunables(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let weights = "sys/kernel/mm/mempolicy/weighted_interleave"
  let names = VMTunables.Name.allCases.map { "proc/sys/vm/\($0.rawValue)" } + [ModelInput.dmaReserveFile]
    + ["\(weights)/node0", "\(weights)/node1"]
  let sections = FuzzInput.sections(FuzzInput.data(bytes, count), limit: names.count)
  var files: [String: Data] = [:]
  for (index, name) in names.enumerated() {
    files[name] = index < sections.count ? sections[index] : nil
    FuzzInput.write(files[name], to: name)
  }
  do { _ = try Sysroot.tunables(FuzzInput.folder, zoneTypes: [.dma, .dma32, .normal, .movable]) } catch let error as ImportError {
    FuzzInput.check(error, files: files)
  } catch {}
  do { _ = try ModelInput.dmaReserve(root: FuzzInput.folder) } catch let error as ImportError {
    FuzzInput.check(error, files: files)
  } catch {}
  do { _ = try SimulationSetup.interleaveWeights(FuzzInput.folder, nodes: [0, 1]) } catch {
    FuzzInput.check(error, files: files)
  }
  return 0
}
