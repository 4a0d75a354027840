import Foundation
public import ZonelistCore

/// The files of a sysroot as a reader sees them: listed, read and followed (links) on the
/// disk, or held in memory (the fuzz targets and tests start there, with no disk in the loop).
public struct SysrootFiles: Sendable {
  /// The root, as errors name the files under it.
  public var root: String
  let children: @Sendable (String) -> [String]
  let bytes: @Sendable (String) -> Data?
  let exists: @Sendable (String) -> Bool
  let link: @Sendable (String) -> String?

  /// The files under `root` on the disk.
  public static func disk(_ root: String) -> SysrootFiles {
    let base = URL(fileURLWithPath: root, isDirectory: true)
    @Sendable func path(_ relative: String) -> String { base.appendingPathComponent(relative).path }
    return SysrootFiles(
      root: root,
      children: { (try? FileManager.default.contentsOfDirectory(atPath: path($0))) ?? [] },
      bytes: { FileBytes.read(path($0)) },
      exists: { FileManager.default.fileExists(atPath: path($0)) },
      link: { try? FileManager.default.destinationOfSymbolicLink(atPath: path($0)) })
  }

  /// Files held in memory by path relative to `root` (a folder exists when a file lies under it),
  /// and symbolic links by path and destination.
  public static func memory(_ files: [String: Data], links: [String: String] = [:], root: String) -> SysrootFiles {
    let paths = Array(files.keys) + Array(links.keys)
    return SysrootFiles(
      root: root,
      children: { folder in
        Array(Set(paths.compactMap { path -> String? in
          guard path.hasPrefix(folder + "/") else { return nil }
          return path.dropFirst(folder.count + 1).split(separator: "/").first.map(String.init)
        }))
      },
      bytes: { files[$0] },
      exists: { path in paths.contains { $0 == path || $0.hasPrefix(path + "/") } },
      link: { links[$0] })
  }

  /// The full path of `relative`, as errors name it.
  public func path(_ relative: String) -> String { URL(fileURLWithPath: root, isDirectory: true).appendingPathComponent(relative).path }

  /// The names in the folder `relative`, sorted; none when it is missing.
  func list(_ relative: String) -> [String] { children(relative).sorted() }

  /// The text of the file `relative`, nil when it is missing.
  ///
  /// - Throws: ``ImportError`` for a file that exists but cannot be read, or is not UTF-8.
  func text(_ relative: String) throws(ImportError) -> String? {
    guard let data = bytes(relative) else {
      if exists(relative) { throw ImportError(file: path(relative), line: 0, text: "", expected: "a readable file") }
      return nil
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ImportError(file: path(relative), line: 0, text: "", expected: "UTF-8 text")
    }
    return text
  }
}
