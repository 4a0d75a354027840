import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct SnapshotCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "snapshot",
    abstract: "Copy, read only, every file the other commands read from this machine into a folder or a .tar.gz.",
    discussion: """
      The folder is a sysroot: every command reads it with --sysroot DIR. It holds the sysfs node and \
      CPU trees (caches included), the HMAT attributes, memory tiers and dax devices, proc/{version,cmdline,\
      zoneinfo,meminfo,buddyinfo,pagetypeinfo}, the vm sysctls the model uses, the weighted-interleave \
      weights, the transparent huge page settings, and the kernel log's zonelist and demotion lines (file \
      dmesg). What exists but cannot be read (pagetypeinfo and dmesg for a user other than root) is listed \
      with the reason in zonelist-unreadable. Nothing on the machine is written.
      """)

  @Option(help: "The folder to write (it must not exist yet), or a FILE.tar.gz.") var output: String

  @Option(help: "The root to read, / (the default, the live machine) or a folder laid out like it (its kernel log from its own dmesg file).")
  var root = "/"

  func run() async throws {
    let snapshot = LiveSnapshot(root: root)
    do {
      if output.hasSuffix(".tar.gz") || output.hasSuffix(".tgz") {
        try snapshot.writeArchive(to: output)
      } else {
        try snapshot.write(to: output)
      }
    } catch {
      Output.error("snapshot --output \(output): \(error)")
      throw ExitCode.validationFailure
    }
    print("wrote \(output): \(snapshot.files.count) files, \(snapshot.kernelLog.map { "\($0.split(separator: "\n").count) kernel log lines" } ?? "no kernel log")")
    Output.notes(snapshot.unreadable.keys.sorted().map { "\($0): not taken: \(snapshot.unreadable[$0] ?? "")" })
  }
}
