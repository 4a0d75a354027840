import Foundation
import Testing

/// `zonelist tiers` and `explain --demotion` from a topology file, against the lines a real
/// 7.2 kernel printed for the same machine (the `tie-node-load-7.2` capture).
@Suite struct TiersCommandTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let example = root.appendingPathComponent("Examples/demotion-tie.yaml").path
  static var kernelLines: [String] {
    get throws {
      let dmesg = try String(
        contentsOfFile: root.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/tiers/tie-node-load-7.2/dmesg").path, encoding: .utf8)
      return dmesg.split(separator: "\n").compactMap { line in
        line.range(of: "Demotion targets for Node ").map { String(line[$0.lowerBound...]) }
      }
    }
  }

  @Test func kernelLogFromATopologyFileEqualsTheRealKernelsLines() throws {
    let result = try Tool.run(["tiers", "--topology", Self.example, "--format", "kernel-log"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.split(separator: "\n").map(String.init) == (try Self.kernelLines))
  }

  @Test func explainEndsWithTheKernelsLine() throws {
    let result = try Tool.run(["explain", "--demotion", "--node", "3", "--topology", Self.example])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix((try Self.kernelLines).last! + "\n"))
  }

  @Test func kernelLogRefusesUnconfirmedRules() throws {
    let result = try Tool.run(["tiers", "--topology", Self.example, "--kernel", "6.8", "--format", "kernel-log"])
    #expect(result.status == 65)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("not confirmed"))
  }

  @Test func noTiersBefore6_1() throws {
    let result = try Tool.run(["tiers", "--topology", Self.example, "--kernel", "5.10"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("has no memory tiers"))
  }
}
