/// What a topology file says about a node's memory tier: HMAT figures, a memory kind, or an
/// abstract distance.
///
/// Kernel: the HMAT System Locality Latency and Bandwidth structures QEMU writes for
/// `-numa hmat-lb` (`data-type=access-latency`, `access-bandwidth`), the Memory Proximity
/// Domain Attributes' initiator (`-numa node,initiator=`), and dax/kmem memory.
public struct NodeTieringSpec: Hashable, Sendable, Codable {
  /// Figures per initiator node (a node with CPUs): latency in ns, bandwidth in MB/s.
  public var hmat: [NodeID: Figures]
  /// The initiator named for a CPU-less node (QEMU `initiator=`); a node with CPUs is its own.
  public var initiator: NodeID?
  /// dax/kmem memory (soft reserved at boot, onlined by `kmem`).
  public var isDaxKmem: Bool
  /// An explicit abstract distance, as a driver registering a memory type would give it.
  public var adistance: Int?

  /// One initiator's figures for the node. Kernel: `ACPI_HMAT_ACCESS_LATENCY` and
  /// `ACPI_HMAT_ACCESS_BANDWIDTH` entries (read = write).
  public struct Figures: Hashable, Sendable, Codable {
    public var latency: UInt32?
    public var bandwidth: UInt32?
    public init(latency: UInt32? = nil, bandwidth: UInt32? = nil) {
      self.latency = latency
      self.bandwidth = bandwidth
    }
  }

  public init(hmat: [NodeID: Figures] = [:], initiator: NodeID? = nil, isDaxKmem: Bool = false, adistance: Int? = nil) {
    self.hmat = hmat
    self.initiator = initiator
    self.isDaxKmem = isDaxKmem
    self.adistance = adistance
  }

  /// The figures the kernel keeps for CPU initiators (`access1`).
  ///
  /// Kernel: `hmat_parse_locality()` for a target with a processor domain (its own node
  /// when it has CPUs, else `initiator`); otherwise `hmat_update_target_attrs()` with
  /// `ACCESS_COORDINATE_CPU`: per type (write latency, read latency, write bandwidth, read
  /// bandwidth) the best non-zero figure among the initiators still in the running, keeping
  /// only those that reach it. A type nobody gives stays 0, as QEMU writes 0 for pairs it
  /// was not given.
  /// - Parameters:
  ///   - node: The node these figures belong to.
  ///   - hasCPUs: Whether it has CPUs.
  ///   - cpuNodes: Every node with CPUs, ascending (HMAT's initiators).
  public func cpuAccess(node: NodeID, hasCPUs: Bool, cpuNodes: [NodeID]) -> AccessCoordinate {
    if let own = hasCPUs ? node : initiator {
      let figures = hmat[own] ?? Figures()
      return AccessCoordinate(
        readLatency: figures.latency ?? 0, writeLatency: figures.latency ?? 0,
        readBandwidth: figures.bandwidth ?? 0, writeBandwidth: figures.bandwidth ?? 0)
    }
    var candidates = cpuNodes
    func best(_ value: (Figures) -> UInt32?, lower: Bool) -> UInt32 {
      var best: UInt32 = 0
      var kept: [NodeID] = []
      for initiator in candidates {
        let figure = value(hmat[initiator] ?? Figures()) ?? 0
        if figure != 0 && (best == 0 || (lower ? figure < best : figure > best)) {
          best = figure
          kept = []
        }
        if figure == best { kept.append(initiator) }
      }
      candidates = kept
      return best
    }
    let latency = best(\.latency, lower: true)
    _ = best(\.latency, lower: true)
    let bandwidth = best(\.bandwidth, lower: false)
    return AccessCoordinate(readLatency: latency, writeLatency: latency, readBandwidth: bandwidth, writeBandwidth: bandwidth)
  }
}

extension MachineSpec {
  /// The tiering input the machine gives: every node's CPU-initiator figures when some node
  /// has `hmat:` (QEMU then writes an HMAT naming every memory node), kinds and distances.
  ///
  /// Kernel: `hmat_parse_proximity_domain()` (6.1, 6.12, 7.2) refuses the whole table
  /// ("acpi/hmat: Ignoring: Invalid table") when a Memory Proximity Domain Attributes
  /// structure names a domain SRAT gives no memory range; QEMU writes one for every node, so
  /// a node without memory (``hmatIgnoredFor``) leaves the machine as if it had no HMAT.
  /// - Parameter topology: The topology in the file's node ids (before any renumbering).
  public func tierInput(topology: Topology) -> TierInput {
    let hasHMAT = nodes.contains { !($0.tiering?.hmat.isEmpty ?? true) } && hmatIgnoredFor == nil
    let cpuNodes = topology.nodeIDs.filter { topology[$0].hasCPUs }
    var result: [NodeID: NodeTierInput] = [:]
    for spec in nodes {
      let tiering = spec.tiering ?? NodeTieringSpec()
      let hasCPUs = topology.nodes[spec.id]?.hasCPUs ?? false
      let performance = hasHMAT ? tiering.cpuAccess(node: spec.id, hasCPUs: hasCPUs, cpuNodes: cpuNodes) : nil
      let kind: NodeTierInput.Kind =
        if let value = tiering.adistance { .explicit(adistance: value) } else if tiering.isDaxKmem { .daxKmem } else { .ordinary }
      result[spec.id] = NodeTierInput(performance: performance, kind: kind)
    }
    return TierInput(nodes: result, hasHMAT: hasHMAT, demotionEnabled: nil)
  }
}

extension MachineSpec {
  /// The tiering input as the booted guest numbers its nodes (what `verify` compares): the
  /// figures are read in the file's ids — QEMU's proximity domains, the order in which
  /// `hmat_update_target_attrs()` narrows initiators — and renamed afterwards by `linuxNodeIDs`
  /// (``QEMUArguments/linuxNodeIDs``). `h07-renumbered-hmat` of `Tests/TiersHeldout/`.
  public func guestTierInput(kernel: KernelVersion, linuxNodeIDs: [NodeID: NodeID]) throws(MachineSpecError) -> TierInput {
    tierInput(topology: try topology(kernel: kernel)).renamingNodes(linuxNodeIDs)
  }

  /// The first node without memory when the file gives HMAT figures: QEMU's HMAT names it,
  /// SRAT has no memory range for it, and the kernel ignores the whole table (`h08` of
  /// `Tests/TiersHeldout/`, and `hotadd-two-memoryless` of the tiers captures).
  public var hmatIgnoredFor: NodeID? {
    guard nodes.contains(where: { !($0.tiering?.hmat.isEmpty ?? true) }) else { return nil }
    // Memory is given by size, by ranges or by zones (a topology file written by `export`).
    return nodes.first { node in
      node.memoryBytes == 0 && (node.ranges ?? []).allSatisfy(\.isEmpty)
        && (node.zones ?? [:]).values.allSatisfy { $0.present.rawValue == 0 }
    }?.id
  }
}
