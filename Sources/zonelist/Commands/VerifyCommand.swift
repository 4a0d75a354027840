import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct VerifyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Boot a topology under QEMU and compare the kernel's own zonelist lines with the model's; exit 0 only on a match.")

  @OptionGroup var boot: QEMUBootOptions
  @Option(help: "Kernel release whose rules to compare with; default: the booted kernel's.") var kernel: String?
  @Option(help: "Also store the boot as a snapshot folder here.") var keep: String?

  func run() async throws {
    let (spec, arguments, capture) = try boot.boot(dumps: CaptureCase.tierDumps)
    if let keep { try capture.write(to: keep) }
    let result = try reportingErrors { try Verification(spec: spec, arguments: arguments, capture: capture, kernel: kernel) }
    print(result.report, terminator: "")
    if !result.matches { throw ExitCode.failure }
  }
}

/// The comparison `zonelist verify` makes for one boot.
struct Verification {
  var report: String
  var matches: Bool

  init(spec: MachineSpec, arguments: QEMUArguments, capture: BootCapture, kernel: String?) throws {
    let snapshot = try capture.snapshot()
    let release = snapshot.kernelRelease ?? "unknown"
    let (profile, source) = try ModelInput.resolveProfile(
      kernel: kernel, fromInput: snapshot.kernelRelease, inputName: "the guest's /proc/version", architecture: spec.architecture)
    var lines: [String] = ["booted kernel \(release); compared with the \(profile.version.series) profile (\(source))"]
    let kernelLines = BootCapture.zonelistLines(dmesg: capture.dmesg)
    let kernelMminit = BootCapture.mminitLines(dmesg: capture.dmesg)

    // Model 1: the topology file, laid out as QEMU lays it out, renumbered as Linux numbers it.
    let fromFile: Topology
    do { fromFile = try spec.topology(kernel: profile.version).renamingNodes(arguments.linuxNodeIDs) } catch {
      throw HarnessError("the topology file: \(error)")
    }
    // Model 2: the guest's own sysfs and zoneinfo.
    var fromGuest = snapshot.topology
    fromGuest.dmaReserve = capture.dmaReserve ?? spec.dmaReserve ?? QEMUPCLayout.dmaReserve(kernel: profile.version)
    var allMatch = true
    for (name, topology) in [("topology file", fromFile), ("guest snapshot", fromGuest)] {
      var builder = ZonelistBuilder(topology: topology, profile: profile, context: .boot)
      let build = builder.build()
      guard let total = TotalPages.boot(build, topology: topology) else {
        throw HarnessError("Total pages cannot be computed for the \(name)")
      }
      let modelLines = KernelLog.lines(build, totalPages: total)
      let modelMminit = KernelLog.mminitLines(build, topology: topology)
      for (kind, model, real) in [("kernel-log", modelLines, kernelLines), ("mminit", modelMminit, kernelMminit)] {
        if model == real {
          lines.append("match    \(kind) from the \(name): \(real.count) lines")
        } else {
          allMatch = false
          lines.append("DIFFERS  \(kind) from the \(name):")
          lines += Verification.diff(model: model, kernel: real).map { "  " + $0 }
        }
      }
    }
    let tiers = try Verification.tiers(spec: spec, arguments: arguments, capture: capture, topology: fromFile, profile: profile)
    lines += tiers.lines
    report = lines.joined(separator: "\n") + "\n"
    matches = allMatch && tiers.matches
  }

  /// A line-by-line comparison: `-` the kernel's line, `+` the model's.
  static func diff(model: [String], kernel: [String]) -> [String] {
    var out: [String] = []
    for index in 0..<max(model.count, kernel.count) {
      let real = index < kernel.count ? kernel[index] : nil
      let modeled = index < model.count ? model[index] : nil
      if real == modeled { continue }
      if let real { out.append("- kernel: \(real)") }
      if let modeled { out.append("+ model:  \(modeled)") }
    }
    return out
  }
}
