extension TiersReport {
  /// `zonelist tiers --format json`, schema `zonelist.tiers/1` (`Docs/json-schema.md`).
  public struct Document: Hashable, Sendable, Codable {
    public var schema = "zonelist.tiers/1"
    public var kernel: String
    public var rulesConfirmed: Bool
    public var hmatAlgorithm: HMATAlgorithm
    public var nodes: [NodeEntry]
    public var tiers: [TierEntry]
    public var demotion: [DemotionEntry]
    /// Kernel: `top_tier_adistance`; `null` when no tier has a node with CPUs.
    public var topTierAdistance: Int?
    public var demotionEnabled: Bool?
    /// `boot` or `rebuild`: the zonelist build whose `node_load[]` scored the targets.
    public var precedingBuild: String
    public var nodeLoad: [String: Int]
    public var notes: [String]
    /// Every assumed input value, with its file (the same list as `build --format json`).
    public var assumptions: [AssumptionReport]

    public struct HMATAlgorithm: Hashable, Sendable, Codable {
      /// `registered`, `no-algorithm`, `no-hmat`, `unusable` or `mismatch`.
      public var state: String
      public var defaultDRAMNodes: [Int]
      public var referenceNode: Int?
      public var reference: Figures?
      /// The node whose figures stopped the registration.
      public var failingNode: Int?
      public var text: String
    }
    public struct Figures: Hashable, Sendable, Codable {
      public var readLatency: UInt32
      public var writeLatency: UInt32
      public var readBandwidth: UInt32
      public var writeBandwidth: UInt32
      init(_ coordinate: AccessCoordinate) {
        readLatency = coordinate.readLatency
        writeLatency = coordinate.writeLatency
        readBandwidth = coordinate.readBandwidth
        writeBandwidth = coordinate.writeBandwidth
      }
    }
    public struct NodeEntry: Hashable, Sendable, Codable {
      public var node: Int
      public var adistance: Int
      public var tier: Int
      /// `hmat`, `dram-default`, `dax-default` or `explicit`.
      public var source: String
      /// HMAT figures used (source `hmat`) or found unusable.
      public var figures: Figures?
      public var text: String
    }
    public struct TierEntry: Hashable, Sendable, Codable {
      public var id: Int
      public var nodes: [Int]
      public var adistanceStart: Int
      public var adistanceEnd: Int
      public var lowerTierNodes: [Int]
    }
    public struct DemotionEntry: Hashable, Sendable, Codable {
      public var node: Int
      public var preferred: [Int]
      public var allowed: [Int]
    }

    public init(_ tiering: MemoryTiering, notes: [String], assumptions: [AssumptionReport] = []) {
      kernel = tiering.profile.version.series
      rulesConfirmed = tiering.rules.isConfirmed
      let reference = tiering.reference
      let (state, failing): (String, NodeID?) =
        switch reference.outcome {
        case .registered: ("registered", nil)
        case .kernelHasNoAlgorithm: ("no-algorithm", nil)
        case .noHMAT: ("no-hmat", nil)
        case .unusable(let node, _): ("unusable", node)
        case .mismatch(let node, _): ("mismatch", node)
        }
      hmatAlgorithm = HMATAlgorithm(
        state: state, defaultDRAMNodes: reference.defaultDRAMNodes.map(\.rawValue), referenceNode: reference.node?.rawValue,
        reference: reference.performance.map(Figures.init), failingNode: failing?.rawValue, text: describe(reference))
      nodes = tiering.distances.keys.sorted().map { node in
        let distance = tiering.distances[node]!
        let (source, figures): (String, AccessCoordinate?) =
          switch distance.source {
          case .hmat(let performance, _, _): ("hmat", performance)
          case .dramDefault(.unusableFigures(let f)): ("dram-default", f)
          case .daxDefault(.unusableFigures(let f)): ("dax-default", f)
          case .dramDefault: ("dram-default", nil)
          case .daxDefault: ("dax-default", nil)
          case .explicit: ("explicit", nil)
          }
        return NodeEntry(
          node: node.rawValue, adistance: distance.value, tier: distance.tierID, source: source,
          figures: figures.map(Figures.init), text: describe(distance))
      }
      tiers = tiering.tiers.map {
        TierEntry(
          id: $0.id, nodes: $0.nodes.map(\.rawValue), adistanceStart: $0.range.lowerBound, adistanceEnd: $0.range.upperBound,
          lowerTierNodes: $0.lowerTierNodes.map(\.rawValue))
      }
      demotion = tiering.demotion.map {
        DemotionEntry(node: $0.node.rawValue, preferred: $0.preferred.map(\.rawValue), allowed: $0.allowed.map(\.rawValue))
      }
      topTierAdistance = tiering.topTierAdistance
      demotionEnabled = tiering.demotionEnabled
      precedingBuild = tiering.precedingBuild.isBoot ? "boot" : "rebuild"
      nodeLoad = Dictionary(uniqueKeysWithValues: tiering.nodeLoad.map { (String($0.key.rawValue), $0.value) })
      self.notes = notes
      self.assumptions = assumptions
    }
  }
}
