import ArgumentParser
import ZonelistCore

@main
struct ZonelistTool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zonelist",
    abstract: "Reproduce, explain and verify how Linux orders memory fallback across NUMA nodes and zones.",
    discussion: KernelTextOutput.exitStatusDiscussion,
    version: ZonelistVersion.current,
    subcommands: [BuildCommand.self, ExplainCommand.self, DrawCommand.self, ReportCommand.self, TiersCommand.self, ZoneinfoCommand.self, SimulateCommand.self, QEMUArgsCommand.self, ExportCommand.self, CaptureCommand.self, CaptureCasesCommand.self, VerifyCommand.self, RunGuestCommand.self, SnapshotCommand.self, DiffCommand.self])
}
