import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// Real machines' sysfs snapshots (hwloc's test data, vendored in `Fixtures/real-machines/hwloc/`
/// with hwloc's licence): every one must read as a sysroot, state what it lacks, and give
/// zonelists that hold for any machine.
///
/// They have no `/proc/version` and most have no `/proc/zoneinfo`, so these tests check
/// invariants, not what a kernel printed.
@Suite struct RealMachineTests {
  /// `Fixtures/real-machines/hwloc`, beside this file.
  static let archiveDirectory = BootFixture.directory + "/real-machines/hwloc"

  /// How many archives hwloc's test suite gave (`Fixtures/real-machines/README.md`).
  static let expectedCount = 43

  /// The archive names (`NAME.tar.bz2`), sorted.
  static func archives() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: archiveDirectory).filter { $0.hasSuffix(".tar.bz2") }.sorted()
  }

  @Test func everyArchiveIsThere() throws {
    #expect(try Self.archives().count == Self.expectedCount)
    #expect(FileManager.default.fileExists(atPath: Self.archiveDirectory + "/COPYING"), "hwloc's licence must travel with its data")
  }

  @Test(arguments: try archives())
  func realMachineReadsAndBuilds(_ archive: String) throws {
    let unpacked = try Self.unpack(archive)
    defer { try? FileManager.default.removeItem(atPath: unpacked.temporary) }
    let root = unpacked.root
    let files = FileManager.default

    let snapshot = try Sysroot.read(root)
    let topology = snapshot.topology
    let notes = snapshot.notes
    let allNotes = notes.joined(separator: "\n")
    for note in notes { #expect(!note.isEmpty, "\(archive): an empty note") }

    // Nodes: one per nodeN directory (the kernel makes one per online node), or one node 0
    // for a machine without the node tree.
    let nodeRoot = root + "/" + SystemSnapshot.Path.nodeRoot
    let directories = ((try? files.contentsOfDirectory(atPath: nodeRoot)) ?? [])
      .filter { $0.hasPrefix("node") }.compactMap { Int($0.dropFirst(4)) }.sorted()
    let hasNodeTree = files.fileExists(atPath: nodeRoot)
    if hasNodeTree {
      #expect(topology.onlineNodes.count == directories.count, "\(archive): online nodes \(topology.onlineNodes.map(\.id.rawValue)) vs nodeN directories \(directories)")
      for id in directories {
        #expect(topology.nodes[NodeID(id)] != nil, "\(archive): node\(id) has a directory but is not a node")
      }
    } else {
      #expect(topology.nodeIDs == [NodeID(0)], "\(archive): a machine without the node tree is one node 0")
      #expect(allNotes.contains("no sysfs node tree"), "\(archive): no note says the node tree is missing:\n\(allNotes)")
    }

    // What is missing is said.
    func exists(_ path: String) -> Bool { files.fileExists(atPath: root + "/" + path) }
    func expectNote(_ needle: String, because reason: String) {
      #expect(allNotes.contains(needle), "\(archive): \(reason), but no note mentions '\(needle)':\n\(allNotes)")
    }
    if !exists(SystemSnapshot.Path.zoneinfo) {
      expectNote(SystemSnapshot.Path.zoneinfo, because: "proc/zoneinfo is missing")
      #expect(snapshot.zoneinfo == nil)
    }
    if hasNodeTree {
      if !exists(SystemSnapshot.Path.online) { expectNote(SystemSnapshot.Path.online, because: "node/online is missing") }
      if !exists(SystemSnapshot.Path.possible) { expectNote(SystemSnapshot.Path.possible, because: "node/possible is missing") }
      let online = Set(topology.onlineNodes.map(\.id.rawValue))
      for id in directories where online.contains(id) {
        if !exists(SystemSnapshot.Path.node(id, "cpulist")) {
          expectNote("cpulist is missing for", because: "node\(id)/cpulist is missing")
        }
        if !exists(SystemSnapshot.Path.node(id, "distance")) {
          expectNote("distance is missing for", because: "node\(id)/distance is missing")
        }
        if !exists(SystemSnapshot.Path.node(id, "meminfo")) && !exists(SystemSnapshot.Path.zoneinfo) {
          expectNote("meminfo is missing for", because: "node\(id)/meminfo is missing")
        }
      }
    } else {
      if !exists(SystemSnapshot.Path.cpuOnline) { expectNote(SystemSnapshot.Path.cpuOnline, because: "cpu/online is missing") }
      if !exists(SystemSnapshot.Path.zoneinfo) && !exists(SystemSnapshot.Path.meminfo) {
        expectNote("\(SystemSnapshot.Path.meminfo) is missing", because: "proc/meminfo is missing")
      }
    }
    #expect(snapshot.kernelVersion == nil || exists(SystemSnapshot.Path.version))

    // The lists: what must hold on any machine.
    var builder = ZonelistBuilder(topology: topology, profile: KernelProfile(version: KernelVersion(6, 12)), context: .boot)
    let build = builder.build()
    #expect(!build.lists.isEmpty, "\(archive): no list was built")
    let memoryNodes = topology.onlineNodes.filter(\.hasMemory).map(\.id)
    #expect(!memoryNodes.isEmpty, "\(archive): no online node has memory")
    for lists in build.lists {
      let name = "\(archive), node \(lists.node)"
      #expect(Set(lists.nodeOrder).count == lists.nodeOrder.count, "\(name): node order \(lists.nodeOrder) has duplicates")
      #expect(Set(lists.fallback).count == lists.fallback.count, "\(name): FALLBACK \(lists.fallback) has duplicates")
      #expect(Set(lists.thisNode).count == lists.thisNode.count, "\(name): NOFALLBACK \(lists.thisNode) has duplicates")
      let fallbackNodes = lists.fallback.map(\.node)
      for node in memoryNodes {
        #expect(lists.nodeOrder.filter { $0 == node }.count == 1, "\(name): node \(node) is not once in the node order \(lists.nodeOrder)")
        #expect(fallbackNodes.contains(node), "\(name): node \(node) has no zone in FALLBACK \(lists.fallback)")
      }
      if topology[lists.node].hasMemory {
        #expect(lists.nodeOrder.first == lists.node, "\(name): the node order \(lists.nodeOrder) does not start with the node")
      }
    }
    for node in topology.onlineNodes {
      #expect(build[node.id] != nil, "\(archive): online node \(node.id) has no lists")
    }
  }

  /// Unpacks what ``Sysroot`` reads of `archive` into a new temporary folder and returns
  /// the folder and the snapshot's root in it (the one top-level folder, whose name need not
  /// be the archive's).
  ///
  /// Only the members ``isReadBySysroot(_:)`` keeps are unpacked: the snapshots hold some
  /// 127,000 files (PCI, caches, memory blocks), and unpacking them all takes minutes.
  static func unpack(_ archive: String) throws -> (temporary: String, root: String) {
    let path = archiveDirectory + "/" + archive
    let members = try tar(["tjf", path]).split(separator: "\n").map(String.init).filter(isReadBySysroot)
    let temporary = FileManager.default.temporaryDirectory
      .appendingPathComponent("zonelist-real-machine-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    let list = temporary + ".members"
    defer { try? FileManager.default.removeItem(atPath: list) }
    do {
      try (members.joined(separator: "\n") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
      _ = try tar(["xjf", path, "-C", temporary, "--no-recursion", "-T", list])
      let entries = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { !$0.hasPrefix(".") }
      guard entries.count == 1 else {
        throw UnpackError(description: "\(archive) unpacks to \(entries.sorted()), expected one folder")
      }
      return (temporary, temporary + "/" + entries[0])
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw error
    }
  }

  /// Whether a member (`TOP/sys/...`, as `tar t` lists it) is a file or folder ``Sysroot`` reads
  /// or lists: the top folder, `sys` and `proc`, the files and `nodeN` folders of the node tree,
  /// each `nodeN`'s ``SystemSnapshot/Path/nodeFiles``, `cpu/online`, `cpu/possible` and the
  /// `cpuN` folders (their entries only), and the `proc` files.
  static func isReadBySysroot(_ member: String) -> Bool {
    var components = member.split(separator: "/").map(String.init)
    guard !components.isEmpty else { return false }
    components.removeFirst()
    let rest = components.joined(separator: "/")
    if rest.isEmpty || rest == "sys" || rest == "proc" { return true }
    if rest.hasPrefix("proc/") {
      return [SystemSnapshot.Path.zoneinfo, SystemSnapshot.Path.meminfo, SystemSnapshot.Path.version, SystemSnapshot.Path.cmdline]
        .contains(rest)
    }
    func numbered(_ name: String, _ prefix: String) -> Bool {
      name.hasPrefix(prefix) && name.count > prefix.count && name.dropFirst(prefix.count).allSatisfy(\.isASCII)
        && Int(name.dropFirst(prefix.count)) != nil
    }
    let nodeRoot = SystemSnapshot.Path.nodeRoot + "/"
    if rest.hasPrefix(nodeRoot) {
      let below = rest.dropFirst(nodeRoot.count).split(separator: "/").map(String.init)
      if below.count == 1 { return true }
      return below.count == 2 && numbered(below[0], "node") && SystemSnapshot.Path.nodeFiles.contains(below[1])
    }
    let cpuRoot = SystemSnapshot.Path.cpuRoot + "/"
    if rest.hasPrefix(cpuRoot) {
      let below = rest.dropFirst(cpuRoot.count).split(separator: "/").map(String.init)
      return below.count == 1 && (below[0] == "online" || below[0] == "possible" || numbered(below[0], "cpu"))
    }
    return false
  }

  /// Runs `/usr/bin/tar` and returns its standard output.
  static func tar(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw UnpackError(description: "tar \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(message)")
    }
    return text
  }

  struct UnpackError: Error, CustomStringConvertible { var description: String }
}
