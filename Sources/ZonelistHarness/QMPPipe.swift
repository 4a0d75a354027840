import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A QMP (QEMU Machine Protocol) connection over two FIFOs, QEMU's `-chardev pipe`: the
/// harness writes commands to `PATH.in` and reads replies from `PATH.out`.
///
/// Used to change a running guest from the host, e.g. to hot-add a `pc-dimm` when the
/// guest asks for it (see ``GuestPlan``).
public struct QMPPipe: Sendable {
  /// The FIFOs' common prefix.
  public var path: String

  /// Makes the two FIFOs.
  public init(path: String) throws {
    self.path = path
    for suffix in [".in", ".out"] where mkfifo(path + suffix, 0o600) != 0 {
      throw HarnessError("cannot make the FIFO \(path + suffix): errno \(errno)")
    }
  }

  /// The QEMU options that attach a QMP monitor to the FIFOs.
  public var qemuOptions: [String] {
    ["-chardev", "pipe,id=zlqmp,path=\(path)", "-mon", "chardev=zlqmp,mode=control"]
  }

  /// Negotiates capabilities, then sends each command (a JSON object as text) and waits for
  /// its reply. Returns the replies; throws on the first `"error"` reply or if QEMU goes away.
  public func execute(_ commands: [String]) throws -> [String] {
    // QEMU holds both FIFOs open read-write, so neither open blocks.
    guard let input = FileHandle(forWritingAtPath: path + ".in"),
      let output = FileHandle(forReadingAtPath: path + ".out")
    else { throw HarnessError("cannot open the QMP FIFOs \(path).in/.out") }
    defer {
      try? input.close()
      try? output.close()
    }
    var reader = LineReader(handle: output)
    _ = try reader.line()  // the greeting
    var replies: [String] = []
    for command in [#"{"execute":"qmp_capabilities"}"#] + commands {
      input.write((command + "\n").data(using: .utf8)!)
      while true {
        let line = try reader.line()
        if line.contains(#""error""#) { throw HarnessError("QMP refused \(command): \(line)") }
        if line.contains(#""return""#) {
          replies.append(line)
          break
        }  // otherwise an event: skip it
      }
    }
    return replies
  }

  struct LineReader {
    var handle: FileHandle
    var buffer = Data()
    mutating func line() throws -> String {
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

/// What a capture boot does beyond the default capture: files added to the initramfs,
/// guest commands before and dumps after the standard ones, and host steps.
///
/// A host step runs when the guest's console prints `@@HOST-STEP k` (k counts from 0): the
/// harness sends `hostSteps[k]`, QMP commands, to QEMU. The guest waits for their effect
/// itself (e.g. for hot-added memory blocks to come online).
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

  /// The console marker that starts host step `step`.
  public static func hostStepMarker(_ step: Int) -> String { "@@HOST-STEP \(step)" }
}
