import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The writers (`zonelist export`) against real material: numactl's own text, and round trips
/// through every format that give back the kernel's `Fallback order` lines.
@Suite struct MachineExportTests {
  /// The 6.12 boots the numactl capture ran on, with the sysroot of that same boot.
  static let numactlBoots = BootFixture.all.filter { FileManager.default.fileExists(atPath: $0.path + "/numactl-sysroot") }

  @Test func theNumactlCaptureKeptItsSysroots() {
    #expect(Self.numactlBoots.count == MachineInputFixtureTests.cases.filter { $0.format == .numactl }.count)
  }

  /// `export --format numactl` of a booted guest's sysroot prints what Debian's numactl printed in
  /// it, line for line, but for `free` (run-time state).
  @Test(arguments: numactlBoots)
  func numactlTextMatchesNumactl(_ fixture: BootFixture) throws {
    let input = try ModelInput.load(sysroot: fixture.path + "/numactl-sysroot", topologyFile: nil, kernel: nil)
    let (text, notes) = try input.export(.numactl)
    let real = try String(contentsOfFile: fixture.path + "/numactl-hardware", encoding: .utf8)
    func withoutFree(_ text: String) -> [String] { text.components(separatedBy: "\n").filter { !$0.contains(" free: ") } }
    #expect(withoutFree(text) == withoutFree(real), "\(fixture)")
    #expect(notes.contains { $0.contains("'free' is run-time state") })
  }

  /// Every 6.12 boot's QEMU arguments, exported as a topology file, QEMU options, a libvirt domain
  /// and hwloc XML, read back (format detected) to the kernel's Fallback order.
  @Test(arguments: BootFixture.all.filter { $0.name.hasSuffix("-6.12") })
  func everyExportReadsBackToTheKernelsFallbackOrder(_ fixture: BootFixture) throws {
    let dmesg = try String(contentsOfFile: fixture.path + "/dmesg", encoding: .utf8)
    let expected = MachineInputFixtureTests.fallbackLines(dmesg.components(separatedBy: "\n"))
    let original: ModelInput
    do { original = try ModelInput.load(input: fixture.path + "/qemu-args", format: .qemu, kernel: "6.12") } catch {
      #expect("\(error)".contains("numa=fake"), "\(fixture): \(error)")
      return
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-export-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for format in [ExportFormat.topology, .qemu, .libvirt, .hwloc] {
      let (text, _) = try original.export(format)
      let path = folder + "/machine.\(format.rawValue)"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      let detected = try MachineInputFile.load(path: path, format: nil)
      #expect(detected.format.rawValue == format.rawValue, "\(fixture): \(format) detected as \(detected.format)")
      let back = try ModelInput.load(input: path, format: nil, kernel: "6.12")
      let run = try ZonelistRun(input: back, context: .boot)
      #expect(MachineInputFixtureTests.fallbackLines(run.kernelLogLines ?? []) == expected, "\(fixture) through \(format)")
      if format != .hwloc {
        // These keep the sizes: the zones too are the same.
        #expect(back.topology.possibleNodes.map(\.zones) == original.topology.possibleNodes.map(\.zones), "\(fixture) through \(format)")
      }
    }
  }

  /// What `zonelist qemu-args` prints for a boot's topology file reads back as that boot's machine.
  @Test(arguments: BootFixture.all.filter { $0.name.hasSuffix("-6.12") })
  func qemuArgsRoundTrip(_ fixture: BootFixture) throws {
    let spec = try TopologyFile.load(path: fixture.path + "/topology.yaml")
    guard let arguments = try? QEMUArguments(spec), !spec.bootOptions.contains("numa=fake") else { return }
    let text = arguments.machineOptions.joined(separator: " ") + "\n-append '\(QEMURunner.baseCommandLine) \(arguments.bootOptions)'\n"
    let read = try QEMUCommandLine.read(text, file: "qemu-args")
    let expected = try spec.topology(kernel: KernelVersion(6, 12))
    let got = try read.spec.topology(kernel: KernelVersion(6, 12))
    // Linux's ids: the file's node i is Linux's linuxNodeIDs[i].
    for node in expected.possibleNodes {
      let linux = got[arguments.linuxNodeIDs[node.id]!]
      #expect(linux.cpus == node.cpus && linux.zones == node.zones, "\(fixture): node \(node.id)")
    }
    #expect(read.diagnostics.contains { if case .importedNodesRenumbered = $0 { true } else { false } } == arguments.renumbered)
  }

  /// A tiers fixture with a dax/kmem node: the `-machine …,max-ram-below-4g=` and `memmap=`
  /// that `zonelist qemu-args` writes for it read back as that node, dax/kmem, same sizes.
  @Test(arguments: TiersFixture.all.filter { (try? String(contentsOfFile: $0.path + "/topology.yaml", encoding: .utf8))?.contains("dax-kmem") == true })
  func qemuArgsRoundTripDaxKmem(_ fixture: TiersFixture) throws {
    let spec = try TopologyFile.load(path: fixture.path + "/topology.yaml")
    let arguments = try QEMUArguments(spec)
    #expect(arguments.machineOptions.joined(separator: " ").contains("max-ram-below-4g="))
    let text = arguments.machineOptions.joined(separator: " ") + "\n-append '\(QEMURunner.baseCommandLine) \(arguments.bootOptions)'\n"
    let read = try QEMUCommandLine.read(text, file: "qemu-args")
    for node in spec.nodes {
      let back = read.spec.nodes.first { $0.id == arguments.linuxNodeIDs[node.id]! }
      #expect(back?.memoryBytes == node.memoryBytes && back?.cpus == node.cpus, "\(fixture): node \(node.id)")
      #expect(back?.tiering?.isDaxKmem == node.tiering?.isDaxKmem, "\(fixture): node \(node.id)")
    }
    #expect(read.spec.bootOptions == spec.bootOptions, "\(fixture): the memmap= of dax/kmem is not a boot option of the machine")
    // A max-ram-below-4g= that is not the dax/kmem split is refused, naming its line.
    let moved = text.replacingOccurrences(of: "max-ram-below-4g=", with: "max-ram-below-4g=1")
    #expect { try QEMUCommandLine.read(moved, file: "qemu-args") } throws: { "\($0)".contains("qemu-args:1") && "\($0)".contains("max-ram-below-4g") }
  }
}
