import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The capture toolkit's QMP (QEMU Machine Protocol) client, over two FIFOs, QEMU's
/// `-chardev pipe`: the harness writes commands to `PATH.in` and reads replies from
/// `PATH.out`. One connection serves every host step of a boot.
///
/// Used to change a running guest from the host, e.g. to hot-add a `pc-dimm` when the
/// guest asks for it (`@@HOST-STEP k`, see ``GuestProgram/hostSteps``).
public final class QMPPipe: @unchecked Sendable {
  /// The FIFOs' common prefix.
  public let path: String
  private let lock = NSLock()
  private var input: FileHandle?
  private var reader: LineReader?
  /// Each command sent and QEMU's reply, in order.
  public private(set) var transcript: [String] = []

  /// Makes the two FIFOs.
  public init(path: String) throws(HarnessError) {
    self.path = path
    for suffix in [".in", ".out"] where mkfifo(path + suffix, 0o600) != 0 {
      throw HarnessError("cannot make the FIFO \(path + suffix): \(String(cString: strerror(errno)))")
    }
  }

  /// The QEMU options that attach a QMP monitor to the FIFOs.
  public var qemuOptions: [String] {
    ["-chardev", "pipe,id=zlqmp,path=\(path)", "-mon", "chardev=zlqmp,mode=control"]
  }

  /// Sends each command and waits for its reply; returns the replies. A command is a QMP
  /// JSON object (`{"execute": …}`) or, otherwise, a human-monitor (HMP) command line such as
  /// `device_add pc-dimm,id=d0,memdev=hp0,node=1`, sent through `human-monitor-command`.
  /// Throws on the first `"error"` reply (or HMP's `Error:` text) or if QEMU goes away.
  /// Connects on first use (greeting, `qmp_capabilities`), when QEMU has opened its ends.
  @discardableResult
  public func execute(_ commands: [String]) throws(HarnessError) -> [String] {
    lock.lock()
    defer { lock.unlock() }
    if input == nil {
      // QEMU holds both FIFOs open read-write, so neither open blocks.
      guard let writing = FileHandle(forWritingAtPath: path + ".in"), let reading = FileHandle(forReadingAtPath: path + ".out")
      else { throw HarnessError("cannot open the QMP FIFOs \(path).in/.out") }
      input = writing
      reader = LineReader(handle: reading)
      _ = try reader!.line()  // the greeting
      _ = try send(#"{"execute":"qmp_capabilities"}"#)
    }
    var replies: [String] = []
    for command in commands {
      let json = command.hasPrefix("{") ? command : QMPPipe.humanMonitorCommand(command)
      let reply = try send(json)
      transcript.append("\(command) -> \(reply)")
      if let text = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
        let returned = text["return"] as? String, returned.hasPrefix("Error")
      {
        throw HarnessError("QEMU answered '\(command)' with: \(returned.trimmingCharacters(in: .whitespacesAndNewlines))")
      }
      replies.append(reply)
    }
    return replies
  }

  private func send(_ json: String) throws(HarnessError) -> String {
    guard let input, reader != nil else { throw HarnessError("QMP is not connected") }
    input.write(Data((json + "\n").utf8))
    while true {
      let line = try reader!.line()
      if line.contains(#""error""#) { throw HarnessError("QMP refused \(json): \(line)") }
      if line.contains(#""return""#) { return line }
      // otherwise an asynchronous event: skip it
    }
  }

  static func humanMonitorCommand(_ line: String) -> String {
    let arguments = ["execute": "human-monitor-command", "arguments": ["command-line": line]] as [String: Any]
    let data = (try? JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  struct LineReader {
    var handle: FileHandle
    var buffer = Data()
    mutating func line() throws(HarnessError) -> String {
      while true {
        if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
          let line = String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self)
          buffer = Data(buffer[buffer.index(after: end)...])
          return line
        }
        let chunk = handle.availableData
        if chunk.isEmpty { throw HarnessError("QEMU closed its QMP monitor") }
        buffer.append(chunk)
      }
    }
  }

  /// QMP commands that hot-add a `pc-dimm` of `bytes` to `node`: a RAM backend and the DIMM,
  /// named after `step` so several steps do not collide.
  public static func hotAddDIMM(node: Int, bytes: Int, step: Int) -> [String] {
    [
      #"{"execute":"object-add","arguments":{"qom-type":"memory-backend-ram","id":"zlhp\#(step)","size":\#(bytes)}}"#,
      #"{"execute":"device_add","arguments":{"driver":"pc-dimm","id":"zldimm\#(step)","memdev":"zlhp\#(step)","node":\#(node)}}"#,
    ]
  }
}

/// What a snapshot boot (``Initramfs/captureScript(extraCommands:extraDumps:)``) does beyond
/// the default capture: files added to the initramfs, guest commands before and dumps (guest
/// library calls) after the standard ones, and host steps (``GuestProgram/hostSteps``).
public struct GuestPlan: Sendable {
  public var files: [String: Data] = [:]
  public var commands: String = ""
  public var dumps: String = ""
  public var hostSteps: [[String]] = []
  public init(files: [String: Data] = [:], commands: String = "", dumps: String = "", hostSteps: [[String]] = []) {
    self.files = files
    self.commands = commands
    self.dumps = dumps
    self.hostSteps = hostSteps
  }

  /// The console marker that starts host step `step` (from 0).
  public static func hostStepMarker(_ step: Int) -> String { "@@HOST-STEP \(step)" }

  /// The guest that carries out the plan.
  public var program: GuestProgram {
    GuestProgram(
      script: Initramfs.captureScript(extraCommands: commands, extraDumps: dumps),
      files: files.keys.sorted().map { GuestFile(path: $0, contents: files[$0]!, isExecutable: false) },
      hostSteps: hostSteps)
  }
}
