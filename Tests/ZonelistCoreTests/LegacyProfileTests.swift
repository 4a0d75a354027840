import Testing
import ZonelistCore

/// Generations with no bootable Debian kernel, checked on cases worked by hand from their
/// source (and, for the node_load rules, from the kernel commit that changed them).
@Suite struct LegacyProfileTests {
  /// Four nodes in two pairs: the table of the commit message of 54d032ced983
  /// ("mm/page_alloc: use accumulated load when building node fallback list", 5.16).
  static func pairs() throws -> Topology {
    let rows = [[10, 12, 32, 32], [12, 10, 32, 32], [32, 32, 10, 12], [32, 32, 12, 10]]
    let ids: [NodeID] = [0, 1, 2, 3]
    let nodes = ids.map { Node(id: $0, cpus: [$0.rawValue], zones: [.normal: ZoneSize(spanned: 1000, present: 1000, managed: 1000)]) }
    return try Topology(nodes: nodes, distances: DistanceMatrix(nodes: ids, rows: rows))
  }

  static func orders(_ version: KernelVersion, _ topology: Topology) -> [[Int]] {
    var builder = ZonelistBuilder(topology: topology, profile: KernelProfile(version: version), context: .boot)
    return builder.build().lists.map { $0.nodeOrder.map(\.rawValue) }
  }

  // Hand-derived from the commit message: before 5.16 node 3 ends "0 1"; after, "1 0".
  @Test func assignedLoadBefore5_16() throws {
    #expect(Self.orders(KernelVersion(5, 15), try Self.pairs()) == [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 0, 1]])
  }

  @Test func accumulatedLoadFrom5_16() throws {
    #expect(Self.orders(KernelVersion(5, 16), try Self.pairs()) == [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])
    #expect(Self.orders(KernelVersion(5, 19), try Self.pairs()) == [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])
  }

  // Hand-derived from 2.6.24's build_zonelists(): node_load[] is cleared for every node,
  // so nothing carries over and node 1 keeps "2 3" (the lower-id tie-break).
  @Test func perNodeResetBefore2_6_31() throws {
    #expect(Self.orders(KernelVersion(2, 6, 24), try Self.pairs()) == [[0, 1, 2, 3], [1, 0, 2, 3], [2, 3, 0, 1], [3, 2, 0, 1]])
  }

  /// 2.6.24 keeps one list per highest zone type; zone order puts every node's Normal before any DMA.
  @Test func perZoneTypeListsIn2_6_24() throws {
    let ids: [NodeID] = [0, 1]
    let zones: [ZoneType: ZoneSize] = [
      .dma: ZoneSize(spanned: 4000, present: 4000, managed: 4000),
      .normal: ZoneSize(spanned: 100_000, present: 100_000, managed: 100_000),
    ]
    let topology = try Topology(nodes: [Node(id: 0, cpus: [0], zones: zones), Node(id: 1, cpus: [1], zones: [.normal: zones[.normal]!])],
      distances: DistanceMatrix(nodes: ids, rows: [[10, 20], [20, 10]]))
    let profile = KernelProfile(version: KernelVersion(2, 6, 24))
    #expect(profile.perZoneTypeZonelists && profile.hasZonelistCache)
    // Node order: node by node.
    var nodeOrder = ZonelistBuilder(topology: topology, profile: profile, context: .boot, zonelistOrder: .node)
    let lists = try #require(nodeOrder.build()[0])
    let perType = try #require(lists.perZoneType)
    #expect(perType.fallback[.normal]!.map(\.description) == ["0:Normal", "0:DMA", "1:Normal"])
    #expect(perType.fallback[.dma]!.map(\.description) == ["0:DMA"])
    #expect(perType.thisNode[.normal]!.map(\.description) == ["0:Normal", "0:DMA"])
    #expect(lists.cache?.zoneToNode == [0, 0, 1])
    // Zone order: all Normal zones, then all DMA zones.
    var zoneOrder = ZonelistBuilder(topology: topology, profile: profile, context: .boot, zonelistOrder: .zone)
    #expect(try #require(zoneOrder.build()[0]).perZoneType!.fallback[.normal]!.map(\.description) == ["0:Normal", "1:Normal", "0:DMA"])
  }

  /// 2.6.24's default_zonelist_order(): DMA more than half of memory → node order; a small
  /// DMA share → zone order.
  @Test func defaultZonelistOrderHeuristic() throws {
    func topology(dma: Int, normal: Int) throws -> Topology {
      let zones: [ZoneType: ZoneSize] = [
        .dma: ZoneSize(spanned: Pages(dma), present: Pages(dma), managed: Pages(dma)),
        .normal: ZoneSize(spanned: Pages(normal), present: Pages(normal), managed: Pages(normal)),
      ]
      return try Topology(nodes: [Node(id: 0, cpus: [0], zones: zones), Node(id: 1, cpus: [1], zones: zones)])
    }
    let old = KernelProfile(version: KernelVersion(2, 6, 24))
    #expect(ZonelistBuilder.defaultOrder(topology: try topology(dma: 900, normal: 100), profile: old) == .node)
    #expect(ZonelistBuilder.defaultOrder(topology: try topology(dma: 100, normal: 900), profile: old) == .zone)
    #expect(ZonelistBuilder.defaultOrder(topology: try topology(dma: 100, normal: 900), profile: KernelProfile(version: KernelVersion(4, 4))) == .node)
  }

  /// Before 6.6 a memoryless node lists itself first; from 6.6 it does not.
  @Test func memorylessLocalNode() throws {
    let ids: [NodeID] = [0, 1, 2]
    let memory: [ZoneType: ZoneSize] = [.normal: ZoneSize(spanned: 10, present: 10, managed: 10)]
    let topology = try Topology(
      nodes: [Node(id: 0, cpus: [0], zones: memory), Node(id: 1, cpus: [1]), Node(id: 2, cpus: [2], zones: memory)],
      distances: DistanceMatrix(nodes: ids, rows: [[10, 20, 30], [20, 10, 20], [30, 20, 10]]))
    #expect(Self.orders(KernelVersion(6, 1), topology)[1] == [1, 2, 0])
    #expect(Self.orders(KernelVersion(6, 12), topology)[1] == [2, 0])
  }
}
