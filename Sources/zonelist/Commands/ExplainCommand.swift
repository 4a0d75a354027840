import ArgumentParser
import ZonelistCore
import ZonelistHarness

struct ExplainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Show, step by step, why a node's fallback order is what it is (find_next_best_node's scores).",
    discussion: "With --demotion: the node's abstract distance, tier and demotion targets, step by step.")

  @OptionGroup var input: InputOptions
  @OptionGroup var contextOptions: ContextOptions
  @Option(help: "The node whose fallback order to explain.") var node: Int
  @Flag(help: "Show every candidate of every step (by default the 12 lowest scores of each step).")
  var allCandidates = false
  @Flag(help: "Explain the node's memory tier and demotion targets instead of its fallback order.")
  var demotion = false

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
  @Option(help: "text, or json (zonelist.explain/1; with --demotion zonelist.explain-demotion/1).") var format: Format = .text

  func run() async throws {
    if demotion {
      let run = try TiersCommand.load(input: input, context: contextOptions.context == .rebuild ? .rebuild : nil)
      guard let text = TiersReport.explanation(run.tiering, node: NodeID(node)) else {
        Output.error("node \(node) has no memory: it has no tier (nodes with memory: \(IDList.format(run.tiering.distances.keys.map(\.rawValue))))")
        throw ExitCode.validationFailure
      }
      if format == .json {
        print(try Output.json(ExplainDemotionJSON(run: run, node: NodeID(node))))
        return
      }
      Output.notes(run.notes)
      print(text, terminator: "")
      return
    }
    let input = try reportingErrors { try self.input.load() }
    let outcome = try reportingErrors { try ZonelistRun(input: input, context: contextOptions.buildContext, event: contextOptions.event, explaining: NodeID(node)) }
    guard let explanation = outcome.build.explained else {
      Output.error("node \(node) is not built in this context (built: \(outcome.build.lists.map { String($0.node.rawValue) }.joined(separator: " ")))")
      throw ExitCode.validationFailure
    }
    if format == .json {
      print(try Output.json(ExplainJSON(explanation, build: outcome.build, notes: outcome.notes)))
      return
    }
    Output.notes(outcome.notes)
    print(
      Explanation.text(explanation, build: outcome.build, topology: outcome.topology, maxCandidates: allCandidates ? nil : 12),
      terminator: "")
  }
}

/// `zonelist explain --format json`: schema `zonelist.explain/1`.
struct ExplainJSON: Encodable {
  var schema = "zonelist.explain/1"
  var node: Int
  var kernel: String
  var context: String
  /// The nodes whose lists were built before this one in the same pass.
  var builtBefore: [Int]
  var nodeLoadOnEntry: [String: Int]
  /// Each `find_next_best_node()` step: its candidates and score terms, the choice, the reason.
  var steps: [FallbackStep]
  var fallbackOrder: [Int]
  var nodeLoadAfter: [String: Int]
  var notes: [String]

  init(_ explanation: NodeExplanation, build: ZonelistBuild, notes: [String]) {
    node = explanation.node.rawValue
    kernel = build.profile.version.series
    context = build.context.isBoot ? "boot" : "rebuild"
    builtBefore = explanation.builtBefore.map(\.rawValue)
    nodeLoadOnEntry = Dictionary(uniqueKeysWithValues: explanation.loadOnEntry.map { (String($0.key.rawValue), $0.value) })
    steps = explanation.steps
    fallbackOrder = build[explanation.node]?.nodeOrder.map(\.rawValue) ?? []
    nodeLoadAfter = Dictionary(uniqueKeysWithValues: build.nodeLoad.map { (String($0.key.rawValue), $0.value) })
    self.notes = notes
  }
}

/// `zonelist explain --demotion --format json`: schema `zonelist.explain-demotion/1`.
struct ExplainDemotionJSON: Encodable {
  var schema = "zonelist.explain-demotion/1"
  var node: Int
  var kernel: String
  var adistance: Int?
  /// Where the abstract distance came from, in words.
  var adistanceSource: String?
  var tier: Int?
  var nextTier: Int?
  var preferred: [Int]
  var allowed: [Int]
  /// The `find_next_best_node()` steps that chose the preferred targets.
  var steps: [FallbackStep]
  var notes: [String]

  init(run: TiersRun, node id: NodeID) {
    node = id.rawValue
    kernel = run.tiering.profile.version.series
    let distance = run.tiering.distances[id]
    adistance = distance?.value
    adistanceSource = distance.map(TiersReport.describe)
    let targets = run.tiering[demotionOf: id]
    tier = targets?.tier ?? run.tiering.tiers.first { $0.nodes.contains(id) }?.id
    nextTier = targets?.nextTier
    preferred = targets?.preferred.map(\.rawValue) ?? []
    allowed = targets?.allowed.map(\.rawValue) ?? []
    steps = targets?.steps ?? []
    notes = run.notes
  }
}
