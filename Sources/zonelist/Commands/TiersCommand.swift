import ArgumentParser
import ZonelistCore
import ZonelistHarness

struct TiersCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tiers",
    abstract: "Show the memory tiers and demotion targets the kernel establishes, beside the fallback order.",
    discussion: """
      Exit codes: 0 done; 64 bad input; 65 --format kernel-log when the lines would rest on an \
      assumption (an assumed distance, CPU list or possible node, or a release whose tiering \
      rules were not confirmed).
      """)

  @OptionGroup var input: InputOptions
  @Option(
    help: ArgumentHelp(
      "The zonelist build whose node_load scored the targets: boot, or rebuild (memory onlined at run time).",
      discussion: "Default: rebuild when a dax/kmem node's memory came online after boot, else boot."))
  var context: ContextOptions.ContextName?

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case table, json
    case kernelLog = "kernel-log"
  }
  @Option(help: "table, kernel-log (the kernel's 'Demotion targets' lines) or json (zonelist.tiers/1).")
  var format: Format = .table

  func run() async throws {
    let run = try TiersCommand.load(input: input, context: context)
    switch format {
    case .table:
      Output.notes(run.notes + run.differences.map { "the kernel's memory_tiering differs: \($0)" })
      print(TiersReport.table(run.tiering, fallbackOrders: run.fallbackOrders), terminator: "")
    case .json:
      print(try Output.json(run.document))
    case .kernelLog:
      try KernelTextOutput.print(.tiersKernelLog, diagnostics: run.diagnostics) { TiersReport.kernelLogLines(run.tiering) }
    }
  }

  static func load(input: InputOptions, context: ContextOptions.ContextName?) throws -> TiersRun {
    let model = try reportingErrors { try input.load() }
    let build: BuildContext? = context.map { $0 == .boot ? .boot : .rebuild(onlining: nil) }
    return try reportingErrors { try TiersRun(input: model, sysroot: input.sysroot, precedingBuild: build) }
  }
}
