import Foundation
import Testing
import ZonelistHarness

/// The boot fixtures used as a user uses a snapshot folder: `zonelist build --sysroot FOLDER`.
@Suite struct SnapshotCLITests {
  static let boots = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot").path

  /// Kernels before 6.10 need `dma_reserve` for the `Built` line: `capture` writes it into the
  /// folder (`zonelist-dma-reserve`), so the folder alone gives the kernel's lines.
  @Test(arguments: ["03-two-nodes-default-6.1", "03-two-nodes-default-5.10", "10-three-nodes-memoryless-middle-6.1"])
  func kernelLogOfABootFixtureIsTheKernels(_ name: String) throws {
    let folder = Self.boots + "/" + name
    let dmesg = try String(contentsOfFile: folder + "/dmesg", encoding: .utf8)
    let kernel = BootCapture.zonelistLines(dmesg: dmesg)
    #expect(kernel.contains { $0.hasPrefix("Built ") }, "\(name): the kernel printed no Built line")
    let result = try Tool.run(["build", "--sysroot", folder, "--format", "kernel-log"])
    #expect(result.status == 0, "\(name): \(result.stderr)")
    #expect(result.stdout == kernel.map { $0 + "\n" }.joined())
  }

  /// Without the file, the format that claims to be the kernel's text says what is missing.
  @Test func withoutTheDMAReserveFileKernelLogNamesIt() throws {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-snapshot-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: Self.boots + "/03-two-nodes-default-6.1", toPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try FileManager.default.removeItem(atPath: copy + "/" + ModelInput.dmaReserveFile)
    let result = try Tool.run(["build", "--sysroot", copy, "--format", "kernel-log"])
    #expect(result.status != 0)
    #expect(result.stderr.contains(ModelInput.dmaReserveFile), "\(result.stderr)")
  }
}
