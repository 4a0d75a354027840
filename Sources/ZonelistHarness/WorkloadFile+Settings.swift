import ZonelistCore

/// The parts of a workload file beyond allocations and frees: `weights:`, `thp:`,
/// `online:` and `seconds:` (see `Docs/workload-format.md`).
extension WorkloadFile {
  /// Kernel: `MPOL_WEIGHTED_INTERLEAVE` and its sysfs weights came with 6.9.
  static let weightedInterleaveSince = KernelVersion(6, 9)

  /// `weights: {0: 3, 1: 1}`: per node of the machine, 1...255.
  static func weights(_ node: YAMLNode, reader: TopologyFile.Reader, topology: Topology, profile: KernelProfile) throws(ImportError)
    -> [NodeID: Int]
  {
    guard profile.version >= weightedInterleaveSince else {
      throw reader.fail(node, "no 'weights:' for kernel \(profile.version.series): weighted interleave came with 6.9")
    }
    guard case .mapping(let mapping) = node else { throw reader.fail(node, "a mapping of node to weight, like {0: 3, 1: 1}") }
    var weights: [NodeID: Int] = [:]
    for (key, value) in mapping {
      guard let id = key.string.flatMap({ Int($0) }), topology.nodes[NodeID(id)] != nil else {
        throw reader.fail(key, "a node of this machine (\(IDList.format(topology.nodeIDs.map(\.rawValue)))) as the key")
      }
      let weight = try reader.integer(value, "a weight, 1...255")
      guard (1...255).contains(weight) else { throw reader.fail(value, "a weight in 1...255 (the kernel keeps it in a u8; 0 means 1)") }
      weights[NodeID(id)] = weight
    }
    return weights
  }

  /// Kernel: transparent huge pages came with 2.6.38 (`mm/huge_memory.c`), the `defer` defrag
  /// setting with 4.6 (commit 444eb2a449ef), `defer+madvise` with 4.11 (commit 21440d7eb904).
  static let transparentHugePagesSince = KernelVersion(2, 6, 38)
  static let defragSince: [TransparentHugePages.Defrag: KernelVersion] = [.defer: KernelVersion(4, 6), .deferMadvise: KernelVersion(4, 11)]

  /// `thp:` and `thp-defrag:`; nil when `thp:` is absent. A setting the kernel does not have is refused.
  static func transparentHugePages(_ top: [String: YAMLNode], reader: TopologyFile.Reader, profile: KernelProfile) throws(ImportError)
    -> TransparentHugePages?
  {
    let enabledNames = TransparentHugePages.Enabled.allCases.map(\.rawValue).joined(separator: ", ")
    let defragNames = TransparentHugePages.Defrag.allCases.map(\.rawValue).joined(separator: ", ")
    guard let node = top["thp"] else {
      if let defrag = top["thp-defrag"] { throw reader.fail(defrag, "'thp-defrag:' together with 'thp:' (\(enabledNames))") }
      return nil
    }
    guard let enabled = node.string.flatMap(TransparentHugePages.Enabled.init(rawValue:)) else {
      throw reader.fail(node, "thp: one of \(enabledNames) (transparent_hugepage/enabled)")
    }
    guard profile.version >= transparentHugePagesSince else {
      throw reader.fail(node, "no 'thp:' for kernel \(profile.version.series): transparent huge pages came with 2.6.38")
    }
    var settings = TransparentHugePages(enabled: enabled)
    if let node = top["thp-defrag"] {
      guard let defrag = node.string.flatMap(TransparentHugePages.Defrag.init(rawValue:)) else {
        throw reader.fail(node, "thp-defrag: one of \(defragNames) (transparent_hugepage/defrag)")
      }
      if let since = defragSince[defrag], profile.version < since {
        throw reader.fail(node, "a thp-defrag: setting kernel \(profile.version.series) has: '\(defrag.rawValue)' came with \(since.series)")
      }
      settings.defrag = defrag
    }
    return settings
  }

  /// A step's `madvise:` with the run's THP settings: the THP fault mask, or nil for small pages.
  static func hugePages(_ fields: [String: YAMLNode], settings: TransparentHugePages?, anonymous: Bool, reader: TopologyFile.Reader)
    throws(ImportError) -> GFPFlags?
  {
    var advice: TransparentHugePages.Advice? = nil
    if let node = fields["madvise"] {
      guard let value = node.string.flatMap(TransparentHugePages.Advice.init(rawValue:)) else {
        throw reader.fail(node, "madvise: hugepage or nohugepage")
      }
      guard settings != nil else { throw reader.fail(node, "'madvise:' with a 'thp:' setting at the top of the file") }
      guard anonymous else { throw reader.fail(node, "'madvise:' on anonymous memory (a step without 'gfp:')") }
      advice = value
    }
    guard let settings, anonymous, settings.faultsHugePages(advice: advice) else { return nil }
    return settings.gfp(madvised: advice == .hugepage)
  }

  /// `online: {node: N, memory: SIZE, zone: normal|movable}`.
  static func online(_ node: YAMLNode, cpu: CPUID?, reader: TopologyFile.Reader, topology: Topology, commandLine: String)
    throws(ImportError) -> Workload.Step
  {
    let fields = try reader.mapping(node, "online: {node: N, memory: SIZE} (zone: normal or movable optional)", allowed: ["node", "memory", "zone"])
    guard let nodeField = fields["node"], let memoryField = fields["memory"] else {
      throw reader.fail(node, "online: with 'node:' and 'memory:'")
    }
    let id = try reader.integer(nodeField, "a node id")
    guard topology.nodes[NodeID(id)] != nil else {
      throw reader.fail(nodeField, "a possible node of this machine (\(IDList.format(topology.nodeIDs.map(\.rawValue)))), not \(id)")
    }
    let block = AllocatorSimulator.memoryBlockPages
    guard let text = memoryField.string, let bytes = TopologyFile.bytes(text), bytes > 0, (bytes / 4096) % block == 0, bytes % 4096 == 0 else {
      throw reader.fail(memoryField, "a size that is a whole number of 128M memory blocks, like 512M")
    }
    let (defaultZone, reason) = OnlineType.defaultZone(commandLine: commandLine)
    guard let defaultZone = defaultZone ?? (fields["zone"] != nil ? .normal : nil) else {
      throw reader.fail(node, "'zone: normal' or 'zone: movable': \(reason)")
    }
    var zone = defaultZone
    if let zoneField = fields["zone"] {
      switch zoneField.string {
      case "normal": zone = .normal
      case "movable": zone = .movable
      default: throw reader.fail(zoneField, "zone: normal (online_kernel) or movable (online_movable)")
      }
    }
    return .online(node: NodeID(id), pages: bytes / 4096, zone: zone, cpu: cpu)
  }

  /// `seconds:`, a positive number.
  static func seconds(_ node: YAMLNode, reader: TopologyFile.Reader) throws(ImportError) -> Double {
    guard let text = node.string, let value = Double(text), value > 0, value.isFinite else {
      throw reader.fail(node, "seconds: a positive number, like 2 or 0.5")
    }
    return value
  }
}
