import ArgumentParser
import ZonelistCore
import ZonelistHarness

struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write one self-contained HTML page: the picture, every node's lists, tiers, watermarks and explanations.",
    discussion: "The page makes no request: its picture is inline SVG, its style inline CSS, and it has no scripts or web fonts.")

  @OptionGroup var input: InputOptions
  @OptionGroup var contextOptions: ContextOptions
  @Option(help: "The HTML file to write ('-': standard output).") var output: String

  func validate() throws { try OutputFile.checkWritable(output) }

  func run() async throws {
    let picture = try DrawCommand.picture(input: input, context: contextOptions)
    let model = try reportingErrors { try input.load() }
    let report = try reportingErrors {
      try HTMLReport(picture: picture, input: model, sysroot: input.sysroot, context: contextOptions.buildContext, event: contextOptions.event)
    }
    Output.notes(report.notes)
    try OutputFile.write(report.html(), to: output)
  }
}
