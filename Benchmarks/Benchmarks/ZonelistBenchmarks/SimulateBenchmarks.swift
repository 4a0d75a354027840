import Benchmark
import Foundation
import ZonelistCore
import ZonelistHarness

/// `zonelist simulate --topology Inputs/1TiB-4-nodes.yaml --workload Inputs/1TiB-fill-interleave-free.yaml`
/// through the CLI's own pipeline (``SimulationRun``: read both files, set the allocator up,
/// run, format the table): fill 300 GiB from CPU 0, 200 GiB interleaved over the 4 nodes, free
/// the first. Issue 14's goal: under 2 s and under 1.2 bytes of peak memory per simulated page
/// (268 M pages: 322 MB).
let simulateEndToEndBenchmarks: @Sendable () -> Void = {
  let inputs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Inputs")
  let topology = inputs.appendingPathComponent("1TiB-4-nodes.yaml").path
  let workload = inputs.appendingPathComponent("1TiB-fill-interleave-free.yaml").path
  Benchmark(
    "zonelist simulate end to end, 1 TiB fill, interleave, free",
    configuration: .init(
      metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(30),
      maxIterations: 3)
  ) { benchmark in
    for _ in benchmark.scaledIterations {
      let input = try! ModelInput.load(sysroot: nil, topologyFile: topology, kernel: nil)
      var simulation = try! SimulationRun(input: input, sysroot: nil, workloadPath: workload, context: nil)
      try! simulation.run()
      precondition(simulation.run.results.count == 3 && simulation.run.ending == .finished)
      blackHole(simulation.table)
    }
  }
}
