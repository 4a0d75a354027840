import Foundation

/// A guest's serial console output, made safe to show on a terminal.
///
/// The console carries the firmware's and the kernel's terminal control sequences (`ESC c`
/// resets the terminal, `ESC[2J` clears it): shown as is, they would reset the user's screen.
/// What is shown is ``printable(_:)``; the whole output goes to a file (``save(_:)``) named in
/// the message.
public enum ConsoleLog {
  /// `text` without terminal control: escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL`
  /// or `ESC \`, and two-character ones such as `ESC c`) are removed, carriage returns dropped,
  /// and every other control character is shown in caret notation (`^G`) or as `<U+0085>`.
  public static func printable(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      switch scalar.value {
      case 0x1B:
        skipEscapeSequence(&scalars)
      case 0x0A, 0x09:
        out.append(scalar)
      case 0x0D:
        continue
      case 0x00..<0x20, 0x7F:
        out.append(contentsOf: "^".unicodeScalars)
        out.append(Unicode.Scalar(UInt8((scalar.value + 0x40) & 0x7F)))
      case 0x80..<0xA0:
        out.append(contentsOf: "<U+\(String(scalar.value, radix: 16, uppercase: true))>".unicodeScalars)
      default:
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Consumes what follows an `ESC`, up to the end of its sequence.
  private static func skipEscapeSequence(_ scalars: inout String.UnicodeScalarView.Iterator) {
    guard let first = scalars.next() else { return }
    switch first {
    case "[":
      // CSI: parameter and intermediate bytes, then one final byte in 0x40...0x7E.
      while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
    case "]", "P", "X", "^", "_":
      // OSC and other strings: up to BEL or ST (ESC \).
      while let next = scalars.next() {
        if next.value == 0x07 { return }
        if next.value == 0x1B {
          _ = scalars.next()
          return
        }
      }
    case "(", ")", "*", "+", "#", "%":
      // Character-set designation and the like: one more character.
      _ = scalars.next()
    default:
      // Two-character sequences: ESC c (reset), ESC 7, ESC M, …
      return
    }
  }

  /// The last `count` lines of `console`, printable.
  public static func tail(_ console: Data, lines count: Int = 40) -> String {
    let lines = printable(String(decoding: console, as: UTF8.self)).split(separator: "\n", omittingEmptySubsequences: false)
    return lines.suffix(count).joined(separator: "\n")
  }

  /// Writes the whole console output, byte for byte, to a new file in the temporary folder and
  /// returns its path (nil when the file cannot be written).
  public static func save(_ console: Data) -> String? {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("zonelist-console-\(UUID().uuidString.prefix(8)).log").path
    return FileManager.default.createFile(atPath: path, contents: console) ? path : nil
  }

  /// A failed boot: what happened, the console's last lines (the kernel's last messages, since
  /// the kernel logs to the console until the guest starts), and where the whole log is.
  public static func failure(_ what: String, console: Data) -> HarnessError {
    let saved = save(console).map { "the whole console log is in \($0)" } ?? "the console log could not be saved"
    return HarnessError("\(what); its console's last lines (control characters removed; \(saved)):\n\(tail(console))")
  }
}
