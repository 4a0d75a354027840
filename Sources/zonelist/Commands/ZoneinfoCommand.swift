import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct ZoneinfoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zoneinfo",
    abstract: "Compute watermarks, protection and per-CPU page sets, as /proc/zoneinfo shows them.",
    discussion: KernelTextOutput.exitStatusDiscussion)

  @OptionGroup var input: InputOptions

  @Flag(help: "Show the arithmetic zone by zone.") var explain = false

  enum Watermarks: String, ExpressibleByArgument, CaseIterable { case current, boot }
  @Option(
    help: ArgumentHelp(
      "current (as the kernel recomputes them after any vm sysctl write or hotplug) or boot (as set during boot, before the initrd and init memory were freed: a sysroot's dmesg and root's proc/iomem tell how much).",
      valueName: "figures"))
  var watermarks: Watermarks = .current

  enum Format: String, ExpressibleByArgument, CaseIterable { case table, zoneinfo, json }
  @Option(help: "table, zoneinfo (the computed lines of /proc/zoneinfo, exactly as the kernel prints them) or json.")
  var format: Format = .table

  func run() async throws {
    let input = try reportingErrors { try self.input.load() }
    let run = try reportingErrors {
      try ZoneinfoRun(input: input, sysroot: self.input.sysroot, watermarks: watermarks == .boot ? .boot : .current)
    }
    let (report, notes, onlineCPUs) = (run.report, run.diagnostics, run.onlineCPUs)
    if explain {
      Output.notes(notes.map(\.description))
      print(ZoneinfoFormat.explanation(report, topology: input.topology, profile: input.profile), terminator: "")
      return
    }
    switch format {
    case .zoneinfo:
      try KernelTextOutput.print(.zoneinfo, diagnostics: notes) {
        ZoneinfoFormat.write(report, topology: input.topology, profile: input.profile, onlineCPUs: onlineCPUs, to: &$0)
      }
    case .table:
      Output.notes(notes.map(\.description))
      print(ZoneinfoFormat.table(report, topology: input.topology, profile: input.profile), terminator: "")
    case .json:
      print(try Output.json(ZoneinfoJSON(report: report, topology: input.topology, profile: input.profile, diagnostics: notes)))
    }
  }
}

/// `zonelist zoneinfo --format json`: schema `zonelist.zoneinfo/1`.
struct ZoneinfoJSON: Encodable {
  var schema = "zonelist.zoneinfo/1"
  var kernel: String
  var minFreeKbytes: Int
  var minFreeKbytesSource: String
  var watermarkScaleFactor: Int
  var lowmemReserveRatio: [Int]
  var percpuPagelistHighFraction: Int
  var zones: [Zone]
  var notes: [String]
  var assumptions: [AssumptionReport]

  struct Zone: Encodable {
    var node: Int
    var zone: String
    var spanned: Int
    var present: Int
    var managed: Int
    var tuning: ZoneTuning
  }

  init(report: TuningReport, topology: Topology, profile: KernelProfile, diagnostics: [Diagnostic]) {
    kernel = profile.version.series
    minFreeKbytes = report.minFreeKibibytes
    minFreeKbytesSource = report.minFreeSource
    watermarkScaleFactor = report.tunables.watermarkScaleFactor
    lowmemReserveRatio = profile.zoneTypes.map { report.tunables.lowmemReserveRatio[$0] ?? 0 }
    percpuPagelistHighFraction = report.tunables.percpuPagelistHighFraction
    zones = topology.onlineNodes.flatMap { node in
      profile.zoneTypes.compactMap { type in
        report.zones[ZoneReference(node: node.id, type: type)].map {
          Zone(node: node.id.rawValue, zone: type.kernelName, spanned: node[type].spanned.rawValue,
               present: node[type].present.rawValue, managed: node[type].managed.rawValue, tuning: $0)
        }
      }
    }
    notes = diagnostics.map(\.description)
    assumptions = AssumptionReport.list(diagnostics)
  }
}
