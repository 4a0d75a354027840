extension ZonelistBuilder {
  /// Returns the same order as ``kernelScanOrder(for:recording:)`` with one sort.
  ///
  /// While `local`'s list is built only the chosen node's `node_load[]` changes, and that
  /// node is never a candidate again; every other candidate keeps the score it had at the
  /// start, so the kernel's repeated "first strictly lowest" search yields the candidates
  /// in ascending (score, node id) order. The loads are then charged in that order.
  /// - Complexity: O(*n* log *n*) in the number of nodes with memory.
  mutating func sortedOrder(for local: Int) -> [Int] {
    let memory = dense.memoryIndices
    var keys: [Int] = []
    keys.reserveCapacity(memory.count)
    let localFirst = takesLocalFirst(local)
    // Scores stay below 2^31 (the kernel's int); node indices below 2^11: pack both.
    for candidate in memory where !(localFirst && candidate == local) {
      keys.append(score(local: local, candidate: candidate) << 11 | candidate)
    }
    keys.sort()
    var order: [Int] = []
    order.reserveCapacity(keys.count + 1)
    if localFirst { order.append(local) }
    for key in keys { order.append(key & 0x7FF) }
    var previous = local
    var load = onlineNodeCount
    for node in order {
      _ = chargeLoad(local: local, node: node, previous: previous, load: load)
      previous = node
      load -= 1
    }
    return order
  }
}
