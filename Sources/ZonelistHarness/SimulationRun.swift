public import ZonelistCore

/// `zonelist simulate` for one input and one workload file: load the workload, set the
/// allocator up, run it. The one pipeline the CLI, its tests and the benchmarks share.
public struct SimulationRun: Sendable {
  /// The zonelists the first step walks.
  public var lists: ListsInEffect
  /// The input's diagnostics the walk rests on (those resting only on `Total pages` left out).
  public var diagnostics: [Diagnostic]
  /// What the input lacked and how the start was laid out, as printable notes.
  public var notes: [String]
  /// Free pages per zone (buddy and per-CPU lists) before the first step, for the plot.
  public var start: [ZoneReference: Int]
  /// The run: its steps' results and how it ended.
  public var run: WorkloadRun
  public var topology: Topology

  /// Loads `workloadPath` for `input` and sets the allocator up, ready to ``run(progress:)``.
  ///
  /// - Parameters:
  ///   - context: The build whose lists are walked; nil: the sysroot's last (`--context`).
  ///   - stopsAtFailure: End the workload at its first failed allocation (`--stop-at-failure`).
  public init(input: ModelInput, sysroot: String?, workloadPath: String, context: BuildContext?, stopsAtFailure: Bool = false) throws {
    let commandLine = input.snapshot?.bootOptions?.commandLine ?? input.spec?.bootOptions ?? ""
    var work = try WorkloadFile.load(path: workloadPath, topology: input.topology, profile: input.profile, commandLine: commandLine)
    if work.steps.contains(where: { if case .demote = $0 { true } else { false } }) {
      // demote: steps go where `zonelist tiers` says (same input, same model).
      let tiers = try TiersRun(input: input, sysroot: sysroot)
      work.demotionTargets = Dictionary(uniqueKeysWithValues: tiers.tiering.demotion.map { ($0.node, $0) })
    }
    workload = work
    let (simulator, setupNotes) = try SimulationSetup.simulator(
      input: input, sysroot: sysroot, everythingFree: work.startEverythingFree, bootPageSets: work.bootPageSets, context: context)
    lists = simulator.lists
    diagnostics = input.diagnostics.filter { $0.relies != [.totalPages] }
    notes = diagnostics.map(\.description) + setupNotes
    start = Dictionary(uniqueKeysWithValues: simulator.zones.map { ($0.reference, $0.free + simulator.pagesOnLists($0.reference)) })
    run = WorkloadRun(simulator: simulator)
    run.stopsAtFailure = stopsAtFailure
    topology = input.topology
  }

  /// The workload as read.
  public let workload: Workload

  /// Runs the workload; `progress` is asked as it goes and stops it by returning false.
  public mutating func run(progress: (WorkloadRun.Progress) -> Bool = { _ in true }) throws(SimulationError) {
    try run.run(workload, progress: progress)
  }

  /// The table `zonelist simulate` prints: the lists walked, then a block per step.
  public var table: String { SimulationReport.listsHeader(lists) + SimulationReport.table(run.results, topology: topology) }
}
