/// A machine read from the files the kernel exposes: sysfs node tree, `/proc/zoneinfo`,
/// `/proc/version`, `/proc/cmdline`.
///
/// The reader never guesses silently: whatever it had to assume is listed in ``diagnostics``.
/// It accepts what real kernels and snapshot tools (such as hwloc's `hwloc-gather-topology`)
/// produce: distance files that list only the online nodes, node directories without
/// `cpulist` or `meminfo`, sparse node ids, files ending in NUL bytes, and machines without
/// the sysfs node tree at all (kernels without `CONFIG_NUMA`), read as one node 0.
public struct SystemSnapshot: Hashable, Sendable {
  public var topology: Topology
  /// The release from `proc/version`, if the snapshot has it.
  public var kernelRelease: String?
  public var kernelVersion: KernelVersion?
  public var bootOptions: BootOptions?
  public var zoneinfo: Zoneinfo?
  /// What the snapshot lacked and what was assumed in its place.
  public var diagnostics: [Diagnostic]
  /// ``diagnostics`` as printed.
  public var notes: [String] { diagnostics.map(\.description) }

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

  /// Reads a snapshot.
  ///
  /// - Parameters:
  ///   - files: File texts by relative path (see ``Path``).
  ///   - nodeDirectories: The `N` of every `nodeN` directory found.
  ///   - cpuDirectories: The `N` of every `cpuN` directory of `sys/devices/system/cpu`,
  ///     used only for a machine without the node tree and without CPU lists.
  ///   - root: How to name the snapshot's root in messages (e.g. `snap/`).
  /// - Throws: ``ImportError`` naming the file and line of the first unreadable text.
  public init(
    files rawFiles: [String: String], nodeDirectories: [Int], cpuDirectories: [Int] = [], root: String
  ) throws(ImportError) {
    var notes: [Diagnostic] = []
    func name(_ path: String) -> String { root.hasSuffix("/") ? root + path : root + "/" + path }

    // hwloc-gather-topology saves some sysfs files with a trailing NUL byte.
    var files: [String: String] = [:]
    var endingInNUL: [String] = []
    for (path, text) in rawFiles {
      var slice = Substring(text)
      while slice.last == "\0" { slice.removeLast() }
      if slice.count != text.count { endingInNUL.append(path) }
      files[path] = String(slice)
    }
    if !endingInNUL.isEmpty {
      endingInNUL.sort()
      notes.append(.filesEndInNUL(count: endingInNUL.count, example: endingInNUL[0]))
    }

    func list(_ path: String) throws(ImportError) -> [Int]? {
      guard let text = files[path] else { return nil }
      do {
        return try IDList.parse(text, limit: path.contains("/cpu/") || path.hasSuffix("cpulist") ? Topology.maxNumCPUs : Topology.maxNumNodes)
      } catch {
        throw ImportError(file: name(path), line: 1, text: text.trimmingWhitespace(), expected: error.reason)
      }
    }
    func parseZoneinfo(possible: [Int]) throws(ImportError) -> Zoneinfo? {
      guard let text = files[Path.zoneinfo] else { return nil }
      let zoneinfo = try Zoneinfo(parsing: text, file: name(Path.zoneinfo))
      for entry in zoneinfo.entries where !possible.contains(entry.node.rawValue) {
        throw ImportError(
          file: name(Path.zoneinfo), line: entry.line, text: "Node \(entry.node), zone \(entry.type.kernelName)",
          expected: "a node listed in \(Path.possible) (\(IDList.format(possible)))")
      }
      return zoneinfo
    }

    let hasNodeTree = !nodeDirectories.isEmpty || Path.nodeTreeFiles.contains { files[$0] != nil }
    let zoneinfo: Zoneinfo?
    let nodes: [Node]
    let distances: DistanceMatrix
    if hasNodeTree {
      (nodes, distances, zoneinfo) = try SystemSnapshot.readNodeTree(
        files: files, directories: nodeDirectories, notes: &notes, name: name, list: list, parseZoneinfo: parseZoneinfo)
    } else {
      // Kernel: without CONFIG_NUMA there is no node tree; the one pg_data_t is node 0.
      notes.append(.noNodeTree)
      var node = Node(id: 0, isOnline: true)
      if let cpus = try list(Path.cpuOnline) {
        node.cpus = cpus
      } else if let cpus = try list(Path.cpuPossible) {
        node.cpus = cpus
        notes.append(.cpusFromPossible(cpus: cpus))
      } else if !cpuDirectories.isEmpty {
        node.cpus = Array(Set(cpuDirectories)).sorted()
        notes.append(.cpusFromDirectories(cpus: node.cpus))
      } else {
        notes.append(.noCPUsAnywhere)
      }
      zoneinfo = try parseZoneinfo(possible: [0])
      if zoneinfo == nil { notes.append(.zoneinfoMissing) }
      if let zoneinfo {
        node.zones = zoneinfo.zones(of: 0)
      } else if let meminfo = files[Path.meminfo] {
        let kibibytes = try SystemSnapshot.memTotal(meminfo, file: name(Path.meminfo), expected: "'MemTotal: X kB'")
        let pages = Pages(kibibytes: kibibytes)
        node.zones = [.normal: ZoneSize(spanned: pages, present: pages, managed: pages)]
        notes.append(.memoryFromMeminfo(kibibytes: kibibytes))
        if kibibytes <= 0 { notes.append(.memTotalZero) }
      } else {
        node.zones = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
        notes.append(.meminfoMissingToo)
      }
      nodes = [node]
      distances = .uniform([0])
    }

    let cpuOnline = try list(Path.cpuOnline)
    let nodeCPUs = Set(nodes.flatMap(\.cpus))
    let bootCPU = cpuOnline?.first(where: nodeCPUs.contains) ?? nodeCPUs.min() ?? cpuOnline?.first ?? 0
    if let first = cpuOnline?.first, first != bootCPU {
      notes.append(.bootCPUOnNoNode(first: first, bootCPU: bootCPU))
    }
    let cpuOwners = nodes.flatMap(\.cpus)
    if Set(cpuOwners).count != cpuOwners.count {
      notes.append(.cpusOnSeveralNodes)
    }
    do {
      topology = try Topology(nodes: nodes, distances: distances, bootCPU: bootCPU, allowingSharedCPUs: true)
    } catch {
      throw ImportError(file: name(Path.nodeRoot), line: 0, text: "", expected: "a consistent topology: \(error)")
    }
    if let version = files[Path.version] {
      let release = version.split(separator: " ").dropFirst(2).first.map(String.init)
      guard let parsed = KernelVersion(procVersion: version) else {
        throw ImportError(
          file: name(Path.version), line: 1, text: version.trimmingWhitespace(), expected: "'Linux version X.Y…'")
      }
      kernelVersion = parsed
      kernelRelease = release
    }
    if let cmdline = files[Path.cmdline] { bootOptions = BootOptions(commandLine: cmdline) }
    self.zoneinfo = zoneinfo
    self.diagnostics = notes
  }

  /// Reads the nodes and distances of the sysfs node tree.
  private static func readNodeTree(
    files: [String: String], directories unsortedDirectories: [Int], notes: inout [Diagnostic],
    name: (String) -> String, list: (String) throws(ImportError) -> [Int]?,
    parseZoneinfo: ([Int]) throws(ImportError) -> Zoneinfo?
  ) throws(ImportError) -> ([Node], DistanceMatrix, Zoneinfo?) {
    let directories = Array(Set(unsortedDirectories)).sorted()
    let directorySet = Set(directories)
    var online: [Int]
    if let parsed = try list(Path.online), !parsed.isEmpty {
      online = parsed
    } else {
      guard !directories.isEmpty else {
        throw ImportError(
          file: name(Path.online), line: files[Path.online] == nil ? 0 : 1, text: files[Path.online]?.trimmingWhitespace() ?? "",
          expected: "at least one online node (an 'online' file or nodeN directories)")
      }
      online = directories
      notes.append(.onlineFromDirectories(onlineFileMissing: files[Path.online] == nil, nodes: directories))
    }
    let onlineSet = Set(online)
    let offlineDirectories = directories.filter { !onlineSet.contains($0) }
    if !offlineDirectories.isEmpty {
      notes.append(.offlineDirectories(nodes: offlineDirectories))
    }
    var possible: [Int]
    if let parsed = try list(Path.possible) {
      possible = parsed
    } else {
      possible = Array(Set(online + directories)).sorted()
      notes.append(.possibleMissing(nodes: possible))
    }
    let missingFromPossible = Set(online + directories).subtracting(possible)
    if !missingFromPossible.isEmpty {
      notes.append(.addedToPossible(nodes: missingFromPossible.sorted()))
      possible = Array(Set(possible).union(missingFromPossible)).sorted()
    }

    let zoneinfo = try parseZoneinfo(possible)
    if zoneinfo == nil { notes.append(.zoneinfoMissing) }
    let hasMemoryMask = try list(Path.hasMemory)

    var grouped = GroupedNotes()
    var nodes: [Node] = []
    var totalKibibytes = 0
    for id in possible {
      let isOnline = onlineSet.contains(id)
      var node = Node(id: NodeID(id), isOnline: isOnline)
      if isOnline {
        if !directorySet.contains(id) {
          grouped.add("no directory", id, Diagnostic.onlineWithoutDirectory)
        } else if let cpus = try list(Path.node(id, "cpulist")) {
          node.cpus = cpus
        } else if let mask = files[Path.node(id, "cpumap")] {
          node.cpus = try SystemSnapshot.cpuMask(mask, file: name(Path.node(id, "cpumap")))
          grouped.add("cpumap", id, Diagnostic.cpusFromCpumap)
        } else {
          grouped.add("no cpus", id, Diagnostic.noCPUList)
        }
      }
      if let zoneinfo {
        node.zones = zoneinfo.zones(of: NodeID(id))
      } else if !isOnline {
        // Kernel: N_MEMORY is a subset of N_ONLINE.
        if hasMemoryMask?.contains(id) == true {
          grouped.add("offline has_memory", id, Diagnostic.offlineHasMemory)
        }
      } else if let meminfo = files[Path.node(id, "meminfo")] {
        let kibibytes = try SystemSnapshot.memTotal(meminfo, file: name(Path.node(id, "meminfo")))
        totalKibibytes += kibibytes
        guard totalKibibytes <= Pages.physicalLimit.rawValue * 4 else {
          throw ImportError(
            file: name(Path.node(id, "meminfo")), line: 1, text: "MemTotal: \(kibibytes) kB",
            expected: "the nodes' MemTotal adding up to \(Pages.physicalLimitText) (\(totalKibibytes) kB up to this node)")
        }
        if kibibytes > 0 {
          let pages = Pages(kibibytes: kibibytes)
          node.zones = [.normal: ZoneSize(spanned: pages, present: pages, managed: pages)]
        }
      } else if let hasMemoryMask {
        if hasMemoryMask.contains(id) {
          node.zones = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
        }
        grouped.add("has_memory only", id, Diagnostic.memorySizeUnknown)
      } else {
        node.zones = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
        grouped.add("assumed memory", id, Diagnostic.memoryAssumed)
      }
      nodes.append(node)
    }
    notes += grouped.rendered
    if let hasMemoryMask {
      let modeled = nodes.filter { $0.isOnline && $0.hasMemory }.map(\.id.rawValue)
      let stated = hasMemoryMask.filter(onlineSet.contains)
      if modeled != stated {
        notes.append(.hasMemoryDisagrees(stated: stated, modeled: modeled, fromZoneinfo: zoneinfo != nil))
      }
    }
    let distances = try readDistances(
      files: files, online: online, possible: possible, directories: directories, notes: &notes, name: name)
    return (nodes, distances, zoneinfo)
  }

  /// Reads the distance table from the online nodes' `distance` files.
  ///
  /// Kernel: `node_read_distance()` prints `node_distance(nid, i)` for every online node `i`.
  /// A row that lists every possible node or every node directory instead (snapshots can be
  /// inconsistent) is read as such; missing rows are completed from the other rows as if the
  /// table were symmetric, and the kernel's defaults (10/20) fill what no file gives.
  private static func readDistances(
    files: [String: String], online: [Int], possible: [Int], directories: [Int], notes: inout [Diagnostic],
    name: (String) -> String
  ) throws(ImportError) -> DistanceMatrix {
    var known: [Int: [Int: Int]] = [:]
    var grouped = GroupedNotes()
    for id in online {
      let path = Path.node(id, "distance")
      guard let text = files[path] else {
        grouped.add("missing", id, Diagnostic.distanceMissing)
        continue
      }
      var row: [Int] = []
      for field in text.split(whereSeparator: \.isWhitespace) {
        guard let value = Int(field) else {
          throw ImportError(file: name(path), line: 1, text: text.trimmingWhitespace(), expected: "distances as integers")
        }
        row.append(value)
      }
      let columns: [Int]
      if row.isEmpty {
        grouped.add("empty", id, Diagnostic.distanceEmpty)
        continue
      } else if row.count == online.count {
        columns = online
      } else if row.count == possible.count {
        columns = possible
        grouped.add("possible", id) { .distanceRowsPerPossibleNode(nodes: $0, possible: possible, online: online) }
      } else if row.count == directories.count {
        columns = directories
        grouped.add("directories", id) { .distanceRowsPerDirectory(nodes: $0, directories: directories, online: online) }
      } else {
        throw ImportError(
          file: name(path), line: 1, text: text.trimmingWhitespace(),
          expected: "\(online.count) distances, one per online node (\(IDList.format(online)))")
      }
      if row.allSatisfy({ $0 == 0 }) {
        // Kernel: ia64 without an ACPI SLIT prints node_distance() as 0.
        grouped.add("zero", id, Diagnostic.distanceRowsZero)
        continue
      }
      known[id] = Dictionary(uniqueKeysWithValues: zip(columns, row))
    }
    notes += grouped.rendered

    let tableIDs: [Int]
    let distances: DistanceMatrix
    if known.isEmpty {
      tableIDs = online
      distances = .uniform(online.map { NodeID($0) })
      if !grouped.isEmpty {
        notes.append(.defaultDistances)
      }
    } else {
      tableIDs = Array(Set(online).union(known.values.flatMap(\.keys))).sorted()
      var rows: [[Int]] = []
      var fromOthers = Set<Int>()
      var defaulted = Set<Int>()
      // n² cells for up to MAX_NUMNODES nodes: one lookup of the node's own row, no set per cell.
      for i in tableIDs {
        var row: [Int] = []
        row.reserveCapacity(tableIDs.count)
        let own = known[i]
        var (takenFromOthers, takenAsDefault) = (false, false)
        for j in tableIDs {
          if let value = own?[j] {
            row.append(value)
          } else if let value = known[j]?[i] {
            row.append(value)
            takenFromOthers = true
          } else {
            row.append(i == j ? DistanceMatrix.local : DistanceMatrix.remote)
            if i != j { takenAsDefault = true }
          }
        }
        if takenFromOthers { fromOthers.insert(i) }
        if takenAsDefault { defaulted.insert(i) }
        rows.append(row)
      }
      if !fromOthers.isEmpty {
        // Only the online nodes' rows enter a boot build; an offline node's matter when it is built.
        let onlineSet = Set(online)
        let (onlineRows, offlineRows) = (fromOthers.filter(onlineSet.contains), fromOthers.filter { !onlineSet.contains($0) })
        if !onlineRows.isEmpty { notes.append(.distancesFromOtherRows(nodes: onlineRows.sorted())) }
        if !offlineRows.isEmpty { notes.append(.offlineDistancesFromOtherRows(nodes: offlineRows.sorted())) }
      }
      if !defaulted.isEmpty {
        notes.append(.distancesDefaulted(nodes: defaulted.sorted()))
      }
      do {
        distances = try DistanceMatrix(nodes: tableIDs.map { NodeID($0) }, rows: rows)
        let local = tableIDs.indices.filter { i in
          tableIDs.indices.contains { j in i != j && rows[i][j] == DistanceMatrix.local }
        }.map { tableIDs[$0] }
        if !local.isEmpty {
          notes.append(.localDistanceBetweenNodes(nodes: local.sorted()))
        }
      } catch {
        let path: String
        switch error {
        case .distanceDiagonal(let node, value: _):
          path = Path.node(node.rawValue, "distance")
        case .distanceOutOfRange(let from, let to, value: _):
          path = Path.node(known[from.rawValue]?[to.rawValue] != nil ? from.rawValue : to.rawValue, "distance")
        default: path = Path.nodeRoot
        }
        throw ImportError(file: name(path), line: 1, text: files[path]?.trimmingWhitespace() ?? "", expected: "\(error)")
      }
    }
    let uncovered = possible.filter { !tableIDs.contains($0) }
    if !uncovered.isEmpty {
      notes.append(.offlineWithoutDistances(nodes: uncovered))
    }
    return distances
  }

  /// Reads `Node N MemTotal: X kB` from a node's meminfo (or `MemTotal: X kB` from `/proc/meminfo`).
  static func memTotal(_ text: String, file: String, expected: String = "'Node N MemTotal: X kB'") throws(ImportError) -> Int {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where line.contains("MemTotal:") {
      let fields = line.split(whereSeparator: \.isWhitespace)
      guard let position = fields.firstIndex(of: "MemTotal:"), position + 1 < fields.count,
        let value = Int(fields[position + 1]), value >= 0
      else {
        throw ImportError(file: file, line: index + 1, text: String(line), expected: expected)
      }
      guard value <= Pages.physicalLimit.rawValue * 4 else {
        throw ImportError(file: file, line: index + 1, text: String(line), expected: "MemTotal \(Pages.physicalLimitText)")
      }
      return value
    }
    throw ImportError(file: file, line: 0, text: "", expected: "a \(expected) line")
  }

  /// Reads a CPU mask as `nodeN/cpumap` prints it: 32-bit hexadecimal words, most
  /// significant first, separated by commas (`00000000,0000ffff`).
  ///
  /// Kernel: the `%*pb` printk format (`bitmap_print_to_pagebuf()`).
  static func cpuMask(_ text: String, file: String) throws(ImportError) -> [Int] {
    let trimmed = text.trimmingWhitespace()
    if trimmed.isEmpty { return [] }
    var cpus: [Int] = []
    for (index, word) in trimmed.split(separator: ",", omittingEmptySubsequences: false).reversed().enumerated() {
      guard !word.isEmpty, word.count <= 8, word.allSatisfy(\.isHexDigit), let value = UInt32(word, radix: 16) else {
        throw ImportError(file: file, line: 1, text: trimmed, expected: "a CPU mask of 32-bit hexadecimal words like '00000000,0000ffff'")
      }
      for bit in 0..<32 where value & (UInt32(1) << UInt32(bit)) != 0 { cpus.append(index * 32 + bit) }
    }
    return cpus.sorted()
  }

}

/// Diagnostics of one kind gathered over nodes, given once for all of them
/// (a 64-node machine missing every `cpulist` gets one note, not 64).
private struct GroupedNotes {
  private var keys: [String] = []
  private var ids: [String: [Int]] = [:]
  private var make: [String: ([Int]) -> Diagnostic] = [:]

  var isEmpty: Bool { keys.isEmpty }

  /// Adds `id` to the diagnostic `key`; `make` builds it from the ids gathered.
  mutating func add(_ key: String, _ id: Int, _ make: @escaping ([Int]) -> Diagnostic) {
    if ids[key] == nil {
      keys.append(key)
      self.make[key] = make
    }
    ids[key, default: []].append(id)
  }

  var rendered: [Diagnostic] { keys.map { make[$0]!(ids[$0]!) } }
}
