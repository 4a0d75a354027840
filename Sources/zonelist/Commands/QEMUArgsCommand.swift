import ArgumentParser
import ZonelistCore
import ZonelistHarness

struct QEMUArgsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qemu-args", abstract: "Print the qemu-system-x86_64 NUMA options that boot a topology file.")

  @Option(help: "The topology file.") var topology: String

  func run() async throws {
    let spec = try reportingErrors { try TopologyFile.load(path: topology) }
    let arguments = try reportingErrors { try QEMUArguments(spec) }
    print(arguments.machineOptions.joined(separator: " "))
    let append = [QEMURunner.baseCommandLine, arguments.bootOptions].filter { !$0.isEmpty }.joined(separator: " ")
    print("-append '\(append)'")
    Output.notes(arguments.notes)
    if arguments.renumbered {
      let map = arguments.linuxNodeIDs.sorted { $0.key < $1.key }.map { "\($0.key)->\($0.value)" }.joined(separator: " ")
      Output.notes(["Linux numbers nodes with CPUs first: QEMU node ids map to Linux ids as \(map)"])
    }
  }
}
