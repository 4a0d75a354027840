/// Reads the nodes of the sysfs node tree: which are online and possible, each node's CPUs and
/// memory, then the distance table (``DistanceReader``).
struct NodeTreeReader {
  let files: SnapshotFiles
  /// The `N` of every `nodeN` directory, ascending, once each.
  let directories: [Int]
  typealias Path = SystemSnapshot.Path

  init(files: SnapshotFiles, directories: [Int]) {
    self.files = files
    self.directories = Array(Set(directories)).sorted()
  }

  func read(notes: inout [Diagnostic]) throws(ImportError) -> SystemSnapshot.NodeTree {
    let online = try onlineNodes(notes: &notes)
    let possible = try possibleNodes(online: online, notes: &notes)
    let zoneinfo = try files.zoneinfo(possible: possible)
    if zoneinfo == nil { notes.append(.zoneinfoMissing) }
    let zonesByNode = zoneinfo?.zonesByNode()
    let hasMemoryMask = try files.list(Path.hasMemory)
    let isOnline = Self.membership(online)
    let hasDirectory = Self.membership(directories)
    let hasMemory = hasMemoryMask.map(Self.membership)
    var grouped = GroupedNotes()
    var nodes: [Node] = []
    nodes.reserveCapacity(possible.count)
    var totalKibibytes = 0
    for id in possible {
      var node = Node(id: NodeID(id), isOnline: isOnline[id])
      if isOnline[id] {
        if !hasDirectory[id] {
          grouped.add("no directory", id, Diagnostic.onlineWithoutDirectory)
        } else {
          node.cpus = try cpus(of: id, grouped: &grouped)
        }
      }
      if let zonesByNode {
        node.zones = zonesByNode[NodeID(id)] ?? [:]
      } else {
        node.zones = try memory(
          of: id, isOnline: isOnline[id], hasMemory: hasMemory?[id], totalKibibytes: &totalKibibytes, grouped: &grouped)
      }
      nodes.append(node)
    }
    notes += grouped.rendered
    if let hasMemoryMask {
      let modeled = nodes.filter { $0.isOnline && $0.hasMemory }.map(\.id.rawValue)
      let stated = hasMemoryMask.filter { isOnline[$0] }
      if modeled != stated {
        notes.append(.hasMemoryDisagrees(stated: stated, modeled: modeled, fromZoneinfo: zoneinfo != nil))
      }
    }
    let distances = try DistanceReader(files: files, online: online, possible: possible, directories: directories)
      .read(notes: &notes)
    return SystemSnapshot.NodeTree(nodes: nodes, distances: distances, zoneinfo: zoneinfo)
  }

  /// Whether each node id (below `MAX_NUMNODES`) is in `ids`.
  static func membership(_ ids: [Int]) -> [Bool] {
    var member = [Bool](repeating: false, count: max(Topology.maxNumNodes, (ids.max() ?? 0) + 1))
    for id in ids where id >= 0 { member[id] = true }
    return member
  }

  /// The `online` list, or the node directories when it is missing or empty.
  private func onlineNodes(notes: inout [Diagnostic]) throws(ImportError) -> [Int] {
    if let parsed = try files.list(Path.online), !parsed.isEmpty { return parsed }
    guard !directories.isEmpty else {
      throw ImportError(
        file: files.name(Path.online), line: files.has(Path.online) ? 1 : 0, text: files.trimmedText(Path.online),
        expected: "at least one online node (an 'online' file or nodeN directories)")
    }
    notes.append(.onlineFromDirectories(onlineFileMissing: !files.has(Path.online), nodes: directories))
    return directories
  }

  /// The `possible` list, completed with the online nodes and the node directories.
  private func possibleNodes(online: [Int], notes: inout [Diagnostic]) throws(ImportError) -> [Int] {
    let onlineSet = Set(online)
    let offlineDirectories = directories.filter { !onlineSet.contains($0) }
    if !offlineDirectories.isEmpty {
      notes.append(.offlineDirectories(nodes: offlineDirectories))
    }
    var possible: [Int]
    if let parsed = try files.list(Path.possible) {
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
    return possible
  }

  /// An online node's CPUs: `cpulist`, else `cpumap`, else none.
  private func cpus(of id: Int, grouped: inout GroupedNotes) throws(ImportError) -> [Int] {
    if let cpus = try files.list(Path.node(id, "cpulist")) { return cpus }
    let path = Path.node(id, "cpumap")
    if let mask = files[path] {
      grouped.add("cpumap", id, Diagnostic.cpusFromCpumap)
      return try SystemSnapshot.cpuMask(mask, file: files.name(path))
    }
    grouped.add("no cpus", id, Diagnostic.noCPUList)
    return []
  }

  /// A node's memory without `proc/zoneinfo`: its `meminfo`'s MemTotal as one Normal zone,
  /// else what `has_memory` says, else an assumed page.
  private func memory(
    of id: Int, isOnline: Bool, hasMemory: Bool?, totalKibibytes: inout Int, grouped: inout GroupedNotes
  ) throws(ImportError) -> [ZoneType: ZoneSize] {
    let assumed: [ZoneType: ZoneSize] = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
    guard isOnline else {
      // Kernel: N_MEMORY is a subset of N_ONLINE.
      if hasMemory == true { grouped.add("offline has_memory", id, Diagnostic.offlineHasMemory) }
      return [:]
    }
    let path = Path.node(id, "meminfo")
    if let meminfo = files[path] {
      let kibibytes = try SystemSnapshot.memTotal(meminfo, file: files.name(path))
      totalKibibytes += kibibytes
      guard totalKibibytes <= Pages.physicalLimit.rawValue * 4 else {
        throw ImportError(
          file: files.name(path), line: 1, text: "MemTotal: \(kibibytes) kB",
          expected: "the nodes' MemTotal adding up to \(Pages.physicalLimitText) (\(totalKibibytes) kB up to this node)")
      }
      guard kibibytes > 0 else { return [:] }
      let pages = Pages(kibibytes: kibibytes)
      return [.normal: ZoneSize(spanned: pages, present: pages, managed: pages)]
    }
    if let hasMemory {
      grouped.add("has_memory only", id, Diagnostic.memorySizeUnknown)
      return hasMemory ? assumed : [:]
    }
    grouped.add("assumed memory", id, Diagnostic.memoryAssumed)
    return assumed
  }
}

/// Diagnostics of one kind gathered over nodes, given once for all of them
/// (a 64-node machine missing every `cpulist` gets one note, not 64).
struct GroupedNotes {
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
