import ArgumentParser
import ZonelistCore
import ZonelistHarness

/// Where the machine comes from and which kernel's rules apply.
struct InputOptions: ParsableArguments {
  @Option(help: "Root of the machine to read, like lscpu --sysroot: / (the default) or a snapshot folder.")
  var sysroot: String?

  @Option(help: "A topology file (YAML or JSON) describing a machine; see Docs/topology-format.md.")
  var topology: String?

  @Option(help: "Kernel release whose rules apply (6.1, 6.12, 5.15, 2.6.24, …); default: the input's.")
  var kernel: String?

  @Option(
    name: .customLong("arch"),
    help: "Architecture whose Debian kernel configuration applies (amd64, i386, arm64); default: the topology file's architecture:, or the flavour of the snapshot's kernel release.")
  var architectureName: String?

  func validate() throws {
    if sysroot != nil && topology != nil {
      throw ValidationError("'--sysroot' and '--topology' exclude each other.")
    }
    if let architectureName, Architecture(name: architectureName) == nil {
      throw ValidationError("--arch \(architectureName): expected amd64, i386 or arm64 (or x86_64, x86_32).")
    }
  }

  func load() throws -> ModelInput {
    try ModelInput.load(
      sysroot: sysroot, topologyFile: topology, kernel: kernel, architecture: architectureName.flatMap { Architecture(name: $0) })
  }
}

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
