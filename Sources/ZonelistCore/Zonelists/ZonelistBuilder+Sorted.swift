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
    let distances = dense.distanceRow(local)
    let hasCPUs = dense.hasCPUs
    let penalty = profile.penaltyForNodeWithCPUs
    let multiplier = self.multiplier
    var keys: [Int] = []
    keys.reserveCapacity(memory.count)
    let localFirst = takesLocalFirst(local)
    // Scores stay below 2^31 (the kernel's int); node indices below 2^11: pack both.
    for candidate in memory where !(localFirst && candidate == local) {
      let base = Int(distances[candidate]) + (candidate < local ? 1 : 0) + (hasCPUs[candidate] ? penalty : 0)
      keys.append((base * multiplier + nodeLoad[candidate]) << 11 | candidate)
    }
    keys.sort()
    var order: [Int] = []
    order.reserveCapacity(keys.count + 1)
    if localFirst { order.append(local) }
    for key in keys { order.append(key & 0x7FF) }
    // Kernel: the node_load[] charge of build_zonelists() for each new distance group.
    var previousDistance = distances[local]
    var load = onlineNodeCount
    let rule = profile.nodeLoadRule
    for node in order {
      let distance = distances[node]
      if distance != previousDistance {
        switch rule {
        case .assign, .assignResetPerNode: nodeLoad[node] = load
        case .accumulateLoad: nodeLoad[node] += load
        case .increment: nodeLoad[node] += 1
        }
      }
      previousDistance = distance
      load -= 1
    }
    return order
  }
}
