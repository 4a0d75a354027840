extension AllocatorSimulator {
  /// An interleave position's last per-CPU list, and the walk after which its zone last
  /// passed its check (nil: not since the walk that took from the list, which may have refilled it).
  struct ListInUse {
    var list: PerCPUList
    var checkedAfterWalk: Int?
  }

  /// One more allocation from the per-CPU list an interleave position's last allocation came
  /// from, as its walk would take it: nil when the list is empty or its zone no longer passes
  /// its check (checked again only after other walks, which alone change what it reads).
  mutating func takeAgain(_ use: inout ListInUse, walks: Int, walk: Walk, into outcome: inout Outcome) -> Int? {
    let list = use.list
    guard !pageSets[list.set].isEmpty(list: list.index) else { return nil }
    let zone = list.zone
    if use.checkedAfterWalk != walks {
      guard zoneUsable(zone, attempt: Attempt(mark: .low), order: walk.order, highestIndex: walk.highestIndex) else { return nil }
      use.checkedAfterWalk = walks
    }
    _ = takeRun(list, upTo: 1, movable: walk.movable, into: &outcome.record)
    if recordZoneStatistics(zone: zone, preferredZone: list.preferredZone, cpuNodePosition: walk.cpuNodePosition, events: 1) {
      outcome.remotePages += 1 << walk.order
    }
    return zone
  }

  /// Whole interleave rounds taken at once: when every position of the round has a list its
  /// last allocation came from, whose zone still passes its check, as many rounds as every list
  /// can serve go to those lists, in the order the page-by-page walk would take them.
  ///
  /// - Parameters:
  ///   - cycle: The node positions of a round (``interleaveRound(_:cpuNode:)``).
  ///   - offset: Where in the cycle the next allocation is.
  ///   - limit: The allocations left in the request.
  /// - Returns: The allocations made (a whole number of rounds; 0 when no round can be taken
  ///   until another walk), or nil when rounds are taken at another offset (where each list
  ///   serves neighbouring positions, so the record stays a weave).
  /// - Complexity: O(rounds × positions) for the record at worst; O(positions) when each list's
  ///   pages are consecutive.
  mutating func takeRounds(
    cycle: [Int], from offset: Int, upTo limit: Int, lists: inout [ListInUse?], walks: Int, walk: Walk, countsHits: Bool,
    into outcome: inout Outcome, served: inout [Int]
  ) -> Int? {
    let width = cycle.count
    guard limit >= 2 * width else { return 0 }
    let order = walk.order
    // The rotated round, each position's list checked as its walk would check it.
    var round: [PerCPUList] = []
    for t in 0..<width {
      let position = cycle[(offset + t) % width]
      guard var use = lists[position] else { return 0 }
      if use.checkedAfterWalk != walks {
        guard zoneUsable(use.list.zone, attempt: Attempt(mark: .low), order: order, highestIndex: walk.highestIndex) else { return 0 }
        use.checkedAfterWalk = walks
        lists[position] = use
      }
      round.append(use.list)
    }
    // Distinct lists in order of first use, and how many allocations of a round each serves.
    var distinct: [(set: Int, index: Int, zone: Int, uses: Int)] = []
    for list in round {
      if let k = distinct.firstIndex(where: { $0.set == list.set && $0.index == list.index }) {
        distinct[k].uses += 1
      } else {
        distinct.append((list.set, list.index, list.zone, 1))
      }
    }
    let lane = round.map { list in distinct.firstIndex { $0.set == list.set && $0.index == list.index }! }
    guard zip(lane, lane.dropFirst()).allSatisfy({ $0 == $1 || $1 == $0 + 1 }) else { return nil }
    let rounds = distinct.reduce(limit / width) { Swift.min($0, pageSets[$1.set].blocks(list: $1.index) / $1.uses) }
    guard rounds > 0 else { return 0 }
    let byte = walk.movable ? BuddyZone.inUseMovable : BuddyZone.inUse
    var taken: [[(start: Int, count: Int)]] = []
    for list in distinct {
      let blocks = rounds * list.uses
      pageSets[list.set].touched = true
      let runs = pageSets[list.set].popFront(list: list.index, blocks: blocks)
      for run in runs { zones[list.zone].buddy.setStates(from: run.start, count: run.count << order, byte) }
      taken.append(runs)
      if autoTunedHigh {
        pageSets[list.set].freeCount >>= Swift.min(blocks, 63)
      } else {
        pageSets[list.set].freeFactor >>= Swift.min(blocks, 63)
      }
    }
    recordRounds(round, distinct: distinct.map { ($0.set, $0.index, $0.zone) }, taken: taken, rounds: rounds, order: order, into: &outcome.record)
    for (t, list) in round.enumerated() {
      let position = cycle[(offset + t) % width]
      served[list.zone] += rounds << order
      if recordZoneStatistics(zone: list.zone, preferredZone: list.preferredZone, cpuNodePosition: walk.cpuNodePosition, events: rounds) {
        outcome.remotePages += rounds << order
      }
      // Kernel: MPOL_INTERLEAVE counts interleave_hit on the target node.
      if countsHits && zoneNode[list.zone] == position { stats[position].interleaveHit += rounds }
    }
    return rounds * width
  }

  /// Records interleave rounds: a weave when each list's blocks are consecutive and each list
  /// serves neighbouring positions of the round, else block by block.
  private func recordRounds(
    _ round: [PerCPUList], distinct: [(set: Int, index: Int, zone: Int)], taken: [[(start: Int, count: Int)]], rounds: Int, order: Int,
    into record: inout AllocationRecord
  ) {
    let lane = round.map { list in distinct.firstIndex { $0.set == list.set && $0.index == list.index }! }
    let contiguous = zip(lane, lane.dropFirst()).allSatisfy { $0 == $1 || $1 == $0 + 1 }
    if contiguous && taken.allSatisfy({ $0.count == 1 }) && distinct.count <= AllocationRecord.maxLanes {
      let weights = distinct.indices.map { k in lane.filter { $0 == k }.count }
      record.appendRounds(
        lanes: distinct.indices.map { (zone: distinct[$0].zone, start: taken[$0][0].start, weight: weights[$0]) }, order: order, rounds: rounds)
      return
    }
    // Block by block: the next block of each list in turn.
    var cursor = taken.map { _ in (run: 0, block: 0) }
    for _ in 0..<rounds {
      for k in lane {
        let run = taken[k][cursor[k].run]
        record.append(zone: distinct[k].zone, page: run.start + cursor[k].block << order, order: order)
        cursor[k].block += 1
        if cursor[k].block == run.count { cursor[k] = (cursor[k].run + 1, 0) }
      }
    }
  }
}
