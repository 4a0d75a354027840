import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `--input` on what real tools printed about real boots: every boot fixture's QEMU arguments
/// (`qemu-args`), and where the numactl capture ran (`Scripts/numactl-capture/`) Debian's
/// `numactl --hardware` and hwloc's `lstopo --of xml` from inside the same guest. Each must give
/// the `Fallback order` lines the kernel printed in that boot's `dmesg`.
@Suite struct MachineInputFixtureTests {
  /// The inputs each boot fixture may hold, with their format.
  static let inputs: [(file: String, format: MachineFormat)] = [("qemu-args", .qemu), ("numactl-hardware", .numactl), ("hwloc.xml", .hwloc)]

  struct Case: CustomStringConvertible, Sendable {
    var fixture: BootFixture
    var file: String
    var format: MachineFormat
    var description: String { "\(fixture.name)/\(file)" }
  }

  static let cases: [Case] = BootFixture.all.flatMap { fixture in
    inputs.filter { FileManager.default.fileExists(atPath: fixture.path + "/" + $0.file) }.map {
      Case(fixture: fixture, file: $0.file, format: $0.format)
    }
  }

  static func fallbackLines(_ lines: [String]) -> [String] {
    lines.filter { $0.contains("Fallback order for Node") }.map { line in
      var text = Substring(line)
      if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = text[text.index(after: close)...].drop { $0 == " " } }
      return String(text).trimmingCharacters(in: .whitespaces)
    }
  }

  static func withoutTimestamp(_ line: String) -> String {
    var text = Substring(line)
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = text[text.index(after: close)...].drop { $0 == " " } }
    return String(text).trimmingCharacters(in: .whitespaces)
  }

  @Test func everyBootHasItsQEMUArgumentsAndSomeHaveNumactl() {
    BootFixture.expectCount("boot")
    #expect(Self.cases.filter { $0.format == .qemu }.count == 200)
    #expect(Self.cases.filter { $0.format == .numactl }.count == 50, "the numactl capture ran on every 6.12 boot")
    #expect(Self.cases.filter { $0.format == .hwloc }.count == 50)
  }

  @Test(arguments: cases)
  func inputGivesTheKernelsFallbackOrder(_ item: Case) throws {
    let series = String(item.fixture.name.split(separator: "-").last!)
    let path = item.fixture.path + "/" + item.file
    let input: ModelInput
    do {
      input = try ModelInput.load(input: path, format: item.format, kernel: series)
    } catch let error as HarnessError where "\(error)".contains("not supported: numa=fake") {
      // numa=fake= on the command line: the emulated nodes exist only in the booted kernel.
      #expect(item.format == .qemu, "\(item): only the QEMU arguments lack the emulated nodes")
      return
    }
    #expect(input.spec != nil)
    if item.format == .hwloc && item.fixture.name.contains("numa-fake") {
      // hwloc lists the real node only, not numa=fake's emulated ones: it cannot describe these.
      let online = try Sysroot.read(item.fixture.path).topology.onlineNodes.count
      #expect(input.topology.onlineNodes.count < online, "\(item)")
      return
    }
    let detected = try MachineInputFile.load(path: path, format: nil)
    #expect(detected.format == item.format, "\(item): detected as \(detected.format)")
    let run = try ZonelistRun(input: input, context: .boot)
    let dmesg = try String(contentsOfFile: item.fixture.path + "/dmesg", encoding: .utf8)
    let lines = dmesg.components(separatedBy: "\n")
    let expected = Self.fallbackLines(lines)
    if expected.isEmpty {
      // 5.10 prints no Fallback order lines: its mminit_loglevel=4 zonelists instead, which rest
      // on the zone layout, exact from QEMU's arguments only.
      #expect(item.format == .qemu && series == "5.10", "\(item): the boot printed no Fallback order lines")
      let mminit = lines.map(Self.withoutTimestamp).filter { $0.hasPrefix("mminit::zonelist") }
      #expect(!mminit.isEmpty)
      #expect(run.mminitLines.map { $0.trimmingCharacters(in: .whitespaces) } == mminit, "\(item)")
      return
    }
    #expect(Self.fallbackLines(run.kernelLogLines ?? []) == expected, "\(item)")
  }
}
