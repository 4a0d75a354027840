import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// A run-time rebuild captured from a real kernel: the snapshot just before a memory
/// hotplug event, the event, and the lines the kernel printed for it.
struct RebuildFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let all = BootFixture.folders("rebuild").map { RebuildFixture(name: $0.name, path: $0.path) }

  func text(_ file: String) throws -> String { try String(contentsOfFile: path + "/" + file, encoding: .utf8) }

  /// The firmware's distance table, from the `-numa dist` options QEMU was given (QEMU ids
  /// are Linux ids in these machines). sysfs shows no distances for an offline node, so
  /// the table comes from what the machine was built with, not from the kernel's output.
  func firmwareDistances(nodes: [NodeID]) throws -> DistanceMatrix {
    var values: [NodeID: [NodeID: Int]] = [:]
    for word in try text("qemu-args").split(whereSeparator: \.isWhitespace) where word.hasPrefix("dist,") {
      var fields: [String: Int] = [:]
      for part in word.dropFirst(5).split(separator: ",") {
        let pair = part.split(separator: "=")
        fields[String(pair[0])] = Int(pair[1])
      }
      let source = NodeID(fields["src"]!)
      let destination = NodeID(fields["dst"]!)
      values[source, default: [:]][destination] = fields["val"]!
      if values[destination]?[source] == nil { values[destination, default: [:]][source] = fields["val"]! }
    }
    let rows = nodes.map { from in nodes.map { to in from == to ? 10 : values[from]?[to] ?? 20 } }
    return try DistanceMatrix(nodes: nodes, rows: rows)
  }
}

@Suite struct RebuildFixtureTests {
  @Test(arguments: RebuildFixture.all)
  func rebuildLinesMatchTheKernel(_ fixture: RebuildFixture) throws {
    let snapshot = try Sysroot.read(fixture.path + "/before")
    let version = try #require(snapshot.kernelVersion)
    let event = try #require(HotplugEvent(parsing: try fixture.text("event")), "bad event in \(fixture.name)")
    var before = snapshot.topology
    before.distances = try fixture.firmwareDistances(nodes: before.nodeIDs)
    let after = event.applied(to: before)
    var builder = ZonelistBuilder(topology: after, profile: KernelProfile(version: version), context: event.context)
    let build = builder.build()
    // The kernel recomputes watermarks after the rebuild: the high watermarks are the old ones.
    let zoneinfo = try #require(snapshot.zoneinfo)
    var high: [ZoneReference: Int] = [:]
    for entry in zoneinfo.entries { high[ZoneReference(node: entry.node, type: entry.type)] = entry.high?.rawValue ?? 0 }
    let total = TotalPages.rebuild(build, topology: after) { high[$0] ?? 0 }
    let expected = try fixture.text("kernel-lines").split(separator: "\n").map(String.init)
    #expect(KernelLog.lines(build, totalPages: total) == expected)
  }

  @Test func rebuildFixturesCoverBothKernels() {
    #expect(RebuildFixture.all.filter { $0.name.hasSuffix("-6.1") }.count >= 6)
    #expect(RebuildFixture.all.filter { $0.name.hasSuffix("-6.12") }.count >= 6)
  }
}
