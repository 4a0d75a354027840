import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

extension ExportFormat: ExpressibleByArgument {}

struct ExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the machine as a topology file, QEMU options, a libvirt domain, hwloc XML or numactl --hardware text.",
    discussion: """
      Any input (--sysroot, --topology, --input) becomes an editable plan (topology), a VM that \
      boots the same NUMA machine (qemu, libvirt), hwloc XML, or the text numactl --hardware \
      prints for it (numactl: sizes are the managed pages; free is run-time state and is printed as \
      the size). What the output cannot keep is said on standard error. Every output reads back \
      with --input.
      """)

  @OptionGroup var input: InputOptions

  @Option(help: "topology, qemu, libvirt, hwloc or numactl.") var format: ExportFormat = .topology

  @Option(help: "The file to write (default: standard output).") var output: String?

  func run() async throws {
    let model = try reportingErrors { try input.load() }
    let (text, notes) = try reportingErrors { try model.export(format) }
    Output.notes(notes)
    if let output {
      do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
        Output.error("--output \(output): cannot write: \(error.localizedDescription)")
        throw ExitCode.validationFailure
      }
    } else {
      print(text, terminator: "")
    }
  }
}
