import ArgumentParser
import ZonelistCore

/// The exactness rule as every command applies it: one function for every format that
/// claims to be the kernel's own text (`build --format kernel-log|mminit`,
/// `zoneinfo --format zoneinfo`, `tiers --format kernel-log`).
enum KernelTextOutput {
  /// Prints `diagnostics` as notes on standard error, then `lines` on standard output, unless
  /// a line would rest on an assumed value (``Exactness/blocking(_:for:extra:)``): then it
  /// says which format refused and exits with ``Exactness/exitStatus`` (65, `EX_DATAERR`).
  ///
  /// - Parameters:
  ///   - extra: What this output rests on besides the format's own reliances.
  ///   - lines: The kernel's lines; `nil` when the input cannot give them at all (a
  ///     diagnostic then says why).
  static func print(
    _ format: Exactness.KernelText, diagnostics: [Diagnostic], extra: Set<Diagnostic.Reliance> = [],
    lines: () -> [String]?
  ) throws {
    var computed: [String]? = nil
    try print(format, diagnostics: diagnostics, extra: extra, available: { computed = lines(); return computed != nil }) { out in
      for line in computed! {
        out.write(line)
        out.write(byte: UInt8(ascii: "\n"))
      }
    }
  }

  /// As ``print(_:diagnostics:extra:lines:)``, the lines written by `write` through the one
  /// buffered writer; `available` says whether the input can give them at all.
  static func print(
    _ format: Exactness.KernelText, diagnostics: [Diagnostic], extra: Set<Diagnostic.Reliance> = [],
    available: () -> Bool = { true }, write: (inout ByteWriter) -> Void
  ) throws {
    Output.notes(diagnostics.map(\.description))
    let blocking = Exactness.blocking(diagnostics, for: format, extra: extra)
    guard blocking.isEmpty, available() else {
      Output.error(
        "--format \(format.rawValue.split(separator: " ").last!) prints the kernel's own lines only, and \(blocking.isEmpty ? "this input cannot give them" : "\(blocking.count == 1 ? "one note" : "\(blocking.count) notes") above \(blocking.count == 1 ? "says" : "say") what they would rest on that the input does not state"): use --format table or json, which state every assumption")
      throw ExitCode(Exactness.exitStatus)
    }
    Output.write(write)
  }

  /// The exit statuses every command documents (`--help` and the README).
  static let exitStatusDiscussion = """
    Exit status: 0 success; 1 a verification that found differences; 64 bad input or \
    options (the message names the file, line and what was expected); 65 a kernel-text \
    format (kernel-log, mminit, zoneinfo) refused because a line would rest on an assumed \
    value (the notes say which); table and json never refuse for that and list every \
    assumption; 74 standard output could not be written (the message says why).
    """
}
