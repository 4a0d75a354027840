import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `zonelist snapshot`: the live reader and the capture guests take one list of files.
@Suite struct SnapshotTests {
  /// Boots captured by the guest that runs the shared list (``SnapshotManifest``).
  static let captures = BootFixture.folders("snapshot")

  static func temporary() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-snapshot-\(UUID().uuidString)").path
  }

  /// This machine's own `/sys` and `/proc`: the snapshot builds, and where the kernel's own
  /// zonelist lines were readable (and no hot-add rebuilt the lists since boot), the model's
  /// lines from the snapshot are the kernel's.
  @Test func snapshotOfThisMachineBuilds() throws {
    let folder = Self.temporary()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let snapshot = LiveSnapshot()
    try snapshot.write(to: folder)
    #expect(snapshot.files[SystemSnapshot.Path.version] != nil, "no proc/version taken: \(snapshot.unreadable)")
    // simulate reads thp_fault_alloc from it (a THP refill's leftover block on a per-CPU list).
    #expect(snapshot.files[SnapshotManifest.vmstat] != nil, "no proc/vmstat taken: \(snapshot.unreadable)")
    let input = try ModelInput.load(sysroot: folder, topologyFile: nil, kernel: nil)
    let run = try ZonelistRun(input: input, context: .boot)
    #expect(!run.build.lists.isEmpty)
    let kernel = BootCapture.zonelistLines(dmesg: snapshot.kernelLog ?? "")
    if kernel.filter({ $0.hasPrefix("Built ") }).count == 1, let lines = run.kernelLogLines {
      #expect(lines == kernel)
    }
    let (tunables, _) = try input.tunables(sysroot: folder)
    if FileManager.default.fileExists(atPath: "/proc/sys/vm/min_free_kbytes") {
      #expect(tunables.minFreeKibibytes != nil, "proc/sys/vm/min_free_kbytes was not taken")
    }
  }

  /// A fake root (a captured boot's folder plus files no command reads): the snapshot takes
  /// exactly the listed files, the rest stays behind, a file the reader refuses is recorded
  /// with its reason, and the kernel log keeps only the lines the commands read.
  @Test func fakeRootGivesTheListedFilesAndRecordsWhatItCouldNotRead() throws {
    let capture = try #require(Self.captures.first { $0.name.hasSuffix("6.12") })
    let root = Self.temporary()
    let output = Self.temporary()
    defer { for path in [root, output] { try? FileManager.default.removeItem(atPath: path) } }
    try FileManager.default.copyItem(atPath: capture.path, toPath: root)
    let noise = ["sys/devices/system/node/node0/compact", "sys/devices/system/cpu/cpufreq/boost", "proc/slabinfo"]
    for path in noise {
      try FileManager.default.createDirectory(
        atPath: (root + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Data("x\n".utf8).write(to: URL(fileURLWithPath: root + "/" + path))
    }
    let refused = SnapshotManifest.pageTypeInfo
    let snapshot = LiveSnapshot(root: root) { path in
      path.hasSuffix("/" + refused) ? .failure(.init("permission denied")) : LiveSnapshot.read(path)
    }
    try snapshot.write(to: output)
    for path in noise { #expect(snapshot.files[path] == nil, "\(path) is not in the list") }
    #expect(snapshot.files[refused] == nil)
    #expect(LiveSnapshot.recordedUnreadable(root: output) == [refused])
    let log = try #require(snapshot.kernelLog)
    #expect(log.split(separator: "\n").allSatisfy { SnapshotManifest.keepsKernelLogLine(String($0)) })
    #expect(BootCapture.zonelistLines(dmesg: log) == BootCapture.zonelistLines(dmesg: try String(contentsOfFile: capture.path + "/dmesg", encoding: .utf8)))
    let input = try ModelInput.load(sysroot: output, topologyFile: nil, kernel: nil)
    #expect(try ZonelistRun(input: input, context: .boot).kernelLogLines == BootCapture.zonelistLines(dmesg: log))
  }

  /// `capture` and `verify --keep` hold the files a live snapshot holds: the guest's `sysroot`
  /// and the live reader take the same list, so reading a captured boot as a root gives back
  /// every file the guest sent (and the guest sent the `vm` sysctls, caches and pagetypeinfo
  /// the boot fixtures of earlier sessions lack).
  @Test(arguments: captures.map(\.name))
  func captureHoldsTheSnapshotFiles(_ name: String) throws {
    let folder = BootFixture.directory + "/snapshot/" + name
    let snapshot = LiveSnapshot(root: folder)
    let extras: Set<String> = ["dmesg", "qemu-args", "topology.yaml", ModelInput.dmaReserveFile, SnapshotManifest.daxLinksFile]
    let captured = try Self.files(under: folder).filter { !extras.contains($0) }
    #expect(Set(snapshot.files.keys).subtracting([SnapshotManifest.daxLinksFile]) == captured)
    for path in SnapshotManifest.vmSysctls + [SnapshotManifest.pageTypeInfo, SnapshotManifest.buddyinfo] {
      #expect(captured.contains(path), "\(name): the guest sent no \(path)")
    }
    #expect(captured.contains { $0.hasSuffix("/cache/index0/size") }, "\(name): no CPU cache files")
  }

  /// A boot captured with the shared list holds `proc/sys/vm` and what tells the pages freed
  /// after the boot set the watermarks, so the zoneinfo lines the model prints equal the
  /// guest's own `/proc/zoneinfo`, line for line, the run-time lines left out (the README's
  /// filter; before 6.7 the page sets' `high:` is a boot figure and is compared too).
  @Test(arguments: captures.map(\.name))
  func bootWatermarksAreTheGuestsZoneinfo(_ name: String) throws {
    let folder = BootFixture.directory + "/snapshot/" + name
    let input = try ModelInput.load(sysroot: folder, topologyFile: nil, kernel: nil)
    let (tunables, notes) = try input.tunables(sysroot: folder)
    #expect(notes.isEmpty, "\(name): \(notes)")
    let (boot, lateNotes) = input.bootWatermarkTopology(sysroot: folder)
    #expect(lateNotes.isEmpty, "\(name): \(lateNotes)")
    let report = TuningCalculator(topology: boot, profile: input.profile, onlineCPUCount: input.topology.cpus.count).compute(tunables)
    let model = ZoneinfoFormat.text(report, topology: input.topology, profile: input.profile, onlineCPUs: input.topology.cpus)
      .split(separator: "\n").map(String.init)
    let kernel = try String(contentsOfFile: folder + "/proc/zoneinfo", encoding: .utf8).split(separator: "\n").map(String.init)
      .filter { Self.isComputedLine($0, autoTunedHigh: input.profile.version >= KernelVersion(6, 7)) }
    #expect(model == kernel, "\(name): \(zip(model, kernel).first { $0 != $1 }.map { "model '\($0)' kernel '\($1)'" } ?? "lengths \(model.count) vs \(kernel.count)")")
    // Without the late frees (the current managed pages) some watermark differs: the boot figure is not the recomputed one.
    let current = ZoneinfoFormat.text(
      TuningCalculator(topology: input.topology, profile: input.profile, onlineCPUCount: input.topology.cpus.count).compute(tunables),
      topology: input.topology, profile: input.profile, onlineCPUs: input.topology.cpus)
    #expect(current.split(separator: "\n").map(String.init) != kernel)
  }

  /// The lines of `/proc/zoneinfo` the model computes (the README's `grep -E`).
  static func isComputedLine(_ line: String, autoTunedHigh: Bool) -> Bool {
    let prefixes = ["Node ", "  pagesets", "    cpu: ", "  vm stats threshold"]
    let fields = ["boost", "min", "low", "high", "promo", "spanned", "present", "managed", "cma", "protection:"]
    let pageSetFields = ["batch:", "high_min:", "high_max:"] + (autoTunedHigh ? [] : ["high:"])
    return prefixes.contains { line.hasPrefix($0) } || fields.contains { line.hasPrefix("        \($0) ") }
      || pageSetFields.contains { line.hasPrefix("              \($0)") }
  }

  /// The capture fixtures of this suite have a fixed count.
  @Test func captureCount() { BootFixture.expectCount("snapshot") }

  static func files(under folder: String) throws -> Set<String> {
    let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
    var files: Set<String> = []
    while let path = enumerator.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
        files.insert(path)
      }
    }
    return files
  }

  /// The pattern matcher on its own (a hand-made table).
  @Test func patternComponentsMatchAsTheShellDoes() {
    let cases: [(String, String, Bool)] = [
      ("node0", "node[0-9]*", true), ("node12", "node[0-9]*", true), ("node", "node[0-9]*", false),
      ("nodeX", "node[0-9]*", false), ("cpu7", "cpu[0-9]*", true), ("cpufreq", "cpu[0-9]*", false),
      ("dax0.0", "*", true), ("read_latency", "read_latency", true), ("index3", "index?", true),
    ]
    for (name, pattern, expected) in cases {
      #expect(SnapshotManifest.matches(name, component: pattern) == expected, "\(name) ~ \(pattern)")
    }
  }
}
