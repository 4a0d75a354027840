import Testing
import ZonelistCore
import ZonelistHarness

/// The typed diagnostics and the exactness rule, matched by case.
@Suite struct ExactnessTests {
  static let files: [String: String] = [
    SystemSnapshot.Path.possible: "0-1\n", SystemSnapshot.Path.online: "0-1\n",
    SystemSnapshot.Path.node(0, "distance"): "10 20\n", SystemSnapshot.Path.node(0, "cpulist"): "0\n",
    SystemSnapshot.Path.node(1, "distance"): "20 10\n", SystemSnapshot.Path.node(1, "cpulist"): "1\n",
    SystemSnapshot.Path.zoneinfo:
      "Node 0, zone    DMA32\n        spanned  1000\n        present  1000\n        managed  900\nNode 1, zone    DMA32\n        spanned  1000\n        present  1000\n        managed  900\n",
  ]

  static func snapshot(_ override: [String: String?], directories: [Int] = [0, 1]) throws -> SystemSnapshot {
    var files = Self.files
    for (path, text) in override { files[path] = text }
    return try SystemSnapshot(files: files, nodeDirectories: directories, root: "snap")
  }

  @Test func aCompleteSnapshotAssumesNothing() throws {
    let snapshot = try Self.snapshot([:])
    #expect(snapshot.diagnostics.isEmpty)
  }

  @Test func anEmptyDistanceFileBlocksEveryNodeOrder() throws {
    let snapshot = try Self.snapshot([SystemSnapshot.Path.node(1, "distance"): ""])
    #expect(snapshot.diagnostics.contains(.distanceEmpty(nodes: [1])))
    #expect(snapshot.diagnostics.contains(.distancesFromOtherRows(nodes: [1])))
    for format in [Exactness.KernelText.kernelLog, .mminit] {
      #expect(Exactness.blocking(snapshot.diagnostics, for: format).contains(.distanceEmpty(nodes: [1])))
    }
    #expect(Exactness.blocking(snapshot.diagnostics, for: .zoneinfo).isEmpty)
  }

  @Test func anOnlineNodeWithoutItsFolderBlocks() throws {
    let snapshot = try Self.snapshot(
      [SystemSnapshot.Path.node(1, "distance"): nil, SystemSnapshot.Path.node(1, "cpulist"): nil], directories: [0])
    #expect(snapshot.diagnostics.contains(.onlineWithoutDirectory(nodes: [1])))
    #expect(snapshot.diagnostics.contains(.distanceMissing(nodes: [1])))
    #expect(!Exactness.blocking(snapshot.diagnostics, for: .kernelLog).isEmpty)
    #expect(Exactness.blocking(snapshot.diagnostics, for: .zoneinfo) == [.onlineWithoutDirectory(nodes: [1])])
  }

  @Test func aMissingZoneinfoBlocksEveryKernelText() throws {
    let snapshot = try Self.snapshot([
      SystemSnapshot.Path.zoneinfo: nil, SystemSnapshot.Path.node(0, "meminfo"): "Node 0 MemTotal: 4000 kB\n",
      SystemSnapshot.Path.node(1, "meminfo"): "Node 1 MemTotal: 4000 kB\n",
    ])
    #expect(snapshot.diagnostics == [.zoneinfoMissing])
    for format in Exactness.KernelText.allCases where format != .tiersKernelLog {
      #expect(Exactness.blocking(snapshot.diagnostics, for: format) == [.zoneinfoMissing], "\(format)")
    }
  }

  @Test func readingsThatAssumeNothingNeverBlock() {
    let readings: [Diagnostic] = [
      .filesEndInNUL(count: 1, example: "x"), .offlineDirectories(nodes: [2]), .cpusFromCpumap(nodes: [0]),
      .distanceRowsPerPossibleNode(nodes: [0], possible: [0, 1], online: [0]), .localDistanceBetweenNodes(nodes: [0]),
    ]
    for format in Exactness.KernelText.allCases {
      #expect(Exactness.blocking(readings, for: format, extra: Set(Diagnostic.Reliance.allCases)).isEmpty)
    }
    #expect(AssumptionReport.list(readings).isEmpty)
  }

  @Test func dmaReserveBlocksOnlyTheBuiltLine() {
    let missing: [Diagnostic] = [.dmaReserveMissing(series: "6.1", root: "snap", file: ModelInput.dmaReserveFile)]
    #expect(Exactness.blocking(missing, for: .kernelLog) == missing)
    #expect(Exactness.blocking(missing, for: .mminit).isEmpty)
    #expect(AssumptionReport.list(missing).first?.file == ModelInput.dmaReserveFile)
    #expect(AssumptionReport.list(missing).first?.affects == ["totalPages"])
  }

  /// Real snapshots of 6.12 and 7.2 boots give the kernel's lines: nothing blocks them.
  @Test(arguments: BootFixture.all.filter { $0.name.hasSuffix("-6.12") || $0.name.hasSuffix("-7.2") })
  func realBootsDoNotBlock(_ fixture: BootFixture) throws {
    let input = try ModelInput.load(sysroot: fixture.path, topologyFile: nil, kernel: nil)
    for format in [Exactness.KernelText.kernelLog, .mminit] {
      let blocking = Exactness.blocking(input.diagnostics, for: format, extra: [.possibleNodes])
      #expect(blocking.isEmpty, "\(fixture.name) \(format): \(blocking)")
    }
  }
}

@Suite struct KernelReleaseTests {
  @Test func releasesThatExist() {
    for (major, minor, patch) in [(2, 6, 23), (2, 6, 39), (3, 19, 0), (4, 20, 0), (5, 19, 0), (6, 19, 0), (7, 3, 0)] {
      #expect(KernelReleases.exists(KernelVersion(major, minor, patch)), "\(major).\(minor).\(patch)")
    }
    for (major, minor, patch) in [(99, 0, 0), (7, 4, 0), (6, 20, 0), (4, 21, 0), (3, 20, 0), (2, 6, 40), (2, 7, 0), (8, 0, 0)] {
      #expect(!KernelReleases.exists(KernelVersion(major, minor, patch)), "\(major).\(minor).\(patch)")
    }
    #expect(throws: KernelReleaseError.notModeled(KernelVersion(2, 6, 19))) { try KernelReleases.check(KernelVersion(2, 6, 19)) }
    #expect(throws: KernelReleaseError.noSuchRelease(KernelVersion(7, 4))) { try KernelReleases.check(KernelVersion(7, 4)) }
  }

  @Test func labelsKeepTheDigitsThatMatter() {
    #expect(KernelVersion(2, 6, 19).series == "2.6.19")
    #expect(KernelVersion(2, 6, 24).series != KernelVersion(2, 6, 30).series)
    #expect(KernelVersion(parsing: "6.12.117+deb12-amd64")?.series == "6.12")
    #expect(KernelVersion(parsing: "2.6.24.7")?.seriesStart == KernelVersion(2, 6, 24))
  }

  @Test func onlyReleasesPastTheSourceReadAssumeRules() {
    #expect(KernelReleases.assumedRules(for: KernelVersion(7, 4, 1)) == KernelVersion(7, 2))
    #expect(KernelReleases.assumedRules(for: KernelVersion(7, 3, 1)) == nil)
    #expect(KernelReleases.assumedRules(for: KernelVersion(7, 2, 13)) == nil)
    #expect(KernelReleases.assumedRules(for: KernelVersion(6, 15)) == nil)
    #expect(ModelInput.profileDiagnostics(KernelProfile(version: KernelVersion(7, 4))).first?.relies == [.rules])
    // 7.3 is not booted here, but its source was compared with 7.2's: said, not assumed.
    let compared = ModelInput.profileDiagnostics(KernelProfile(version: KernelVersion(7, 3)))
    #expect(compared == [.rulesFromComparedSource(release: KernelVersion(7, 3), rules: KernelVersion(7, 2))])
    #expect(!compared[0].isAssumption)
    #expect(ModelInput.profileDiagnostics(KernelProfile(version: KernelVersion(7, 2))).isEmpty)
  }

  /// A machine's own proc/version is a release that exists, even one newer than this list.
  @Test func aMachineNewerThanTheListIsTakenWithItsAssumption() throws {
    let (profile, _) = try ModelInput.resolveProfile(kernel: nil, fromInput: "7.5.0-1-amd64", inputName: "proc/version")
    #expect(ModelInput.profileDiagnostics(profile) == [.rulesAssumed(release: KernelVersion(7, 5), rules: KernelVersion(7, 2))])
    #expect(throws: (any Error).self) { try ModelInput.resolveProfile(kernel: "7.5", fromInput: nil, inputName: "") }
  }
}

@Suite struct CheckedSizeTests {
  @Test(arguments: ["1000000T", "65536T", "4097T", "10000000000T"])
  func memoryPastTheAddressSpaceIsALocatedError(_ size: String) {
    let text = "kernel: \"6.12\"\nnodes:\n  - id: 0\n    cpus: 0-1\n    memory: \(size)\n"
    #expect {
      try TopologyFile.parse(text, file: "t.yaml")
    } throws: { error in
      (error as? ImportError)?.line == 5 && (error as? ImportError)?.file == "t.yaml"
    }
  }

  @Test func byteCountsNeverTrap() {
    #expect(TopologyFile.bytes("8796093022208T") == nil)
    #expect(TopologyFile.bytes("4096T") == 1 << 52)
  }

  @Test func zoneinfoPastTheAddressSpaceIsALocatedError() {
    let big = "Node 0, zone   Normal\n        spanned  1099511627776\n        present  1099511627776\n        managed  1\nNode 1, zone   Normal\n        spanned  5\n        present  5\n        managed  5\n"
    #expect {
      try Zoneinfo(parsing: big, file: "z")
    } throws: { error in
      (error as? ImportError)?.line == 7
    }
  }

  @Test func hotplugPagesAreBounded() {
    #expect(HotplugEvent(parsing: "online node=0 zone=Normal pages=9223372036854775807") == nil)
    #expect(HotplugEvent(parsing: "online node=0 zone=Normal pages=-5") == nil)
    #expect(HotplugEvent(parsing: "online node=5000 zone=Normal pages=5") == nil)
    #expect(HotplugEvent(parsing: "online node=0 zone=Normal pages=1099511627776") != nil)
  }

  /// The largest machine with the largest min_free_kbytes the kernel takes: the kernel's u64
  /// arithmetic, no trap.
  @Test func watermarksOnTheLargestMachineDoNotTrap() throws {
    var node = Node(id: 0, isOnline: true, cpus: [0])
    let pages = Pages(Architecture.x86_64.maxPhysicalPages - (1 << 20))
    node.zones = [.normal: ZoneSize(spanned: pages, present: pages, managed: pages)]
    let topology = try Topology(nodes: [node], distances: nil, bootCPU: 0)
    var tunables = VMTunables()
    try tunables.set("vm.min_free_kbytes=2147483647", zoneTypes: KernelProfile.linux6_12.zoneTypes)
    let report = TuningCalculator(topology: topology, profile: .linux6_12).compute(tunables)
    let normal = try #require(report.zones[ZoneReference(node: 0, type: .normal)])
    #expect(normal.min > 0 && normal.min <= 2_147_483_647 >> 2)
  }
}

extension CheckedSizeTests {
  @Test(arguments: ["              count: 9223372036854775807", "              high:  -1"])
  func perCPUCountsAreBounded(_ line: String) {
    let text = "Node 0, zone   Normal\n        spanned  5\n        present  5\n        managed  5\n  pagesets\n    cpu: 0\n\(line)\n"
    #expect {
      try Zoneinfo(parsing: text, file: "z")
    } throws: { error in
      (error as? ImportError)?.line == 7
    }
  }
}
