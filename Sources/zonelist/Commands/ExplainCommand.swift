import ArgumentParser
import ZonelistCore
import ZonelistHarness

struct ExplainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Show, step by step, why a node's fallback order is what it is (find_next_best_node's scores).")

  @OptionGroup var input: InputOptions
  @OptionGroup var contextOptions: ContextOptions
  @Option(help: "The node whose fallback order to explain.") var node: Int
  @Flag(help: "Show every candidate of every step (by default the 12 lowest scores of each step).")
  var allCandidates = false

  func run() async throws {
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
