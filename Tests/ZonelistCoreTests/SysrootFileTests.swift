import Foundation
import Testing
import ZonelistCore
@testable import ZonelistHarness

/// The optional files a sysroot may hold beside the node tree (CPU caches, pagetypeinfo and
/// buddyinfo, tiering files, settings): a file that is present but unreadable, not UTF-8 or
/// malformed is a located error; a missing one is a stated assumption, never a silent default.
@Suite struct SysrootFileTests {
  /// A fresh sysroot folder holding `files` (relative path → bytes).
  static func sysroot(_ files: [String: [UInt8]]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-sysroot-\(UInt64.random(in: 0...UInt64.max))")
    for (path, bytes) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: url)
    }
    return root
  }

  static let notUTF8: [UInt8] = [0x31, 0xFF, 0xFE, 0x0A]
  static let leaf = "sys/devices/system/cpu/cpu0/cache/index1"

  /// The error `body` throws, which must be an `ImportError`.
  static func error(_ body: () throws -> Void) -> ImportError? {
    do { try body() } catch let error as ImportError { return error } catch { Issue.record("not an ImportError: \(error)") }
    return nil
  }

  @Test func aCacheLeafThatIsNotUTF8IsALocatedError() throws {
    let root = try Self.sysroot([
      "sys/devices/system/cpu/cpu0/cache/index0/type": Array("Data\n".utf8),
      "\(Self.leaf)/type": Array("Unified\n".utf8), "\(Self.leaf)/size": Array("16384K\n".utf8),
      "\(Self.leaf)/shared_cpu_list": Self.notUTF8,
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    let error = try #require(Self.error { _ = try CPUCaches.dataSlices(sysroot: root.path, cpus: [0]) })
    #expect(error.file.hasSuffix("\(Self.leaf)/shared_cpu_list") && error.expected == "UTF-8 text")
  }

  @Test(arguments: [("type", "Bogus", "a cache type"), ("size", "16384Q", "a cache size"), ("size", "+5K", "a cache size"),
    ("shared_cpu_list", "0-x", "a CPU list"), ("shared_cpu_list", "", "the CPUs sharing")])
  func aMalformedCacheLeafIsALocatedError(file: String, text: String, expected: String) throws {
    var files = ["type": "Unified", "size": "16384K", "shared_cpu_list": "0-3"]
    files[file] = text
    let root = try Self.sysroot(Dictionary(uniqueKeysWithValues: files.map { ("\(Self.leaf)/\($0.key)", Array("\($0.value)\n".utf8)) }))
    defer { try? FileManager.default.removeItem(at: root) }
    // index1 without index0 is no leaf at all: the folders count from index0.
    #expect(try CPUCaches.dataSlices(sysroot: root.path, cpus: [0]) == (slices: [:], unknown: [0]))
    try FileManager.default.createDirectory(at: root.appendingPathComponent("sys/devices/system/cpu/cpu0/cache/index0"), withIntermediateDirectories: true)
    let error = try #require(Self.error { _ = try CPUCaches.dataSlices(sysroot: root.path, cpus: [0]) })
    #expect(error.file.hasSuffix("\(Self.leaf)/\(file)") && error.expected.hasPrefix(expected) && error.line == 1)
  }

  @Test func aCacheLeafWithoutSizeIsAnUnknownSliceAndAnInstructionCacheNone() throws {
    let root = try Self.sysroot([
      "sys/devices/system/cpu/cpu0/cache/index0/type": Array("Data\n".utf8),
      "\(Self.leaf)/type": Array("Unified\n".utf8), "\(Self.leaf)/shared_cpu_list": Array("0-3\n".utf8),
      "sys/devices/system/cpu/cpu1/cache/index0/type": Array("Instruction\n".utf8),
      "sys/devices/system/cpu/cpu1/cache/index0/size": Array("32K\n".utf8),
      "sys/devices/system/cpu/cpu1/cache/index0/shared_cpu_list": Array("1\n".utf8),
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(try CPUCaches.dataSlices(sysroot: root.path, cpus: [0, 1, 2]) == (slices: [:], unknown: [0, 2]))
    try Data("16384K\n".utf8).write(to: root.appendingPathComponent("\(Self.leaf)/size"))
    #expect(try CPUCaches.dataSlices(sysroot: root.path, cpus: [0, 1, 2]) == (slices: [0: 4_194_304], unknown: [2]))
  }

  @Test func pageTypeInfoThatIsNotUTF8IsALocatedError() throws {
    let root = try Self.sysroot(["proc/pagetypeinfo": Self.notUTF8])
    defer { try? FileManager.default.removeItem(at: root) }
    let error = try #require(Self.error { _ = try SimulationSetup.pageTypeInfo(root.path) })
    #expect(error.file.hasSuffix("proc/pagetypeinfo") && error.expected == "UTF-8 text")
  }

  @Test func buddyinfoThatIsNotUTF8IsALocatedError() throws {
    let page = "Page block order: 9\nPages per block:  512\n"
    let root = try Self.sysroot(["proc/pagetypeinfo": Array(page.utf8), "proc/buddyinfo": Self.notUTF8])
    defer { try? FileManager.default.removeItem(at: root) }
    let error = try #require(Self.error { _ = try SimulationSetup.pageTypeInfo(root.path) })
    #expect(error.file.hasSuffix("proc/buddyinfo") && error.expected == "UTF-8 text")
  }

  @Test func aMissingOrEmptyPageTypeInfoIsAStatedAssumption() throws {
    let root = try Self.sysroot(["proc/meminfo": Array("MemTotal: 1 kB\n".utf8)])
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(try SimulationSetup.pageTypeInfo(root.path) == .assumed(.pageTypeInfoMissing))
    try Data().write(to: root.appendingPathComponent("proc/pagetypeinfo"))
    #expect(try SimulationSetup.pageTypeInfo(root.path) == .assumed(.pageTypeInfoUnreadable))
    #expect(Diagnostic.pageTypeInfoUnreadable.isAssumption && Diagnostic.pageTypeInfoUnreadable.file == "proc/pagetypeinfo")
  }

  @Test(arguments: [TierSnapshot.Path.demotionEnabled, TierSnapshot.Path.figure(node: 0, access: 1, "read_latency"), Sysroot.daxDevicesFile])
  func aTieringFileThatIsNotUTF8IsALocatedError(path: String) throws {
    let root = try Self.sysroot([path: Self.notUTF8])
    defer { try? FileManager.default.removeItem(at: root) }
    let error = try #require(Self.error { _ = try Sysroot.tiers(root.path, memoryNodes: [0]) })
    #expect(error.file.hasSuffix(path) && error.expected == "UTF-8 text")
  }

  @Test(arguments: ["proc/sys/vm/min_free_kbytes", ModelInput.dmaReserveFile, "sys/kernel/mm/mempolicy/weighted_interleave/node0"])
  func aSettingThatIsNotUTF8IsALocatedError(path: String) throws {
    let root = try Self.sysroot([path: Self.notUTF8])
    defer { try? FileManager.default.removeItem(at: root) }
    let error = try #require(Self.error {
      _ = try Sysroot.tunables(root.path, zoneTypes: [.dma, .dma32, .normal])
      _ = try ModelInput.dmaReserve(root: root.path)
      _ = try SimulationSetup.interleaveWeights(root.path, nodes: [0])
    })
    #expect(error.file.hasSuffix(path) && error.expected == "UTF-8 text")
  }
}
