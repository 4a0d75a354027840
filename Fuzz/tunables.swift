import Foundation
@testable import ZonelistHarness
import ZonelistCore

/// The `vm` sysctls under `proc/sys/vm` and the `zonelist-dma-reserve` file: sections split
/// at `--` lines, in the order of `VMTunables.Name` then the dma_reserve (a missing section: no file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTunables(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let names = VMTunables.Name.allCases.map { "proc/sys/vm/\($0.rawValue)" } + [ModelInput.dmaReserveFile]
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
  return 0
}
