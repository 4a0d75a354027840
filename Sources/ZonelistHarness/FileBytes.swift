import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Musl)
private let systemRead = Musl.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Reads whole files, the one way every reader here opens a file.
///
/// `FileManager.contents(atPath:)` (FoundationEssentials in Swift 6.3.1) leaks a 4 KiB buffer on
/// every file whose `stat` size is 0: every `/proc` file (`zoneinfo`, `meminfo`, `buddyinfo`,
/// `vmstat`, the `vm` sysctls) and every empty file. Measured: 20,000 reads of an empty file keep
/// 80 MB; the tunables fuzz target ran out of memory on it after 310,642 reads. This reads with
/// `open`/`read` until end of file, so size-0 files read whole and nothing is kept.
public enum FileBytes {
  /// The bytes of the file at `path`, or nil when it is missing, unreadable or a folder.
  public static func read(_ path: String) -> Data? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR else { return nil }
    var bytes = [UInt8]()
    var chunk = max(4096, Int(clamping: status.st_size) + 1)
    while true {
      let start = bytes.count
      bytes.append(contentsOf: repeatElement(0, count: chunk))
      let got = bytes.withUnsafeMutableBufferPointer { buffer in
        systemRead(descriptor, buffer.baseAddress! + start, chunk)
      }
      if got < 0 {
        if errno == EINTR { bytes.removeLast(chunk); continue }
        return nil
      }
      bytes.removeLast(chunk - got)
      if got == 0 { return Data(bytes) }
      chunk = max(chunk, 65536)
    }
  }
}
