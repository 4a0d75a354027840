/// The descriptions of a machine that `--input` reads besides a sysroot: what tools and
/// configuration files already say about it.
public enum MachineFormat: String, Hashable, Sendable, CaseIterable, Codable {
  /// `numactl --hardware` output.
  case numactl
  /// hwloc's XML (`lstopo --of xml`), v2 or v1.
  case hwloc
  /// A libvirt domain (`virsh dumpxml`).
  case libvirt
  /// A QEMU command line, or a file of its arguments (what `zonelist qemu-args` prints).
  case qemu
  /// A topology file (YAML or JSON, `Docs/topology-format.md`).
  case topology

  /// The format `text` is in, from its content: `available:` or `No NUMA` starts numactl's
  /// text; an XML root named `topology` is hwloc's and `domain` libvirt's; a line starting
  /// with `qemu-system` or `-` (an option) is a QEMU command line; anything else is taken as a
  /// topology file (whose own reader then says what it expected).
  public static func detect(_ text: String) -> MachineFormat {
    let trimmed = text.trimmingWhitespace()
    if trimmed.hasPrefix("available:") || trimmed.hasPrefix("No NUMA available") { return .numactl }
    if trimmed.hasPrefix("<") {
      if let root = xmlRootName(trimmed) {
        if root == "domain" { return .libvirt }
        if root == "topology" { return .hwloc }
      }
      return .hwloc
    }
    for line in trimmed.split(separator: "\n") {
      let words = line.trimmingWhitespace()
      if words.isEmpty || words.hasPrefix("#") { continue }
      return words.hasPrefix("-") || words.hasPrefix("qemu-system") || words.contains("/qemu-system")
        ? .qemu : .topology
    }
    return .topology
  }

  /// The name of the first element of an XML text, past declarations, comments and DOCTYPE.
  static func xmlRootName(_ text: String) -> String? {
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "<") {
      rest = rest[rest.index(after: open)...]
      guard let first = rest.first else { return nil }
      if first == "?" || first == "!" {
        if rest.hasPrefix("!--") {
          var cursor = rest.startIndex
          while cursor < rest.endIndex && !rest[cursor...].hasPrefix("-->") { cursor = rest.index(after: cursor) }
          rest = rest[cursor...].dropFirst(3)
        } else if let end = rest.firstIndex(of: ">") {
          rest = rest[rest.index(after: end)...]
        }
        continue
      }
      return String(rest.prefix { !($0 == " " || $0 == ">" || $0 == "/" || $0 == "\n" || $0 == "\t" || $0 == "\r") })
    }
    return nil
  }
}

/// A machine read from another tool's description, with what that description does not say.
public struct ImportedMachine: Hashable, Sendable {
  public var format: MachineFormat
  /// The machine as the model takes it, in Linux's node ids.
  public var spec: MachineSpec
  /// What the format left out and the reader assumed (``Diagnostic/relies`` says what it touches).
  public var diagnostics: [Diagnostic]

  public init(format: MachineFormat, spec: MachineSpec, diagnostics: [Diagnostic] = []) {
    self.format = format
    self.spec = spec
    self.diagnostics = diagnostics
  }

  /// Reads `text` in `format` (``MachineFormat/detect(_:)`` when `nil`); a topology file is
  /// not read here (it needs the YAML reader of the harness).
  public static func read(_ text: String, file: String, format: MachineFormat) throws(ImportError) -> ImportedMachine {
    switch format {
    case .numactl: return try NumactlHardware.read(text, file: file)
    case .hwloc: return try HwlocTopology.read(text, file: file)
    case .libvirt: return try LibvirtDomain.read(text, file: file)
    case .qemu: return try QEMUCommandLine.read(text, file: file)
    case .topology:
      throw ImportError(file: file, line: 0, text: "", expected: "numactl, hwloc, libvirt or QEMU text (topology files are read by the harness)")
    }
  }
}

/// Lines of a text with their 1-based numbers, for the readers' errors.
struct NumberedLines {
  var lines: [Substring]
  init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 } }
}

