import ArgumentParser
import ZonelistCore
import ZonelistHarness

struct QEMUArgsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qemu-args", abstract: "Print the qemu-system-x86_64 NUMA options that boot a machine.",
    discussion: """
      The machine is any input (--topology, --input, --sysroot), what-if edits included; what QEMU \
      cannot boot as given (offline nodes, zone sizes, gaps in CPU ids) is changed and said on \
      standard error, as export --format qemu does. \
      text: the machine options on one line, then -append with the kernel command line. \
      shell: every argument on one line, quoted for eval: eval "qemu-system-x86_64 $(zonelist qemu-args \
      --format shell --topology F) -kernel vmlinuz -nographic". lines: one argument per line, for \
      mapfile -t args < <(zonelist qemu-args --format lines --topology F); qemu-system-x86_64 "${args[@]}". \
      json: schema zonelist.qemu-args/1.
      """)

  @OptionGroup var input: InputOptions

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, shell, lines, json }
  @Option(help: "text, shell (quoted for eval), lines (one argument per line) or json.") var format: Format = .text

  func run() async throws {
    // QEMU's options do not depend on the kernel's rules: an input that names no kernel needs no --kernel.
    let model = try reportingErrors { try input.load(unnamedKernel: KernelReleases.newestProven) }
    var (arguments, notes) = try reportingErrors { try model.qemuArguments() }
    let edited = model.diagnostics.filter { if case .whatIf = $0 { true } else { false } }.map(\.description)
    notes = edited + model.sysctlSettings.map { "--set \($0) is not part of the machine: not written" } + notes
    let append = QEMURunner.commandLine(arguments.bootOptions)
    let words = arguments.machineOptions + ["-append", append]
    if arguments.renumbered {
      let map = arguments.linuxNodeIDs.sorted { $0.key < $1.key }.map { "\($0.key)->\($0.value)" }.joined(separator: " ")
      notes.append("Linux numbers nodes with CPUs first: QEMU node ids map to Linux ids as \(map)")
    }
    switch format {
    case .text:
      print(arguments.machineOptions.joined(separator: " "))
      print("-append '\(append)'")
    case .shell:
      print(words.map(ShellWords.quote).joined(separator: " "))
    case .lines:
      for word in words { print(word) }
    case .json:
      let document = QEMUArgsJSON(
        arguments: words, append: append,
        linuxNodeIDs: Dictionary(uniqueKeysWithValues: arguments.linuxNodeIDs.map { (String($0.key.rawValue), $0.value.rawValue) }),
        notes: notes)
      print(try Output.json(document))
      return
    }
    Output.notes(notes)
  }
}

/// `zonelist qemu-args --format json`: schema `zonelist.qemu-args/1`.
struct QEMUArgsJSON: Encodable {
  var schema = "zonelist.qemu-args/1"
  /// Every argument after the executable, `-append` and its value included.
  var arguments: [String]
  /// The kernel command line (the value of `-append`).
  var append: String
  /// QEMU node id → the id Linux gives that node (Linux numbers nodes with CPUs first).
  var linuxNodeIDs: [String: Int]
  var notes: [String]
}
