import Foundation
public import ZonelistCore

/// One entry of a capture case list (a YAML file such as `Scripts/tiers-capture/cases.yaml`):
/// a machine given as raw QEMU options and kernel command line, plus what the guest does
/// before its snapshot (load the dax/kmem modules, ask the host to hot-add DIMMs, run shell
/// commands). `zonelist capture-cases` boots each case on each kernel image given and
/// stores `<name>-<series>/` fixture folders.
///
/// ```yaml
/// cases:
///   - name: hmat-slower
///     about: CPU-less node 2 with three times DRAM's latency, 0.4 times its bandwidth.
///     qemu: >-
///       -machine q35,hmat=on -smp 2 -m 1536M
///       -object memory-backend-ram,id=m0,size=512M -numa node,nodeid=0,cpus=0,memdev=m0,initiator=0
///       …
///     append: memhp_default_state=online   # optional, added to the kernel command line
///     dax-kmem: true                        # optional: insmod device_dax, dax_hmem, kmem
///     hot-add: [{node: 3, size: 512M}]      # optional: QMP pc-dimm hot-adds, in order
///     guest: echo true > /sys/kernel/mm/numa/demotion_enabled   # optional shell, run last
///     kernels: ["6.12", "7.2"]              # optional: only these series (default: all)
/// ```
public struct CaptureCase: Sendable, Equatable {
  public struct HotAdd: Sendable, Equatable {
    public var node: Int
    public var bytes: Int
  }

  public var name: String
  public var about: String
  /// QEMU machine options, split at white space (no option may contain a space).
  public var qemu: [String]
  public var append: String = ""
  public var daxKmem = false
  public var hotAdds: [HotAdd] = []
  public var guest: String = ""
  /// Kernel series (`6.1`, `6.12`, `7.2`) to boot; `nil`: every image given.
  public var kernels: [String]? = nil

  /// Reads a case list; every error names the file, the line and what was expected.
  public static func load(path: String) throws(ImportError) -> [CaptureCase] {
    guard let data = FileBytes.read(path), let text = String(data: data, encoding: .utf8) else {
      throw ImportError(file: path, line: 0, text: "", expected: "a readable UTF-8 case list")
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws(ImportError) -> [CaptureCase] {
    let (root, reader) = try TopologyFile.compose(text, file: file, expecting: "a mapping with 'cases:'")
    let top = try reader.mapping(root, "a mapping with 'cases:'", allowed: ["cases"])
    guard let list = top["cases"], case .sequence(let items) = list, !items.isEmpty else {
      throw reader.fail(top["cases"] ?? root, "'cases:' to be a non-empty list")
    }
    var cases: [CaptureCase] = []
    for item in items {
      let entry = try parse(item, reader: reader)
      guard !cases.contains(where: { $0.name == entry.name }) else {
        throw reader.fail(item, "each case name once ('\(entry.name)' is repeated)")
      }
      cases.append(entry)
    }
    return cases
  }

  static func parse(_ item: YAMLNode, reader: TopologyFile.Reader) throws(ImportError) -> CaptureCase {
    let keys: Set<String> = ["name", "about", "qemu", "append", "dax-kmem", "hot-add", "guest", "kernels"]
    let fields = try reader.mapping(item, "a case: a mapping with 'name:', 'about:' and 'qemu:'", allowed: keys)
    func string(_ key: String, required: Bool) throws(ImportError) -> String {
      guard let node = fields[key] else {
        if required { throw reader.fail(item, "a '\(key):' for the case") }
        return ""
      }
      guard let value = node.string else { throw reader.fail(node, "'\(key):' as text") }
      return value
    }
    let name = try string("name", required: true)
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
      throw reader.fail(fields["name"], "a case name of letters, digits and '-' (it names a folder)")
    }
    var entry = CaptureCase(
      name: name, about: try string("about", required: true),
      qemu: try string("qemu", required: true).split(whereSeparator: \.isWhitespace).map(String.init))
    entry.append = try string("append", required: false).trimmingCharacters(in: .whitespacesAndNewlines)
    entry.guest = try string("guest", required: false)
    if let node = fields["dax-kmem"] {
      guard let value = node.bool else { throw reader.fail(node, "'dax-kmem:' true or false") }
      entry.daxKmem = value
    }
    if let node = fields["hot-add"] {
      guard case .sequence(let steps) = node else { throw reader.fail(node, "'hot-add:' as a list of {node: N, size: SIZE}") }
      for step in steps {
        let parts = try reader.mapping(step, "a hot-add: {node: N, size: SIZE}", allowed: ["node", "size"])
        guard let nodeField = parts["node"], let sizeField = parts["size"] else { throw reader.fail(step, "both 'node:' and 'size:'") }
        let target = try reader.integer(nodeField, "a node id")
        guard let text = sizeField.string, let bytes = TopologyFile.bytes(text), bytes > 0 else {
          throw reader.fail(sizeField, "a size such as 512M")
        }
        entry.hotAdds.append(HotAdd(node: target, bytes: bytes))
      }
    }
    if let node = fields["kernels"] {
      guard case .sequence(let series) = node else { throw reader.fail(node, "'kernels:' as a list like [\"6.12\", \"7.2\"]") }
      var names: [String] = []
      for item in series {
        guard let value = item.string, KernelVersion(parsing: value) != nil else { throw reader.fail(item, "a kernel series like \"6.12\"") }
        names.append(value)
      }
      entry.kernels = names
    }
    return entry
  }
}
