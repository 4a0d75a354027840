import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct VerifyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Boot a machine under QEMU and compare the kernel's own zonelist lines with the model's; exit 0 only on a match.")

  @OptionGroup var boot: QEMUBootOptions
  @Option(help: "Kernel release whose rules to compare with; default: the booted kernel's.") var kernel: String?
  @Option(help: "Also store the boot as a snapshot folder here.") var keep: String?

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
  @Option(help: "text, or json (zonelist.verify/1).") var format: Format = .text

  func run() async throws {
    let (spec, arguments, capture) = try boot.boot(dumps: CaptureCase.tierDumps)
    if let keep { try capture.write(to: keep) }
    let result = try reportingErrors { try Verification(spec: spec, arguments: arguments, capture: capture, kernel: kernel) }
    switch format {
    case .text: print(result.report, terminator: "")
    case .json: print(try Output.json(result))
    }
    if !result.matches { throw ExitCode.failure }
  }
}

/// The comparison `zonelist verify` makes for one boot; its JSON is schema `zonelist.verify/1`.
struct Verification: Encodable {
  var schema = "zonelist.verify/1"
  /// The booted kernel's release, from the guest's `/proc/version`.
  var bootedKernel: String
  /// The profile compared with, and where it came from.
  var profile: String
  var profileSource: String
  var checks: [Check]
  var matches: Bool

  /// One comparison: what was compared, the outcome, and the differing lines.
  struct Check: Encodable {
    enum Status: String, Encodable { case match, differs, skipped }
    var status: Status
    /// `kernel-log from the topology file`, `memory_tiering from the topology file`, `tiers`…
    var subject: String
    /// `5 lines`, why it was skipped, or what differs when there is no line diff.
    var detail: String
    /// `- kernel: …` and `+ model:  …` lines.
    var diff: [String] = []

    var lines: [String] {
      let word = status == .differs ? "DIFFERS" : status.rawValue
      let head = word + String(repeating: " ", count: 9 - word.count) + subject + (detail.isEmpty ? ":" : ": " + detail)
      return [head] + diff.map { "  " + $0 }
    }
  }

  /// The text report: the header line, then each check.
  var report: String {
    let header = "booted kernel \(bootedKernel); compared with the \(profile) profile (\(profileSource))"
    return ([header] + checks.flatMap(\.lines)).joined(separator: "\n") + "\n"
  }

  init(spec: MachineSpec, arguments: QEMUArguments, capture: BootCapture, kernel: String?) throws {
    let snapshot = try capture.snapshot()
    let release = snapshot.kernelRelease ?? "unknown"
    let (profile, source) = try ModelInput.resolveProfile(
      kernel: kernel, fromInput: snapshot.kernelRelease, inputName: "the guest's /proc/version", architecture: spec.architecture)
    bootedKernel = release
    self.profile = profile.version.series
    profileSource = source
    var checks: [Check] = []
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
          checks.append(Check(status: .match, subject: "\(kind) from the \(name)", detail: "\(real.count) lines"))
        } else {
          allMatch = false
          checks.append(Check(status: .differs, subject: "\(kind) from the \(name)", detail: "", diff: Verification.diff(model: model, kernel: real)))
        }
      }
    }
    let tiers = try Verification.tiers(spec: spec, arguments: arguments, capture: capture, topology: fromFile, profile: profile)
    self.checks = checks + tiers.checks
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
