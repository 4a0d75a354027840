import ArgumentParser
import ZonelistCore
import ZonelistHarness

/// What `capture` and `verify` boot, and how long they wait.
struct QEMUBootOptions: ParsableArguments {
  @Option(help: "The topology file to boot.") var topology: String?
  @Option(
    help: ArgumentHelp(
      "A machine to boot as a tool describes it (numactl --hardware output, hwloc XML, a libvirt domain, QEMU arguments), instead of --topology.",
      discussion: "It is made bootable as qemu-args makes it (sizes in whole MiB, CPUs 0…N−1); what that changes is said on standard error."))
  var input: String?
  @Option(help: "numactl, hwloc, libvirt, qemu or topology: the kind of --input (default: detected).") var inputFormat: MachineFormat?
  @OptionGroup(title: "What-if edits (of the machine booted)") var whatIf: EditOptions
  @Option(help: "The kernel image (bzImage / vmlinuz) to boot.") var kernelImage: String
  @Option(help: "Seconds to wait for the guest.") var timeout: Double = 300

  func validate() throws {
    if (topology == nil) == (input == nil) { throw ValidationError("give the machine to boot: '--topology' or '--input' (one of them).") }
    if inputFormat != nil && input == nil { throw ValidationError("'--input-format' goes with '--input'.") }
  }

  /// Whether the machine booted is the topology file as written (`capture` then keeps that file).
  var bootsTheFileAsWritten: Bool { input == nil && (try? whatIf.edits().isEmpty) == true }

  /// The machine to boot: the topology file as written, or any input with the edits applied,
  /// made bootable (``ModelInput/machineSpec``, ``MachineExport/bootable(_:)``).
  func machine() throws -> MachineSpec {
    if let topology, bootsTheFileAsWritten { return try reportingErrors { try TopologyFile.load(path: topology) } }
    let model = try reportingErrors {
      let edits = try whatIf.edits()
      if let input {
        return try ModelInput.load(input: input, format: inputFormat, kernel: nil, unnamedKernel: KernelReleases.newestProven).applying(edits)
      }
      return try ModelInput.load(sysroot: nil, topologyFile: topology, kernel: nil, edits: edits, unnamedKernel: KernelReleases.newestProven)
    }
    let (spec, changes) = MachineExport.bootable(model.machineSpec)
    let edited = model.diagnostics.filter { if case .whatIf = $0 { true } else { false } }.map(\.description)
    Output.notes(edited + model.sysctlSettings.map { "--set \($0) is not part of the machine: not booted" } + changes)
    return spec
  }

  /// Reads the machine and boots it once.
  /// - Parameter dumps: Extra guest dumps (verify adds the memory-tier files).
  func boot(dumps: String = "") throws -> (MachineSpec, QEMUArguments, BootCapture) {
    let spec = try machine()
    let arguments = try reportingErrors { try QEMUArguments(spec) }
    let name = topology ?? input ?? ""
    try reportingErrors { try KernelImage.check(kernelImage, expected: spec.architecture, what: "\(name)'s architecture") }
    var capture = try reportingErrors {
      try QEMURunner(kernelImage: kernelImage, timeoutSeconds: timeout)
        .boot(machineOptions: arguments.machineOptions, bootOptions: arguments.bootOptions, plan: GuestPlan(dumps: dumps))
    }
    capture.recordDMAReserve(of: spec)
    return (spec, arguments, capture)
  }
}
