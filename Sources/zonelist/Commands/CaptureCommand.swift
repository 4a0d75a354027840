import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct CaptureCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture",
    abstract: "Boot a topology under QEMU and store what the kernel showed as a snapshot folder (a test fixture).")

  @Option(help: "The topology file to boot.") var topology: String
  @Option(help: "The kernel image (bzImage / vmlinuz) to boot.") var kernelImage: String
  @Option(help: "The folder to write; it must not exist yet.") var output: String
  @Option(help: "Seconds to wait for the guest.") var timeout: Double = 300

  func run() async throws {
    guard !FileManager.default.fileExists(atPath: output) else {
      Output.error("\(output) exists already: choose a new folder")
      throw ExitCode.validationFailure
    }
    let spec = try reportingErrors { try TopologyFile.load(path: topology) }
    let arguments = try reportingErrors { try QEMUArguments(spec) }
    let runner = QEMURunner(kernelImage: kernelImage, timeoutSeconds: timeout)
    let capture = try reportingErrors {
      try runner.boot(machineOptions: arguments.machineOptions, bootOptions: arguments.bootOptions)
    }
    try capture.write(to: output)
    try FileManager.default.copyItem(
      atPath: topology, toPath: URL(fileURLWithPath: output).appendingPathComponent("topology.yaml").path)
    let lines = BootCapture.zonelistLines(dmesg: capture.dmesg)
    print("captured \(output): \(capture.files[SystemSnapshot.Path.version]?.split(separator: " ").dropFirst(2).first ?? "?"), \(lines.count) zonelist lines")
  }
}
