/// The performance of a memory node as seen from its best initiators: latencies in
/// nanoseconds, bandwidths in MB/s.
///
/// Kernel: `struct access_coordinate` in `include/linux/node.h` (`unsigned int` fields), as
/// `/sys/devices/system/node/nodeN/accessK/initiators/{read,write}_{latency,bandwidth}`
/// show it. `access1` (`ACCESS_COORDINATE_CPU`) is what the tiering code uses.
public struct AccessCoordinate: Hashable, Sendable, Codable {
  public var readLatency: UInt32
  public var writeLatency: UInt32
  public var readBandwidth: UInt32
  public var writeBandwidth: UInt32

  public init(readLatency: UInt32, writeLatency: UInt32, readBandwidth: UInt32, writeBandwidth: UInt32) {
    self.readLatency = readLatency
    self.writeLatency = writeLatency
    self.readBandwidth = readBandwidth
    self.writeBandwidth = writeBandwidth
  }

  /// Kernel: `read_latency + write_latency`, in `unsigned int` arithmetic (wrapping).
  public var latencySum: UInt32 { readLatency &+ writeLatency }
  /// Kernel: `read_bandwidth + write_bandwidth`, in `unsigned int` arithmetic (wrapping).
  public var bandwidthSum: UInt32 { readBandwidth &+ writeBandwidth }

  /// Whether both sums are non-zero: the test of `mt_set_default_dram_perf()` and
  /// `mt_perf_to_adistance()` before they use the figures.
  public var isUsable: Bool { latencySum != 0 && bandwidthSum != 0 }

  /// The four figures in the order the kernel prints them (`dump_hmem_attrs()`).
  public var figures: [(name: String, value: UInt32)] {
    [("read_latency", readLatency), ("write_latency", writeLatency),
     ("read_bandwidth", readBandwidth), ("write_bandwidth", writeBandwidth)]
  }

  /// Whether `self` differs from `reference` by more than 10% in any figure.
  ///
  /// Kernel: the test of `mt_set_default_dram_perf()`, `abs(x - ref) * 10 > ref`, with the
  /// `unsigned int` difference converted to `int` by `abs()` and the product compared as
  /// `unsigned int`.
  public func mismatches(_ reference: AccessCoordinate) -> Bool {
    func differs(_ value: UInt32, _ base: UInt32) -> Bool {
      let difference = Int32(truncatingIfNeeded: value &- base)
      let magnitude = difference < 0 ? 0 &- difference : difference
      return UInt32(truncatingIfNeeded: magnitude &* 10) > base
    }
    return differs(readLatency, reference.readLatency) || differs(writeLatency, reference.writeLatency)
      || differs(readBandwidth, reference.readBandwidth) || differs(writeBandwidth, reference.writeBandwidth)
  }
}
