import Foundation
import Synchronization
public import ZonelistCore

/// Reads a machine from a root directory: `/` for the live machine, or a snapshot folder.
///
/// Only reads, never writes; reads just the files ``SystemSnapshot/Path`` names, each
/// `nodeN/{distance,cpulist,cpumap,meminfo}`, and lists the `nodeN` and `cpuN` directories.
/// A root without the sysfs node tree (a kernel without `CONFIG_NUMA`) reads as one node.
public enum Sysroot {
  public static func read(_ root: String) throws(ImportError) -> SystemSnapshot {
    let base = URL(fileURLWithPath: root, isDirectory: true)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ImportError(file: root, line: 0, text: "", expected: "a directory (a sysroot like / or a snapshot folder)")
    }
    guard ["sys", "proc"].contains(where: { FileManager.default.fileExists(atPath: base.appendingPathComponent($0).path) })
    else {
      throw ImportError(file: root, line: 0, text: "", expected: "a sysroot (a folder holding sys/ or proc/, like / or a snapshot folder)")
    }
    func numbered(_ directory: String, prefix: String) -> [Int] {
      let path = base.appendingPathComponent(directory).path
      var ids: [Int] = []
      for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name.hasPrefix(prefix) {
        let digits = name.dropFirst(prefix.count)
        if !digits.isEmpty, digits.allSatisfy(\.isASCII), let id = Int(digits) { ids.append(id) }
      }
      return ids.sorted()
    }
    let directories = numbered(SystemSnapshot.Path.nodeRoot, prefix: "node")
    let cpuDirectories = numbered(SystemSnapshot.Path.cpuRoot, prefix: "cpu")
    let files = readFiles(root, nodeDirectories: directories)
    return try snapshot(bytes: files, nodeDirectories: directories, cpuDirectories: cpuDirectories, root: root)
  }

  /// The bytes of the files ``SystemSnapshot`` uses, by relative path: the node lists, the CPU
  /// lists, `zoneinfo`, `version`, `cmdline`, and each node's `distance` and `cpulist`; a node's
  /// `cpumap` only where its `cpulist` is missing, the nodes' `meminfo` only without `zoneinfo`,
  /// and `proc/meminfo` only without the node tree (the snapshot reads them in no other case).
  ///
  /// Paths are joined as text (a `URL` would `stat` every file to decide on a trailing slash).
  /// The node folders are read by two threads, each half of them (thousands of files on a
  /// large machine, four system calls each): which files are read does not depend on it.
  static func readFiles(_ root: String, nodeDirectories: [Int]) -> [String: [UInt8]] {
    typealias Path = SystemSnapshot.Path
    let prefix = root.hasSuffix("/") ? root : root + "/"
    var files = FileSet(prefix: prefix)
    for path in Path.nodeTreeFiles + [Path.cpuPossible, Path.cpuOnline, Path.zoneinfo, Path.version, Path.cmdline] {
      _ = files.read(path)
    }
    if nodeDirectories.isEmpty && !Path.nodeTreeFiles.contains(where: { files.bytes[$0] != nil }) { _ = files.read(Path.meminfo) }
    let hasZoneinfo = files.bytes[Path.zoneinfo] != nil
    let halves = nodeDirectories.count < 64 ? [nodeDirectories[...]] : [
      nodeDirectories[..<(nodeDirectories.count / 2)], nodeDirectories[(nodeDirectories.count / 2)...],
    ]
    let read = Mutex<[[String: [UInt8]]]>([])
    DispatchQueue.concurrentPerform(iterations: halves.count) { half in
      var node = FileSet(prefix: prefix)
      node.readNodes(halves[half], meminfo: !hasZoneinfo)
      read.withLock { $0.append(node.bytes) }
    }
    for bytes in read.withLock({ $0 }) { files.bytes.merge(bytes) { first, _ in first } }
    return files.bytes
  }

  /// Files read through one buffer, by relative path.
  private struct FileSet {
    let prefix: String
    var reader = FileBytes.Reader()
    var bytes: [String: [UInt8]] = [:]

    init(prefix: String) { self.prefix = prefix }

    /// Reads `path` if it can be read; whether it was.
    mutating func read(_ path: String) -> Bool {
      guard let read = reader.bytes(prefix + path) else { return false }
      bytes[path] = read
      return true
    }

    /// Each node's `distance`, `cpulist` (else `cpumap`) and, when asked, `meminfo`.
    mutating func readNodes(_ ids: ArraySlice<Int>, meminfo: Bool) {
      bytes.reserveCapacity(2 * ids.count)
      for id in ids {
        let node = "\(SystemSnapshot.Path.nodeRoot)/node\(id)/"
        _ = read(node + "distance")
        if !read(node + "cpulist") { _ = read(node + "cpumap") }
        if meminfo { _ = read(node + "meminfo") }
      }
    }
  }

  /// Reads a machine from the bytes of its files (by path relative to `root`), as ``read(_:)``
  /// does once it has listed the directories and read the files; the fuzz targets start here.
  public static func snapshot(
    contents: [String: Data], nodeDirectories: [Int], cpuDirectories: [Int], root: String
  ) throws(ImportError) -> SystemSnapshot {
    try snapshot(bytes: contents.mapValues { [UInt8]($0) }, nodeDirectories: nodeDirectories, cpuDirectories: cpuDirectories, root: root)
  }

  /// As ``snapshot(contents:nodeDirectories:cpuDirectories:root:)``, from byte arrays.
  static func snapshot(
    bytes: [String: [UInt8]], nodeDirectories: [Int], cpuDirectories: [Int], root: String
  ) throws(ImportError) -> SystemSnapshot {
    // The first file that is not UTF-8 in path order, as the error names one file.
    for path in bytes.keys.sorted() where KernelText(validating: bytes[path]!) == nil {
      throw ImportError(file: root.hasSuffix("/") ? root + path : root + "/" + path, line: 0, text: "", expected: "UTF-8 text")
    }
    return try SystemSnapshot(bytes: bytes, nodeDirectories: nodeDirectories, cpuDirectories: cpuDirectories, root: root)
  }
}

extension Sysroot {
  /// The text of the file at `path`, which exists: a located error if it cannot be read or is not UTF-8.
  static func text(_ path: String) throws(ImportError) -> String {
    guard let data = FileBytes.read(path) else {
      throw ImportError(file: path, line: 0, text: "", expected: "a readable file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ImportError(file: path, line: 0, text: "", expected: "UTF-8 text")
    }
    return text
  }

  /// Reads the `vm` sysctls present under `root/proc/sys/vm` (settings, not computed fields).
  ///
  /// - Returns: The tunables, and the names that were found.
  public static func tunables(_ root: String, zoneTypes: [ZoneType]) throws -> (VMTunables, [String]) {
    var tunables = VMTunables()
    var found: [String] = []
    let base = URL(fileURLWithPath: root).appendingPathComponent("proc/sys/vm")
    for name in VMTunables.Name.allCases {
      let path = base.appendingPathComponent(name.rawValue).path
      guard FileManager.default.fileExists(atPath: path) else { continue }
      let text = try Sysroot.text(path).trimmingCharacters(in: .whitespacesAndNewlines)
      if text.isEmpty { continue }  // an empty copy says nothing: treated as missing
      do {
        try tunables.set("\(name.rawValue)=\(text)", zoneTypes: zoneTypes)
      } catch {
        throw ImportError(file: path, line: 1, text: text, expected: "\(error)")
      }
      found.append(name.rawValue)
    }
    return (tunables, found)
  }
}
