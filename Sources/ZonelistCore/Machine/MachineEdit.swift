/// One what-if change to a machine, stated on the command line and applied in order.
///
/// The edits change the model's input, never the rules: a kernel-text format printed from
/// an edited machine is still exactly what the model says that kernel prints for the machine
/// as edited (the user states the edit; nothing is assumed), and every output names the
/// edits applied. What an edit cannot say (the managed pages of an added node) is an
/// assumption like any other (``Diagnostic/managedEstimatedAsPresent``).
///
/// ```swift
/// let edits = try [MachineEdit(option: "add-node", value: "memory=64G cpus=none distance=20,24,10")]
/// let (cxl, _) = try MachineEdit.apply(edits, to: topology)
/// ```
public enum MachineEdit: Hashable, Sendable, CustomStringConvertible {
  /// `--set-distance A,B=D` (both directions) or `A>B=D` (from A to B only).
  ///
  /// Kernel: the SLIT entry behind `node_distance(a, b)`.
  case setDistance(from: NodeID, to: NodeID, value: Int, bothWays: Bool)
  /// `--offline-node N`: the node's memory removed and its CPUs offlined, so it leaves
  /// `N_ONLINE`, `N_MEMORY` and `N_CPU` (it stays possible).
  ///
  /// Kernel: what `offline_pages()` of every block and `cpu_down()` of every CPU leave,
  /// then `try_offline_node()`.
  case offlineNode(NodeID)
  /// `--add-node 'memory=SIZE cpus=LIST|none distance=D0,D1,… [id=N] [zone=normal|movable]
  /// [kind=dax-kmem | adistance=N]'`.
  case addNode(NewNode)
  /// `--remove-cpus LIST`: the CPUs leave their nodes (offlined).
  ///
  /// Kernel: `cpu_down()`, which clears the CPU from `cpumask_of_node()`.
  case removeCPUs([CPUID])
  /// `--set vm.NAME=VALUE`: a `vm` sysctl (``VMTunables/set(_:zoneTypes:)``), for the
  /// commands that compute watermarks.
  case setSysctl(String)

  /// A node added by `--add-node`.
  public struct NewNode: Hashable, Sendable {
    /// `nil`: the lowest unused id.
    public var id: NodeID?
    public var pages: Pages
    public var cpus: [CPUID]
    /// Distances to every node once added, ascending by id, its own (10) included.
    public var distances: [Int]
    public var zone: ZoneType
    /// How the tiering code types its memory: `ordinary` (DRAM, 576 without HMAT),
    /// `dax-kmem` (2880), or an explicit `adistance=N`.
    public var tier: NodeTierInput.Kind = .ordinary
  }

  /// The command-line options that state edits, without `--`.
  public static let options = ["set-distance", "offline-node", "add-node", "remove-cpus", "set"]

  /// Parses one option's value.
  ///
  /// - Throws: ``MachineEditError`` naming the option, the text and what was expected.
  public init(option: String, value: String) throws(MachineEditError) {
    func fail(_ expected: String) -> MachineEditError { MachineEditError(option: option, value: value, expected: expected) }
    switch option {
    case "set-distance":
      let parts = value.split(separator: "=", omittingEmptySubsequences: false)
      let bothWays = !value.contains(">")
      let pair = parts.first?.split(separator: bothWays ? "," : ">", omittingEmptySubsequences: false) ?? []
      guard parts.count == 2, pair.count == 2, let from = MachineEdit.node(pair[0]), let to = MachineEdit.node(pair[1]),
        let distance = Int(parts[1].trimmingWhitespace())
      else { throw fail("A,B=DISTANCE (both ways) or A>B=DISTANCE (one way), node ids below \(Topology.maxNumNodes)") }
      guard from != to else { throw fail("two different nodes (a node's distance to itself is always 10)") }
      guard (DistanceMatrix.local + 1)...255 ~= distance else { throw fail("a distance in 11...255 between two nodes") }
      self = .setDistance(from: from, to: to, value: distance, bothWays: bothWays)
    case "offline-node":
      guard let node = MachineEdit.node(Substring(value)) else { throw fail("a node id below \(Topology.maxNumNodes)") }
      self = .offlineNode(node)
    case "remove-cpus":
      guard let cpus = try? IDList.parse(value, limit: Topology.maxNumCPUs), !cpus.isEmpty else {
        throw fail("a CPU list like 4-7 or 1,3 (CPU ids below \(Topology.maxNumCPUs))")
      }
      self = .removeCPUs(cpus.map { CPUID($0) })
    case "add-node":
      self = .addNode(try MachineEdit.newNode(value, fail: fail))
    case "set":
      guard value.hasPrefix("vm."), value.contains("=") else { throw fail("vm.NAME=VALUE (a vm sysctl)") }
      var probe = VMTunables()
      do { try probe.set(value, zoneTypes: ZoneType.allCases) } catch { throw fail("\(error)") }
      self = .setSysctl(value)
    default:
      throw fail("one of \(MachineEdit.options.map { "--\($0)" }.joined(separator: ", "))")
    }
  }

  static func node(_ text: Substring) -> NodeID? {
    guard let id = Int(text.trimmingWhitespace()), id >= 0, id < Topology.maxNumNodes else { return nil }
    return NodeID(id)
  }

  static func newNode(_ value: String, fail: (String) -> MachineEditError) throws(MachineEditError) -> NewNode {
    var fields: [String: String] = [:]
    for word in value.split(separator: " ") {
      let pair = word.split(separator: "=", maxSplits: 1)
      guard pair.count == 2, ["memory", "cpus", "distance", "id", "zone", "kind", "adistance"].contains(String(pair[0])) else {
        throw fail("KEY=VALUE words among memory=, cpus=, distance=, id=, zone=, kind=, adistance=, not '\(word)'")
      }
      fields[String(pair[0])] = String(pair[1])
    }
    guard let memory = fields["memory"], let bytes = MachineEdit.bytes(memory), bytes >= 4096,
      Pages(bytes: bytes) <= Pages.physicalLimit
    else { throw fail("memory=SIZE, at least one page, like 64G or 512M (binary units), \(Pages.physicalLimitText)") }
    var cpus: [CPUID] = []
    if let text = fields["cpus"], text != "none" {
      guard let list = try? IDList.parse(text, limit: Topology.maxNumCPUs) else { throw fail("cpus=LIST (like 8-11) or cpus=none") }
      cpus = list.map { CPUID($0) }
    } else if fields["cpus"] == nil {
      throw fail("cpus=LIST or cpus=none")
    }
    guard let row = fields["distance"]?.split(separator: ",", omittingEmptySubsequences: false).map({ Int($0.trimmingWhitespace()) }),
      !row.contains(nil)
    else { throw fail("distance=D0,D1,…: the new node's distance to every node once added, ascending by id, its own 10 included") }
    var id: NodeID? = nil
    if let text = fields["id"] {
      guard let node = MachineEdit.node(Substring(text)) else { throw fail("id=N, a node id below \(Topology.maxNumNodes)") }
      id = node
    }
    let zone: ZoneType
    switch fields["zone"] ?? "normal" {
    case "normal", "Normal": zone = .normal
    case "movable", "Movable": zone = .movable
    default: throw fail("zone=normal or zone=movable")
    }
    var tier = NodeTierInput.Kind.ordinary
    switch (fields["kind"], fields["adistance"]) {
    case (nil, nil), ("ordinary", nil): break
    case ("dax-kmem", nil): tier = .daxKmem
    case (nil, let text?):
      guard let value = Int(text), value > 0, value < (1 << 20) else { throw fail("adistance=N, a positive abstract distance (576 is DRAM)") }
      tier = .explicit(adistance: value)
    default: throw fail("kind=ordinary or kind=dax-kmem, or adistance=N (not both)")
    }
    return NewNode(id: id, pages: Pages(bytes: bytes), cpus: cpus, distances: row.compactMap { $0 }, zone: zone, tier: tier)
  }

  /// `64G` → 68719476736 (binary units K, M, G, T; a plain number is bytes).
  static func bytes(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
    guard let last = text.last else { return nil }
    let shift = units[Character(last.uppercased())]
    guard let value = Int(shift == nil ? Substring(text) : text.dropLast()), value >= 0 else { return nil }
    let (bytes, overflow) = value.multipliedReportingOverflow(by: 1 << (shift ?? 0))
    return overflow ? nil : bytes
  }

  func tierWord(_ kind: NodeTierInput.Kind) -> String {
    switch kind {
    case .ordinary: ""
    case .daxKmem: " kind=dax-kmem"
    case .explicit(let adistance): " adistance=\(adistance)"
    }
  }

  /// `64G` for 16777216 pages: the largest binary unit that divides the size.
  static func size(_ pages: Pages) -> String {
    let kibibytes = pages.rawValue * 4
    for (unit, shift) in [("T", 30), ("G", 20), ("M", 10)] where kibibytes % (1 << shift) == 0 {
      return "\(kibibytes >> shift)\(unit)"
    }
    return "\(kibibytes)K"
  }

  /// The edit as the command line states it.
  public var description: String {
    switch self {
    case .setDistance(let from, let to, let value, let bothWays): "--set-distance \(from)\(bothWays ? "," : ">")\(to)=\(value)"
    case .offlineNode(let node): "--offline-node \(node)"
    case .addNode(let node):
      "--add-node '\(node.id.map { "id=\($0) " } ?? "")memory=\(MachineEdit.size(node.pages)) cpus=\(node.cpus.isEmpty ? "none" : IDList.format(node.cpus)) distance=\(node.distances.map(String.init).joined(separator: ","))\(node.zone == .normal ? "" : " zone=movable")\(tierWord(node.tier))'"
    case .removeCPUs(let cpus): "--remove-cpus \(IDList.format(cpus))"
    case .setSysctl(let setting): "--set \(setting)"
    }
  }
}

/// A what-if edit that is malformed or does not fit the machine.
public struct MachineEditError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The option, without `--`.
  public var option: String
  public var value: String
  public var expected: String
  public var description: String { "--\(option) '\(value)': expected \(expected)" }
}
