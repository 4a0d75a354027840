import Foundation
import ZonelistCore
import ZonelistHarness

/// A sysroot archive (`--sysroot snapshot.tar`) once decompressed: `TarArchive` reads the
/// entries with limits a little above this target's inputs (64 entries, 1 MiB), as
/// `SysrootArchive.root(of:)` does with its own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchive(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = [UInt8](UnsafeBufferPointer(start: bytes, count: count))
  do {
    let tar = try TarArchive(bytes: data, file: "snapshot.tar", limits: TarArchive.Limits(totalBytes: 1 << 20, entries: 64))
    // What the archive reader promises before anything is written: no entry, and no link,
    // leads out of the folder it is unpacked in.
    for entry in tar.entries {
      if entry.path.hasPrefix("/") || entry.path.split(separator: "/").contains("..") {
        fatalError("an entry outside the folder: \(entry.path)")
      }
      if case .symbolicLink(let target) = entry.kind {
        let parent = entry.path.split(separator: "/").dropLast().joined(separator: "/")
        if target.hasPrefix("/") || TarArchive.normalized(parent.isEmpty ? target : parent + "/" + target) == nil {
          fatalError("a link out of the folder: \(entry.path) -> \(target)")
        }
      }
    }
  } catch {
    FuzzInput.check(error)
  }
  return 0
}
