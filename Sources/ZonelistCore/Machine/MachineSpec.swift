/// A machine described by hand: nodes with CPUs and memory sizes, distances, the kernel
/// and its command line. What a `--topology` file holds.
///
/// Memory given as a size is laid out the way QEMU's `pc` machine with SeaBIOS lays it
/// out (``QEMUPCLayout``), so that the same file can be booted by `zonelist verify`;
/// zones given explicitly are taken as they are.
public struct MachineSpec: Hashable, Sendable, Codable {
  public struct NodeSpec: Hashable, Sendable, Codable {
    public var id: NodeID
    public var cpus: [CPUID]
    /// Memory in bytes, laid out by ``QEMUPCLayout``. Ignored when ``zones`` is set.
    public var memoryBytes: Int
    /// Explicit zone sizes, for machines that are not QEMU-shaped.
    public var zones: [ZoneType: ZoneSize]?
    /// `false` for a possible node that is not online (no CPUs, no memory at boot).
    public var isOnline: Bool
    /// Physical page-frame ranges of the node's memory, instead of ``memoryBytes``.
    public var ranges: [Range<Int>]?
    /// HMAT figures, dax/kmem kind or abstract distance (`hmat:`, `kind:`, `adistance:`).
    public var tiering: NodeTieringSpec?

    public init(id: NodeID, cpus: [CPUID] = [], memoryBytes: Int = 0, zones: [ZoneType: ZoneSize]? = nil, isOnline: Bool = true) {
      self.id = id
      self.cpus = cpus
      self.memoryBytes = memoryBytes
      self.zones = zones
      self.isOnline = isOnline
    }
  }

  public var nodes: [NodeSpec]
  /// The distance table; `nil` means 10 to itself and 20 to every other node.
  public var distances: DistanceMatrix?
  /// The kernel release whose profile applies, if the file names one (`"6.12"`).
  public var kernel: String?
  /// Extra kernel command-line options (`numa=off`, `movablecore=1G`, …).
  public var bootOptions: String
  /// The architecture whose zone boundaries apply (x86-64 unless the file says).
  public var architecture: Architecture = .x86_64
  /// `dma_reserve` for kernels before 6.10; by default the value QEMU's `pc` machine gives
  /// (``QEMUPCLayout/dmaReserve(kernel:)``).
  public var dmaReserve: Pages?

  public init(nodes: [NodeSpec], distances: DistanceMatrix? = nil, kernel: String? = nil, bootOptions: String = "", dmaReserve: Pages? = nil) {
    self.nodes = nodes
    self.distances = distances
    self.kernel = kernel
    self.bootOptions = bootOptions
    self.dmaReserve = dmaReserve
  }

  /// The topology the kernel would see when this machine boots.
  ///
  /// Applies `numa=off` (one node 0 holding every CPU and all memory, as
  /// `dummy_numa_init()` does), lays out memory given by size with ``QEMUPCLayout``, and
  /// computes the zones with ``ZoneLayout`` (`kernelcore=`/`movablecore=` included).
  /// Managed pages are set to present pages: only a real boot knows what it reserves.
  /// - Throws: ``MachineSpecError`` for what the model cannot follow, ``TopologyError``
  ///   wrapped for an inconsistent machine.
  /// - Parameter kernel: The release booted, for `dma_reserve` (``QEMUPCLayout/dmaReserve(kernel:)``).
  public func topology(kernel: KernelVersion) throws(MachineSpecError) -> Topology {
    let options = BootOptions(commandLine: bootOptions)
    if options.numaFake != nil {
      throw .unsupported("numa=fake= in a topology file: boot the machine and read the snapshot (zonelist capture), the emulated nodes are then read back")
    }
    var specs = nodes.sorted { $0.id < $1.id }
    var distances = self.distances
    if options.numaOff {
      let allRanges = specs.flatMap { $0.ranges ?? [] }
      var merged = NodeSpec(id: 0, cpus: specs.flatMap(\.cpus).sorted(), memoryBytes: specs.reduce(0) { $0 + $1.memoryBytes })
      if !allRanges.isEmpty { merged.ranges = allRanges }
      specs = [merged]
      distances = nil
    }
    // Memory by size goes where QEMU's pc machine puts it; explicit ranges stay as given.
    let sized = specs.filter { $0.zones == nil && $0.ranges == nil }.map { ($0.id, $0.memoryBytes) }
    let qemu = architecture == .arm64 ? QEMUVirtLayout(memoryBytes: sized).ranges : QEMUPCLayout(memoryBytes: sized).ranges
    var ranges: [MemoryRange] = []
    for spec in specs where spec.zones == nil {
      for pages in spec.ranges ?? qemu[spec.id] ?? [] { ranges.append(MemoryRange(node: spec.id, pages: pages)) }
    }
    if let past = ranges.first(where: { $0.pages.upperBound > architecture.maxPhysicalPages }) {
      throw .invalid(
        "node \(past.node)'s memory, laid out as QEMU's pc machine lays it out (above 4 GiB past the PCI hole), ends at page frame \(past.pages.upperBound), past \(architecture.physicalLimitText)")
    }
    let layout = ZoneLayout(
      ranges: ranges, architecture: architecture, zoneTypes: KernelProfile(version: kernel, architecture: architecture).zoneTypes)
    let laidOut: [NodeID: [ZoneType: ZoneSize]]
    do { laidOut = try layout.zones(options: options) } catch { throw .unsupported(error.description) }
    var built: [Node] = []
    for spec in specs {
      var node = Node(id: spec.id, isOnline: spec.isOnline, cpus: spec.cpus)
      node.zones = spec.zones ?? laidOut[spec.id] ?? [:]
      if !spec.isOnline && (node.hasMemory || node.hasCPUs) {
        throw .invalid("node \(spec.id) is offline but has CPUs or memory")
      }
      built.append(node)
    }
    do {
      return try Topology(
        nodes: built, distances: distances, bootCPU: built.flatMap(\.cpus).min() ?? 0,
        dmaReserve: dmaReserve ?? QEMUPCLayout.dmaReserve(kernel: kernel))
    } catch {
      throw .topology(error)
    }
  }
}

/// A machine description the model cannot use.
public enum MachineSpecError: Error, Hashable, Sendable, CustomStringConvertible {
  case unsupported(String)
  case invalid(String)
  case topology(TopologyError)

  public var description: String {
    switch self {
    case .unsupported(let what): "not supported: \(what)"
    case .invalid(let what): what
    case .topology(let error): error.description
    }
  }
}
