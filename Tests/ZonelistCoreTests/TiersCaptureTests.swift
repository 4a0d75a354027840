import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// A boot stored by `zonelist capture-cases` from `Scripts/tiers-capture/cases.yaml`.
struct TiersFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let all = BootFixture.folders("tiers").map { TiersFixture(name: $0.name, path: $0.path) }

  func text(_ file: String) throws -> String { try String(contentsOfFile: path + "/" + file, encoding: .utf8) }

  /// `memory_tierN/nodelist` by tier id, as the guest's sysfs showed them.
  func tiers() throws -> [Int: [Int]] {
    let base = path + "/sys/devices/virtual/memory_tiering"
    var result: [Int: [Int]] = [:]
    for entry in try FileManager.default.contentsOfDirectory(atPath: base) where entry.hasPrefix("memory_tier") {
      result[Int(entry.dropFirst("memory_tier".count))!] = try IDList.parse(text("sys/devices/virtual/memory_tiering/\(entry)/nodelist"))
    }
    return result
  }

  /// The `Demotion targets` lines of the kernel log, timestamps removed, grouped into the
  /// sets the kernel printed (a set starts again at its lowest node).
  func demotionSets() throws -> [[String]] {
    var sets: [[String]] = []
    var previous = Int.max
    for line in try text("dmesg").split(separator: "\n") {
      let stripped = KernelLog.strippingTimestamp(String(line))
      guard stripped.hasPrefix("Demotion targets for Node ") else { continue }
      let node = Int(stripped.dropFirst("Demotion targets for Node ".count).prefix { $0.isNumber })!
      if node <= previous { sets.append([]) }
      sets[sets.count - 1].append(stripped)
      previous = node
    }
    return sets
  }

  var series: String { String(name.split(separator: "-").last!) }
}

/// The case list and the captures themselves (not the model): each capture is complete, as
/// the tiers tests need it.
@Suite struct TiersCaptureTests {
  static let caseList = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scripts/tiers-capture/cases.yaml").path

  @Test func caseListReads() throws {
    let cases = try CaptureCase.load(path: Self.caseList)
    #expect(cases.count >= 14)
    #expect(cases.contains { $0.daxKmem } && cases.contains { !$0.hotAdds.isEmpty })
    for entry in cases where entry.daxKmem || !entry.hotAdds.isEmpty {
      // 6.1 does not online hot-added memory by itself.
      #expect(entry.append.contains("memhp_default_state=online"), "\(entry.name)")
    }
  }

  @Test func caseListErrorsNameTheLine() {
    let text = "cases:\n  - name: a\n    about: x\n    qemu: -m 1G\n    hot-add: [{node: 1, size: lots}]\n"
    #expect(throws: ImportError(file: "c.yaml", line: 5, text: "hot-add: [{node: 1, size: lots}]", expected: "a size such as 512M")) {
      try CaptureCase.parse(text, file: "c.yaml")
    }
    #expect(throws: ImportError.self) { try CaptureCase.parse("cases:\n  - name: a\n    qemu: -m 1G\n", file: "c.yaml") }
    #expect(throws: ImportError.self) { try CaptureCase.parse("cases:\n  - name: a b\n    about: x\n    qemu: -m 1G\n", file: "c.yaml") }
    #expect(throws: ImportError.self) { try CaptureCase.parse("cases:\n  - name: a\n    about: x\n    qemu: q\n    dax: true\n", file: "c.yaml") }
    let twice = "cases:\n  - {name: a, about: x, qemu: q}\n  - {name: a, about: y, qemu: q}\n"
    #expect(throws: ImportError.self) { try CaptureCase.parse(twice, file: "c.yaml") }
  }

  @Test func kernelSeriesFromImagePaths() {
    #expect(CaptureCase.release(ofImage: "/k/x/boot/vmlinuz-6.1.0-57-amd64") == "6.1.0-57-amd64")
    #expect(CaptureCase.release(ofImage: "/k/x/usr/lib/modules/7.2.13+deb14-amd64/vmlinuz") == "7.2.13+deb14-amd64")
    #expect(CaptureCase.release(ofImage: "/k/bzImage") == nil)
    #expect(CaptureCase.series(of: "6.12.117+deb12-amd64") == "6.12")
    #expect(CaptureCase.series(of: "6.1.0-57-amd64") == "6.1")
    #expect(CaptureCase.series(of: "linux") == nil)
  }

  @Test func everyFixtureIsACaseOfTheList() throws {
    let names = Set(try CaptureCase.load(path: Self.caseList).map(\.name))
    for fixture in TiersFixture.all {
      let caseName = fixture.name.split(separator: "-").dropLast().joined(separator: "-")
      #expect(names.contains(caseName), "\(fixture.name)")
    }
  }

  /// Every node with memory is in exactly one tier, and the last set of `Demotion targets`
  /// lines (6.12 and later) names exactly those nodes: the snapshot was taken after the last
  /// event that changed them. 6.1 prints no such lines.
  @Test(arguments: TiersFixture.all)
  func captureIsComplete(_ fixture: TiersFixture) throws {
    let memory = try IDList.parse(fixture.text("sys/devices/system/node/has_memory"))
    let tiers = try fixture.tiers()
    #expect(tiers.values.flatMap { $0 }.sorted() == memory)
    #expect(try fixture.text("sys/kernel/mm/numa/demotion_enabled").hasSuffix("\n"))
    let sets = try fixture.demotionSets()
    if fixture.series == "6.1" {
      #expect(sets.isEmpty)
    } else {
      let last = try #require(sets.last)
      let nodes = last.map { Int($0.dropFirst("Demotion targets for Node ".count).prefix { $0.isNumber })! }
      #expect(nodes == memory)
    }
    #expect(FileManager.default.fileExists(atPath: fixture.path + "/case.md"))
  }
}
