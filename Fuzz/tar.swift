import Foundation
import ZonelistCore
import ZonelistHarness

/// `--sysroot FILE.tar`: the bytes as an uncompressed archive, checked entry by entry with small
/// limits (a bomb must be refused, never held).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = [UInt8](FuzzInput.data(bytes, count))
  guard let archive = try? TarArchive(bytes: data, file: "input.tar", limits: .init(totalBytes: 1 << 20, entries: 1000)) else { return 0 }
  for entry in archive.entries { precondition(TarArchive.normalized(entry.path) != nil, "an entry escaped: \(entry.path)") }
  return 0
}
