import Foundation

/// Talks to QEMU's machine protocol (QMP) over a pair of named pipes, for the captures that
/// change the machine while the guest runs (memory hot-add).
///
/// QEMU gets `-chardev pipe,id=zonelist-qmp,path=BASE -mon chardev=zonelist-qmp,mode=control`
/// (``qemuOptions``) and opens `BASE.in` (commands) and `BASE.out` (replies). Each command is
/// one human-monitor (HMP) command line, sent through `human-monitor-command`.
final class QMPClient: @unchecked Sendable {
  let base: URL
  private var input: FileHandle?
  private var output: FileHandle?
  private var buffer = Data()
  /// What was sent and what came back, one line per command.
  private(set) var transcript: [String] = []

  /// Creates the two pipes under `directory`.
  init(directory: URL) throws(HarnessError) {
    base = directory.appendingPathComponent("qmp")
    for suffix in [".in", ".out"] where mkfifo(base.path + suffix, 0o600) != 0 {
      throw HarnessError("cannot create the pipe \(base.path + suffix): \(String(cString: strerror(errno)))")
    }
  }

  var qemuOptions: [String] {
    ["-chardev", "pipe,id=zonelist-qmp,path=\(base.path)", "-mon", "chardev=zonelist-qmp,mode=control"]
  }

  /// Sends `commands` (HMP command lines) in order, each after the previous one's reply.
  /// Opens the pipes on first use, when QEMU has opened its ends.
  func send(_ commands: [String]) throws(HarnessError) {
    if input == nil {
      guard let reading = FileHandle(forReadingAtPath: base.path + ".out"),
        let writing = FileHandle(forWritingAtPath: base.path + ".in")
      else { throw HarnessError("cannot open QEMU's QMP pipes at \(base.path)") }
      (output, input) = (reading, writing)
      _ = try reply()  // the greeting
      try execute(["execute": "qmp_capabilities"])
    }
    for command in commands {
      let answer = try execute(["execute": "human-monitor-command", "arguments": ["command-line": command]])
      transcript.append("HMP \(command) -> \(answer)")
      if answer.contains("\"error\"") { throw HarnessError("QEMU refused '\(command)': \(answer)") }
      if let text = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
        let returned = text["return"] as? String, returned.hasPrefix("Error")
      {
        // HMP reports its errors as text in a successful reply.
        throw HarnessError("QEMU answered '\(command)' with: \(returned.trimmingCharacters(in: .whitespacesAndNewlines))")
      }
    }
  }

  @discardableResult
  private func execute(_ command: [String: Any]) throws(HarnessError) -> String {
    guard let input, let json = try? JSONSerialization.data(withJSONObject: command) else {
      throw HarnessError("QMP is not connected")
    }
    input.write(json + Data("\n".utf8))
    while true {
      let line = try reply()
      // Asynchronous events arrive on the same pipe: skip them.
      if line.contains("\"return\"") || line.contains("\"error\"") { return line }
    }
  }

  /// The next line QEMU wrote.
  private func reply() throws(HarnessError) -> String {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer = Data(buffer[(newline + 1)...])
        return line
      }
      guard let output else { throw HarnessError("QMP is not connected") }
      let chunk = output.availableData
      if chunk.isEmpty { throw HarnessError("QEMU closed its QMP pipe") }
      buffer.append(chunk)
    }
  }
}
