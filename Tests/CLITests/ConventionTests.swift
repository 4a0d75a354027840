import Foundation
import Testing
#if canImport(FoundationXML)
  import FoundationXML
#endif
import ZonelistCore

/// Command-line conventions: `--version`, json for `explain` and `qemu-args`, shell-quoted
/// `qemu-args` that bash reads back word for word, `--plot -` and unwritable output paths.
@Suite struct ConventionTests {
  static let example = Tool.repositoryRoot.appendingPathComponent("Examples/two-sockets-cxl.yaml").path
  static let workload = Tool.repositoryRoot.appendingPathComponent("Examples/spill-workload.yaml").path

  @Test func versionIsTheProjects() throws {
    let result = try Tool.run(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout == ZonelistVersion.current + "\n")
  }

  /// What bash's `eval` makes of `--format shell` is the argument list of `--format lines` and
  /// of `--format json`, `-append` and its spaces included.
  @Test(arguments: ["Examples/two-sockets-cxl.yaml", "Examples/dram-hbm.yaml", "Examples/memoryless-and-expanders.yaml"])
  func shellFormatEvaluatesToTheArguments(_ file: String) throws {
    let path = Tool.repositoryRoot.appendingPathComponent(file).path
    let lines = try Tool.run(["qemu-args", "--format", "lines", "--topology", path])
    #expect(lines.status == 0, "\(lines.stderr)")
    let words = lines.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(words.contains("-append") && words.contains { $0.contains(" ") }, "the kernel command line is one word with spaces")
    let evaluated = try Tool.shell(
      "show() { for word in \"$@\"; do printf '%s\\n' \"$word\"; done; }; eval \"show $(zonelist qemu-args --format shell --topology \(file))\"")
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    #expect(evaluated.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == words)
    let json = try Tool.run(["qemu-args", "--format", "json", "--topology", path])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "zonelist.qemu-args/1")
    #expect(document["arguments"] as? [String] == words)
  }

  /// `explain --format json` of every node of a real boot gives the order the kernel printed.
  @Test func explainJSONGivesTheKernelsOrder() throws {
    let fixture = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot/26-seven-nodes-mixed-6.12").path
    let dmesg = try String(contentsOfFile: fixture + "/dmesg", encoding: .utf8)
    let lines = dmesg.split(separator: "\n").compactMap { line -> (Int, [Int])? in
      guard let range = line.range(of: "Fallback order for Node ") else { return nil }
      let rest = line[range.upperBound...]
      guard let colon = rest.firstIndex(of: ":"), let node = Int(rest[..<colon]) else { return nil }
      return (node, rest[rest.index(after: colon)...].split(separator: " ").compactMap { Int($0) })
    }
    #expect(lines.count == 7)
    for (node, order) in lines {
      let result = try Tool.run(["explain", "--sysroot", fixture, "--node", "\(node)", "--format", "json"])
      #expect(result.status == 0, "\(result.stderr)")
      let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      #expect(document["schema"] as? String == "zonelist.explain/1")
      #expect(document["fallbackOrder"] as? [Int] == order, "node \(node)")
      let steps = try #require(document["steps"] as? [[String: Any]])
      #expect(steps.compactMap { $0["chosen"] as? Int } == order, "node \(node): the steps choose the order")
    }
  }

  /// `--plot -` writes the plot, and only the plot, to standard output.
  @Test func plotToStandardOutput() throws {
    let result = try Tool.run(["simulate", "--topology", Self.example, "--workload", Self.workload, "--plot", "-"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("<svg "), "\(result.stdout.prefix(80))")
    #expect(result.stdout.hasSuffix("</svg>\n"))
    #expect(!result.stdout.contains("step 1: CPU"), "no table on standard output beside the plot")
    // One panel per populated zone (4 here), each with its three watermarks.
    for zone in ["Node 0, zone DMA<", "Node 0, zone DMA32<", "Node 1, zone DMA32<", "Node 2, zone DMA32<"] {
      #expect(result.stdout.contains(zone), "no panel \(zone)")
    }
    #expect(result.stdout.components(separatedBy: " watermark: ").count - 1 == 12)
    // The steps are listed by what they did.
    #expect(result.stdout.contains("1: CPU 0 default 307200 pages order 0 — served 1.2 GiB"))
    try expectWellFormed(result.stdout)
  }

  /// Beyond 12 zones the plot has a panel per node, the nodes whose free memory changed first.
  @Test func plotGroupsZonesByNodeBeyondADozen() throws {
    let sixteen = Tool.repositoryRoot.appendingPathComponent("Tests/Topologies/33-sixteen-nodes-ties.yaml").path
    let result = try Tool.run(["simulate", "--topology", sixteen, "--kernel", "6.12", "--workload", Self.workload, "--plot", "-"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains(">Node 0: DMA, DMA32<"), "node 0's two zones share a panel")
    #expect(!result.stdout.contains(", zone "), "no panel per zone beyond 12 zones")
    let panels = result.stdout.components(separatedBy: "font-size=\"13\" font-weight=\"bold\" fill=\"#222222\">Node ").dropFirst()
      .compactMap { Int($0.prefix { $0.isNumber }) }
    #expect(Set(panels).count == 16 && panels.count == 16, "one panel per node: \(panels)")
    // Nodes 0-2 take the workload's pages; they come first.
    #expect(Set(panels.prefix(3)) == [0, 1, 2], "\(panels)")
  }

  /// A path that cannot be written is refused before any work (nothing on standard output).
  @Test(arguments: [
    ["simulate", "--topology", example, "--workload", workload, "--plot"],
    ["draw", "--topology", example, "--output"],
    ["report", "--topology", example, "--output"],
  ])
  func unwritableOutputIsRefusedFirst(_ command: [String]) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-missing-\(UUID().uuidString)").path
    let result = try Tool.run(command + [folder + "/out.svg"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("the folder \(folder) does not exist"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    let directory = try Tool.run(command + [FileManager.default.temporaryDirectory.path])
    #expect(directory.status == 64)
    #expect(directory.stderr.contains("is a folder"), "\(directory.stderr)")
  }

  /// `draw --format svg|dot` and `report` on a 16-node machine (a 6.12 boot's snapshot).
  @Test func drawAndReportAreWellFormed() throws {
    let fixture = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot/33-sixteen-nodes-ties-6.12").path
    let svg = try Tool.run(["draw", "--sysroot", fixture])
    #expect(svg.status == 0, "\(svg.stderr)")
    try expectWellFormed(svg.stdout)
    let dot = try Tool.run(["draw", "--sysroot", fixture, "--format", "dot"])
    #expect(dot.stdout.hasPrefix("digraph zonelist {") && dot.stdout.hasSuffix("}\n"))
    let report = try Tool.run(["report", "--sysroot", fixture, "--output", "-"])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout.hasPrefix("<!DOCTYPE html>"))
    for needle in ["<svg ", "Fallback order for Node 15:", "memory_tier4", "Why each node falls back", ">0:DMA32<"] {
      #expect(report.stdout.contains(needle), "the report lacks \(needle)")
    }
    // Self-contained: nothing to fetch (the only URL is the SVG namespace).
    for pattern in ["src=", "href=\"http", "@import", "url(", "<script", "<link"] {
      #expect(!report.stdout.contains(pattern), "the report refers to \(pattern)")
    }
    #expect(report.stdout.components(separatedBy: "://").count - 1 == 1)
    #expect(report.stdout.contains("Content-Security-Policy\" content=\"default-src 'none'"))
  }

  func expectWellFormed(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let parser = XMLParser(data: Data(xml.utf8))
    #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", sourceLocation: sourceLocation)
  }
}
