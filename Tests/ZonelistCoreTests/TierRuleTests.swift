import Testing
import ZonelistCore

/// The arithmetic of `mm/memory-tiers.c` on tiny hand-derived cases (marked: the real-kernel
/// checks are ``TiersFixtureTests``).
@Suite struct TierRuleTests {
  /// Hand-derived from `mt_set_default_dram_perf()`: `abs(x - ref) * 10 > ref`; 11 vs 10 is
  /// exactly 10% (kept), 12 vs 10 is 20% (mismatch), 9 vs 10 is 10% below (kept).
  @Test func tenPercentRuleIsStrict() {
    let reference = AccessCoordinate(readLatency: 10, writeLatency: 10, readBandwidth: 100, writeBandwidth: 100)
    var other = reference
    other.readLatency = 11
    #expect(!other.mismatches(reference))
    other.readLatency = 9
    #expect(!other.mismatches(reference))
    other.readLatency = 12
    #expect(other.mismatches(reference))
    other = reference
    other.writeBandwidth = 111
    #expect(other.mismatches(reference))
  }

  /// The README's capture (6.12 and 7.2 put the node in `memory_tier33`): 576 * 60 / 20 *
  /// 20480 / 8192 = 4320; integer steps left to right (hand-derived: 576 * 30 / 20 = 864).
  @Test func adistanceIsIntegerArithmeticLeftToRight() {
    let dram = AccessCoordinate(readLatency: 10, writeLatency: 10, readBandwidth: 10240, writeBandwidth: 10240)
    let slow = AccessCoordinate(readLatency: 30, writeLatency: 30, readBandwidth: 4096, writeBandwidth: 4096)
    #expect(AbstractDistance.fromPerformance(slow, reference: dram) == 4320)
    let odd = AccessCoordinate(readLatency: 15, writeLatency: 15, readBandwidth: 10240, writeBandwidth: 10240)
    #expect(AbstractDistance.fromPerformance(odd, reference: dram) == 864)
    #expect(AbstractDistance(value: 4320, source: .explicit).tierID == 33)
  }

  /// Held-out boots (`Tests/TiersHeldout/`, `heldout-*` tiers fixtures): 6.12 and 7.2 put
  /// 4000 ns / 100 MB/s in `memory_tier184320` and 4000 ns / 1000 MB/s in `memory_tier18432`
  /// (64-bit products: 32-bit ones would wrap to 2118123 and 1654), and 13 ns / 4990 MB/s
  /// in `memory_tier11` (576 * 26 / 20 truncates to 748 before * 20480 / 9980).
  @Test func adistanceProductsAre64BitAndTruncateEachStep() {
    let dram = AccessCoordinate(readLatency: 10, writeLatency: 10, readBandwidth: 10240, writeBandwidth: 10240)
    func tier(_ latency: UInt32, _ bandwidth: UInt32) -> Int {
      let figures = AccessCoordinate(readLatency: latency, writeLatency: latency, readBandwidth: bandwidth, writeBandwidth: bandwidth)
      return AbstractDistance(value: AbstractDistance.fromPerformance(figures, reference: dram), source: .explicit).tierID
    }
    #expect(tier(4000, 100) == 184320)
    #expect(tier(4000, 1000) == 18432)
    #expect(tier(13, 4990) == 11)
  }

  @Test func noTiersBefore6_1() {
    let topology = try! Topology(nodes: [Node(id: 0, cpus: [0], zones: [.normal: ZoneSize(spanned: 1, present: 1, managed: 1)])])
    #expect(throws: TierError.noMemoryTiers(KernelVersion(5, 10))) {
      try MemoryTiering(topology: topology, input: TierInput(), profile: KernelProfile(version: KernelVersion(5, 10)))
    }
  }

  /// The best CPU initiator's figures for a target without a processor domain: latency
  /// first, then bandwidth among the initiators tied on latency (hand-derived from
  /// `hmat_update_target_attrs()`).
  @Test func bestInitiatorKeepsTiesForBandwidth() {
    let spec = NodeTieringSpec(hmat: [0: .init(latency: 20, bandwidth: 100), 1: .init(latency: 20, bandwidth: 300), 2: .init(latency: 30, bandwidth: 900)])
    let figures = spec.cpuAccess(node: 3, hasCPUs: false, cpuNodes: [0, 1, 2])
    #expect(figures == AccessCoordinate(readLatency: 20, writeLatency: 20, readBandwidth: 300, writeBandwidth: 300))
  }
}
