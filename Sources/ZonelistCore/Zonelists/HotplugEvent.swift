/// A memory-hotplug event that makes the kernel rebuild zonelists at run time.
///
/// Kernel: `online_pages()` (memory onlined into a zone that was empty → full rebuild,
/// `build_all_zonelists(NULL)`) and `__try_online_node()` → `hotadd_init_pgdat()`
/// (memory added to a node that is not online → `build_all_zonelists(pgdat)`), in
/// `mm/memory_hotplug.c`.
public enum HotplugEvent: Hashable, Sendable, Codable {
  /// The first block of `pages` onlined into the empty `zone` of `node`.
  case online(node: NodeID, zone: ZoneType, pages: Pages)
  /// Memory added to `node`, which is not online yet (nothing onlined).
  case hotAdd(node: NodeID)

  /// Parses `online node=N zone=ZONE pages=P` or `hot-add node=N`; `N` is a node id
  /// (below `MAX_NUMNODES`) and `P` a page count in 1…2^40 (``Pages/physicalLimit``).
  public init?(parsing text: String) {
    let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
    guard let kind = words.first else { return nil }
    var fields: [String: String] = [:]
    for word in words.dropFirst() {
      let parts = word.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { return nil }
      fields[String(parts[0])] = String(parts[1])
    }
    guard let node = fields["node"].flatMap({ Int($0) }), (0..<Topology.maxNumNodes).contains(node) else { return nil }
    switch kind {
    case "online":
      guard let zone = fields["zone"].flatMap({ ZoneType(kernelName: $0) }),
        let pages = fields["pages"].flatMap({ Int($0) }), (1...Pages.physicalLimit.rawValue).contains(pages)
      else { return nil }
      self = .online(node: NodeID(node), zone: zone, pages: Pages(pages))
    case "hot-add":
      self = .hotAdd(node: NodeID(node))
    default:
      return nil
    }
  }

  /// The build context of the rebuild the event triggers.
  public var context: BuildContext {
    switch self {
    case .online: .rebuild(onlining: nil)
    case .hotAdd(let node): .rebuild(onlining: node)
    }
  }

  /// The topology as the rebuild sees it: onlined pages are present and managed, and the
  /// node is online. A hot-add changes nothing yet.
  public func applied(to topology: Topology) -> Topology {
    guard case .online(let id, let zone, let pages) = self, var node = topology.nodes[id] else { return topology }
    var size = node[zone]
    size.present = size.present + pages
    size.managed = size.managed + pages
    if size.spanned < size.present { size.spanned = size.present }
    node.zones[zone] = size
    node.isOnline = true
    return topology.updating(node)
  }
}
