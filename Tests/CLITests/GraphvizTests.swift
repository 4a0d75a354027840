import Foundation
import Testing

/// `draw --format dot` laid out by Graphviz itself (Debian's `graphviz`): every machine from 2
/// to 64 nodes, and the 1024-node benchmark input, renders with `dot -Tsvg` without a warning,
/// with one box per node (per distance group when summarised) and no tangle of edges: past
/// six nodes the distances are one heat-map table and each node has one arrow, its first
/// fallback step, its whole order being written in its box.
///
/// Skipped, saying so, when `dot` is absent, except under CI (`CI=true`), where it must run.
@Suite(
  .enabled(
    if: Graphviz.path != nil || ProcessInfo.processInfo.environment["CI"] == "true",
    "graphviz is not installed (apt-get install graphviz, or Scripts/setup.sh); under CI=true this suite runs and fails instead"))
struct GraphvizTests {
  static let boots = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot").path

  /// A machine to draw, and how many nodes it has.
  struct Case: CustomStringConvertible, Sendable {
    var arguments: [String]
    var nodes: Int
    var description: String { "\(nodes) nodes: \(arguments.last!)" }
  }

  static let cases: [Case] =
    [
      ("03-two-nodes-default-6.12", 2), ("13-four-nodes-2sockets-2nodes-6.12", 4), ("23-six-nodes-3sockets-6.12", 6),
      ("27-eight-nodes-amd-opteron-6.12", 8), ("33-sixteen-nodes-ties-6.12", 16), ("36-thirtytwo-nodes-clustered-6.12", 32),
      ("38-sixtyfour-nodes-ia64-6.12", 64),
    ].map { Case(arguments: ["--sysroot", boots + "/" + $0.0], nodes: $0.1) }
    + [Case(arguments: ["--kernel", "6.12", "--topology", Tool.repositoryRoot.appendingPathComponent("Benchmarks/Inputs/1024-nodes.yaml").path], nodes: 1024)]

  @Test(arguments: cases)
  func dotRendersEveryMachineReadably(_ item: Case) throws {
    let dot = try #require(Graphviz.path, "graphviz is required under CI=true: add it to Scripts/setup.sh's packages")
    let drawn = try Tool.run(["draw", "--format", "dot"] + item.arguments)
    #expect(drawn.status == 0, "\(item): \(drawn.stderr)")
    let (status, svg, warnings) = try Graphviz.render(drawn.stdout, with: dot)
    #expect(status == 0 && warnings.isEmpty, "\(item): dot exit \(status): \(warnings)")
    let boxes = svg.components(separatedBy: "class=\"node\"").count - 1
    let edges = svg.components(separatedBy: "class=\"edge\"").count - 1
    let texts = svg.components(separatedBy: "<text").count - 1
    if item.nodes <= 6 {
      // Every distance an edge, every fallback step an arrow: n(n-1)/2 + n(n-1).
      #expect(boxes == item.nodes && edges == item.nodes * (item.nodes - 1) * 3 / 2, "\(item): \(boxes) boxes, \(edges) edges")
    } else if item.nodes <= 16 {
      #expect(boxes == item.nodes + 1, "\(item): a box per node and the distance table, not \(boxes)")
      #expect(edges == item.nodes, "\(item): one arrow per node, not \(edges)")
      #expect(svg.components(separatedBy: "falls back: ").count - 1 == item.nodes, "\(item)")
      #expect(texts > item.nodes * item.nodes, "\(item): the table's cells are drawn (\(texts) texts)")
    } else {
      let groups = drawn.stdout.components(separatedBy: "[label=\"G").count - 1
      #expect(groups > 1 && groups <= 32 && boxes == groups + (groups > 6 ? 1 : 0), "\(item): \(groups) groups, \(boxes) boxes")
      #expect(edges <= groups * (groups - 1) / 2 && (groups <= 6 || edges == 0), "\(item): \(edges) edges")
    }
  }
}

enum Graphviz {
  /// Graphviz's `dot` on the `PATH`, if installed.
  static let path: String? = {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return folders.map { "\($0)/dot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// Runs `dot -Tsvg` on `source`: its exit status, the SVG, and what it printed on stderr.
  static func render(_ source: String, with dot: String) throws -> (Int32, String, String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-dot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("picture.dot").path
    let output = folder.appendingPathComponent("picture.svg").path
    try source.write(toFile: input, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: dot)
    process.arguments = ["-Tsvg", "-o", output, input]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let svg = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    return (process.terminationStatus, svg, warnings)
  }
}
