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

  func run() async throws {
    if demotion {
      let run = try TiersCommand.load(input: input, context: contextOptions.context == .rebuild ? .rebuild : nil)
      guard let text = TiersReport.explanation(run.tiering, node: NodeID(node)) else {
        Output.error("node \(node) has no memory: it has no tier (nodes with memory: \(IDList.format(run.tiering.distances.keys.map(\.rawValue))))")
        throw ExitCode.validationFailure
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
    Output.notes(outcome.notes)
    print(
      Explanation.text(explanation, build: outcome.build, topology: outcome.topology, maxCandidates: allCandidates ? nil : 12),
      terminator: "")
  }
}
