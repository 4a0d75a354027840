// swift-tools-version: 6.1
import Foundation
import PackageDescription

// A path dependency is known by its folder name, which depends on where the repository is cloned.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "zonelist-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // The kernel's zonelist build transcribed in C: the peer measured in the same run.
    .target(name: "KernelScan", path: "KernelScan"),
    // `kernel-scan SYSROOT`: the same, as a whole process (for hyperfine).
    .executableTarget(name: "kernel-scan", dependencies: ["KernelScan"], path: "KernelScanCLI"),
    .executableTarget(
      name: "ZonelistBenchmarks",
      dependencies: [
        "KernelScan",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "ZonelistCore", package: root),
        .product(name: "ZonelistHarness", package: root),
      ],
      path: "Benchmarks/ZonelistBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ]
)
