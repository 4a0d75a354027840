import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct DiffCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Compare two machines, or one machine under two kernels, contexts or what-ifs.",
    discussion: """
      Per node: the fallback order and the score term of find_next_best_node() that made it flip \
      (distance, the lower-id penalty, the CPU penalty, node_load); the zone-level lists; the tiers and \
      demotion targets; the watermarks. A and B are two inputs (a sysroot folder or archive, a topology file, or \
      any machine description --input reads), or one input (--sysroot, --topology, --input, one path, or this machine) taken twice: with two --kernel, two \
      --context, or what-if edits, which apply to B. One --kernel or --context applies to both sides.

      Exit status: 0 no difference, 1 they differ, 64 bad input or options.
      """)

  @Argument(help: "The inputs: A and B (a sysroot folder or a topology file each), or one input.")
  var inputs: [String] = []

  @Option(help: "The one input, a sysroot (instead of a path argument).") var sysroot: String?
  @Option(help: "The one input, a topology file (instead of a path argument).") var topology: String?
  @Option(help: "The one input, a machine description of any kind --input reads (instead of a path argument).") var input: String?

  @Option(help: "A kernel release for both sides, or twice: A's, then B's.") var kernel: [String] = []

  @Option(help: "boot or rebuild for both sides, or twice: A's, then B's.") var context: [ContextOptions.ContextName] = []

  @OptionGroup(title: "What-if edits (applied to B)") var whatIf: EditOptions

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
  @Option(help: "text or json (schema zonelist.diff/1).") var format: Format = .text

  func validate() throws {
    let paths = inputs + [sysroot, topology, input].compactMap { $0 }
    guard paths.count <= 2 else { throw ValidationError("'zonelist diff' compares two inputs: \(paths.count) given.") }
    guard kernel.count <= 2, context.count <= 2 else { throw ValidationError("'--kernel' and '--context' are given once (both sides) or twice (A, then B).") }
    if paths.count < 2 && kernel.count < 2 && context.count < 2 && (try? whatIf.edits().isEmpty) != false {
      throw ValidationError("one input compares with itself: give a second input, two '--kernel', two '--context' or a what-if edit.")
    }
  }

  func run() async throws {
    let paths: [String?] = {
      let given = inputs + [sysroot, topology, input].compactMap { $0 }
      return given.count == 2 ? given : [given.first, given.first]
    }()
    var sides: [DiffSide] = []
    var notes: [String] = []
    for index in 0..<2 {
      let edits = index == 1 ? try whatIf.edits() : []
      let kernel = self.kernel.isEmpty ? nil : self.kernel[min(index, self.kernel.count - 1)]
      let name = self.context.isEmpty ? .boot : self.context[min(index, self.context.count - 1)]
      let context: BuildContext = name == .boot ? .boot : .rebuild(onlining: nil)
      let (side, diagnostics) = try reportingErrors {
        let (input, sysroot) = try DiffInputs.load(path: paths[index], kernel: kernel, edits: edits)
        let label = DiffInputs.label(path: paths[index], input: input, context: context)
        return try DiffInputs.side(input, sysroot: sysroot, context: context, label: label)
      }
      sides.append(side)
      notes += diagnostics.map { "\(index == 0 ? "A" : "B"): \($0)" }
    }
    let diff = MachineDiff(sides[0], sides[1])
    switch format {
    case .text:
      Output.notes(notes)
      print(diff.text(), terminator: "")
    case .json:
      print(try Output.json(MachineDiff.Document(diff, notes: notes)))
    }
    if !diff.isEqual { throw ExitCode.failure }
  }
}
