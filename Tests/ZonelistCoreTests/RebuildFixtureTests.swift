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
  /// The lines `zonelist build --sysroot before --hotplug EVENT --format kernel-log` prints
  /// (the CLI's pipeline, ``NodeOrderRun``, and the full build's, ``ZonelistRun``), with the
  /// firmware's distances for the offline nodes.
  @Test(arguments: RebuildFixture.all)
  func rebuildLinesMatchTheKernel(_ fixture: RebuildFixture) throws {
    var input = try ModelInput.load(sysroot: fixture.path + "/before", topologyFile: nil, kernel: nil)
    let event = try #require(HotplugEvent(parsing: try fixture.text("event")), "bad event in \(fixture.name)")
    input.topology.distances = try fixture.firmwareDistances(nodes: input.topology.nodeIDs)
    let run = try ZonelistRun(input: input, context: event.context, event: event)
    let expected = try fixture.text("kernel-lines").split(separator: "\n").map(String.init)
    #expect(try #require(run.kernelLogLines, "\(fixture.name): \(run.notes)") == expected)
    #expect(try NodeOrderRun(input: input, context: event.context, event: event).kernelLogLines == expected)
  }

  @Test func rebuildFixturesCoverBothKernels() {
    BootFixture.expectCount("rebuild")
    #expect(RebuildFixture.all.filter { $0.name.hasSuffix("-6.1") }.count == 11)
    #expect(RebuildFixture.all.filter { $0.name.hasSuffix("-6.12") }.count == 11)
  }
}
