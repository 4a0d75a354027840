import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The streamed json of `zonelist build` is byte for byte what `JSONEncoder` gives with
/// `[.prettyPrinted, .sortedKeys]` (the format's definition before streaming).
@Suite struct StreamedJSONTests {
  static let topologies = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Topologies")

  static func encoded(_ report: BuildReport) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(report), as: UTF8.self)
  }

  static func streamed(_ report: BuildReport) -> String {
    var json = JSONWriter(ByteWriter())
    report.writeJSON(to: &json)
    return json.out.string
  }

  @Test(arguments: [
    "03-two-nodes-default.yaml", "10-three-nodes-memoryless-middle.yaml", "21-five-nodes-asym-cpuless.yaml",
    "33-sixteen-nodes-ties.yaml", "40-numa-off-four-nodes.yaml",
  ])
  func streamedEqualsEncoded(_ name: String) throws {
    let input = try ModelInput.load(sysroot: nil, topologyFile: Self.topologies.appendingPathComponent(name).path, kernel: "6.12")
    for context in [BuildContext.boot, .rebuild(onlining: nil)] {
      let run = try ZonelistRun(input: input, context: context)
      #expect(Self.streamed(run.report) == (try Self.encoded(run.report)), "\(name) \(context)")
    }
  }

  /// The report `zonelist build` writes (from the node orders, lists made as they are written)
  /// is the one made from the full build: equal, and the same json and table, on every
  /// topology, in every context, on kernels with node and zone order.
  @Test(arguments: ["6.12", "4.9", "2.6.30", "2.6.24"])
  func reportFromOrdersEqualsReportFromLists(_ kernel: String) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.topologies.path).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(names.count >= 50)
    var orders: Set<String> = []
    var refused: [String] = []
    for name in names {
      // numa=fake= files are refused (the kernel's emulation is read back from a boot).
      guard let input = try? ModelInput.load(sysroot: nil, topologyFile: Self.topologies.appendingPathComponent(name).path, kernel: kernel)
      else {
        refused.append(name)
        continue
      }
      let last = input.topology.nodeIDs.last!
      let cases: [(BuildContext, HotplugEvent?)] = [(.boot, nil), (.rebuild(onlining: nil), nil), (.rebuild(onlining: last), .hotAdd(node: last))]
      for (context, event) in cases {
        let full = try ZonelistRun(input: input, context: context, event: event).report
        let fromOrders = try NodeOrderRun(input: input, context: context, event: event).report
        #expect(fromOrders == full, "\(name) \(kernel) \(context)")
        #expect(Self.streamed(fromOrders) == Self.streamed(full), "\(name) \(kernel) \(context)")
        #expect(fromOrders.table() == full.table(), "\(name) \(kernel) \(context)")
        orders.insert(full.zonelistOrder)
      }
    }
    #expect(refused.allSatisfy { $0.contains("numa-fake") } && refused.count <= 3, "\(refused)")
    // Both list layouts are covered where the kernel has both.
    #expect(orders == (kernel == "6.12" || kernel == "4.9" ? ["node"] : ["node", "zone"]))
  }

  /// Arrays of numbers and zones at every depth (deeper ones are written without the rendered
  /// elements), with numbers and node ids beyond what is rendered once, repeated, negative, empty.
  @Test func arraysAtEveryDepthAndOfEveryValue() throws {
    final class Nest: Codable {
      var inner: Nest?
      var n: [Int]
      var z: ZoneNames
      init(inner: Nest?, n: [Int], z: ZoneNames) { (self.inner, self.n, self.z) = (inner, n, z) }
      func write(to json: inout JSONWriter) {
        json.beginObject()
        if let inner {
          json.key("inner")
          inner.write(to: &json)
        }
        json.member("n", n)
        json.member("z", z)
        json.endObject()
      }
    }
    let numbers = [0, 7, 7, 1023, 65_535, 65_536, -1, -1, Int.max, Int.min, 123_456_789_012]
    let zones = ZoneNames([
      ZoneReference(node: 0, type: .dma), ZoneReference(node: 1023, type: .normal), ZoneReference(node: 1023, type: .normal),
      ZoneReference(node: 8191, type: .movable), ZoneReference(node: 8192, type: .normal), ZoneReference(node: 99_999, type: .device),
      ZoneReference(node: 5, type: .highmem),
    ])
    var nest: Nest? = nil
    for depth in 0..<12 {
      nest = Nest(inner: nest, n: depth == 3 ? [] : numbers, z: depth == 4 ? [] : zones)
    }
    var json = JSONWriter(ByteWriter())
    nest!.write(to: &json)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    #expect(json.out.string == String(decoding: try encoder.encode(nest!), as: UTF8.self))
  }

  /// Strings needing escapes, absent optionals, empty containers, a node not built.
  @Test func escapesAndEmptyContainers() throws {
    let input = try ModelInput.load(sysroot: nil, topologyFile: Self.topologies.appendingPathComponent("03-two-nodes-default.yaml").path, kernel: "6.12")
    var report = try ZonelistRun(input: input, context: .boot).report
    report.notes = ["a/b \"q\" back\\slash tab\t nl\n cr\r bell\u{7} nul\u{0} esc\u{1B} del\u{7F} é … 😀", ""]
    report.assumptions = [AssumptionReport(file: "proc/zoneinfo", assumed: "x/y", affects: [.zones]), AssumptionReport(file: nil, assumed: "", affects: [])]
    report.totalPages = nil
    report.mobilityGrouping = nil
    report.rulesAssumed = "7.2"
    report.nodeLoad = [:]
    report.cpus = []
    report.nodes[1].fallback = nil
    report.nodes[1].fallbackOrder = []
    report.nodes[1].thisNode = []
    report.nodes[1].zones = [:]
    #expect(Self.streamed(report) == (try Self.encoded(report)))
  }
}
