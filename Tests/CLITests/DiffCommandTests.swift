import Foundation
import Testing

/// `zonelist diff`, `zonelist snapshot` and the what-if options through the built binary: exit
/// statuses, formats, and refusals that name the option and what was expected.
@Suite struct DiffCommandTests {
  static let example = Tool.repositoryRoot.appendingPathComponent("Examples/two-sockets-cxl.yaml").path
  static let boots = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot").path

  @Test func equalInputsExitZeroAndDifferentOnesOne() throws {
    let same = try Tool.run(["diff", Self.example, Self.example])
    #expect(same.status == 0, "\(same.stderr)")
    #expect(same.stdout.contains("no difference"))
    let boots = try Tool.run(["diff", Self.boots + "/17-four-nodes-two-memoryless-6.1", Self.boots + "/17-four-nodes-two-memoryless-6.12"])
    #expect(boots.status == 1, "\(boots.stderr)")
    #expect(boots.stdout.contains("  node 1: A 1 0 2  ->  B 0 2"))
  }

  /// The json document: schema, the equal flag, and the same changes as the text.
  @Test func jsonSaysWhatTheTextSays() throws {
    let result = try Tool.run(["diff", "--topology", Self.example, "--set-distance", "1,2=20", "--format", "json"])
    #expect(result.status == 1, "\(result.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "zonelist.diff/1")
    #expect(document["equal"] as? Bool == false)
    let diff = try #require(document["diff"] as? [String: Any])
    let orders = try #require(diff["nodeOrders"] as? [[String: Any]])
    #expect(orders.count == 1 && orders[0]["node"] as? Int == 1 && orders[0]["b"] as? [Int] == [1, 2, 0])
    #expect((document["notes"] as? [String])?.contains { $0.contains("--set-distance 1,2=20") } == true)
  }

  @Test(arguments: [
    (["diff", "a", "b", "c"], "compares two inputs: 3 given"),
    (["diff", "--topology", Self.example], "one input compares with itself"),
    (["diff", "/nonexistent/m.yaml", Self.example], "/nonexistent/m.yaml: no such file or folder"),
    (["diff", "--topology", Self.example, "--kernel", "6.1", "--kernel", "6.12", "--kernel", "7.2"], "given once (both sides) or twice"),
    (["diff", "--topology", Self.example, "--add-node", "memory=4G cpus=none distance=20,10"], "distance= with 4 values"),
    (["build", "--topology", Self.example, "--set-distance", "0,9=17"], "--set-distance '0,9=17': expected a node of the machine"),
    (["build", "--topology", Self.example, "--remove-cpus", "0"], "--remove-cpus '0': expected CPUs other than the boot CPU"),
    (["zoneinfo", "--topology", Self.example, "--set", "vm.watermark_scale_factor=0"], "watermark_scale_factor"),
    (["tiers", "--topology", Self.example, "--add-node", "memory=4G"], "--add-node 'memory=4G': expected cpus=LIST"),
  ])
  func badInputIsRefusedWithStatus64(_ arguments: [String], _ expected: String) throws {
    let result = try Tool.run(arguments)
    #expect(result.status == 64, "\(arguments): \(result.stdout)")
    #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
  }

  /// What-if edits reach every command that takes a machine, and each says it was edited.
  @Test(arguments: ["build", "tiers", "zoneinfo", "explain"])
  func everyCommandSaysWhichEditsItApplied(_ command: String) throws {
    var arguments = [command, "--topology", Self.example, "--add-node", "memory=4G cpus=none distance=24,14,28,10 kind=dax-kmem"]
    if command == "explain" { arguments += ["--node", "1"] }
    let result = try Tool.run(arguments)
    #expect(result.status == 0, "\(command): \(result.stderr)")
    #expect(result.stderr.contains("what-if: the machine as edited by --add-node 'memory=4G cpus=none distance=24,14,28,10 kind=dax-kmem'"))
  }

  /// `--watermarks boot` prints kernel text only where the late frees can be told: a topology
  /// file has no boot, and a boot fixture of an earlier session has no `proc/iomem`.
  @Test(arguments: [example, boots + "/03-two-nodes-default-6.12"])
  func bootWatermarksRefuseWhatTheInputCannotTell(_ input: String) throws {
    let option = input.hasSuffix(".yaml") ? "--topology" : "--sysroot"
    let result = try Tool.run(["zoneinfo", option, input, "--watermarks", "boot", "--format", "zoneinfo"])
    #expect(result.status == 65, "\(result.stdout)")
    #expect(result.stderr.contains("--watermarks boot: the pages freed after the boot set the watermarks cannot be told"), "\(result.stderr)")
  }

  /// A snapshot's target must be new; the tarball holds one top folder named after it.
  @Test func snapshotWritesAFolderOrATarball() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-snap-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: base) }
    let root = Self.boots + "/03-two-nodes-default-6.12"
    let folder = try Tool.run(["snapshot", "--root", root, "--output", base + "/snap"])
    #expect(folder.status == 0, "\(folder.stderr)")
    let build = try Tool.run(["build", "--sysroot", base + "/snap", "--format", "kernel-log"])
    #expect(build.status == 0 && build.stdout.hasPrefix("Fallback order for Node 0: 0 1 "), "\(build.stderr)")
    let again = try Tool.run(["snapshot", "--root", root, "--output", base + "/snap"])
    #expect(again.status == 64 && again.stderr.contains("exists already"))
    let archive = try Tool.run(["snapshot", "--root", root, "--output", base + "/machine.tar.gz"])
    #expect(archive.status == 0, "\(archive.stderr)")
    let listing = try Tool.shell("tar -tzf '\(base)/machine.tar.gz'")
    let entries = listing.stdout.split(separator: "\n")
    #expect(!entries.isEmpty && entries.allSatisfy { $0.hasPrefix("machine/") }, "\(listing.stdout)")
    #expect(entries.contains("machine/proc/zoneinfo"))
  }
}
