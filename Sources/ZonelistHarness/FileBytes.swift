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
/// `open`/`read` until end of file, so size-0 files read whole and nothing is kept: four system
/// calls per file (`open`, a `read` of the text, the `read` that finds the end, `close`).
public enum FileBytes {
  /// The bytes of the file at `path`, or nil when it is missing, unreadable or a folder.
  public static func read(_ path: String) -> Data? { bytes(path).map { Data($0) } }

  /// The bytes of the file at `path`, or nil when it is missing, unreadable or a folder
  /// (whose `read` fails with `EISDIR`).
  public static func bytes(_ path: String) -> [UInt8]? {
    var reader = Reader()
    return reader.bytes(path)
  }

  /// Reads many files through one buffer, each file's bytes copied out once at their size.
  public struct Reader {
    private var scratch = [UInt8](repeating: 0, count: 16384)

    public init() {}

    /// As ``FileBytes/bytes(_:)``.
    public mutating func bytes(_ path: String) -> [UInt8]? {
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      var count = 0
      while true {
        if count == scratch.count { scratch.append(contentsOf: repeatElement(0, count: scratch.count)) }
        let room = scratch.count - count
        let got = scratch.withUnsafeMutableBufferPointer { systemRead(descriptor, $0.baseAddress! + count, room) }
        if got < 0 {
          if errno == EINTR { continue }
          return nil
        }
        if got == 0 { return Array(scratch[..<count]) }
        count += got
      }
    }
  }
}
