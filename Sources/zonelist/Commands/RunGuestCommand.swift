import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct RunGuestCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run-guest",
    abstract: "Boot a kernel under QEMU with a capture guest of your own and keep what it printed.",
    discussion: """
      The engine of the capture scripts (Scripts/capture/README.md). The initramfs holds a static \
      busybox, the --init script, the guest library /lib/zonelist.sh and the --add files, gzip'd. The guest \
      speaks the console protocol (@@F PATH + base64 + @@FE, @@SNAP-BEGIN/@@SNAP-END LABEL, @@TAG \
      events) and must print @@ZONELIST-END. Writes OUTPUT/console.log (raw serial console), \
      OUTPUT/qemu-args (the QEMU command line), OUTPUT/guest.json (the console's records) and, \
      with --host-step, OUTPUT/host.log.
      """)

  @Option(help: "The kernel image (bzImage / vmlinuz) to boot.") var kernelImage: String
  @Option(name: .customLong("init"), help: "The guest's /init script (busybox sh).") var initScript: String
  @Option(help: ArgumentHelp("A file for the guest, as HOST:GUEST (guest path absolute or relative to /).", valueName: "host:guest"))
  var add: [String] = []
  @Option(help: "A topology file: QEMU's machine options and the kernel options it names.") var topology: String?
  @Option(help: ArgumentHelp("QEMU's machine options, instead of --topology.", valueName: "options"))
  var machine: String?
  @Option(help: "Kernel options after the base command line (and the topology's own).") var append: String = ""
  @Option(help: "The start of the kernel command line.") var baseCommandLine: String = QEMURunner.baseCommandLine
  @Option(
    help: ArgumentHelp(
      "Commands (separated by ';'; HMP command lines or QMP JSON objects) sent through QMP when the guest prints '@@HOST-STEP k', for the k-th --host-step (from 0).",
      valueName: "commands"))
  var hostStep: [String] = []
  @Option(help: "Seconds to wait for the guest.") var timeout: Double = 300
  @Option(help: "The folder to write (created when missing; its files are replaced).") var output: String

  func validate() throws {
    guard (topology == nil) != (machine == nil) else {
      throw ValidationError("give either --topology or --machine")
    }
  }

  func run() async throws {
    var machineOptions = try machine.map(ShellWords.split) ?? []
    var bootOptions = ""
    if let topology {
      let spec = try reportingErrors { try TopologyFile.load(path: topology) }
      let arguments = try reportingErrors { try QEMUArguments(spec) }
      try reportingErrors { try KernelImage.check(kernelImage, expected: spec.architecture, what: "\(topology)'s architecture") }
      machineOptions = arguments.machineOptions
      bootOptions = arguments.bootOptions
    }
    let files = try reportingErrors {
      try add.map { pair throws(HarnessError) -> GuestFile in
        guard let colon = pair.lastIndex(of: ":"), colon != pair.startIndex, pair.index(after: colon) != pair.endIndex else {
          throw HarnessError("--add \(pair): expected HOST:GUEST")
        }
        return try GuestFile(host: String(pair[..<colon]), guest: String(pair[pair.index(after: colon)...]))
      }
    }
    let script = try reportingErrors { () throws(HarnessError) -> String in
      guard let text = FileBytes.read(initScript) else { throw HarnessError("cannot read --init \(initScript)") }
      return String(decoding: text, as: UTF8.self)
    }
    let guest = GuestProgram(
      script: script, files: files,
      hostSteps: hostStep.map { $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } },
      isCompressed: true)
    let commandLine = [baseCommandLine, bootOptions, append].filter { !$0.isEmpty }.joined(separator: " ")
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    let folder = URL(fileURLWithPath: output)
    let result = try reportingErrors {
      try QEMURunner(kernelImage: kernelImage, timeoutSeconds: timeout)
        .run(guest, machineOptions: machineOptions, commandLine: commandLine,
          consoleLog: folder.appendingPathComponent("console.log").path)
    }
    try (result.command.map(ShellWords.quote).joined(separator: " ") + "\n")
      .write(to: folder.appendingPathComponent("qemu-args"), atomically: true, encoding: .utf8)
    try result.records.json().write(to: folder.appendingPathComponent("guest.json"))
    if !hostStep.isEmpty {
      let log = result.hostLog.map { $0 + "\n" }.joined(separator: "")
      try log.write(to: folder.appendingPathComponent("host.log"), atomically: true, encoding: String.Encoding.utf8)
    }
    print("\(output): \(result.records.records.count) records")
  }
}

/// Shell words: the `--machine` option is split like `sh` splits words (quotes, backslashes),
/// and the command line written to `qemu-args` is quoted so that `sh` reads it back.
enum ShellWords {
  static func split(_ text: String) throws -> [String] {
    var words: [String] = []
    var word: String? = nil
    var quote: Character? = nil
    var escaped = false
    for character in text {
      if escaped {
        word = (word ?? "") + String(character)
        escaped = false
      } else if let open = quote {
        if character == open { quote = nil } else if character == "\\" && open == "\"" { escaped = true } else { word = (word ?? "") + String(character) }
      } else if character == "'" || character == "\"" {
        quote = character
        word = word ?? ""
      } else if character == "\\" {
        escaped = true
      } else if character.isWhitespace {
        if let finished = word { words.append(finished) }
        word = nil
      } else {
        word = (word ?? "") + String(character)
      }
    }
    guard quote == nil, !escaped else { throw ValidationError("--machine: unbalanced quote or trailing backslash in '\(text)'") }
    if let word { words.append(word) }
    return words
  }

  /// Python's `shlex.quote`: bare when only safe characters, else in single quotes.
  static func quote(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "@%+=:,./-_".contains($0)) }
    if safe && !word.isEmpty { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
  }
}
