import Foundation
public import ZonelistCore

/// Reads a machine from a root directory: `/` for the live machine, or a snapshot folder.
///
/// Only reads, never writes; reads just the files ``SystemSnapshot/Path`` names and each
/// `nodeN/{distance,cpulist,meminfo}`.
public enum Sysroot {
  public static func read(_ root: String) throws(ImportError) -> SystemSnapshot {
    let base = URL(fileURLWithPath: root, isDirectory: true)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ImportError(file: root, line: 0, text: "", expected: "a directory (a sysroot like / or a snapshot folder)")
    }
    let nodeRoot = base.appendingPathComponent(SystemSnapshot.Path.nodeRoot).path
    guard FileManager.default.fileExists(atPath: nodeRoot) else {
      throw ImportError(
        file: nodeRoot, line: 0, text: "",
        expected: "the sysfs node tree (a kernel without CONFIG_NUMA, or not a sysroot)")
    }
    var directories: [Int] = []
    for name in (try? FileManager.default.contentsOfDirectory(atPath: nodeRoot)) ?? [] where name.hasPrefix("node") {
      if let id = Int(name.dropFirst(4)) { directories.append(id) }
    }
    var paths = [
      SystemSnapshot.Path.possible, SystemSnapshot.Path.online, SystemSnapshot.Path.hasCPU,
      SystemSnapshot.Path.hasMemory, SystemSnapshot.Path.hasNormalMemory, SystemSnapshot.Path.cpuPossible,
      SystemSnapshot.Path.cpuOnline, SystemSnapshot.Path.zoneinfo, SystemSnapshot.Path.version,
      SystemSnapshot.Path.cmdline,
    ]
    for id in directories {
      for file in SystemSnapshot.Path.nodeFiles { paths.append(SystemSnapshot.Path.node(id, file)) }
    }
    var files: [String: String] = [:]
    for path in paths {
      let url = base.appendingPathComponent(path)
      guard let data = FileManager.default.contents(atPath: url.path) else { continue }
      guard let text = String(data: data, encoding: .utf8) else {
        throw ImportError(file: url.path, line: 0, text: "", expected: "UTF-8 text")
      }
      files[path] = text
    }
    return try SystemSnapshot(files: files, nodeDirectories: directories, root: root)
  }
}
