import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// What `zonelist capture` stores besides the guest's files.
@Suite struct BootCaptureTests {
  static func capture(release: String) -> BootCapture {
    BootCapture(files: [SystemSnapshot.Path.version: "Linux version \(release) (debian-kernel@lists.debian.org) #1 SMP\n"], dmesg: "")
  }

  static let spec = MachineSpec(nodes: [.init(id: 0, cpus: [0], memoryBytes: 1 << 30)])

  /// `dma_reserve` by release on QEMU's `pc` machine (Docs/verification.md): 21 before 5.13,
  /// 158 from 5.13, none from 6.10 (the kernel no longer has it); a topology file's own value first.
  @Test func dmaReserveFollowsTheBootedRelease() {
    for (release, expected) in [("5.10.0-32-amd64", 21), ("6.1.0-56-amd64", 158), ("6.12.117+deb12-amd64", nil), ("7.2.13+deb14-amd64", nil)] as [(String, Int?)] {
      var capture = Self.capture(release: release)
      capture.recordDMAReserve(of: Self.spec)
      #expect(capture.dmaReserve?.rawValue == expected, "\(release)")
    }
    var own = Self.spec
    own.dmaReserve = 99
    var capture = Self.capture(release: "6.1.0-56-amd64")
    capture.recordDMAReserve(of: own)
    #expect(capture.dmaReserve == 99)
  }

  /// The folder `capture` writes holds `zonelist-dma-reserve`, and `--sysroot` reads it back.
  @Test func snapshotFolderCarriesTheDMAReserve() throws {
    let fixture = BootFixture.folders("boot").first { $0.name == "03-two-nodes-default-6.1" }
    let source = try #require(fixture).path
    var files: [String: String] = [:]
    let extras: Set<String> = [BootCapture.dmesgFile, BootCapture.qemuArgumentsFile, "topology.yaml", ModelInput.dmaReserveFile]
    for path in try FileManager.default.subpathsOfDirectory(atPath: source) where !extras.contains(path) {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: source + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      files[path] = try String(contentsOfFile: source + "/" + path, encoding: .utf8)
    }
    var capture = BootCapture(files: files, dmesg: try String(contentsOfFile: source + "/dmesg", encoding: .utf8))
    capture.recordDMAReserve(of: Self.spec)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-capture-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try capture.write(to: folder)
    #expect(try String(contentsOfFile: folder + "/" + ModelInput.dmaReserveFile, encoding: .utf8) == "158\n")
    let input = try ModelInput.load(sysroot: folder, topologyFile: nil, kernel: nil)
    let run = try ZonelistRun(input: input, context: .boot)
    #expect(run.kernelLogLines == BootCapture.zonelistLines(dmesg: capture.dmesg))
  }
}
