import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct SimulateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Walk the zonelists like the page allocator for a workload: where pages land, fallbacks, kswapd, failures.",
    discussion: """
      A step that runs longer than a second shows its progress on standard error when that is a terminal. \
      Ctrl-C (SIGINT) ends the run: the steps finished so far are printed and the exit status is 130.
      """)

  @OptionGroup var input: InputOptions
  @Option(help: "The workload file (YAML or JSON); see Docs/workload-format.md.") var workload: String

  enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
  @Option(help: "table or json.") var format: Format = .table
  @Option(
    help: ArgumentHelp(
      "Write an SVG plot of free memory per zone, with the watermarks, to this file.",
      discussion: "'-' writes the plot to standard output instead of the table or json."))
  var plot: String?
  @Option(
    help: ArgumentHelp(
      "The zonelists to walk: boot (the boot build) or rebuild (a run-time rebuild after memory hotplug).",
      discussion: "Default: the last build the sysroot's dmesg file shows, else boot."))
  var context: ContextOptions.ContextName?

  @Flag(help: "End the workload at its first failed allocation: that step is shown up to it, later steps do not run.")
  var stopAtFailure = false

  func validate() throws {
    if let plot { try OutputFile.checkWritable(plot, flag: "--plot") }
  }

  func run() async throws {
    // Ctrl-C ends the run at its next checkpoint; the finished steps are still shown.
    let interrupt = InterruptSignal()
    defer { interrupt.stop() }
    let input = try reportingErrors { try self.input.load() }
    var simulation = try reportingErrors {
      try SimulationRun(
        input: input, sysroot: self.input.sysroot, workloadPath: workload, context: context.map { $0 == .boot ? .boot : .rebuild(onlining: nil) },
        stopsAtFailure: stopAtFailure)
    }
    Output.notes(simulation.notes)
    let clock = ContinuousClock()
    let origin = clock.now
    var reporter = StepProgress(
      now: { Double((clock.now - origin) / .milliseconds(1)) / 1000 },
      write: { FileHandle.standardError.write($0.data(using: .utf8)!) })
    let isTerminal = isatty(STDERR_FILENO) != 0
    do {
      try simulation.run { progress in
        if isTerminal { reporter.report(progress) }
        return !interrupt.isRaised
      }
    } catch {
      Output.error("\(workload): \(error)")
      throw ExitCode.validationFailure
    }
    let run = simulation.run
    if let plot {
      let picture = SimulationPlot(results: run.results, start: simulation.start, zones: run.simulator.zones)
      try OutputFile.write(picture.svg(), to: plot)
    }
    if plot != "-" {
      switch format {
      case .table: print(simulation.table, terminator: "")
      case .json:
        // Walking printed orders the model disagrees with rests on the log, not on the model.
        let lists = simulation.lists
        let printed = lists.disagreementNote.map { [AssumptionReport(file: BootCapture.dmesgFile, assumed: $0, affects: [.nodeOrder])] } ?? []
        let assumptions = AssumptionReport.list(simulation.diagnostics) + printed
        print(try Output.json(SimulationJSON(results: run.results, lists: lists, notes: simulation.notes, assumptions: assumptions)))
      }
    }
    switch run.ending {
    case .finished: break
    case .stoppedAtFailure(let step):
      Output.notes(["step \(step)'s allocation failed: the workload ends there (--stop-at-failure)"])
    case .interrupted(let step):
      Output.error("interrupted (SIGINT) during step \(step): the steps before it are shown")
      throw ExitCode(InterruptSignal.exitStatus)
    }
  }
}

/// `zonelist simulate --format json`: schema `zonelist.simulate/1`.
struct SimulationJSON: Encodable {
  var schema = "zonelist.simulate/1"
  /// The zonelists the first step walks (an `online:` step says when they change).
  var zonelists: Lists
  var steps: [Step]
  /// What the input lacked and how the start was laid out; the input's assumptions as data.
  var notes: [String]
  var assumptions: [AssumptionReport]
  struct Lists: Encodable {
    var build: String
    var reason: String
    /// Each node's fallback order, as `Fallback order for Node N:` prints it.
    var nodeOrders: [String: [Int]]
    /// The model's order of each node whose order dmesg printed otherwise (the printed one is walked).
    var modelOrders: [String: [Int]]
    init(_ lists: ListsInEffect) {
      build = lists.name
      reason = lists.reason
      nodeOrders = Dictionary(uniqueKeysWithValues: lists.nodeOrders.map { (String($0.key.rawValue), $0.value.map(\.rawValue)) })
      modelOrders = Dictionary(uniqueKeysWithValues: lists.printedOverModel.map { (String($0.node.rawValue), $0.model.map(\.rawValue)) })
    }
  }
  struct Step: Encodable {
    var step: Int
    var description: String
    var pages: [String: Int]
    var pageTablePages: [String: Int]
    var remotePages: Int
    var kswapdWoken: [Int]
    var failures: Int
    var failureReasons: [String]
    var freeAfter: [String: Int]
    /// Free blocks by order 0...10 per zone after the step, as `/proc/buddyinfo`.
    var freeBlocksAfter: [String: [Int]]
    /// Fallbacks that split a pageblock of another migrate type, per zone.
    var fragmentingFallbacks: [String: Int]
    var numastat: [String: AllocatorSimulator.NUMAStat]
    /// PMD-sized folios faulted and huge-page faults that fell back (`thp_fault_alloc`, `thp_fault_fallback`).
    var hugePages: Int
    var hugePageFallbacks: Int
    /// The lists walked from the next step on, when this step (`online:`) rebuilt them.
    var rebuiltZonelists: Lists?
    var rebuildTotalPages: Int?
  }
  init(results: [WorkloadRun.StepResult], lists: ListsInEffect, notes: [String], assumptions: [AssumptionReport]) {
    zonelists = Lists(lists)
    self.notes = notes
    self.assumptions = assumptions
    steps = results.map { result in
      Step(
        step: result.index, description: result.description,
        pages: Dictionary(uniqueKeysWithValues: result.pages.map { ($0.key.description, $0.value) }),
        pageTablePages: Dictionary(uniqueKeysWithValues: result.pageTablePages.map { ($0.key.description, $0.value) }),
        remotePages: result.remotePages, kswapdWoken: result.kswapdWoken.map(\.rawValue), failures: result.failures,
        failureReasons: result.failureReasons,
        freeAfter: Dictionary(uniqueKeysWithValues: result.freeAfter.map { ($0.key.description, $0.value) }),
        freeBlocksAfter: Dictionary(uniqueKeysWithValues: result.freeBlocksAfter.map { ($0.key.description, $0.value) }),
        fragmentingFallbacks: Dictionary(uniqueKeysWithValues: result.fragmentingFallbacks.map { ($0.key.description, $0.value) }),
        numastat: Dictionary(uniqueKeysWithValues: result.numastat.map { (String($0.key.rawValue), $0.value) }),
        hugePages: result.hugePages, hugePageFallbacks: result.hugePageFallbacks, rebuiltZonelists: result.rebuiltLists.map(Lists.init),
        rebuildTotalPages: result.rebuildTotalPages)
    }
  }
}
