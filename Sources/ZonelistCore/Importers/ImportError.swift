/// Kernel text that could not be read: where, what was there and what was expected.
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file, as the user named it (e.g. `snap/proc/zoneinfo`).
  public var file: String
  /// 1-based line number; 0 when the whole file is at fault (missing, empty).
  public var line: Int
  /// The offending text.
  public var text: String
  /// What was expected there, e.g. "a 'Node N, zone NAME' header".
  public var expected: String

  public init(file: String, line: Int, text: String, expected: String) {
    self.file = file
    self.line = line
    self.text = text
    self.expected = expected
  }

  public var description: String {
    line == 0
      ? "\(file): expected \(expected)\(text.isEmpty ? "" : "\n  | \(text)")"
      : "\(file):\(line): expected \(expected)\n  | \(text)"
  }
}
