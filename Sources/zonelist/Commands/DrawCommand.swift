import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct DrawCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "draw",
    abstract: "Draw the machine: nodes with memory and CPUs, distances, each node's fallback order, memory tiers.",
    discussion: """
      Up to 16 nodes every node, distance and fallback step is drawn; larger machines are \
      summarised (nodes grouped by distance, fallback orders in runs of equal distance).
      """)

  @OptionGroup var input: InputOptions
  @OptionGroup var contextOptions: ContextOptions

  enum Format: String, ExpressibleByArgument, CaseIterable { case svg, dot }
  @Option(help: "svg (a standalone picture) or dot (Graphviz).") var format: Format = .svg
  @Option(help: "Write to this file instead of standard output ('-': standard output).") var output: String?

  func validate() throws {
    if let output { try OutputFile.checkWritable(output) }
  }

  func run() async throws {
    let picture = try DrawCommand.picture(input: input, context: contextOptions)
    Output.notes(picture.notes)
    let text = format == .svg ? picture.picture.svg() : picture.picture.dot()
    try OutputFile.write(text, to: output)
  }

  static func picture(input: InputOptions, context: ContextOptions) throws -> PictureRun {
    let model = try reportingErrors { try input.load() }
    let title = PictureRun.title(sysroot: input.sysrootArgument, topologyFile: input.topology ?? input.input)
    return try reportingErrors {
      try PictureRun(input: model, sysroot: input.sysroot, context: context.buildContext, event: context.event, title: title)
    }
  }
}

/// Files the tool writes on request (`--output`, `--plot`): `-` or nothing is standard output.
enum OutputFile {
  /// Fails with a `ValidationError` naming the flag's path when it cannot be written, before
  /// any work is done: the folder must exist and be writable, an existing file writable.
  static func checkWritable(_ path: String, flag: String = "--output") throws {
    guard path != "-" else { return }
    let files = FileManager.default
    var isDirectory: ObjCBool = false
    if files.fileExists(atPath: path, isDirectory: &isDirectory) {
      if isDirectory.boolValue { throw ValidationError("'\(flag) \(path)': is a folder, expected a file path.") }
      if !files.isWritableFile(atPath: path) { throw ValidationError("'\(flag) \(path)': the file is not writable.") }
      return
    }
    let folder = (path as NSString).deletingLastPathComponent
    let parent = folder.isEmpty ? "." : folder
    guard files.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("'\(flag) \(path)': the folder \(parent) does not exist.")
    }
    guard files.isWritableFile(atPath: parent) else { throw ValidationError("'\(flag) \(path)': the folder \(parent) is not writable.") }
  }

  /// Writes `text` to `path`, or to standard output for nil or `-`.
  static func write(_ text: String, to path: String?) throws {
    guard let path, path != "-" else {
      FileHandle.standardOutput.write(Data(text.utf8))
      return
    }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
      Output.error("cannot write \(path): \(error.localizedDescription)")
      throw ExitCode.validationFailure
    }
  }
}
