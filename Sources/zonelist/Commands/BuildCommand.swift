import ArgumentParser
import Foundation
import Glibc
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
    // mminit prints every zone of every list; the other formats need the node orders only (a
    // list is made when it is written).
    func nodeOrders() throws -> NodeOrderRun {
      try reportingErrors { try NodeOrderRun(input: input, context: contextOptions.buildContext, event: contextOptions.event) }
    }
    switch format {
    case .table:
      let run = try nodeOrders()
      Output.notes(run.diagnostics.map(\.description))
      Output.write { run.report.writeTable(to: &$0) }
    case .json:
      let run = try nodeOrders()
      Output.json { run.report.writeJSON(to: &$0) }
    case .kernelLog:
      let run = try nodeOrders()
      try KernelTextOutput.print(
        .kernelLog, diagnostics: run.diagnostics, extra: run.reliances, available: { run.totalPages != nil }
      ) { run.writeKernelLog(to: &$0) }
    case .mminit:
      let outcome = try reportingErrors {
        try ZonelistRun(input: input, context: contextOptions.buildContext, event: contextOptions.event)
      }
      try KernelTextOutput.print(.mminit, diagnostics: outcome.diagnostics, extra: outcome.reliances) {
        outcome.writeMminit(to: &$0)
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
  /// Standard output through the one buffered byte writer, written straight to file descriptor 1
  /// (no copy into a `Data` per chunk: a 1024-node json is 37 MB). A write that fails (a full
  /// disk) ends the process with a message and exit code 74 (`EX_IOERR`); a closed pipe ends it
  /// by SIGPIPE first, as before.
  static func standardOutput() -> ByteWriter {
    ByteWriter { bytes in
      var rest = bytes
      while let base = rest.baseAddress, !rest.isEmpty {
        let written = Glibc.write(1, base, rest.count)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else {
          error("standard output: \(written < 0 ? String(cString: strerror(errno)) : "nothing written")")
          exit(74)
        }
        rest = UnsafeRawBufferPointer(rebasing: rest[written...])
      }
    }
  }
  /// Runs `body` on standard output's writer, then flushes it.
  static func write(_ body: (inout ByteWriter) -> Void) {
    var out = standardOutput()
    body(&out)
    out.flush()
  }
  /// Streams a json document to standard output, ending in LF.
  static func json(_ body: (inout JSONWriter) -> Void) {
    var json = JSONWriter(standardOutput())
    body(&json)
    json.out.write(byte: UInt8(ascii: "\n"))
    json.out.flush()
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
