import Foundation
import Testing
import ZonelistCore

/// The pictures and the man page committed under `Docs/` are what the tool makes today.
/// `RECORD_SNAPSHOTS=1` rewrites the pictures.
@Suite struct CommittedPictureTests {
  /// Each committed picture and the command (run in the repository's root) that writes it to
  /// standard output.
  static let pictures: [(file: String, command: String)] = [
    ("Docs/images/two-sockets-cxl.svg", "zonelist draw --topology Examples/two-sockets-cxl.yaml"),
    ("Docs/images/spill-plot.svg", "zonelist simulate --topology Examples/two-sockets-cxl.yaml --workload Examples/spill-workload.yaml --plot -"),
  ]

  @Test(arguments: pictures.map(\.file))
  func committedPictureIsTheToolsOutput(_ file: String) throws {
    let command = try #require(Self.pictures.first { $0.file == file }?.command)
    let result = try Tool.shell(command)
    #expect(result.status == 0, "\(command): \(result.stderr)")
    let path = Tool.repositoryRoot.appendingPathComponent(file).path
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let committed = try String(contentsOfFile: path, encoding: .utf8)
    #expect(committed == result.stdout, "\(file) is not what '\(command)' writes: regenerate it (RECORD_SNAPSHOTS=1)")
  }

  /// The committed man page has an entry for every subcommand `zonelist --help` lists.
  @Test func manPageCoversEveryCommand() throws {
    let page = try String(contentsOf: Tool.repositoryRoot.appendingPathComponent("Docs/man/zonelist.1"), encoding: .utf8)
    let help = try Tool.run(["--help"]).stdout
    // A subcommand's line starts with two spaces then its name; continuation lines with more.
    let section = (help.components(separatedBy: "SUBCOMMANDS:").last ?? "").components(separatedBy: "\n\n").first ?? ""
    let commands = section.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("  "), line.dropFirst(2).first?.isLetter == true else { return nil }
      return line.dropFirst(2).split(separator: " ").first.map(String.init)
    }
    #expect(commands.count >= 12, "subcommands read from --help: \(commands)")
    for command in commands where command != "help" {
      #expect(page.contains(".It Em \(command)\n"), "Docs/man/zonelist.1 does not mention '\(command)': regenerate it (README, Command-line conventions)")
    }
  }
}
