import Foundation
public import ZonelistCore

/// A read-only snapshot of a machine: the files of ``SnapshotManifest`` under a root, the
/// dax devices' links, the kernel's zonelist and demotion lines, and what could not be read.
///
/// Taking it only lists directories and opens files for reading; nothing under the root is
/// ever written. The folder it writes is a sysroot every command reads (`--sysroot DIR`).
public struct LiveSnapshot: Sendable {
  /// File contents by path relative to the root.
  public var files: [String: Data] = [:]
  /// Files that exist but could not be read, with the reason, by relative path.
  public var unreadable: [String: String] = [:]
  /// The kept kernel log lines (``SnapshotManifest/keepsKernelLogLine(_:)``); nil when unreadable.
  public var kernelLog: String?

  /// Where the kernel log comes from.
  public enum KernelLogSource: Sendable {
    /// The running kernel's, through the `dmesg` program (the live machine).
    case dmesg
    /// A file holding a log (a snapshot of a snapshot: its `dmesg`).
    case file(String)
  }

  /// Takes the snapshot of `root`: `/` for the live machine (its log from `dmesg`), or any
  /// folder laid out like one (its log from its own `dmesg` file).
  ///
  /// - Parameter read: Reads one file (absolute path); tests pass one that refuses some
  ///   files, as the kernel refuses `pagetypeinfo` to users other than root.
  public init(
    root: String = "/", kernelLog source: KernelLogSource? = nil,
    read: (String) -> Result<Data, Unreadable> = LiveSnapshot.read
  ) {
    let base = root.hasSuffix("/") ? root : root + "/"
    let manager = FileManager.default
    for entry in SnapshotManifest.entries {
      for path in LiveSnapshot.expand(entry.pattern, base: base) {
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: base + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
        switch read(base + path) {
        case .success(let data): files[path] = data
        case .failure(let reason): unreadable[path] = reason.description
        }
      }
    }
    let daxLinks = LiveSnapshot.daxLinks(base: base)
    if !daxLinks.isEmpty { files[SnapshotManifest.daxLinksFile] = Data(daxLinks.utf8) }
    let logSource = source ?? (root == "/" ? .dmesg : .file(base + SnapshotManifest.kernelLogFile))
    switch LiveSnapshot.kernelLog(logSource) {
    case .success(let log):
      let kept = log.split(separator: "\n").filter { SnapshotManifest.keepsKernelLogLine(String($0)) }
      kernelLog = kept.map { $0 + "\n" }.joined()
      if !kept.contains(where: { KernelLog.isZonelistLine(KernelLog.strippingTimestamp(String($0))) }) {
        unreadable[SnapshotManifest.kernelLogFile] =
          "the kernel log holds no zonelist build line (the ring buffer may have wrapped since boot)"
      }
    case .failure(let reason):
      unreadable[SnapshotManifest.kernelLogFile] = reason.description
    }
  }

  /// The relative paths under `base` that match `pattern`, sorted.
  static func expand(_ pattern: String, base: String) -> [String] {
    var paths = [""]
    for component in pattern.split(separator: "/").map(String.init) {
      let literal = !component.contains(where: { "*?[".contains($0) })
      paths = paths.flatMap { prefix -> [String] in
        let joined = { (name: String) in prefix.isEmpty ? name : prefix + "/" + name }
        if literal { return [joined(component)] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base + prefix)) ?? []
        return names.filter { SnapshotManifest.matches($0, component: component) }.sorted().map(joined)
      }
    }
    return paths
  }

  /// Reads a file whole, or says why not (permission, a read error).
  public static func read(_ path: String) -> Result<Data, Unreadable> {
    guard FileManager.default.isReadableFile(atPath: path) else {
      return .failure(Unreadable("permission denied (readable only by root)"))
    }
    guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(Unreadable("cannot be opened")) }
    defer { try? handle.close() }
    do {
      return .success(try handle.readToEnd() ?? Data())
    } catch {
      return .failure(Unreadable("read failed: \(error.localizedDescription)"))
    }
  }

  /// A reason a file could not be read.
  public struct Unreadable: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
  }

  /// The `dax-devices` lines: each device's link and its driver link.
  static func daxLinks(base: String) -> String {
    let directory = base + TierSnapshot.Path.daxDevices
    let manager = FileManager.default
    var lines = ""
    for name in ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
      let link = (try? manager.destinationOfSymbolicLink(atPath: directory + "/" + name)) ?? ""
      let driver = (try? manager.destinationOfSymbolicLink(atPath: directory + "/" + name + "/driver")) ?? ""
      lines += "\(name) -> \(link) driver: \(driver)\n"
    }
    return lines
  }

  static func kernelLog(_ source: KernelLogSource) -> Result<String, Unreadable> {
    switch source {
    case .file(let path):
      guard let data = FileBytes.read(path) else { return .failure(Unreadable("no kernel log in the root")) }
      return .success(String(decoding: data, as: UTF8.self))
    case .dmesg:
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["dmesg"]
      let output = Pipe()
      let errors = Pipe()
      process.standardOutput = output
      process.standardError = errors
      do { try process.run() } catch { return .failure(Unreadable("cannot run dmesg: \(error.localizedDescription)")) }
      let data = output.fileHandleForReading.readDataToEndOfFile()
      let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      guard process.terminationStatus == 0 else {
        let why = message.trimmingCharacters(in: .whitespacesAndNewlines)
        return .failure(Unreadable("dmesg failed (\(why.isEmpty ? "exit \(process.terminationStatus)" : why); kernel.dmesg_restrict lets only root read the log)"))
      }
      return .success(String(decoding: data, as: UTF8.self))
    }
  }
}

extension LiveSnapshot {
  /// The paths a snapshot folder's `zonelist-unreadable` lists (empty without that file).
  public static func recordedUnreadable(root: String) -> Set<String> {
    let path = URL(fileURLWithPath: root).appendingPathComponent(SnapshotManifest.unreadableFile).path
    guard let data = FileBytes.read(path) else { return [] }
    return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { $0.split(separator: ":").first.map(String.init) })
  }

  /// Writes the snapshot folder, which must not exist yet: the files, `dmesg` (the kept
  /// lines) and `zonelist-unreadable` (what could not be read and why).
  public func write(to directory: String) throws {
    let manager = FileManager.default
    guard !manager.fileExists(atPath: directory) else { throw HarnessError("\(directory) exists already: choose a new folder") }
    let base = URL(fileURLWithPath: directory, isDirectory: true)
    try manager.createDirectory(at: base, withIntermediateDirectories: true)
    var all = files
    if let kernelLog { all[SnapshotManifest.kernelLogFile] = Data(kernelLog.utf8) }
    if !unreadable.isEmpty {
      let lines = unreadable.keys.sorted().map { "\($0): \(unreadable[$0] ?? "")\n" }.joined()
      all[SnapshotManifest.unreadableFile] = Data(lines.utf8)
    }
    for (path, data) in all {
      let url = base.appendingPathComponent(path)
      try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    }
  }

  /// Writes the snapshot as a gzip'd tar archive whose one top folder is the archive's name
  /// without `.tar.gz` (as `hwloc-gather-topology` does).
  public func writeArchive(to path: String) throws {
    guard !FileManager.default.fileExists(atPath: path) else { throw HarnessError("\(path) exists already: choose a new name") }
    let name = URL(fileURLWithPath: path).lastPathComponent
    let top = String(name.dropLast(name.hasSuffix(".tar.gz") ? 7 : name.hasSuffix(".tgz") ? 4 : 0))
    let staging = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-snapshot-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: staging) }
    try write(to: staging.appendingPathComponent(top).path)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tar", "-czf", URL(fileURLWithPath: path).path, "-C", staging.path, top]
    do { try process.run() } catch { throw HarnessError("cannot run tar to write \(path): \(error.localizedDescription)") }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw HarnessError("tar -czf \(path) failed (exit \(process.terminationStatus))") }
  }
}
