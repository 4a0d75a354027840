extension QEMUArguments {
  /// Refuses HMAT figures QEMU cannot write faithfully, in the order `tiering(nodes:)` emits
  /// them (targets by id, initiators ascending, latency before bandwidth).
  ///
  /// QEMU (`parse_numa_hmat_lb()` in `hw/core/numa.c`) stores each data type's entries as
  /// 16-bit multiples of one base. Latency: the base is the smallest power of ten dividing every
  /// latency so far, and an entry is refused when it, divided by the base before it, or the
  /// largest such quotient so far reaches 65535; since that check uses the older base, a
  /// later smaller base can still leave an entry above 65535, which the table truncates.
  /// Bandwidth (bytes/s, 1 MiB aligned): the base is the lowest set bit of all bandwidths
  /// OR-ed; refused when the OR spans more than 16 bits or the entry reaches 65535.
  static func checkHMATLimits(nodes: [MachineSpec.NodeSpec]) throws(MachineSpecError) {
    var latencyBase: UInt64 = .max
    var latencyRange: UInt64 = 0
    var latencies: [(initiator: NodeID, target: NodeID, value: UInt64)] = []
    var bandwidthBits: UInt64 = 0
    for target in nodes {
      for initiator in (target.tiering?.hmat.keys.sorted() ?? []) {
        let figures = target.tiering!.hmat[initiator]!
        if let latency = figures.latency.map(UInt64.init) {
          var power: UInt64 = 1
          var rest = latency
          while rest % 10 == 0 { rest /= 10; power *= 10 }
          let entry = max(latencyRange, latency / latencyBase)
          guard entry < 65535 else {
            throw .unsupported(
              "node \(target.id)'s latency \(latency) ns from initiator \(initiator): QEMU refuses latencies whose 16-bit entries (multiples of one power-of-ten base) would exceed 65534")
          }
          latencyBase = min(latencyBase, power)
          latencyRange = entry
          latencies.append((initiator, target.id, latency))
        }
        if let bandwidth = figures.bandwidth.map({ UInt64($0) << 20 }) {
          let bits = bandwidthBits | bandwidth
          let firstBit = bits.trailingZeroBitCount
          let lastBit = 64 - bits.leadingZeroBitCount
          guard lastBit - firstBit <= 16, bandwidth >> firstBit < 65535 else {
            throw .unsupported(
              "node \(target.id)'s bandwidth \(bandwidth >> 20) MB/s from initiator \(initiator): QEMU refuses bandwidths that, over the lowest set bit of all of them, need more than 16 bits")
          }
          bandwidthBits = bits
        }
      }
    }
    if let wide = latencies.first(where: { $0.value / latencyBase > 65535 }) {
      throw .unsupported(
        "node \(wide.target)'s latency \(wide.value) ns from initiator \(wide.initiator): over QEMU's final base of \(latencyBase) ns its entry exceeds 16 bits and QEMU would write a truncated figure")
    }
  }
}
