/// The one rule for every format that claims to be the kernel's own text: it prints no
/// line that rests on an assumed value.
///
/// `build --format kernel-log`, `build --format mminit`, `zoneinfo --format zoneinfo` (and
/// any later kernel-text format) ask ``blocking(_:for:)`` which diagnostics touch what
/// their lines rest on; the CLI refuses with exit status ``exitStatus`` when any does.
/// `table` and `json` formats go on and state every assumption instead.
public enum Exactness {
  /// The formats that claim to be the kernel's own text, and what their lines rest on.
  public enum KernelText: String, Hashable, Sendable, CaseIterable {
    /// `Fallback order for Node N:`, `Built N zonelists … Total pages:`, `Policy zone:`.
    case kernelLog = "kernel-log"
    /// `mminit::zonelist` lines.
    case mminit
    /// The computed lines of `/proc/zoneinfo`.
    case zoneinfo
    /// The memory-tier lines of the boot log.
    case tiersKernelLog = "tiers kernel-log"

    /// What every line of the format can rest on.
    public var reliesOn: Set<Diagnostic.Reliance> {
      switch self {
      case .kernelLog: [.nodeOrder, .zones, .totalPages, .rules]
      case .mminit: [.nodeOrder, .zones, .rules]
      case .zoneinfo: [.zones, .watermarks, .cpus, .rules, .zoneinfoLayout]
      case .tiersKernelLog: [.nodeOrder, .cpus, .possibleNodes, .rules, .precedingBuild]
      }
    }
  }

  /// `EX_DATAERR` from `sysexits.h`: the input cannot give the kernel's exact text.
  public static let exitStatus: Int32 = 65

  /// The diagnostics that a format's lines would rest on; empty when it may print.
  ///
  /// - Parameter extra: What this particular output rests on besides the format's own
  ///   (a build that names offline nodes rests on ``Diagnostic/Reliance/possibleNodes``).
  public static func blocking(
    _ diagnostics: [Diagnostic], for format: KernelText, extra: Set<Diagnostic.Reliance> = []
  ) -> [Diagnostic] {
    let relied = format.reliesOn.union(extra)
    return diagnostics.filter { !$0.relies.isDisjoint(with: relied) }
  }
}

/// An assumption as the `json` formats list it: the file and what was assumed.
public struct AssumptionReport: Hashable, Sendable, Codable {
  /// The file the assumption is about, relative to the sysroot; absent when it is about the input as a whole.
  public var file: String?
  /// What was assumed, as the note says it.
  public var assumed: String
  /// What printed values stand under it (``Diagnostic/Reliance`` raw values).
  public var affects: [String]

  public init(file: String?, assumed: String, affects: [Diagnostic.Reliance]) {
    self.file = file
    self.assumed = assumed
    self.affects = affects.map(\.rawValue).sorted()
  }

  public init(_ diagnostic: Diagnostic) {
    file = diagnostic.file
    assumed = diagnostic.description
    affects = diagnostic.relies.map(\.rawValue).sorted()
  }

  /// The assumptions among `diagnostics`, in order.
  public static func list(_ diagnostics: [Diagnostic]) -> [AssumptionReport] {
    diagnostics.filter(\.isAssumption).map(AssumptionReport.init)
  }
}
