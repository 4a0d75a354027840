import Benchmark
import Foundation
import ZonelistCore
import ZonelistHarness

/// A machine of `count` nodes, each with CPUs and 4 populated zones (DMA, DMA32, Normal,
/// Movable), and a clustered distance table with many ties (sockets of 8 nodes).
func machine(nodes count: Int) -> Topology {
  let ids = (0..<count).map { NodeID($0) }
  let rows = ids.indices.map { i in
    ids.indices.map { j in i == j ? 10 : (i / 8 == j / 8 ? 12 : (i / 64 == j / 64 ? 20 : 32)) }
  }
  let size = ZoneSize(spanned: 262_144, present: 262_144, managed: 262_144)
  let nodes = ids.map { Node(id: $0, cpus: [$0.rawValue], zones: [.dma: size, .dma32: size, .normal: size, .movable: size]) }
  return try! Topology(nodes: nodes, distances: DistanceMatrix(nodes: ids, rows: rows))
}

/// The same amount of output as a build, written without choosing anything: the floor.
func bareFill(_ topology: Topology) -> [[ZoneReference]] {
  let ids = topology.nodeIDs
  let types: [ZoneType] = [.movable, .normal, .dma32, .dma]
  var lists: [[ZoneReference]] = []
  lists.reserveCapacity(ids.count)
  for _ in ids {
    var list: [ZoneReference] = []
    list.reserveCapacity(ids.count * types.count)
    for node in ids { for type in types { list.append(ZoneReference(node: node, type: type)) } }
    lists.append(list)
  }
  return lists
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(3), maxIterations: 50)
  for count in [64, 256, 1024] {
    let topology = machine(nodes: count)
    Benchmark("build \(count) nodes sorted") { benchmark in
      for _ in benchmark.scaledIterations {
        var builder = ZonelistBuilder(topology: topology, profile: .linux6_12, context: .boot, algorithm: .sorted)
        blackHole(builder.build())
      }
    }
    Benchmark(
      "build \(count) nodes kernel scan (reference)",
      configuration: .init(maxDuration: .seconds(count >= 1024 ? 20 : 3), maxIterations: count >= 1024 ? 3 : 20)
    ) { benchmark in
      for _ in benchmark.scaledIterations {
        var builder = ZonelistBuilder(topology: topology, profile: .linux6_12, context: .boot, algorithm: .kernelScan)
        blackHole(builder.build())
      }
    }
    Benchmark("bare fill \(count) nodes (floor)") { benchmark in
      for _ in benchmark.scaledIterations { blackHole(bareFill(topology)) }
    }
  }
  simulatorBenchmarks()
  EndToEnd.register()
  simulateEndToEndBenchmarks()
}

/// A 1 TiB machine: 4 nodes of 256 GiB, each with DMA32 and Normal, 8 CPUs per node.
func terabyteMachine() -> Topology {
  let ids: [NodeID] = [0, 1, 2, 3]
  let normal = ZoneSize(spanned: 66_060_288, present: 66_060_288, managed: 66_060_288)
  let dma32 = ZoneSize(spanned: 1_048_576, present: 1_048_576, managed: 1_048_576)
  let nodes = ids.map { id in
    Node(id: id, cpus: Array((id.rawValue * 8)..<(id.rawValue * 8 + 8)), zones: id == 0 ? [.dma32: dma32, .normal: normal] : [.normal: normal])
  }
  return try! Topology(nodes: nodes, distances: DistanceMatrix(nodes: ids, rows: ids.map { i in ids.map { $0 == i ? 10 : 21 } }))
}

let simulatorBenchmarks: @Sendable () -> Void = {
  let topology = terabyteMachine()
  let tuning = TuningCalculator(topology: topology, profile: .linux6_12).compute(VMTunables())
  // Throughput counts single operations: each round is 2^20 order-0 allocations and 2^20 frees.
  Benchmark(
    "simulate order-0 allocate+free, 1 TiB machine (2M operations a round)",
    configuration: .init(
      metrics: [.wallClock, .throughput, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 30)
  ) { benchmark in
    var simulator = AllocatorSimulator(topology: topology, profile: .linux6_12, tuning: tuning)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      let outcome = try! simulator.allocate(.init(cpu: 0, count: 1 << 20))
      try! simulator.free(outcome.record, cpu: 0)
    }
    benchmark.stopMeasurement()
    blackHole(simulator.bytesPerPage)
  }
  Benchmark(
    "simulator setup, 1 TiB machine (268M pages, everything free)",
    configuration: .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 5)
  ) { benchmark in
    let simulator = AllocatorSimulator(topology: topology, profile: .linux6_12, tuning: tuning)
    blackHole(simulator.bytesPerPage)
  }
}
