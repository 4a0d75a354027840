import Testing
@testable import ZonelistCore

/// Allocation records hold runs and interleave weaves: the blocks in the order taken, in a few bytes.
@Suite struct AllocationRecordTests {
  /// Random blocks appended one by one come back in the same order, however they were woven.
  @Test(arguments: 0..<20)
  func blocksComeBackInTheOrderTaken(_ seed: Int) {
    var generator = SeededGenerator(seed: UInt64(seed) &+ 5)
    var record = AllocationRecord()
    var expected: [AllocationRecord.Run] = []
    var next = [0, 4096, 0, 100_000]
    for _ in 0..<2_000 {
      let zone = Int.random(in: 0..<(seed % 2 == 0 ? 2 : 4), using: &generator)
      let order = seed % 3 == 0 ? Int.random(in: 0...1, using: &generator) : 0
      if Int.random(in: 0..<10, using: &generator) == 0 { next[zone] += Int.random(in: 1...64, using: &generator) << 1 }
      next[zone] = ((next[zone] + (1 << order) - 1) >> order) << order
      let count = Int.random(in: 1...3, using: &generator)
      record.append(AllocationRecord.Run(zone: zone, start: next[zone], order: order, count: count))
      for block in 0..<count { expected.append(AllocationRecord.Run(zone: zone, start: next[zone] + block << order, order: order, count: 1)) }
      next[zone] += count << order
    }
    var blocks: [AllocationRecord.Run] = []
    record.forEachRun { run in
      for block in 0..<run.count { blocks.append(AllocationRecord.Run(zone: run.zone, start: run.start + block << run.order, order: run.order, count: 1)) }
    }
    #expect(blocks == expected, "seed \(seed)")
    #expect(record.pages == expected.reduce(0) { $0 + 1 << $1.order })
  }

  /// A million pages dealt to three zones in turn, one zone taking two a round (interleave over
  /// four nodes, one full, its share falling back to the next): a few dozen bytes.
  @Test func anInterleaveOfAMillionPagesTakesAFewBytes() {
    var record = AllocationRecord()
    var starts = [1000, 0, 0]
    for _ in 0..<(1 << 18) {
      for (zone, weight) in [(0, 2), (1, 1), (2, 1)] {
        record.append(zone: zone, page: starts[zone], order: 0)
        if weight == 2 { record.append(zone: zone, page: starts[zone] + 1, order: 0) }
        starts[zone] += weight
      }
    }
    #expect(record.pages == 1 << 20)
    #expect(record.bytes < 200, "\(record.bytes) bytes")
    var zonePages = [0, 0, 0]
    record.forEachZoneRun { zonePages[$0.zone] += $0.count }
    #expect(zonePages == [1 << 19, 1 << 18, 1 << 18])
  }

  /// The same interleave where the doubled zone's list runs out every 67 of its pages, half the
  /// times mid-round (its next page then comes from elsewhere, at the round's second position):
  /// the weave starting there forms a round later, so the record stays a few weaves per refill.
  @Test func aWeaveBrokenMidRoundFormsAgainAtTheRoundsStart() {
    var record = AllocationRecord()
    var starts = [1000, 0, 0]
    var taken = 0
    var expected: [AllocationRecord.Run] = []
    for _ in 0..<(1 << 16) {
      for (zone, weight) in [(0, 2), (1, 1), (2, 1)] {
        for _ in 0..<weight {
          if zone == 0 && taken > 0 && taken % 67 == 0 { starts[0] += 4096 }
          record.append(zone: zone, page: starts[zone], order: 0)
          expected.append(AllocationRecord.Run(zone: zone, start: starts[zone], order: 0, count: 1))
          starts[zone] += 1
          if zone == 0 { taken += 1 }
        }
      }
    }
    var blocks: [AllocationRecord.Run] = []
    record.forEachRun { run in
      for block in 0..<run.count { blocks.append(AllocationRecord.Run(zone: run.zone, start: run.start + block, order: 0, count: 1)) }
    }
    #expect(blocks == expected)
    // 1956 refills; without forming again, one weave per round after the first mid-round one.
    #expect(record.weaves.count < 3 * 1956 + 10, "\(record.weaves.count) weaves")
  }
}
