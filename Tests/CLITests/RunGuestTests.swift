import Foundation
import Testing

@testable import zonelist

/// `zonelist run-guest` refuses bad input before it boots anything.
@Suite struct RunGuestTests {
  static let kernel = "/nonexistent/vmlinuz"

  @Test(arguments: [
    (["--machine=-m 1G", "--topology", "Tests/Topologies/01-one-node-small.yaml"], "give either --topology or --machine"),
    (["--machine=-m 1G", "--add", "alloc"], "--add alloc: expected HOST:GUEST"),
    (["--machine=-m 1G", "--add", "/nonexistent/alloc:bin/alloc"], "cannot read /nonexistent/alloc, a file meant for the guest's bin/alloc"),
    (["--machine=-m '1G"], "--machine: unbalanced quote or trailing backslash in '-m '1G'"),
  ])
  func refusesBadInput(arguments: [String], message: String) throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("run-guest-\(UUID().uuidString)").path
    let result = try Tool.run(["run-guest", "--kernel-image", RunGuestTests.kernel, "--init", "/dev/null", "--output", output] + arguments)
    #expect(result.status == 64)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func aMissingKernelImageIsNamed() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("run-guest-\(UUID().uuidString)").path
    let script = output + ".init"
    try "#!/bin/busybox sh\n".write(toFile: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let result = try Tool.run(["run-guest", "--kernel-image", RunGuestTests.kernel, "--init", script, "--machine=-m 1G", "--output", output])
    #expect(result.status == 64)
    #expect(result.stderr.contains("kernel image /nonexistent/vmlinuz does not exist"), "\(result.stderr)")
  }

  /// A topology of one architecture and a kernel image of another: refused before QEMU starts,
  /// by `verify` and `run-guest` alike.
  @Test(arguments: ["verify", "run-guest"])
  func aKernelOfAnotherArchitectureIsRefusedBeforeBooting(command: String) throws {
    var header = [UInt8](repeating: 0, count: 0x240)
    header.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
    header[0x236] = 1  // XLF_KERNEL_64: an x86-64 bzImage
    let image = try Tool.file(String(decoding: header, as: UTF8.self), name: "vmlinuz")
    let topology = try Tool.file("architecture: i386\nnodes:\n  - {id: 0, cpus: 0, memory: 1G}\n")
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("run-guest-\(UUID().uuidString)").path
    let extra = command == "run-guest" ? ["--init", "/dev/null", "--output", output] : []
    let result = try Tool.run([command, "--kernel-image", image, "--topology", topology] + extra)
    #expect(result.status == 64)
    #expect(
      result.stderr.contains("kernel image \(image) is built for x86_64 (amd64), but \(topology)'s architecture is x86_32 (i386)"),
      "\(result.stderr)")
  }

  /// `--machine` is split like `sh` splits words, and `qemu-args` quoted so that `sh` reads it back.
  @Test func shellWordsRoundTrip() throws {
    let words = try ShellWords.split(#"-m 768M,slots=4 -append 'a b' "c \"d\"" e\ f"#)
    #expect(words == ["-m", "768M,slots=4", "-append", "a b", #"c "d""#, "e f"])
    #expect(try ShellWords.split(words.map(ShellWords.quote).joined(separator: " ")) == words)
    #expect(ShellWords.quote("it's") == #"'it'"'"'s'"#)
  }
}
