import Foundation
import Testing
#if canImport(FoundationXML)
  import FoundationXML
#endif
@testable import ZonelistCore
import ZonelistHarness

/// `zonelist draw`: the pictures of real boots show the fallback orders the kernel printed and
/// the distances its sysfs gave; large machines are summarised by their distance structure.
@Suite struct PictureTests {
  /// The 6.12 boots: the picture of each guest's own snapshot.
  static let boots = BootFixture.all.filter { $0.name.hasSuffix("-6.12") }

  static func picture(_ fixture: BootFixture) throws -> PictureRun {
    let input = try ModelInput.load(sysroot: fixture.path, topologyFile: nil, kernel: nil)
    return try PictureRun(input: input, sysroot: fixture.path, context: .boot, title: fixture.name)
  }

  /// `Fallback order for Node N: a b c` lines of a kernel log, by node.
  static func kernelOrders(_ dmesg: String) -> [Int: [Int]] {
    var orders: [Int: [Int]] = [:]
    for line in BootCapture.zonelistLines(dmesg: dmesg) where line.hasPrefix("Fallback order for Node ") {
      let rest = line.dropFirst("Fallback order for Node ".count)
      guard let colon = rest.firstIndex(of: ":"), let node = Int(rest[..<colon]) else { continue }
      orders[node] = rest[rest.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
    }
    return orders
  }

  /// Every match of `pattern`'s captures (integers) in `text`.
  static func captures(_ pattern: String, in text: String) throws -> [[Int]] {
    let expression = try NSRegularExpression(pattern: pattern)
    let range = NSRange(text.startIndex..., in: text)
    return expression.matches(in: text, range: range).map { match in
      (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: text).flatMap { Int(text[$0]) } }
    }
  }

  /// Every match of `pattern`'s captures in `text`, nil where a group did not take part.
  static func strings(_ pattern: String, in text: String) throws -> [[String?]] {
    let expression = try NSRegularExpression(pattern: pattern)
    return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
      (1..<match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } }
    }
  }

  @Test func thereAreBootsToDraw() { #expect(Self.boots.count == 50) }

  /// The numbered arrows of every node (`node N, step k: node M`) give the kernel's
  /// `Fallback order` lines; beyond 16 nodes the runs of the first node of each shape do.
  @Test(arguments: boots)
  func drawnFallbackOrdersAreTheKernels(_ fixture: BootFixture) throws {
    let kernel = Self.kernelOrders(try fixture.dmesg)
    try #require(!kernel.isEmpty, "\(fixture.name): no Fallback order lines")
    let run = try Self.picture(fixture)
    let svg = run.picture.svg()
    if run.picture.isDetailed {
      var drawn: [Int: [Int]] = [:]
      for step in try Self.captures(#"<title>node (\d+), step (\d+): node (\d+) at distance"#, in: svg) {
        #expect(step[1] == (drawn[step[0]]?.count ?? 0) + 1, "\(fixture.name): node \(step[0]) step \(step[1]) out of order")
        drawn[step[0], default: []].append(step[2])
      }
      #expect(drawn == kernel, "\(fixture.name)")
      // The DOT form: arrows labelled N:k to every other node, in the same order; past
      // dotEdgeLimit nodes the first step only, and the whole order in the node's label.
      let source = run.picture.dot()
      var dot: [Int: [Int]] = [:]
      for arrow in try Self.captures(#"n(\d+) -> n(\d+) \[label="\d+:(\d+)""#, in: source) {
        dot[arrow[0], default: []].append(arrow[1])
      }
      // (A node's arrow to itself is left out.)
      let others = kernel.reduce(into: [Int: [Int]]()) { result, entry in
        let targets = entry.value.filter { $0 != entry.key }
        if !targets.isEmpty { result[entry.key] = targets }
      }
      if run.picture.nodes.count <= TopologyPicture.dotEdgeLimit {
        #expect(dot == others, "\(fixture.name): dot")
      } else {
        #expect(dot == others.mapValues { [$0[0]] }, "\(fixture.name): dot arrows")
        let regex = try NSRegularExpression(pattern: #"n(\d+) \[label="[^"]*falls back: ([\d ]+)""#)
        var written: [Int: [Int]] = [:]
        for match in regex.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
          let node = Int(source[Range(match.range(at: 1), in: source)!])!
          written[node] = source[Range(match.range(at: 2), in: source)!].split(separator: " ").compactMap { Int($0) }
        }
        #expect(written == kernel, "\(fixture.name): dot labels")
      }
    } else {
      // Each shape names a node; its runs (positions a-b: the set of nodes at one distance)
      // are that node's kernel order, cut where the distance changes.
      let headers = try NSRegularExpression(pattern: #">(?:\d+ nodes fall back like )?node (\d+):<"#)
      let matches = headers.matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
      #expect(!matches.isEmpty, "\(fixture.name): no fallback shapes drawn")
      for (index, match) in matches.enumerated() {
        let node = try #require(Range(match.range(at: 1), in: svg).flatMap { Int(svg[$0]) })
        let end = index + 1 < matches.count ? matches[index + 1].range.location : (svg as NSString).length
        let chunk = (svg as NSString).substring(with: NSRange(location: match.range.location, length: end - match.range.location))
        let order = try #require(kernel[node], "\(fixture.name): node \(node) has no kernel line")
        var position = 0
        for run in try Self.strings(#"<title>positions (\d+)(?:-(\d+))?: nodes ([0-9,-]+) at distance"#, in: chunk) {
          let first = Int(run[0] ?? "") ?? -1, last = Int(run[1] ?? run[0] ?? "") ?? -1
          #expect(first == position + 1, "\(fixture.name): node \(node) runs are not contiguous")
          let drawn = Set(try IDList.parse(run[2] ?? ""))
          #expect(first >= 1 && last <= order.count && drawn == Set(order[(first - 1)..<last]), "\(fixture.name): node \(node) positions \(first)-\(last)")
          position = last
        }
        #expect(position == order.count || chunk.contains("more runs"), "\(fixture.name): node \(node) drawn up to \(position) of \(order.count)")
      }
    }
  }

  /// The heat map's cells (`node A to node B: D`) are the guest's sysfs distances.
  @Test(arguments: boots.filter { (try? picture($0).picture.isDetailed) == true })
  func drawnDistancesAreTheGuests(_ fixture: BootFixture) throws {
    let svg = try Self.picture(fixture).picture.svg()
    let cells = try Self.captures(#"<title>node (\d+) to node (\d+): (\d+)</title>"#, in: svg)
    let nodes = Set(cells.map { $0[0] })
    #expect(cells.count == nodes.count * nodes.count)
    for cell in cells {
      let row = try String(contentsOfFile: "\(fixture.path)/sys/devices/system/node/node\(cell[0])/distance", encoding: .utf8)
      let values = row.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
      let column = nodes.sorted().firstIndex(of: cell[1]) ?? -1
      #expect(values.indices.contains(column) && values[column] == cell[2], "\(fixture.name): node \(cell[0]) to \(cell[1])")
    }
  }

  /// The 1024-node benchmark machine, as its file describes it: sockets of 8 nodes, 8 sockets
  /// to a group (16 groups of 64), every node 1 GiB with one CPU.
  @Test func thousandNodesAreSummarisedByTheirStructure() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("Benchmarks/Inputs/1024-nodes.yaml").path
    let input = try ModelInput.load(sysroot: nil, topologyFile: path, kernel: "6.12")
    let run = try PictureRun(input: input, sysroot: nil, context: .boot, title: "1024")
    #expect(!run.picture.isDetailed)
    let svg = run.picture.svg()
    #expect(svg.contains("128 groups, the largest of 8 nodes"))
    #expect(svg.contains("16 groups, the largest of 64 nodes"))
    for group in 0..<16 { #expect(svg.contains("G\(group + 1): 64 nodes \(group * 64)-\(group * 64 + 63)<")) }
    #expect(svg.contains("1024 nodes fall back like node 0:"))
    #expect(svg.count < 400_000, "a summary stays small: \(svg.count) characters")
    let dot = run.picture.dot()
    #expect(try Self.captures(#"g(\d+) \[label="G\d+: 64 nodes"#, in: dot).count == 16)
  }

  /// Every vendored real machine draws (SVG well-formed XML, DOT balanced): one card per node
  /// up to 16 nodes, a summary beyond; each node's drawn order is the model's.
  @Test(arguments: try RealMachineTests.archives())
  func realMachinesDraw(_ archive: String) throws {
    let unpacked = try RealMachineTests.unpack(archive)
    defer { try? FileManager.default.removeItem(atPath: unpacked.temporary) }
    let input = try ModelInput.load(sysroot: unpacked.root, topologyFile: nil, kernel: "6.12")
    let run = try PictureRun(input: input, sysroot: unpacked.root, context: .boot, title: archive)
    let svg = run.picture.svg()
    let parser = XMLParser(data: Data(svg.utf8))
    #expect(parser.parse(), "\(archive): \(parser.parserError.map { "\($0)" } ?? "")")
    let nodes = input.topology.nodeIDs.count
    if nodes <= TopologyPicture.detailLimit {
      #expect(try Self.captures(##"font-weight="bold" fill="#222222">Node (\d+)(?: \(offline\))?</text>"##, in: svg).count >= nodes)
      for lists in run.run.build.lists {
        let drawn = try Self.captures(#"<title>node \#(lists.node), step \d+: node (\d+) at"#, in: svg).map { $0[0] }
        #expect(drawn == lists.nodeOrder.map(\.rawValue), "\(archive): node \(lists.node)")
      }
    } else {
      #expect(svg.contains("summarised"), "\(archive)")
    }
    let dot = run.picture.dot()
    #expect(dot.filter { $0 == "{" }.count == dot.filter { $0 == "}" }.count, "\(archive): unbalanced DOT")
  }

  @Test func logarithmsAreExactEnoughForAnAxis() {
    #expect(abs(Logarithm.log2(1024) - 10) < 1e-12)
    #expect(abs(Logarithm.log2(3) - 1.584_962_500_721_156) < 1e-12)
    #expect(abs(Logarithm.log2(0.75) + 0.415_037_499_278_843_8) < 1e-12)
  }
}
