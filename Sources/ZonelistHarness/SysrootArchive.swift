import Foundation
public import ZonelistCore

/// `--sysroot FILE.tar[.gz|.bz2|.xz]`: a sysroot in an archive (what `hwloc-gather-topology`
/// and `zonelist snapshot` write), unpacked into a private temporary folder.
///
/// The archive is decompressed by the system's `gzip`, `bzip2` or `xz` (read at most
/// ``TarArchive/Limits/totalBytes`` and a little more, then stopped), its entries checked by
/// ``TarArchive`` before anything is written (no absolute paths, no `..`, no links out, no
/// device files, bounded size and count), and written with this process's own calls under
/// the temporary folder only. The folders are removed when the process exits.
public enum SysrootArchive {
  /// Whether `path` names an archive rather than a folder.
  public static func isArchive(_ path: String) -> Bool {
    [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz"].contains { path.hasSuffix($0) }
  }

  nonisolated(unsafe) static var unpacked: [String: String] = [:]
  nonisolated(unsafe) static var temporaries: [String] = []
  static let lock = NSLock()

  /// The sysroot folder inside the unpacked archive (the archive's one top folder when it has
  /// one and no `sys/` or `proc/` of its own), unpacked once per process.
  public static func root(of archive: String, limits: TarArchive.Limits = TarArchive.Limits()) throws -> String {
    lock.lock()
    defer { lock.unlock() }
    if let done = unpacked[archive] { return done }
    guard FileManager.default.isReadableFile(atPath: archive) else {
      throw ImportError(file: archive, line: 0, text: "", expected: "a readable archive (.tar, .tar.gz, .tar.bz2 or .tar.xz)")
    }
    let bytes = try decompressed(archive, limit: limits.totalBytes + (limits.totalBytes >> 2) + 10 << 20)
    let tar = try TarArchive(bytes: bytes, file: archive, limits: limits)
    let folder = try temporaryFolder()
    try write(tar, into: folder, archive: archive)
    var root = folder
    let top = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    if top.count == 1, !["sys", "proc"].contains(top[0]) {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder + "/" + top[0], isDirectory: &isDirectory), isDirectory.boolValue {
        root = folder + "/" + top[0]
      }
    }
    unpacked[archive] = root
    return root
  }

  static func decompressed(_ archive: String, limit: Int) throws -> [UInt8] {
    let tool: String? =
      archive.hasSuffix(".gz") || archive.hasSuffix(".tgz") ? "gzip"
      : archive.hasSuffix(".bz2") || archive.hasSuffix(".tbz2") ? "bzip2"
      : archive.hasSuffix(".xz") || archive.hasSuffix(".txz") ? "xz" : nil
    guard let tool else {
      guard let data = FileBytes.read(archive) else {
        throw ImportError(file: archive, line: 0, text: "", expected: "a readable archive")
      }
      guard data.count <= limit else { throw ImportError(file: archive, line: 0, text: "", expected: "an archive of at most \(limit >> 20) MiB") }
      return [UInt8](data)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool, "-dc", archive]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw HarnessError("cannot start \(tool) to unpack \(archive): \(error.localizedDescription)")
    }
    var bytes: [UInt8] = []
    let reader = output.fileHandleForReading
    while true {
      let chunk = reader.availableData
      if chunk.isEmpty { break }
      bytes += chunk
      if bytes.count > limit {
        process.terminate()
        process.waitUntilExit()
        throw ImportError(
          file: archive, line: 0, text: "",
          expected: "an archive unpacking to at most \(limit >> 20) MiB (it goes on past that: refused as a tarball bomb)")
      }
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ImportError(file: archive, line: 0, text: "", expected: "a \(tool)-compressed archive (\(tool) -dc failed with status \(process.terminationStatus))")
    }
    return bytes
  }

  static func temporaryFolder() throws -> String {
    var template = Array((NSTemporaryDirectory() + "/zonelist-sysroot-XXXXXX").utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw HarnessError("cannot make a temporary folder to unpack the sysroot")
    }
    let path = String(cString: made)
    if temporaries.isEmpty { atexit { SysrootArchive.removeTemporaries() } }
    temporaries.append(path)
    return path
  }

  static func removeTemporaries() {
    for folder in temporaries { try? FileManager.default.removeItem(atPath: folder) }
    temporaries = []
  }

  /// Writes the checked entries under `folder`, never following a link the archive made.
  static func write(_ tar: TarArchive, into folder: String, archive: String) throws {
    let files = FileManager.default
    func fail(_ entry: TarArchive.Entry, _ error: any Error) -> ImportError {
      ImportError(file: archive, line: 0, text: "entry '\(entry.path)'", expected: "an entry that can be written under a fresh folder (\(error.localizedDescription))")
    }
    var links: Set<String> = []
    for entry in tar.entries {
      let path = folder + "/" + entry.path
      // A path through a link the archive made could lead out: refused.
      let parents = entry.path.split(separator: "/").dropLast()
      for count in parents.indices.map({ $0 + 1 }) where links.contains(parents.prefix(count).joined(separator: "/")) {
        throw ImportError(file: archive, line: 0, text: "entry '\(entry.path)'", expected: "entries that do not go through a symbolic link of the archive")
      }
      do {
        switch entry.kind {
        case .directory:
          if entry.path != "." { try files.createDirectory(atPath: path, withIntermediateDirectories: true) }
        case .file:
          try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
          if links.contains(entry.path) { try files.removeItem(atPath: path) }
          guard files.createFile(atPath: path, contents: Data(entry.contents)) else { throw HarnessError("cannot write \(path)") }
        case .symbolicLink(let target):
          try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
          try? files.removeItem(atPath: path)
          try files.createSymbolicLink(atPath: path, withDestinationPath: target)
          links.insert(entry.path)
        case .hardLink(let target):
          try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
          let contents = tar.entries.last { $0.path == target && $0.kind == .file }?.contents ?? []
          guard files.createFile(atPath: path, contents: Data(contents)) else { throw HarnessError("cannot write \(path)") }
        }
      } catch let error as ImportError {
        throw error
      } catch {
        throw fail(entry, error)
      }
    }
  }
}
