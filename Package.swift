// swift-tools-version: 6.3
import PackageDescription

let package = Package(
  name: "zonelist",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "zonelist", targets: ["zonelist"]),
    .library(name: "ZonelistCore", targets: ["ZonelistCore"]),
    .library(name: "ZonelistHarness", targets: ["ZonelistHarness"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    .target(name: "ZonelistCore", swiftSettings: [.strictMemorySafety()]),
    .target(
      name: "ZonelistHarness",
      dependencies: ["ZonelistCore", .product(name: "Yams", package: "Yams")]),
    .executableTarget(
      name: "zonelist",
      dependencies: [
        "ZonelistCore", "ZonelistHarness",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(
      name: "ZonelistCoreTests", dependencies: ["ZonelistCore", "ZonelistHarness"],
      exclude: ["Fixtures"]),
    .testTarget(name: "CLITests", dependencies: ["zonelist", "ZonelistCore", "ZonelistHarness"]),
  ]
)

for target in package.targets {
  target.swiftSettings = (target.swiftSettings ?? []) + [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
  ]
}
