import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct CaptureCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture",
    abstract: "Boot a topology under QEMU and store what the kernel showed as a snapshot folder (a test fixture).")

  @OptionGroup var boot: QEMUBootOptions
  @Option(help: "The folder to write; it must not exist yet.") var output: String

  func run() async throws {
    guard !FileManager.default.fileExists(atPath: output) else {
      Output.error("\(output) exists already: choose a new folder")
      throw ExitCode.validationFailure
    }
    let (_, _, capture) = try boot.boot()
    try capture.write(to: output)
    try FileManager.default.copyItem(
      atPath: boot.topology, toPath: URL(fileURLWithPath: output).appendingPathComponent("topology.yaml").path)
    let lines = BootCapture.zonelistLines(dmesg: capture.dmesg)
    print("captured \(output): \(capture.files[SystemSnapshot.Path.version]?.split(separator: " ").dropFirst(2).first ?? "?"), \(lines.count) zonelist lines")
  }
}
