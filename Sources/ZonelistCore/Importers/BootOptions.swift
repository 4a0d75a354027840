/// The kernel command-line options that change nodes or zones.
///
/// Kernel: `numa_setup()` (`numa=off`, `numa=fake=`) in `arch/x86/mm/numa.c`,
/// `cmdline_parse_kernelcore()` / `cmdline_parse_movablecore()`, `mminit_loglevel`.
public struct BootOptions: Hashable, Sendable, Codable {
  /// `numa=off`: one node with all memory and CPUs.
  public var numaOff = false
  /// `numa=fake=…`, as written.
  public var numaFake: String?
  /// `movablecore=…`, as written.
  public var movableCore: String?
  /// `kernelcore=…`, as written.
  public var kernelCore: String?
  /// `mem=…` (x86: RAM above this address is dropped; arm64: RAM past this amount), as written.
  public var mem: String?
  /// `highmem=…` (i386: the HighMem zone's size), as written.
  public var highmem: String?
  /// `vmalloc=…` (i386: the vmalloc area, which bounds lowmem), as written.
  public var vmalloc: String?
  /// `mminit_loglevel=N`.
  public var mminitLogLevel: Int?
  /// The whole command line.
  public var commandLine: String = ""

  public init() {}

  /// Reads the options from `/proc/cmdline` text.
  public init(commandLine: String) {
    self.commandLine = commandLine.trimmingWhitespace()
    for word in self.commandLine.split(whereSeparator: \.isWhitespace) {
      // A word "=…" splits into an empty key (no option) rather than into nothing.
      let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = String(parts[0])
      let value = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
      switch key {
      case "numa":
        if value == "off" { numaOff = true }
        if let value, value.hasPrefix("fake=") { numaFake = String(value.dropFirst(5)) }
      case "movablecore": movableCore = value
      case "kernelcore": kernelCore = value
      case "mminit_loglevel": mminitLogLevel = value.flatMap { Int($0) }
      case "mem": mem = value
      case "highmem": highmem = value
      case "vmalloc": vmalloc = value
      default: break
      }
    }
  }
}
