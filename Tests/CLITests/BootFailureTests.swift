import Foundation
import Testing

/// A boot that fails, on a real kernel under QEMU: what `verify` shows.
@Suite struct BootFailureTests {
  /// The kernel finds no init (`rdinit=` names none), cannot mount a root either, logs why
  /// and panics. `verify` tries twice
  /// and fails; what it shows holds the kernel's last messages, no control character, and the
  /// name of the file that holds the whole console.
  @Test(.enabled(if: Tool.fetchedKernelImage(series: "6.1") != nil, "no 6.1 kernel image fetched: run Scripts/fetch-kernels.sh"))
  func failedBootShowsTheKernelsLastMessages() throws {
    let image = try #require(Tool.fetchedKernelImage(series: "6.1"))
    let topology = try Tool.file(
      "kernel: \"6.1\"\nbootOptions: rdinit=/nonexistent\nnodes:\n  - {id: 0, cpus: 0, memory: 512M}\n", name: "no-init.yaml")
    let result = try Tool.run(["verify", "--topology", topology, "--kernel-image", image, "--timeout", "600"])
    #expect(result.status != 0)
    let shown = result.stdout + result.stderr
    #expect(!shown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D }, "\(shown.debugDescription)")
    #expect(shown.contains("Kernel panic - not syncing"), "\(shown)")
    // Messages below the emergency level (printk's default level): the console shows them only
    // at a verbose log level.
    #expect(shown.contains("] List of all partitions:") && shown.contains("] No filesystem could mount root"), "\(shown)")
    let logs = shown.matches(of: /the whole console log is in (\S+)\)/).map { String($0.1) }
    #expect(logs.count == 2, "one log per attempt: \(shown)")
    for log in logs {
      #expect(try String(contentsOfFile: log, encoding: .utf8).contains("Kernel panic"))
      try? FileManager.default.removeItem(atPath: log)
    }
  }
}
