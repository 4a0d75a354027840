import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct BuildCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "build", abstract: "Build every node's zonelists as the kernel does and print them.",
    discussion: KernelTextOutput.exitStatusDiscussion)

  @OptionGroup var input: InputOptions
  @OptionGroup var contextOptions: ContextOptions

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case table, json
    case kernelLog = "kernel-log"
    case mminit
  }
  @Option(help: "table, kernel-log (the boot's own lines), mminit (mminit_loglevel=4 lines) or json.")
  var format: Format = .table

  func run() async throws {
    let input = try reportingErrors { try self.input.load() }
    let outcome = try reportingErrors {
      try ZonelistRun(input: input, context: contextOptions.buildContext, event: contextOptions.event)
    }
    switch format {
    case .table:
      Output.notes(outcome.notes)
      print(outcome.report.table(), terminator: "")
    case .json:
      print(try Output.json(outcome.report))
    case .kernelLog:
      try KernelTextOutput.print(.kernelLog, diagnostics: outcome.diagnostics, extra: outcome.reliances) {
        outcome.kernelLogLines
      }
    case .mminit:
      try KernelTextOutput.print(.mminit, diagnostics: outcome.diagnostics, extra: outcome.reliances) {
        outcome.mminitLines
      }
    }
  }
}

enum Output {
  static func error(_ message: String) {
    FileHandle.standardError.write(("zonelist: " + message + "\n").data(using: .utf8)!)
  }
  static func notes(_ notes: [String]) {
    for note in notes { FileHandle.standardError.write(("note: " + note + "\n").data(using: .utf8)!) }
  }
  static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}

/// Runs `body`; bad input and harness failures become a message and exit code 64.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as ImportError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  } catch let error as HarnessError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  } catch let error as MachineEditError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  } catch let error as MachineSpecError {
    Output.error(error.description)
    throw ExitCode.validationFailure
  }
}
