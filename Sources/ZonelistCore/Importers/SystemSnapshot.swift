/// A machine read from the files the kernel exposes: sysfs node tree, `/proc/zoneinfo`,
/// `/proc/version`, `/proc/cmdline`.
///
/// The reader never guesses silently: whatever it had to assume is listed in ``notes``.
public struct SystemSnapshot: Hashable, Sendable {
  public var topology: Topology
  /// The release from `proc/version`, if the snapshot has it.
  public var kernelRelease: String?
  public var kernelVersion: KernelVersion?
  public var bootOptions: BootOptions?
  public var zoneinfo: Zoneinfo?
  /// What the snapshot lacked and what was assumed in its place.
  public var notes: [String]

  /// Relative paths of the files the reader uses (node directories aside).
  public enum Path {
    public static let nodeRoot = "sys/devices/system/node"
    public static let possible = "sys/devices/system/node/possible"
    public static let online = "sys/devices/system/node/online"
    public static let hasCPU = "sys/devices/system/node/has_cpu"
    public static let hasMemory = "sys/devices/system/node/has_memory"
    public static let hasNormalMemory = "sys/devices/system/node/has_normal_memory"
    public static let cpuPossible = "sys/devices/system/cpu/possible"
    public static let cpuOnline = "sys/devices/system/cpu/online"
    public static let zoneinfo = "proc/zoneinfo"
    public static let version = "proc/version"
    public static let cmdline = "proc/cmdline"
    public static func node(_ id: Int, _ file: String) -> String { "\(nodeRoot)/node\(id)/\(file)" }
    public static let nodeFiles = ["distance", "cpulist", "meminfo"]
  }

  /// Reads a snapshot.
  ///
  /// - Parameters:
  ///   - files: File texts by relative path (see ``Path``).
  ///   - nodeDirectories: The `N` of every `nodeN` directory found.
  ///   - root: How to name the snapshot's root in messages (e.g. `snap/`).
  /// - Throws: ``ImportError`` naming the file and line of the first unreadable text.
  public init(files: [String: String], nodeDirectories: [Int], root: String) throws(ImportError) {
    var notes: [String] = []
    func name(_ path: String) -> String { root.hasSuffix("/") ? root + path : root + "/" + path }
    func list(_ path: String) throws(ImportError) -> [Int]? {
      guard let text = files[path] else { return nil }
      do {
        return try IDList.parse(text, limit: path.contains("/cpu/") || path.hasSuffix("cpulist") ? 1 << 20 : Topology.maxNumNodes)
      } catch {
        throw ImportError(file: name(path), line: 1, text: text.trimmingWhitespace(), expected: error.reason)
      }
    }

    let directories = nodeDirectories.sorted()
    let online: [Int]
    if let parsed = try list(Path.online) {
      online = parsed
    } else {
      guard !directories.isEmpty else {
        throw ImportError(file: name(Path.nodeRoot), line: 0, text: "", expected: "an 'online' file or nodeN directories")
      }
      online = directories
      notes.append("\(Path.online) is missing: the online nodes are taken to be the nodeN directories (\(IDList.format(directories)))")
    }
    var possible: [Int]
    if let parsed = try list(Path.possible) {
      possible = parsed
    } else {
      possible = Array(Set(online + directories)).sorted()
      notes.append("\(Path.possible) is missing: the possible nodes are taken to be the online ones and the nodeN directories (\(IDList.format(possible)))")
    }
    let missingFromPossible = Set(online).subtracting(possible)
    if !missingFromPossible.isEmpty {
      notes.append("online nodes \(IDList.format(missingFromPossible)) are not in \(Path.possible): added to the possible nodes")
      possible = Array(Set(possible).union(missingFromPossible)).sorted()
    }

    var zoneinfo: Zoneinfo? = nil
    if let text = files[Path.zoneinfo] {
      zoneinfo = try Zoneinfo(parsing: text, file: name(Path.zoneinfo))
      for entry in zoneinfo!.entries where !possible.contains(entry.node.rawValue) {
        throw ImportError(
          file: name(Path.zoneinfo), line: entry.line, text: "Node \(entry.node), zone \(entry.type.kernelName)",
          expected: "a node listed in \(Path.possible) (\(IDList.format(possible)))")
      }
    }
    let hasMemoryMask = try list(Path.hasMemory)
    if zoneinfo == nil {
      notes.append(
        "\(Path.zoneinfo) is missing: each node with memory gets one Normal zone standing for its MemTotal; zone-level lists and Total pages are not the kernel's")
    }

    var nodes: [Node] = []
    for id in possible {
      let isOnline = online.contains(id)
      var node = Node(id: NodeID(id), isOnline: isOnline)
      if directories.contains(id) {
        if let cpus = try list(Path.node(id, "cpulist")) {
          node.cpus = cpus
        } else {
          notes.append("\(Path.node(id, "cpulist")) is missing: node \(id) is taken to have no CPUs")
        }
      } else if isOnline {
        notes.append("node \(id) is online but has no node\(id) directory: taken to have no CPUs")
      }
      if let zoneinfo {
        node.zones = zoneinfo.zones(of: NodeID(id))
      } else if let meminfo = files[Path.node(id, "meminfo")] {
        let kibibytes = try SystemSnapshot.memTotal(meminfo, file: name(Path.node(id, "meminfo")))
        if kibibytes > 0 {
          let pages = Pages(kibibytes: kibibytes)
          node.zones = [.normal: ZoneSize(spanned: pages, present: pages, managed: pages)]
        }
      } else if let hasMemoryMask {
        if hasMemoryMask.contains(id) {
          node.zones = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
        }
        if isOnline { notes.append("node \(id) has no meminfo: its memory is taken from \(Path.hasMemory) only") }
      } else if isOnline {
        node.zones = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
        notes.append("node \(id) has no meminfo and there is no \(Path.hasMemory): taken to have memory")
      }
      nodes.append(node)
    }
    if let hasMemoryMask, zoneinfo != nil {
      let modeled = nodes.filter(\.hasMemory).map(\.id.rawValue)
      if modeled != hasMemoryMask {
        notes.append(
          "\(Path.hasMemory) says \(IDList.format(hasMemoryMask)) but the zones give \(IDList.format(modeled)): the zones are used")
      }
    }

    // Kernel: node_read_distance() prints node_distance(nid, i) for every online node i.
    var rows: [[Int]] = []
    var tableNodes: [NodeID] = []
    for id in online {
      let path = Path.node(id, "distance")
      guard let text = files[path] else {
        notes.append("\(path) is missing: distances from node \(id) are the kernel's defaults (10 to itself, 20 to others)")
        continue
      }
      let fields = text.split(whereSeparator: \.isWhitespace)
      var row: [Int] = []
      for field in fields {
        guard let value = Int(field) else {
          throw ImportError(file: name(path), line: 1, text: text.trimmingWhitespace(), expected: "distances as integers")
        }
        row.append(value)
      }
      guard row.count == online.count else {
        throw ImportError(
          file: name(path), line: 1, text: text.trimmingWhitespace(),
          expected: "\(online.count) distances, one per online node (\(IDList.format(online)))")
      }
      tableNodes.append(NodeID(id))
      rows.append(row)
    }
    var distances: DistanceMatrix
    if tableNodes.count == online.count {
      do {
        distances = try DistanceMatrix(nodes: online.map { NodeID($0) }, rows: rows)
      } catch {
        let path: String
        switch error {
        case .distanceDiagonal(let node, value: _), .distanceOutOfRange(from: let node, to: _, value: _):
          path = Path.node(node.rawValue, "distance")
        default: path = Path.nodeRoot
        }
        throw ImportError(file: name(path), line: 1, text: files[path]?.trimmingWhitespace() ?? "", expected: "\(error)")
      }
    } else {
      distances = .uniform(online.map { NodeID($0) })
      if !tableNodes.isEmpty {
        notes.append("some distance files are missing: the whole table is taken as 10/20")
      }
    }
    let offline = possible.filter { !online.contains($0) }
    if !offline.isEmpty {
      notes.append(
        "nodes \(IDList.format(offline)) are possible but offline: sysfs shows no distances for them, so the kernel's defaults (20) are used")
    }

    let cpuOnline = try list(Path.cpuOnline)
    let bootCPU = cpuOnline?.first ?? nodes.flatMap(\.cpus).min() ?? 0
    let cpuOwners = nodes.flatMap(\.cpus)
    if Set(cpuOwners).count != cpuOwners.count {
      notes.append("some CPUs are listed on several nodes (numa=fake= does this): each CPU's node is taken to be the lowest one")
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
    self.notes = notes
  }

  /// Reads `Node N MemTotal: X kB` from a node's meminfo.
  static func memTotal(_ text: String, file: String) throws(ImportError) -> Int {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where line.contains("MemTotal:") {
      let fields = line.split(whereSeparator: \.isWhitespace)
      guard let position = fields.firstIndex(of: "MemTotal:"), position + 1 < fields.count,
        let value = Int(fields[position + 1])
      else {
        throw ImportError(file: file, line: index + 1, text: String(line), expected: "'Node N MemTotal: X kB'")
      }
      return value
    }
    throw ImportError(file: file, line: 0, text: "", expected: "a 'Node N MemTotal: X kB' line")
  }
}
