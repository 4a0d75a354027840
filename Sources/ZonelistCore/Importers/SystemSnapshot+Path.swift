extension SystemSnapshot {
  /// Relative paths of the files the reader uses (node directories aside).
  public enum Path {
    public static let nodeRoot = "sys/devices/system/node"
    public static let possible = "sys/devices/system/node/possible"
    public static let online = "sys/devices/system/node/online"
    public static let hasCPU = "sys/devices/system/node/has_cpu"
    public static let hasMemory = "sys/devices/system/node/has_memory"
    public static let hasNormalMemory = "sys/devices/system/node/has_normal_memory"
    public static let cpuRoot = "sys/devices/system/cpu"
    public static let cpuPossible = "sys/devices/system/cpu/possible"
    public static let cpuOnline = "sys/devices/system/cpu/online"
    public static let zoneinfo = "proc/zoneinfo"
    /// Read only for a machine without the sysfs node tree (its one node's memory).
    public static let meminfo = "proc/meminfo"
    public static let version = "proc/version"
    public static let cmdline = "proc/cmdline"
    public static func node(_ id: Int, _ file: String) -> String { "\(nodeRoot)/node\(id)/\(file)" }
    /// The files read in each `nodeN` directory; `cpumap` only where `cpulist` is missing
    /// (kernels before 2.6.27 have no `cpulist`).
    public static let nodeFiles = ["distance", "cpulist", "cpumap", "meminfo"]
    /// The files whose presence shows the sysfs node tree (besides `nodeN` directories).
    public static let nodeTreeFiles = [possible, online, hasCPU, hasMemory, hasNormalMemory]
  }
}

/// A snapshot's file bytes by relative path (see ``SystemSnapshot/Path``), and how to name a
/// file in a message.
struct SnapshotFiles {
  private var texts: [String: KernelText]
  /// The paths whose text ended in NUL bytes (removed), sorted.
  private(set) var endingInNUL: [String] = []
  let root: String

  init(_ files: [String: [UInt8]], root: String) {
    self.root = root
    texts = [:]
    texts.reserveCapacity(files.count)
    for (path, bytes) in files {
      // hwloc-gather-topology saves some sysfs files with a trailing NUL byte.
      var end = bytes.count
      while end > 0 && bytes[end - 1] == 0 { end -= 1 }
      if end == bytes.count {
        texts[path] = KernelText(bytes)
      } else {
        texts[path] = KernelText(Array(bytes[..<end]))
        endingInNUL.append(path)
      }
    }
    endingInNUL.sort()
  }

  subscript(path: String) -> KernelText? { texts[path] }
  func has(_ path: String) -> Bool { texts[path] != nil }

  /// `path` as the user names it: under the snapshot's root.
  func name(_ path: String) -> String { root.hasSuffix("/") ? root + path : root + "/" + path }

  /// The text of `path` without surrounding white space, for a message ("" when absent).
  func trimmedText(_ path: String) -> String { texts[path].map { $0.trimmedString($0.all) } ?? "" }

  /// A CPU or node list in the kernel's `0-3,8` format, or nil when the file is absent.
  func list(_ path: String) throws(ImportError) -> [Int]? {
    guard let text = texts[path] else { return nil }
    let isCPUList = path.hasPrefix(SystemSnapshot.Path.cpuRoot + "/") || path.hasSuffix("cpulist")
    do {
      return try IDList.parse(text, text.all, limit: isCPUList ? Topology.maxNumCPUs : Topology.maxNumNodes)
    } catch {
      throw ImportError(file: name(path), line: 1, text: trimmedText(path), expected: error.reason)
    }
  }

  /// `proc/zoneinfo`, each zone on a node of `possible`; nil when absent.
  func zoneinfo(possible: [Int]) throws(ImportError) -> Zoneinfo? {
    guard let text = texts[SystemSnapshot.Path.zoneinfo] else { return nil }
    let file = name(SystemSnapshot.Path.zoneinfo)
    let zoneinfo = try Zoneinfo(parsing: text, file: file)
    var isPossible = [Bool](repeating: false, count: Topology.maxNumNodes)
    for id in possible where id < isPossible.count { isPossible[id] = true }
    for entry in zoneinfo.entries where !isPossible[entry.node.rawValue] {
      throw ImportError(
        file: file, line: entry.line, text: "Node \(entry.node), zone \(entry.type.kernelName)",
        expected: "a node listed in \(SystemSnapshot.Path.possible) (\(IDList.format(possible)))")
    }
    return zoneinfo
  }
}
