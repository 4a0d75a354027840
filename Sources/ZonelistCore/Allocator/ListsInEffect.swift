/// The zonelists a simulation walks, and why those.
///
/// Kernel: `node_zonelists[]` are what the last `build_all_zonelists()` left: the boot build
/// from `mm_core_init()`, or a run-time rebuild from memory hotplug (`online_pages()` into an
/// empty zone, `hotadd_init_pgdat()` for a node that was not online). On x86 no node has CPUs
/// at the boot build (`numa_add_cpu()` runs later), so only a rebuild pushes nodes with CPUs back.
public struct ListsInEffect: Hashable, Sendable {
  public var build: ZonelistBuild
  /// Which build these are ("boot", "rebuild", "last rebuild (dmesg)", …).
  public var name: String
  /// Why these lists, in a sentence.
  public var reason: String
  /// The nodes whose order a kernel log printed otherwise than the model builds it: the
  /// printed order is walked (``fromKernelLog(_:topology:profile:)``); empty otherwise.
  public var printedOverModel: [Disagreement] = []

  /// One node whose printed `Fallback order` differs from the model's.
  public struct Disagreement: Hashable, Sendable {
    public var node: NodeID
    public var model: [NodeID]
    public var printed: [NodeID]
  }

  public init(build: ZonelistBuild, name: String, reason: String) {
    self.build = build
    self.name = name
    self.reason = reason
  }

  /// What to tell the user when the walk follows printed orders the model disagrees with, naming the nodes.
  public var disagreementNote: String? {
    guard !printedOverModel.isEmpty else { return nil }
    let nodes = IDList.format(printedOverModel.map(\.node.rawValue))
    let each = printedOverModel.map { d in
      "node \(d.node): model \(d.model.map { String($0.rawValue) }.joined(separator: " ")), dmesg \(d.printed.map { String($0.rawValue) }.joined(separator: " "))"
    }
    return "dmesg's 'Fallback order' lines differ from the model's \(name == "boot" ? "boot build" : "rebuild") for node\(printedOverModel.count == 1 ? "" : "s") \(nodes) ("
      + each.joined(separator: "; ") + "): the printed orders are walked"
  }

  /// The model's lists for a build context.
  public static func model(topology: Topology, profile: KernelProfile, context: BuildContext, reason: String) -> ListsInEffect {
    var builder = ZonelistBuilder(topology: topology, profile: profile, context: context)
    return ListsInEffect(build: builder.build(), name: context.isBoot ? "boot" : "rebuild", reason: reason)
  }

  /// Each node's fallback order, as `Fallback order for Node N:` prints it.
  public var nodeOrders: [NodeID: [NodeID]] {
    Dictionary(uniqueKeysWithValues: build.lists.map { ($0.node, $0.nodeOrder) })
  }

  /// The builds a kernel log shows: per build (a `Built N zonelists` line ends one), the
  /// node orders printed before it.
  ///
  /// - Returns: One entry per `Built` line, oldest first.
  public static func logBuilds(_ dmesg: String) -> [[NodeID: [NodeID]]] {
    var builds: [[NodeID: [NodeID]]] = []
    var current: [NodeID: [NodeID]] = [:]
    for raw in dmesg.split(separator: "\n") {
      let line = KernelLog.strippingTimestamp(String(raw))
      if line.hasPrefix("Fallback order for Node "), let colon = line.firstIndex(of: ":"),
        let node = Int(line[line.index(line.startIndex, offsetBy: 24)..<colon])
      {
        let order = line[line.index(after: colon)...].split(separator: " ").compactMap { Int($0) }.map { NodeID($0) }
        current[NodeID(node)] = order
      } else if line.hasPrefix("Built ") && line.contains(" zonelists") {
        builds.append(current)
        current = [:]
      }
    }
    return builds
  }

  /// The lists in effect after the builds a kernel log shows: the model's lists for the
  /// context the log implies (boot when it shows one build, a run-time rebuild when more),
  /// with each node's order replaced by the last one the log printed for it. `nil` when the
  /// log shows no build (a ring buffer that wrapped, or no log).
  public static func fromKernelLog(_ dmesg: String, topology: Topology, profile: KernelProfile) -> ListsInEffect? {
    let builds = logBuilds(dmesg)
    guard !builds.isEmpty else { return nil }
    let rebuilt = builds.count > 1
    var lists = model(topology: topology, profile: profile, context: rebuilt ? .rebuild(onlining: nil) : .boot, reason: "")
    var printed: [NodeID: [NodeID]] = [:]
    for build in builds { printed.merge(build) { _, new in new } }
    var differing: [Disagreement] = []
    lists.build.lists = lists.build.lists.map { node in
      guard let order = printed[node.node], order != node.nodeOrder else { return node }
      differing.append(Disagreement(node: node.node, model: node.nodeOrder, printed: order))
      return node.reordered(order)
    }
    lists.printedOverModel = differing
    lists.name = rebuilt ? "last rebuild" : "boot"
    let what =
      rebuilt
      ? "dmesg shows \(builds.count) zonelist builds ('Built N zonelists' lines): the boot build and \(builds.count - 1) run-time rebuild\(builds.count == 2 ? "" : "s"); the last rebuild's lists are walked"
      : "dmesg shows only the boot build: the boot lists are walked (no CPU penalty at boot on x86)"
    let check =
      differing.isEmpty
      ? "the node orders dmesg printed match the model's"
      : "node orders from dmesg's 'Fallback order' lines (the model's \(rebuilt ? "rebuild" : "boot") order differs for node \(IDList.format(differing.map(\.node.rawValue))))"
    lists.reason = what + "; " + check
    return lists
  }
}

extension NodeZonelists {
  /// The same zones, visited in another node order (zones within a node keep their order).
  func reordered(_ order: [NodeID]) -> NodeZonelists {
    var copy = self
    copy.nodeOrder = order
    let byNode = Dictionary(grouping: fallback, by: \.node)
    copy.fallback = order.flatMap { byNode[$0] ?? [] }
    return copy
  }
}
