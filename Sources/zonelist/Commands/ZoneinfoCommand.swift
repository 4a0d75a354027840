import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct ZoneinfoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zoneinfo",
    abstract: "Compute watermarks, protection and per-CPU page sets, printed as /proc/zoneinfo prints them.")

  @OptionGroup var input: InputOptions

  @Option(name: .customLong("set"), help: "A what-if sysctl, e.g. vm.watermark_scale_factor=200 (repeatable).")
  var settings: [String] = []

  @Flag(help: "Show the arithmetic zone by zone.") var explain = false

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
  @Option(help: "text (zoneinfo layout) or json.") var format: Format = .text

  func run() async throws {
    let input = try reportingErrors { try self.input.load() }
    var tunables = VMTunables()
    var notes = input.notes
    if input.spec == nil {
      let root = self.input.sysroot ?? "/"
      let (read, found) = try reportingErrors { try Sysroot.tunables(root, zoneTypes: input.profile.zoneTypes) }
      tunables = read
      if !found.contains(VMTunables.Name.minFreeKbytes.rawValue) {
        tunables.minFreeKibibytes = nil
        notes.append("\(root)/proc/sys/vm/min_free_kbytes is missing: the kernel's default is computed from the current managed pages")
      } else if found.count < VMTunables.Name.allCases.count {
        notes.append("some of \(root)/proc/sys/vm is missing: the kernel's defaults are used for \(VMTunables.Name.allCases.map(\.rawValue).filter { !found.contains($0) }.joined(separator: ", "))")
      }
    } else {
      tunables.minFreeKibibytes = nil
      if input.spec?.nodes.contains(where: { $0.zones == nil }) ?? false {
        notes.append("managed pages are estimated as the present pages: only a real boot knows what it reserves (a QEMU guest of 1 GiB manages about 2% less), so watermarks are estimates; a snapshot of a booted machine gives exact figures")
      }
    }
    for setting in settings {
      do { try tunables.set(setting, zoneTypes: input.profile.zoneTypes) } catch {
        Output.error("--set \(error)")
        throw ExitCode.validationFailure
      }
    }
    let onlineCPUs = input.topology.cpus
    let calculator = TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: onlineCPUs.count)
    let report = calculator.compute(tunables)
    Output.notes(notes)
    switch format {
    case .text:
      if explain {
        print(ZoneinfoFormat.explanation(report, topology: input.topology, profile: input.profile), terminator: "")
      } else {
        print(ZoneinfoFormat.text(report, topology: input.topology, profile: input.profile, onlineCPUs: onlineCPUs), terminator: "")
      }
    case .json:
      print(try Output.json(ZoneinfoJSON(report: report, topology: input.topology, profile: input.profile, notes: notes)))
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

  struct Zone: Encodable {
    var node: Int
    var zone: String
    var spanned: Int
    var present: Int
    var managed: Int
    var tuning: ZoneTuning
  }

  init(report: TuningReport, topology: Topology, profile: KernelProfile, notes: [String]) {
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
    self.notes = notes
  }
}
