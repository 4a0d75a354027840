import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct CaptureCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture",
    abstract: "Boot a machine under QEMU and store what the kernel showed as a snapshot folder (a test fixture).")

  @OptionGroup var boot: QEMUBootOptions
  @Option(help: "The folder to write; it must not exist yet.") var output: String

  func run() async throws {
    guard !FileManager.default.fileExists(atPath: output) else {
      Output.error("\(output) exists already: choose a new folder")
      throw ExitCode.validationFailure
    }
    let (spec, _, capture) = try boot.boot()
    try capture.write(to: output)
    let kept = URL(fileURLWithPath: output).appendingPathComponent("topology.yaml").path
    if let topology = boot.topology, boot.bootsTheFileAsWritten {
      try FileManager.default.copyItem(atPath: topology, toPath: kept)
    } else {
      try MachineExport.topologyFile(spec).write(toFile: kept, atomically: true, encoding: .utf8)
    }
    let lines = BootCapture.zonelistLines(dmesg: capture.dmesg)
    print("captured \(output): \(capture.files[SystemSnapshot.Path.version]?.split(separator: " ").dropFirst(2).first ?? "?"), \(lines.count) zonelist lines")
  }
}
