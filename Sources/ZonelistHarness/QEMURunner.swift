import Foundation
import ZonelistCore

/// Boots a kernel under QEMU (software emulation) with a capture initramfs and collects what
/// the guest printed. The image's header says its architecture (``KernelImage``), which picks
/// the QEMU program, the console and the busybox (``Architecture/qemuProgram``).
public struct QEMURunner: Sendable {
  /// The QEMU program; `nil`: the one of the image's architecture.
  public var qemu: String?
  public var kernelImage: String
  public var timeoutSeconds: Double
  public var memoryMiB: Int?

  public init(kernelImage: String, qemu: String? = nil, timeoutSeconds: Double = 300) {
    self.kernelImage = kernelImage
    self.qemu = qemu
    self.timeoutSeconds = timeoutSeconds
  }

  /// The kernel command line every boot gets, before the machine's own options.
  ///
  /// The kernel logs to the console at `loglevel=7` (all but debug messages), so that a boot
  /// that fails shows the kernel's last messages; the guest library quiets the console
  /// (``Initramfs/guestLibrary``) before a guest prints anything, and the kernel's log itself
  /// is read with `dmesg`, which the console level does not change.
  public static let baseCommandLine = "console=ttyS0 panic=-1 loglevel=7 mminit_loglevel=4"

  /// The kernel command line of a boot with the machine's `bootOptions`: the base, then them.
  public static func commandLine(_ bootOptions: String) -> String {
    [baseCommandLine, bootOptions].filter { !$0.isEmpty }.joined(separator: " ")
  }

  /// Boots once with the snapshot guest (``Initramfs/captureScript(extraCommands:)``) and
  /// returns the guest's files.
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
    let guest = plan.program
    let append = QEMURunner.commandLine(bootOptions)
    let run = try self.run(guest, machineOptions: machineOptions, commandLine: append)
    var capture = try BootCapture(console: run.console)
    capture.qemuArguments = machineOptions
    capture.bootOptions = bootOptions
    return capture
  }

  /// Boots `guest` once and returns what it printed. The guest must end with
  /// `@@ZONELIST-END` (``GuestConsole``); when it does not, or QEMU fails or times out, the
  /// boot is tried once more and then fails. `consoleLog` receives the raw console of
  /// the last attempt, also when it failed.
  ///
  /// - Parameters:
  ///   - machineOptions: QEMU's `-m`, `-smp`, `-numa`, … options.
  ///   - commandLine: The whole kernel command line (`console=ttyS0` becomes the console of
  ///     the image's architecture).
  public func run(_ guest: GuestProgram, machineOptions: [String], commandLine: String, consoleLog: String? = nil)
    throws(HarnessError) -> GuestRun
  {
    guard FileManager.default.fileExists(atPath: kernelImage) else {
      throw HarnessError("kernel image \(kernelImage) does not exist")
    }
    let architecture = try KernelImage.architecture(of: kernelImage)
    let commandLine = architecture.commandLine(commandLine)
    // Under heavy host load a software-emulated guest very rarely dies silently during boot
    // or hangs (seen three times in about 250 boots; each booted on the next try). Try once
    // more, and say so.
    for attempt in 1...2 {
      do {
        return try runOnce(
          guest, architecture: architecture, machineOptions: machineOptions, commandLine: commandLine, consoleLog: consoleLog)
      } catch where attempt < 2 {
        FileHandle.standardError.write(Data("note: booting again after attempt \(attempt): \(error.description)\n".utf8))
      }
    }
    preconditionFailure("the last attempt returns or throws")
  }

  private func runOnce(
    _ guest: GuestProgram, architecture: Architecture, machineOptions: [String], commandLine: String, consoleLog: String?
  )
    throws(HarnessError) -> GuestRun
  {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-\(UUID().uuidString)")
    do { try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true) } catch {
      throw HarnessError("cannot create \(work.path): \(error.localizedDescription)")
    }
    defer { try? FileManager.default.removeItem(at: work) }
    var initrd = work.appendingPathComponent("initrd.cpio")
    do { try Initramfs.build(script: guest.script, files: guest.files, architecture: architecture).write(to: initrd) } catch let error as HarnessError {
      throw error
    } catch { throw HarnessError("cannot write \(initrd.path): \(error.localizedDescription)") }
    if guest.isCompressed {
      // The initrd's size moves the boot watermarks (it is still reserved when they are first
      // set): the script captures were always taken with a gzip'd initrd.
      let gzip = try QEMURunner.run("gzip", arguments: ["-9", "-n", initrd.path], timeout: 60)
      if let problem = gzip.problem {
        throw HarnessError("cannot compress the initramfs: \(problem): \(ConsoleLog.tail(gzip.output, lines: 5))")
      }
      initrd = work.appendingPathComponent("initrd.cpio.gz")
    }
    let qmp = guest.hostSteps.isEmpty ? nil : try QMPPipe(path: work.appendingPathComponent("qmp").path)
    let arguments =
      ["-nographic", "-no-reboot", "-kernel", kernelImage, "-initrd", initrd.path, "-append", commandLine]
      + (qmp?.qemuOptions ?? []) + machineOptions
    let steps = HostSteps(guest.hostSteps, qmp: qmp)
    let qemu = self.qemu ?? architecture.qemuProgram
    let result = try QEMURunner.run(
      qemu, arguments: arguments, timeout: timeoutSeconds, onLine: steps.observe, abort: { steps.hasFailed })
    if let consoleLog {
      do { try result.output.write(to: URL(fileURLWithPath: consoleLog)) } catch {
        throw HarnessError("cannot write \(consoleLog): \(error.localizedDescription)")
      }
    }
    if let failure = steps.failure { throw failure }
    if let problem = result.problem { throw ConsoleLog.failure(problem, console: result.output) }
    let console = try GuestConsole(console: result.output)
    guard console.isFinished else {
      throw ConsoleLog.failure("the guest did not finish its capture", console: result.output)
    }
    return GuestRun(console: result.output, records: console, command: [qemu] + arguments, hostLog: qmp?.transcript ?? [])
  }

  /// Runs a process, returning its standard output and error and, when it failed or ran past
  /// `timeout` seconds (it is stopped then), what went wrong (the output is the caller's to
  /// show: ``ConsoleLog``). `onLine` sees each output line
  /// as it arrives; the process is stopped early when `abort` turns true.
  static func run(
    _ executable: String, arguments: [String], timeout: Double, onLine: (@Sendable (String) -> Void)? = nil,
    abort: () -> Bool = { false }
  ) throws(HarnessError) -> (output: Data, problem: String?) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    let collected = OutputCollector(onLine: onLine)
    output.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if !data.isEmpty { collected.append(data) }
    }
    do { try process.run() } catch {
      throw HarnessError("cannot start \(executable): \(error.localizedDescription) (install Debian's \(executable.hasSuffix("aarch64") ? "qemu-system-arm" : "qemu-system-x86"))")
    }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline && !abort() { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning {
      // SIGTERM may be blocked in a child of Foundation's Process: stop it for sure.
      process.terminate()
      let grace = Date().addingTimeInterval(2)
      while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.05) }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      output.fileHandleForReading.readabilityHandler = nil
      return (collected.data, "\(executable) did not finish within \(Int(timeout)) s")
    }
    process.waitUntilExit()
    output.fileHandleForReading.readabilityHandler = nil
    let rest = output.fileHandleForReading.readDataToEndOfFile()
    if !rest.isEmpty { collected.append(rest) }
    if process.terminationStatus != 0 {
      return (collected.data, "\(executable) exited with status \(process.terminationStatus)")
    }
    return (collected.data, nil)
  }
}

/// What a capture guest is: its `/init`, extra files, and what the host does while it runs.
public struct GuestProgram: Sendable {
  /// The `/init` script (busybox sh; ``Initramfs/guestLibrary`` is at `/lib/zonelist.sh`).
  public var script: String
  public var files: [GuestFile]
  /// Commands per host step (QMP JSON objects or HMP command lines, see
  /// ``QMPPipe/execute(_:)``): step k's are sent when the guest prints `@@HOST-STEP k`
  /// (``GuestPlan/hostStepMarker(_:)``, k from 0). The guest waits for their effect itself.
  public var hostSteps: [[String]]
  /// Whether the initramfs is gzip'd (`gzip -9`) before the boot.
  public var isCompressed: Bool

  public init(script: String, files: [GuestFile] = [], hostSteps: [[String]] = [], isCompressed: Bool = false) {
    self.script = script
    self.files = files
    self.hostSteps = hostSteps
    self.isCompressed = isCompressed
  }
}

/// One boot of a ``GuestProgram``.
public struct GuestRun: Sendable {
  /// The serial console, raw.
  public var console: Data
  public var records: GuestConsole
  /// QEMU's command line, program first.
  public var command: [String]
  /// The HMP commands sent and QEMU's replies.
  public var hostLog: [String]
}

/// Sends each host step when the guest asks for it (`@@HOST-STEP k`), off the console's
/// reading thread, once.
final class HostSteps: @unchecked Sendable {
  private let steps: [[String]]
  private let qmp: QMPPipe?
  private let queue = DispatchQueue(label: "zonelist.host-steps")
  private let lock = NSLock()
  private var sent: Set<Int> = []
  private var error: HarnessError?

  init(_ steps: [[String]], qmp: QMPPipe?) {
    self.steps = steps
    self.qmp = qmp
  }

  var hasFailed: Bool { lock.withLock { error != nil } }

  var failure: HarnessError? {
    queue.sync {}
    return lock.withLock { error }
  }

  func observe(_ line: String) {
    let marker = GuestPlan.hostStepMarker(0).dropLast()
    let line = GuestConsole.protocolLine(line[...])
    guard let qmp, line.hasPrefix(marker), let step = Int(line.dropFirst(marker.count)),
      lock.withLock({ sent.insert(step).inserted })
    else { return }
    queue.async { [self] in
      do throws(HarnessError) {
        guard steps.indices.contains(step) else {
          throw HarnessError("the guest asked for host step \(step), but there are \(steps.count)")
        }
        try qmp.execute(steps[step])
      } catch { lock.withLock { self.error = self.error ?? HarnessError("host step \(step): \(error)") } }
    }
  }
}

final class OutputCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var collected = Data()
  private var partialLine = Data()
  private let onLine: (@Sendable (String) -> Void)?

  init(onLine: (@Sendable (String) -> Void)?) { self.onLine = onLine }

  func append(_ chunk: Data) {
    lock.lock()
    collected.append(chunk)
    var lines: [String] = []
    if onLine != nil {
      partialLine.append(chunk)
      while let newline = partialLine.firstIndex(of: UInt8(ascii: "\n")) {
        lines.append(String(decoding: partialLine[partialLine.startIndex..<newline], as: UTF8.self).trimmingCharacters(in: ["\r"]))
        partialLine = Data(partialLine[(newline + 1)...])
      }
    }
    lock.unlock()
    lines.forEach { onLine?($0) }
  }

  var data: Data { lock.withLock { collected } }
}
