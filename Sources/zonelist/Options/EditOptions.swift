import ArgumentParser
import ZonelistCore

/// What-if edits of the machine (``MachineEdit``), for every command that takes one.
///
/// They are applied in this order, each option's values in the order given: nodes added,
/// distances set, CPUs removed, nodes offlined; `--set` goes to the `vm` sysctls.
struct EditOptions: ParsableArguments {
  @Option(
    name: .customLong("add-node"),
    help: ArgumentHelp(
      "What if this node existed: 'memory=64G cpus=none distance=20,24,10' (distances to every node once added, its own 10 included; optional id=N, zone=normal|movable).",
      valueName: "spec"))
  var addNode: [String] = []

  @Option(name: .customLong("set-distance"), help: ArgumentHelp("What if the distance were: A,B=D (both ways) or A>B=D.", valueName: "edit"))
  var setDistance: [String] = []

  @Option(name: .customLong("remove-cpus"), help: ArgumentHelp("What if these CPUs were offline: a list like 4-7.", valueName: "cpus"))
  var removeCPUs: [String] = []

  @Option(name: .customLong("offline-node"), help: ArgumentHelp("What if this node were offline (no memory, no CPUs).", valueName: "node"))
  var offlineNode: [String] = []

  @Option(name: .customLong("set"), help: ArgumentHelp("A what-if sysctl, e.g. vm.watermark_scale_factor=200.", valueName: "vm.NAME=VALUE"))
  var settings: [String] = []

  /// The edits, parsed, in the order they are applied.
  func edits() throws(MachineEditError) -> [MachineEdit] {
    var edits: [MachineEdit] = []
    for (option, values) in [("add-node", addNode), ("set-distance", setDistance), ("remove-cpus", removeCPUs), ("offline-node", offlineNode), ("set", settings)] {
      for value in values { edits.append(try MachineEdit(option: option, value: value)) }
    }
    return edits
  }

  func validate() throws {
    do { _ = try edits() } catch { throw ValidationError(error.description) }
  }
}
