/// A machine read from the files the kernel exposes: sysfs node tree, `/proc/zoneinfo`,
/// `/proc/version`, `/proc/cmdline`.
///
/// The reader never guesses silently: whatever it had to assume is listed in ``diagnostics``.
/// It accepts what real kernels and snapshot tools (such as hwloc's `hwloc-gather-topology`)
/// produce: distance files that list only the online nodes, node directories without
/// `cpulist` or `meminfo`, sparse node ids, files ending in NUL bytes, and machines without
/// the sysfs node tree at all (kernels without `CONFIG_NUMA`), read as one node 0.
///
/// Every file is read as UTF-8 bytes (``KernelText``): no `String` per line or field.
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

  /// Reads a snapshot from file texts (see ``init(bytes:nodeDirectories:cpuDirectories:root:)``).
  public init(
    files: [String: String], nodeDirectories: [Int], cpuDirectories: [Int] = [], root: String
  ) throws(ImportError) {
    try self.init(
      bytes: files.mapValues { Array($0.utf8) }, nodeDirectories: nodeDirectories, cpuDirectories: cpuDirectories, root: root)
  }

  /// Reads a snapshot.
  ///
  /// - Parameters:
  ///   - bytes: File contents (UTF-8) by relative path (see ``Path``).
  ///   - nodeDirectories: The `N` of every `nodeN` directory found.
  ///   - cpuDirectories: The `N` of every `cpuN` directory of `sys/devices/system/cpu`,
  ///     used only for a machine without the node tree and without CPU lists.
  ///   - root: How to name the snapshot's root in messages (e.g. `snap/`).
  /// - Throws: ``ImportError`` naming the file and line of the first unreadable text.
  public init(
    bytes: [String: [UInt8]], nodeDirectories: [Int], cpuDirectories: [Int] = [], root: String
  ) throws(ImportError) {
    let files = SnapshotFiles(bytes, root: root)
    var notes: [Diagnostic] = []
    if let example = files.endingInNUL.first {
      notes.append(.filesEndInNUL(count: files.endingInNUL.count, example: example))
    }
    let hasNodeTree = !nodeDirectories.isEmpty || Path.nodeTreeFiles.contains(where: files.has)
    let tree =
      hasNodeTree
      ? try NodeTreeReader(files: files, directories: nodeDirectories).read(notes: &notes)
      : try Self.readWithoutNodeTree(files: files, cpuDirectories: cpuDirectories, notes: &notes)
    topology = try Self.topology(nodes: tree.nodes, distances: tree.distances, files: files, notes: &notes)
    if let version = files[Path.version] {
      let text = version.string(version.all)
      guard let parsed = KernelVersion(procVersion: text) else {
        throw ImportError(
          file: files.name(Path.version), line: 1, text: files.trimmedText(Path.version), expected: "'Linux version X.Y…'")
      }
      kernelVersion = parsed
      kernelRelease = text.split(separator: " ").dropFirst(2).first.map(String.init)
    }
    if let cmdline = files[Path.cmdline] { bootOptions = BootOptions(commandLine: cmdline.string(cmdline.all)) }
    zoneinfo = tree.zoneinfo
    diagnostics = notes
  }

  /// The nodes, distances and zones a snapshot gives.
  struct NodeTree {
    var nodes: [Node]
    var distances: DistanceMatrix
    var zoneinfo: Zoneinfo?
  }

  /// The topology of `nodes`, with the boot CPU: the first online CPU that is on a node.
  private static func topology(
    nodes: [Node], distances: DistanceMatrix, files: SnapshotFiles, notes: inout [Diagnostic]
  ) throws(ImportError) -> Topology {
    let cpuOnline = try files.list(Path.cpuOnline)
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
      return try Topology(nodes: nodes, distances: distances, bootCPU: bootCPU, allowingSharedCPUs: true)
    } catch {
      throw ImportError(file: files.name(Path.nodeRoot), line: 0, text: "", expected: "a consistent topology: \(error)")
    }
  }

  /// Reads a machine without the sysfs node tree as one node 0.
  ///
  /// Kernel: without `CONFIG_NUMA` there is no node tree; the one `pg_data_t` is node 0.
  private static func readWithoutNodeTree(
    files: SnapshotFiles, cpuDirectories: [Int], notes: inout [Diagnostic]
  ) throws(ImportError) -> NodeTree {
    notes.append(.noNodeTree)
    var node = Node(id: 0, isOnline: true)
    if let cpus = try files.list(Path.cpuOnline) {
      node.cpus = cpus
    } else if let cpus = try files.list(Path.cpuPossible) {
      node.cpus = cpus
      notes.append(.cpusFromPossible(cpus: cpus))
    } else if !cpuDirectories.isEmpty {
      node.cpus = Array(Set(cpuDirectories)).sorted()
      notes.append(.cpusFromDirectories(cpus: node.cpus))
    } else {
      notes.append(.noCPUsAnywhere)
    }
    let zoneinfo = try files.zoneinfo(possible: [0])
    if zoneinfo == nil { notes.append(.zoneinfoMissing) }
    if let zoneinfo {
      node.zones = zoneinfo.zones(of: 0)
    } else if let meminfo = files[Path.meminfo] {
      let kibibytes = try memTotal(meminfo, file: files.name(Path.meminfo), expected: "'MemTotal: X kB'")
      let pages = Pages(kibibytes: kibibytes)
      node.zones = [.normal: ZoneSize(spanned: pages, present: pages, managed: pages)]
      notes.append(.memoryFromMeminfo(kibibytes: kibibytes))
      if kibibytes <= 0 { notes.append(.memTotalZero) }
    } else {
      node.zones = [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)]
      notes.append(.meminfoMissingToo)
    }
    return NodeTree(nodes: [node], distances: .uniform([0]), zoneinfo: zoneinfo)
  }
}
