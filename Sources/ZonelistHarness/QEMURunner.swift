import Foundation
public import ZonelistCore

/// Boots a kernel under `qemu-system-x86_64` (software emulation) with a capture
/// initramfs and collects what the guest printed.
public struct QEMURunner: Sendable {
  public var qemu: String
  public var kernelImage: String
  public var timeoutSeconds: Double
  public var memoryMiB: Int?

  public init(kernelImage: String, qemu: String = "qemu-system-x86_64", timeoutSeconds: Double = 300) {
    self.kernelImage = kernelImage
    self.qemu = qemu
    self.timeoutSeconds = timeoutSeconds
  }

  /// The kernel command line every boot gets, before the machine's own options.
  ///
  /// The kernel logs to the console at `loglevel=7` (all but debug messages), so that a boot
  /// that fails shows the kernel's last messages; the capture's `/init` quiets the console
  /// (``Initramfs/captureScript(extraCommands:)``) before it prints the guest's files, and the
  /// kernel's log itself is read with `dmesg`, which the console level does not change.
  public static let baseCommandLine = "console=ttyS0 panic=-1 loglevel=7 mminit_loglevel=4"

  /// Boots once and returns the guest's files.
  ///
  /// - Parameters:
  ///   - machineOptions: QEMU's `-m`, `-smp`, `-numa`, … options.
  ///   - bootOptions: Extra kernel command-line options.
  public func boot(machineOptions: [String], bootOptions: String, extraGuestCommands: String = "") throws -> BootCapture {
    try boot(machineOptions: machineOptions, bootOptions: bootOptions, plan: GuestPlan(commands: extraGuestCommands))
  }

  /// Boots once with a ``GuestPlan`` (extra initramfs files, guest commands and dumps, QMP
  /// steps sent when the guest asks) and returns the guest's files.
  public func boot(machineOptions: [String], bootOptions: String, plan: GuestPlan) throws -> BootCapture {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let initrd = work.appendingPathComponent("initrd.cpio")
    let script = Initramfs.captureScript(extraCommands: plan.commands, extraDumps: plan.dumps)
    try Initramfs.build(script: script, files: plan.files).write(to: initrd)
    guard FileManager.default.fileExists(atPath: kernelImage) else {
      throw HarnessError("kernel image \(kernelImage) does not exist")
    }
    let append = [QEMURunner.baseCommandLine, bootOptions].filter { !$0.isEmpty }.joined(separator: " ")
    let arguments =
      ["-nographic", "-no-reboot", "-kernel", kernelImage, "-initrd", initrd.path, "-append", append]
      + machineOptions
    // Under heavy host load a software-emulated guest very rarely dies silently during boot
    // or hangs (seen three times in about 250 boots; each booted on the next try). Try once
    // more, and say so.
    var attempt = 1
    var capture: BootCapture
    while true {
      do {
        var triggers: [ConsoleTrigger] = []
        var monitor: [String] = []
        if !plan.hostSteps.isEmpty {
          let pipe = try QMPPipe(path: work.appendingPathComponent("qmp\(attempt)").path)
          monitor = pipe.qemuOptions
          triggers = plan.hostSteps.enumerated().map { step, commands in
            ConsoleTrigger(marker: GuestPlan.hostStepMarker(step)) { _ = try pipe.execute(commands) }
          }
        }
        let output = try QEMURunner.run(qemu, arguments: arguments + monitor, timeout: timeoutSeconds, triggers: triggers)
        capture = try BootCapture(console: output)
        break
      } catch let error as HarnessError where attempt < 2 {
        FileHandle.standardError.write("note: booting again after attempt \(attempt): \(error.description)\n".data(using: .utf8)!)
        attempt += 1
      }
    }
    capture.qemuArguments = machineOptions
    capture.bootOptions = bootOptions
    return capture
  }

  /// An action run (once, on its own thread) when the console first shows `marker` on a line.
  struct ConsoleTrigger: Sendable {
    var marker: String
    var action: @Sendable () throws -> Void
  }

  /// Runs a process, returning its standard output; stops it after `timeout` seconds.
  static func run(_ executable: String, arguments: [String], timeout: Double, triggers: [ConsoleTrigger] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    let collected = OutputCollector()
    output.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if !data.isEmpty { collected.append(data) }
    }
    do { try process.run() } catch {
      throw HarnessError("cannot start \(executable): \(error.localizedDescription) (install Debian's qemu-system-x86)")
    }
    let deadline = Date().addingTimeInterval(timeout)
    var pending = triggers
    let failure = TriggerFailure()
    while process.isRunning && Date() < deadline && failure.message == nil {
      Thread.sleep(forTimeInterval: 0.05)
      if !pending.isEmpty {
        let text = collected.text
        pending.removeAll { trigger in
          guard text.contains(trigger.marker + "\n") || text.contains(trigger.marker + "\r") else { return false }
          Thread.detachNewThread {
            do { try trigger.action() } catch { failure.record("\(trigger.marker): \(error)") }
          }
          return true
        }
      }
    }
    if process.isRunning {
      // SIGTERM may be blocked in a child of Foundation's Process: stop it for sure.
      process.terminate()
      let grace = Date().addingTimeInterval(2)
      while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.05) }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      output.fileHandleForReading.readabilityHandler = nil
      let reason = failure.message.map { "a host step failed (\($0))" } ?? "\(executable) did not finish within \(Int(timeout)) s"
      throw ConsoleLog.failure(reason, console: collected.text)
    }
    process.waitUntilExit()
    output.fileHandleForReading.readabilityHandler = nil
    let rest = output.fileHandleForReading.readDataToEndOfFile()
    if !rest.isEmpty { collected.append(rest) }
    if process.terminationStatus != 0 {
      throw ConsoleLog.failure("\(executable) exited with status \(process.terminationStatus)", console: collected.text)
    }
    return collected.text
  }
}

final class TriggerFailure: @unchecked Sendable {
  private let lock = NSLock()
  private var first: String?
  func record(_ message: String) {
    lock.lock()
    if first == nil { first = message }
    lock.unlock()
  }
  var message: String? {
    lock.lock()
    defer { lock.unlock() }
    return first
  }
}

final class OutputCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func append(_ chunk: Data) {
    lock.lock()
    data.append(chunk)
    lock.unlock()
  }
  var text: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: data, as: UTF8.self)
  }
}
