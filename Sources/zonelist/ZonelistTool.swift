import ArgumentParser
@main struct ZonelistTool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "zonelist")
}
