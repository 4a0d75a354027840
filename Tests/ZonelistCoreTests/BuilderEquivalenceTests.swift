import Testing
import ZonelistCore

/// The sorted builder against the kernel-scan transcription, element for element.
@Suite struct BuilderEquivalenceTests {
  static let versions = [
    KernelVersion(2, 6, 24), KernelVersion(3, 16), KernelVersion(5, 15), KernelVersion(5, 16),
    KernelVersion(5, 18), KernelVersion(6, 1), KernelVersion(6, 12),
  ]

  static func compare(_ topology: Topology, _ version: KernelVersion, _ context: BuildContext, seed: UInt64) {
    let profile = KernelProfile(version: version)
    var reference = ZonelistBuilder(topology: topology, profile: profile, context: context, algorithm: .kernelScan)
    var fast = ZonelistBuilder(topology: topology, profile: profile, context: context, algorithm: .sorted)
    let expected = reference.build()
    let actual = fast.build()
    #expect(actual.lists == expected.lists, "seed \(seed), \(version), \(context), \(topology.nodeIDs.count) nodes")
    #expect(actual.nodeLoad == expected.nodeLoad, "seed \(seed), \(version), \(context)")
    #expect(actual.policyZone == expected.policyZone, "seed \(seed)")
  }

  @Test(arguments: 0..<40)
  func sortedBuilderEqualsKernelScanOnSmallMachines(_ seed: Int) {
    var generator = SeededGenerator(seed: UInt64(seed))
    let shape = RandomTopology.Shape.allCases[seed % 4]
    let topology = RandomTopology.make(
      nodes: Int.random(in: 1...48, using: &generator), shape: shape, sparse: seed % 3 == 0, using: &generator)
    for version in Self.versions {
      Self.compare(topology, version, .boot, seed: UInt64(seed))
      Self.compare(topology, version, .rebuild(onlining: nil), seed: UInt64(seed))
      if let offline = topology.possibleNodes.first(where: { !$0.isOnline }) {
        Self.compare(topology, version, .rebuild(onlining: offline.id), seed: UInt64(seed))
      }
    }
  }

  @Test(arguments: [(256, 1), (512, 2), (1024, 3)])
  func sortedBuilderEqualsKernelScanOnLargeMachines(_ nodes: Int, _ seed: Int) {
    var generator = SeededGenerator(seed: UInt64(seed))
    // Few nodes with memory keep the O(n^3) reference quick in debug builds; ties abound.
    let topology = RandomTopology.make(
      nodes: nodes, shape: seed == 2 ? .asymmetric : .clustered, memoryShare: 64.0 / Double(nodes), using: &generator)
    Self.compare(topology, KernelVersion(6, 12), .rebuild(onlining: nil), seed: UInt64(seed))
    Self.compare(topology, KernelVersion(6, 1), .boot, seed: UInt64(seed))
    Self.compare(topology, KernelVersion(5, 15), .rebuild(onlining: nil), seed: UInt64(seed))
  }
}
