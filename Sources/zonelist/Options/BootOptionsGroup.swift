import ArgumentParser
import ZonelistCore
import ZonelistHarness

/// What `capture` and `verify` boot, and how long they wait.
struct QEMUBootOptions: ParsableArguments {
  @Option(help: "The topology file to boot.") var topology: String
  @Option(help: "The kernel image (bzImage / vmlinuz) to boot.") var kernelImage: String
  @Option(help: "Seconds to wait for the guest.") var timeout: Double = 300

  /// Reads the topology file and boots it once.
  /// - Parameter dumps: Extra guest dumps (verify adds the memory-tier files).
  func boot(dumps: String = "") throws -> (MachineSpec, QEMUArguments, BootCapture) {
    let spec = try reportingErrors { try TopologyFile.load(path: topology) }
    let arguments = try reportingErrors { try QEMUArguments(spec) }
    try reportingErrors { try KernelImage.check(kernelImage, expected: spec.architecture, what: "\(topology)'s architecture") }
    var capture = try reportingErrors {
      try QEMURunner(kernelImage: kernelImage, timeoutSeconds: timeout)
        .boot(machineOptions: arguments.machineOptions, bootOptions: arguments.bootOptions, plan: GuestPlan(dumps: dumps))
    }
    capture.recordDMAReserve(of: spec)
    return (spec, arguments, capture)
  }
}
