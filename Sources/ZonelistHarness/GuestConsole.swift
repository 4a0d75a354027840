import Foundation

/// What a capture guest printed on its serial console, split by the console protocol that
/// every capture guest speaks (``Initramfs/guestLibrary`` prints it from the shell, the
/// allocation capture's `alloc.c` from C):
///
/// - `@@F PATH`, then base64 lines, then `@@FE`: a file, byte-exact.
/// - `@@SNAP-BEGIN LABEL` … `@@SNAP-END LABEL`: the files between belong to snapshot LABEL.
/// - `@@ZONELIST-END`: the guest finished its work.
/// - any other line starting with `@@`: an event, its first word the tag (`@@STEP 3 done`
///   is tag `STEP`, text `3 done`), kept in order with the files.
///
/// Kernel messages that reach the console (`[    1.234567] …`) are skipped wherever they
/// land, also in the middle of a base64 line; other text outside the markers (the kernel's own boot output, a
/// shell's complaint) is not part of the protocol and is ignored.
public struct GuestConsole: Sendable {
  public enum Record: Sendable, Equatable {
    case file(snapshot: String?, path: String, contents: Data)
    case event(tag: String, text: String)
  }

  public var records: [Record] = []
  /// Whether the guest printed `@@ZONELIST-END`.
  public var isFinished = false

  public init(console: Data) throws(HarnessError) {
    // By bytes: in a String, "\r\n" is one Character and would not split at "\n".
    let lines = [UInt8](console).split(separator: 10, omittingEmptySubsequences: false).map { line in
      Substring(String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self))
    }
    // A guest that died mid-file leaves a torn file: that is reported as an unfinished
    // guest (isFinished false), not as a protocol error.
    let completes = lines.contains { $0 == "@@ZONELIST-END" }
    var snapshot: String? = nil
    var file: (path: String, base64: String, line: Int)? = nil
    lines: for (index, raw) in lines.enumerated() {
      let number = index + 1
      let line = GuestConsole.protocolLine(raw)
      if GuestConsole.isKernelMessage(line) { continue }
      if let open = file {
        if line == "@@FE" {
          guard let contents = Data(base64Encoded: open.base64) else {
            throw HarnessError("console line \(open.line): the base64 of \(open.path) does not decode")
          }
          records.append(.file(snapshot: snapshot, path: open.path, contents: contents))
          file = nil
        } else if let part = GuestConsole.base64Part(line) {
          file?.base64 += part
        } else if !completes {
          break lines
        } else {
          throw HarnessError(
            "console line \(number): '\(line.prefix(80))' is not base64, inside file \(open.path) (begun on line \(open.line), no @@FE yet)")
        }
        continue
      }
      guard line.hasPrefix("@@") else { continue }
      let tag = String(line.dropFirst(2).prefix { $0 != " " })
      let text = String(line.dropFirst(2 + tag.count).drop { $0 == " " })
      switch tag {
      case "F":
        file = (text, "", number)
      case "SNAP-BEGIN":
        if let snapshot { throw HarnessError("console line \(number): snapshot '\(text)' begins inside '\(snapshot)'") }
        snapshot = text
      case "SNAP-END":
        guard snapshot == text else {
          throw HarnessError("console line \(number): snapshot '\(text)' ends, but the open one is '\(snapshot ?? "none")'")
        }
        snapshot = nil
      case "ZONELIST-END":
        isFinished = true
      default:
        records.append(.event(tag: tag, text: text))
      }
    }
    if let file, completes {
      throw HarnessError("console line \(file.line): file \(file.path) has no @@FE")
    }
  }

  /// A console line with the firmware's screen-control bytes before a protocol marker
  /// removed: the guest's first line shares the console line on which SeaBIOS left
  /// `Booting from ROM..` and its escape sequences.
  static func protocolLine(_ line: Substring) -> Substring {
    guard !line.hasPrefix("@@"), let marker = line.range(of: "@@"), line[..<marker.lowerBound].contains("\u{1B}") else {
      return line
    }
    return line[marker.lowerBound...]
  }

  /// The base64 of a line inside a file: the whole line, or the part before a kernel message
  /// that the console put in the middle of it (the rest of the base64 line follows on the next
  /// line, and the file's lines are joined anyway); nil when the line is neither.
  static func base64Part(_ line: Substring) -> Substring? {
    let isBase64: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }
    let prefix = line.prefix(while: isBase64)
    if prefix.endIndex == line.endIndex { return line }
    return isKernelMessage(line[prefix.endIndex...]) ? prefix : nil
  }

  /// Whether a console line is a kernel message: `[`, a timestamp, `]`.
  static func isKernelMessage(_ line: Substring) -> Bool {
    guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return false }
    let stamp = line[line.index(after: line.startIndex)..<close].drop { $0 == " " }
    return !stamp.isEmpty && stamp.allSatisfy { $0.isNumber || $0 == "." } && stamp.contains(".")
  }

  /// The snapshot labels in the order the guest printed them.
  public var snapshotLabels: [String] {
    var labels: [String] = []
    for case .file(let snapshot?, _, _) in records where labels.last != snapshot { labels.append(snapshot) }
    return labels
  }

  /// The files of snapshot `label` by path, or nil when the guest printed no such snapshot.
  public func files(inSnapshot label: String) -> [String: Data]? {
    var files: [String: Data] = [:]
    var found = false
    for case .file(let snapshot, let path, let contents) in records where snapshot == label {
      files[path] = contents
      found = true
    }
    return found ? files : nil
  }

  /// The texts of the events with `tag`, in order.
  public func events(_ tag: String) -> [String] {
    records.compactMap { if case .event(tag, let text) = $0 { text } else { nil } }
  }

  /// The records as JSON: a list of `{"snapshot", "path", "base64"}` (snapshot omitted
  /// outside one) and `{"event", "text"}` objects, in console order, under `records`, with
  /// `finished`. The capture scripts read this.
  public func json() throws -> Data {
    struct Exported: Encodable {
      var snapshot: String?
      var path: String?
      var base64: Data?
      var event: String?
      var text: String?
    }
    struct Document: Encodable {
      var finished: Bool
      var records: [Exported]
    }
    let exported = records.map { record in
      switch record {
      case .file(let snapshot, let path, let contents): Exported(snapshot: snapshot, path: path, base64: contents)
      case .event(let tag, let text): Exported(event: tag, text: text)
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(Document(finished: isFinished, records: exported))
  }
}
