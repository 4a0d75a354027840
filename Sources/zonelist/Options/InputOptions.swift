import ArgumentParser
import ZonelistCore
import ZonelistHarness

/// Where the machine comes from and which kernel's rules apply.
struct InputOptions: ParsableArguments {
  @Option(
    name: .customLong("sysroot"),
    help: "Root of the machine to read, like lscpu --sysroot: / (the default), a snapshot folder, or a .tar/.tar.gz/.tar.bz2/.tar.xz of one (hwloc-gather-topology's).")
  var sysrootArgument: String?

  @Option(help: "A topology file (YAML or JSON) describing a machine; see Docs/topology-format.md.")
  var topology: String?

  @Option(
    help: ArgumentHelp(
      "A machine as a tool describes it: numactl --hardware output, hwloc XML, a libvirt domain, QEMU arguments, or a topology file.",
      discussion: "The kind is detected from the content; --input-format names it."))
  var input: String?

  @Option(help: "numactl, hwloc, libvirt, qemu or topology: the kind of --input (default: detected).")
  var inputFormat: MachineFormat?

  @Option(help: "Kernel release whose rules apply (6.1, 6.12, 5.15, 2.6.24, …); default: the input's.")
  var kernel: String?

  @Option(
    name: .customLong("arch"),
    help: "Architecture whose Debian kernel configuration applies (amd64, i386, arm64); default: the topology file's architecture:, or the flavour of the snapshot's kernel release.")
  var architectureName: String?

  @OptionGroup(title: "What-if edits") var whatIf: EditOptions

  func validate() throws {
    let given = zip(["'--sysroot'", "'--topology'", "'--input'"], [sysrootArgument, topology, input]).filter { $0.1 != nil }.map(\.0)
    if given.count > 1 {
      throw ValidationError("\(given.dropLast().joined(separator: ", ")) and \(given.last!) exclude each other.")
    }
    if let architectureName, Architecture(name: architectureName) == nil {
      throw ValidationError("--arch \(architectureName): expected amd64, i386 or arm64 (or x86_64, x86_32).")
    }
    if inputFormat != nil && input == nil { throw ValidationError("'--input-format' goes with '--input'.") }
  }

  /// The sysroot folder: `--sysroot`, unpacked first when it names an archive (``load()`` does
  /// that before any command reads the sysroot).
  var sysroot: String? {
    guard let sysrootArgument else { return nil }
    guard SysrootArchive.isArchive(sysrootArgument) else { return sysrootArgument }
    return (try? SysrootArchive.root(of: sysrootArgument)) ?? sysrootArgument
  }

  /// The machine, edited. `unnamedKernel`: the release whose rules apply when neither
  /// `--kernel` nor the input names one (for the commands whose output the rules do not change).
  func load(unnamedKernel: KernelVersion? = nil) throws -> ModelInput {
    let edits = try whatIf.edits()
    if let input {
      return try ModelInput.load(input: input, format: inputFormat, kernel: kernel, unnamedKernel: unnamedKernel).applying(edits)
    }
    if let sysrootArgument, SysrootArchive.isArchive(sysrootArgument) {
      _ = try SysrootArchive.root(of: sysrootArgument)
    }
    return try ModelInput.load(
      sysroot: sysroot, topologyFile: topology, kernel: kernel, edits: edits,
      architecture: architectureName.flatMap { Architecture(name: $0) }, unnamedKernel: unnamedKernel)
  }
}

extension MachineFormat: ExpressibleByArgument {}

/// Which build to model.
struct ContextOptions: ParsableArguments {
  @Option(help: "boot (what dmesg shows at boot) or rebuild (memory hotplug at run time).")
  var context: ContextName = .boot

  @Option(help: "With --context rebuild: the node being onlined (a hot-added node that is not online yet).")
  var onlining: Int?

  @Option(
    help: ArgumentHelp(
      "A memory-hotplug event to rebuild after: 'online node=N zone=ZONE pages=P' or 'hot-add node=N'.",
      discussion: "Implies --context rebuild. The sysroot is the machine just before the event."))
  var hotplug: String?

  enum ContextName: String, ExpressibleByArgument, CaseIterable { case boot, rebuild }

  func validate() throws {
    if onlining != nil && context != .rebuild { throw ValidationError("'--onlining' goes with '--context rebuild'.") }
    if let hotplug, HotplugEvent(parsing: hotplug) == nil {
      throw ValidationError(
        "'--hotplug' expects 'online node=N zone=ZONE pages=P' or 'hot-add node=N' (N below \(Topology.maxNumNodes), P a page count \(Pages.physicalLimitText)), not '\(hotplug)'.")
    }
    if hotplug != nil && onlining != nil { throw ValidationError("'--hotplug' and '--onlining' exclude each other.") }
  }

  var event: HotplugEvent? { hotplug.flatMap { HotplugEvent(parsing: $0) } }

  var buildContext: BuildContext {
    if let event { return event.context }
    return context == .boot ? .boot : .rebuild(onlining: onlining.map { NodeID($0) })
  }
}
