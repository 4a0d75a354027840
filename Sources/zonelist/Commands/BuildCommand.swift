import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct BuildCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "build", abstract: "Build every node's zonelists as the kernel does and print them.",
    discussion: KernelTextOutput.exitStatusDiscussion)

  @OptionGroup var input: InputOptions
  @OptionGroup var contextOptions: ContextOptions

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case table, json
    case kernelLog = "kernel-log"
    case mminit
  }
  @Option(help: "table, kernel-log (the boot's own lines), mminit (mminit_loglevel=4 lines) or json.")
  var format: Format = .table

  func run() async throws {
    let input = try reportingErrors { try self.input.load() }
    let outcome = try reportingErrors {
      try ZonelistRun(input: input, context: contextOptions.buildContext, event: contextOptions.event)
    }
    switch format {
    case .table:
      Output.notes(outcome.notes)
      print(outcome.report.table(), terminator: "")
    case .json:
      print(try Output.json(outcome.report))
    case .kernelLog:
      try KernelTextOutput.print(.kernelLog, diagnostics: outcome.diagnostics, extra: outcome.reliances) {
        outcome.kernelLogLines
      }
    case .mminit:
      try KernelTextOutput.print(.mminit, diagnostics: outcome.diagnostics, extra: outcome.reliances) {
        KernelLog.mminitLines(outcome.build, topology: outcome.topology)
      }
    }
  }
}

/// The build of one input in one context, with its printable forms.
struct ZonelistRun {
  var build: ZonelistBuild
  var totalPages: Int?
  var report: BuildReport
  var diagnostics: [Diagnostic]
  var notes: [String] { diagnostics.map(\.description) }
  /// What this build rests on beyond a boot build of online nodes (``Exactness``).
  var reliances: Set<Diagnostic.Reliance> = []

  /// The machine the build saw (after the hotplug event, if any).
  var topology: Topology

  init(input: ModelInput, context: BuildContext, event: HotplugEvent? = nil, explaining: NodeID? = nil) throws {
    let eventNode: NodeID? =
      switch event {
      case .online(let node, _, _)?, .hotAdd(let node)?: node
      case nil: nil
      }
    for node in [eventNode, { if case .rebuild(let node?) = context { node } else { nil } }()].compactMap({ $0 })
    where input.topology.nodes[node] == nil {
      throw HarnessError("node \(node): no such node (nodes: \(IDList.format(input.topology.nodeIDs.map(\.rawValue))))")
    }
    topology = event?.applied(to: input.topology) ?? input.topology
    var builder = ZonelistBuilder(topology: topology, profile: input.profile, context: context, explaining: explaining)
    build = builder.build()
    var notes = input.diagnostics
    switch context {
    case .boot where !input.totalPagesKnown:
      totalPages = nil
    case .boot:
      totalPages = TotalPages.boot(build, topology: topology)
    case .rebuild where !input.totalPagesKnown:
      totalPages = nil
    case .rebuild:
      if let zoneinfo = input.snapshot?.zoneinfo, zoneinfo.entries.allSatisfy({ $0.high != nil }) {
        let high = Dictionary(
          zoneinfo.entries.map { (ZoneReference(node: $0.node, type: $0.type), $0.high!.rawValue) },
          uniquingKeysWith: { a, _ in a })
        // The kernel recomputes watermarks after the rebuild: the high watermarks are the
        // ones from before the event (checked on 22 real-kernel rebuilds).
        totalPages = TotalPages.rebuild(build, topology: topology) { high[$0] ?? 0 }
      } else {
        totalPages = nil
        notes.append(.rebuildNeedsHighWatermarks)
      }
    }
    diagnostics = notes
    report = BuildReport(build: build, topology: topology, totalPages: totalPages, notes: notes.map(\.description))
    report.assumptions = AssumptionReport.list(notes)
    // A rebuild charges the CPU penalty; lists of offline nodes use their distances.
    if !context.isBoot { reliances.insert(.cpus) }
    if build.lists.contains(where: { topology.nodes[$0.node]?.isOnline != true }) { reliances.insert(.possibleNodes) }
  }

  var kernelLogLines: [String]? {
    totalPages.map { KernelLog.lines(build, totalPages: $0) }
  }
}

enum Output {
  static func error(_ message: String) {
    FileHandle.standardError.write(("zonelist: " + message + "\n").data(using: .utf8)!)
  }
  static func notes(_ notes: [String]) {
    for note in notes { FileHandle.standardError.write(("note: " + note + "\n").data(using: .utf8)!) }
  }
  static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}

/// Runs `body`; bad input and harness failures become a message and exit code 64.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as ImportError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  } catch let error as HarnessError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  } catch let error as MachineSpecError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  }
}
