/// The pages an allocation request took, in the order it took them: what freeing it returns.
///
/// Kept as runs of consecutive blocks, and runs woven together: an interleaving policy sends
/// block after block to a few zones in turn, each zone's blocks consecutive, so a round of
/// *lanes* (a zone, its first block, and how many blocks it takes per round) repeated holds
/// any number of blocks in a few bytes. A plain run is a weave of one lane.
public struct AllocationRecord: Sendable {
  /// One zone's share of a weave: from `start`, `weight` consecutive blocks per round.
  struct Lane: Hashable, Sendable {
    var zone: Int32
    var start: UInt32
    var weight: UInt32
  }

  /// Blocks of one order dealt to lanes in turn: block *i* goes to the lane holding offset
  /// `i % roundBlocks` of a round, the lanes in order, each taking `weight` offsets.
  struct Weave: Hashable, Sendable {
    var firstLane: Int32
    var laneCount: Int32
    var blocks: Int
    var roundBlocks: Int
    var order: UInt8
    /// In its first round: a lane may still grow or be added.
    var forming: Bool
  }

  /// A run of consecutive blocks in one zone.
  struct Run: Hashable, Sendable {
    var zone: Int
    var start: Int
    var order: Int
    var count: Int
  }

  private(set) var weaves: [Weave] = []
  private(set) var lanes: [Lane] = []
  /// Where the last weave's next block goes: its lane, and the blocks that lane has taken this round.
  private var cursor: (lane: Int, used: Int) = (0, 0)
  /// Lanes a weave may have: an interleave over this many zones at most is woven.
  static let maxLanes = 64

  public init() {}

  mutating func append(zone: Int, page: Int, order: Int) { append(Run(zone: zone, start: page, order: order, count: 1)) }

  public mutating func append(_ other: AllocationRecord) { other.forEachRun { append($0) } }

  /// Adds a run of blocks after the others.
  ///
  /// - Complexity: O(1) when it continues the last weave's pattern or adds to its first round
  ///   (O(lanes) to check the zone is new); amortized O(1) otherwise.
  mutating func append(_ run: Run) {
    var run = run
    while run.count > 0 {
      guard let last = weaves.indices.last, Int(weaves[last].order) == run.order else { return startWeave(run) }
      let weave = weaves[last]
      let lastLane = Int(weave.firstLane + weave.laneCount) - 1
      if weave.forming {
        let lane = lanes[lastLane]
        if Int(lane.zone) == run.zone && Int(lane.start) + Int(lane.weight) << run.order == run.start {
          grow(lastLane, by: run.count)
          return
        }
        let first = lanes[Int(weave.firstLane)]
        if weave.laneCount > 1 && Int(first.zone) == run.zone && Int(first.start) + Int(first.weight) << run.order == run.start {
          weaves[last].forming = false
          cursor = (Int(weave.firstLane), 0)
          continue
        }
        // (A loop, not a slice of `lanes`: a slice alive across the append below would copy the array.)
        var zoneIsNew = weave.laneCount < Self.maxLanes && run.count <= UInt32.max
        for lane in Int(weave.firstLane)...lastLane where Int(lanes[lane].zone) == run.zone { zoneIsNew = false }
        guard zoneIsNew else { return startWeave(run) }
        lanes.append(Lane(zone: Int32(run.zone), start: UInt32(run.start), weight: UInt32(run.count)))
        weaves[last].laneCount += 1
        weaves[last].blocks += run.count
        weaves[last].roundBlocks += run.count
        return
      }
      // A closed weave: the run must be the next block of the pattern.
      let lane = lanes[cursor.lane]
      let round = weave.blocks / weave.roundBlocks
      let next = Int(lane.start) + (round * Int(lane.weight) + cursor.used) << run.order
      guard Int(lane.zone) == run.zone, next == run.start else {
        return weave.blocks > weave.roundBlocks && weave.blocks < 2 * weave.roundBlocks ? rephase(run) : startWeave(run)
      }
      let taken = Swift.min(run.count, Int(lane.weight) - cursor.used)
      weaves[last].blocks += taken
      cursor.used += taken
      if cursor.used == Int(lane.weight) {
        cursor = (cursor.lane == lastLane ? Int(weave.firstLane) : cursor.lane + 1, 0)
      }
      run.start += taken << run.order
      run.count -= taken
    }
  }

  /// Adds `rounds` rounds of a weave: each round `weight` consecutive blocks in each lane, in order.
  mutating func appendRounds(lanes weave: [(zone: Int, start: Int, weight: Int)], order: Int, rounds: Int) {
    guard weave.count > 1 else {
      if let lane = weave.first { append(Run(zone: lane.zone, start: lane.start, order: order, count: lane.weight * rounds)) }
      return
    }
    let roundBlocks = weave.reduce(0) { $0 + $1.weight }
    weaves.append(
      Weave(firstLane: Int32(lanes.count), laneCount: Int32(weave.count), blocks: rounds * roundBlocks, roundBlocks: roundBlocks, order: UInt8(order), forming: false))
    for lane in weave { lanes.append(Lane(zone: Int32(lane.zone), start: UInt32(lane.start), weight: UInt32(lane.weight))) }
    cursor = (Int(weaves[weaves.count - 1].firstLane), 0)
  }

  /// A weave broken in its second round: it keeps its first round, and a new weave forms from
  /// the second round's blocks and `run`. (A walk that ends a list's run mid-round makes the
  /// next weave start mid-round, where one zone may serve two positions a round apart: formed
  /// from its second round, the weave starts where the round does.)
  private mutating func rephase(_ run: Run) {
    let last = weaves.count - 1
    let weave = weaves[last]
    let order = Int(weave.order)
    var left = weave.blocks - weave.roundBlocks
    weaves[last].blocks = weave.roundBlocks
    var again: [Run] = []
    for lane in Int(weave.firstLane)..<Int(weave.firstLane + weave.laneCount) where left > 0 {
      let count = Swift.min(left, Int(lanes[lane].weight))
      again.append(Run(zone: Int(lanes[lane].zone), start: Int(lanes[lane].start) + Int(lanes[lane].weight) << order, order: order, count: count))
      left -= count
    }
    startWeave(again[0])
    for part in again.dropFirst() { append(part) }
    append(run)
  }

  private mutating func grow(_ lane: Int, by count: Int) {
    lanes[lane].weight += UInt32(count)
    weaves[weaves.count - 1].blocks += count
    weaves[weaves.count - 1].roundBlocks += count
  }

  private mutating func startWeave(_ run: Run) {
    // A lane holds offsets within one zone (32 bits); longer runs (never seen) are cut.
    var run = run
    while run.count > 0 {
      let count = Swift.min(run.count, Int(UInt32.max >> run.order))
      weaves.append(Weave(firstLane: Int32(lanes.count), laneCount: 1, blocks: count, roundBlocks: count, order: UInt8(run.order), forming: true))
      lanes.append(Lane(zone: Int32(run.zone), start: UInt32(run.start), weight: UInt32(count)))
      run.start += count << run.order
      run.count -= count
    }
  }

  /// Calls `body` with each run of consecutive blocks in one zone, in the order they were taken.
  ///
  /// - Complexity: O(runs).
  func forEachRun(_ body: (Run) -> Void) {
    for weave in weaves {
      let order = Int(weave.order)
      let weaveLanes = lanes[Int(weave.firstLane)..<Int(weave.firstLane + weave.laneCount)]
      var left = weave.blocks
      var round = 0
      while left > 0 {
        for lane in weaveLanes where left > 0 {
          let count = Swift.min(left, Int(lane.weight))
          body(Run(zone: Int(lane.zone), start: Int(lane.start) + (round * Int(lane.weight)) << order, order: order, count: count))
          left -= count
        }
        round += 1
      }
    }
  }

  /// Calls `body` with each zone's blocks as runs, zone by zone in the order of their first
  /// block, each zone's runs in the order taken: the order frees may take, since freeing in
  /// one zone changes nothing another zone's frees read.
  ///
  /// - Complexity: O(weaves × lanes) calls, each lane's share of a weave in one run.
  func forEachZoneRun(_ body: (Run) -> Void) {
    for weave in weaves {
      let order = Int(weave.order)
      let rounds = weave.blocks / weave.roundBlocks
      var rest = weave.blocks % weave.roundBlocks
      for lane in lanes[Int(weave.firstLane)..<Int(weave.firstLane + weave.laneCount)] {
        let extra = Swift.min(rest, Int(lane.weight))
        rest -= extra
        body(Run(zone: Int(lane.zone), start: Int(lane.start), order: order, count: rounds * Int(lane.weight) + extra))
      }
    }
  }

  /// The runs, in order (tests and small records).
  var runs: [Run] {
    var result: [Run] = []
    forEachRun { run in
      if let last = result.last, last.zone == run.zone, last.order == run.order, last.start + last.count << last.order == run.start {
        result[result.count - 1].count += run.count
      } else {
        result.append(run)
      }
    }
    return result
  }

  /// Pages held.
  public var pages: Int { weaves.reduce(0) { $0 + $1.blocks << Int($1.order) } }
  public var isEmpty: Bool { weaves.isEmpty }
  /// Bytes the record takes.
  public var bytes: Int { weaves.capacity * MemoryLayout<Weave>.stride + lanes.capacity * MemoryLayout<Lane>.stride }
}

extension AllocationRecord: Hashable {
  /// Records are equal when they hold the same blocks in the same order, however woven.
  public static func == (a: AllocationRecord, b: AllocationRecord) -> Bool { a.runs == b.runs }
  public func hash(into hasher: inout Hasher) { hasher.combine(pages) }
}
