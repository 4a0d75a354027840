/// The memory-tiering files of a snapshot: HMAT figures, dax devices, `demotion_enabled`,
/// and the kernel's own tiers (kept apart: they are the answer, never an input).
///
/// Kernel: `node_set_perf_attrs()` (`drivers/base/node.c`) for
/// `nodeN/accessK/initiators/{read,write}_{latency,bandwidth}` (`%u\n`); `target_node` of
/// `drivers/dax/bus.c`; `demotion_enabled_show()` and `nodelist_show()` in `mm/memory-tiers.c`.
public struct TierSnapshot: Hashable, Sendable {
  /// The model's input read from the files.
  public var input: TierInput
  /// The kernel's tiers: `memory_tierN` → its `nodelist`; `nil` when the snapshot has none.
  public var kernelTiers: [Int: [NodeID]]?
  /// What was partial or missing, and what was taken instead.
  public var notes: [TierNote]

  /// File names, relative to the sysroot.
  public enum Path {
    public static let figureNames = ["read_latency", "write_latency", "read_bandwidth", "write_bandwidth"]
    public static func figure(node: Int, access: Int, _ name: String) -> String {
      "sys/devices/system/node/node\(node)/access\(access)/initiators/\(name)"
    }
    public static let demotionEnabled = "sys/kernel/mm/numa/demotion_enabled"
    public static let daxDevices = "sys/bus/dax/devices"
    public static let memoryTiering = "sys/devices/virtual/memory_tiering"
    public static func tierNodelist(_ tier: Int) -> String { "\(memoryTiering)/memory_tier\(tier)/nodelist" }
  }

  /// One dax device as found: its `target_node` text and the driver it is bound to.
  public struct DaxDevice: Hashable, Sendable {
    public var name: String
    public var targetNode: String
    /// The driver's name (`kmem`, `device_dax`), `nil` when unbound or not recorded.
    public var driver: String?
    public init(name: String, targetNode: String, driver: String?) {
      self.name = name
      self.targetNode = targetNode
      self.driver = driver
    }
  }

  /// Reads the files.
  ///
  /// - Parameters:
  ///   - files: Texts by path (``Path``) for the nodes' figure files, `demotion_enabled`
  ///     and the tier nodelists that exist.
  ///   - accessDirectories: Per node, the `accessK` directories found (`K` in 0, 1).
  ///   - daxDevices: The dax devices found.
  ///   - tierDirectories: The `N` of every `memory_tierN` directory.
  ///   - memoryNodes: The nodes with memory (for the notes on partial HMAT).
  ///   - root: How to name the sysroot in messages.
  public init(
    files: [String: String], accessDirectories: [Int: Set<Int>], daxDevices: [DaxDevice], tierDirectories: [Int],
    memoryNodes: [NodeID], root: String
  ) throws(ImportError) {
    func name(_ path: String) -> String { root.hasSuffix("/") ? root + path : root + "/" + path }
    var notes: [TierNote] = []
    var nodes: [NodeID: NodeTierInput] = [:]
    let hasHMAT = !accessDirectories.values.allSatisfy(\.isEmpty)
    for node in memoryNodes {
      var entry = NodeTierInput()
      if accessDirectories[node.rawValue]?.contains(1) == true {
        var values: [UInt32] = []
        for figure in Path.figureNames {
          let path = Path.figure(node: node.rawValue, access: 1, figure)
          guard let text = files[path] else {
            throw ImportError(file: name(path), line: 0, text: "", expected: "the file (access1 exists): \(figure) as '%u\\n'")
          }
          let trimmed = text.trimmingWhitespace()
          guard let value = UInt32(trimmed) else {
            throw ImportError(file: name(path), line: 1, text: trimmed, expected: "\(figure): an unsigned decimal (%u)")
          }
          values.append(value)
        }
        let figures = AccessCoordinate(readLatency: values[0], writeLatency: values[1], readBandwidth: values[2], writeBandwidth: values[3])
        entry.performance = figures
        if !figures.isUsable { notes.append(.unusableFigures(node: node, figures)) }
      } else if hasHMAT {
        notes.append(.noFigures(node: node))
      }
      nodes[node] = entry
    }
    for device in daxDevices {
      let path = "\(Path.daxDevices)/\(device.name)/target_node"
      let text = device.targetNode.trimmingWhitespace()
      guard let target = Int(text), target >= -1, target < Topology.maxNumNodes else {
        throw ImportError(file: name(path), line: 1, text: text, expected: "target_node: a node id or -1")
      }
      guard target >= 0 else { continue }
      let id = NodeID(target)
      switch device.driver {
      case "kmem"?:
        var entry = nodes[id] ?? NodeTierInput()
        entry.kind = .daxKmem
        entry.onlinedAfterBoot = true
        nodes[id] = entry
      case let driver:
        notes.append(.daxNotOnlined(device: device.name, node: id, driver: driver))
      }
    }
    var demotionEnabled: Bool? = nil
    if let text = files[Path.demotionEnabled] {
      switch text.trimmingWhitespace() {
      case "true": demotionEnabled = true
      case "false": demotionEnabled = false
      case let other:
        throw ImportError(file: name(Path.demotionEnabled), line: 1, text: other, expected: "true or false")
      }
    } else {
      notes.append(.demotionEnabledMissing)
    }
    var kernelTiers: [Int: [NodeID]]? = nil
    if !tierDirectories.isEmpty {
      var tiers: [Int: [NodeID]] = [:]
      for tier in tierDirectories {
        let path = Path.tierNodelist(tier)
        guard let text = files[path] else { continue }
        do {
          tiers[tier] = try IDList.parse(text, limit: Topology.maxNumNodes).map { NodeID($0) }
        } catch {
          throw ImportError(file: name(path), line: 1, text: text.trimmingWhitespace(), expected: error.reason)
        }
      }
      kernelTiers = tiers
    }
    input = TierInput(nodes: nodes, hasHMAT: hasHMAT, demotionEnabled: demotionEnabled)
    self.kernelTiers = kernelTiers
    self.notes = notes
  }
}

/// What a snapshot lacked for the tiering model, and what was taken instead.
public enum TierNote: Hashable, Sendable, Codable, CustomStringConvertible {
  /// HMAT exists but the node has no `access1` figures: it is not an HMAT target.
  case noFigures(node: NodeID)
  /// The node's `access1` latency or bandwidth sum is 0.
  case unusableFigures(node: NodeID, AccessCoordinate)
  /// A dax device whose memory is not onlined by `kmem` (another driver, or unbound).
  case daxNotOnlined(device: String, node: NodeID, driver: String?)
  /// No `demotion_enabled` file: its value is unknown (the kernel's default is false).
  case demotionEnabledMissing

  public var description: String {
    switch self {
    case .noFigures(let node):
      "node \(node) has no HMAT figures (no access1 directory): it is not an HMAT target and keeps its type's default abstract distance"
    case .unusableFigures(let node, let figures):
      "node \(node)'s HMAT figures (access1) have a zero \(figures.latencySum == 0 ? "latency" : "bandwidth") sum (\(figures.figures.map { "\($0.name) \($0.value)" }.joined(separator: ", "))): the kernel cannot use them and the node keeps its type's default abstract distance"
    case .daxNotOnlined(let device, let node, let driver):
      "dax device \(device) (node \(node)) is bound to \(driver ?? "no driver"), not kmem: its memory is not System RAM"
    case .demotionEnabledMissing:
      "\(TierSnapshot.Path.demotionEnabled) is missing: demotion_enabled is unknown (the kernel's default is false)"
    }
  }
}
