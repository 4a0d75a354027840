import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// Every input the fuzzing campaign (`Scripts/fuzz.sh`, `Docs/fuzzing.md`) found to crash or
/// hang a parser, minimized: each must now be a located error (file, line, expectation).
@Suite struct FuzzRegressionTests {
  /// The two-node machine the sysfs fuzz targets start from.
  static let files: [String: String] = [
    SystemSnapshot.Path.online: "0-1\n", SystemSnapshot.Path.possible: "0-1\n",
    SystemSnapshot.Path.cpuOnline: "0-1\n",
    SystemSnapshot.Path.node(0, "cpulist"): "0\n", SystemSnapshot.Path.node(1, "cpulist"): "1\n",
    SystemSnapshot.Path.node(0, "distance"): "10 20\n", SystemSnapshot.Path.node(1, "distance"): "20 10\n",
    SystemSnapshot.Path.node(0, "meminfo"): "Node 0 MemTotal:        1048576 kB\n",
    SystemSnapshot.Path.node(1, "meminfo"): "Node 1 MemTotal:        1048576 kB\n",
  ]

  /// Reads the machine with `override` applied, as `Sysroot.read` does after reading the files.
  static func error(_ override: [String: String?], directories: [Int] = [0, 1]) -> ImportError? {
    var files = Self.files
    for (path, text) in override { files[path] = text }
    do {
      _ = try Sysroot.snapshot(
        contents: files.mapValues { Data($0.utf8) }, nodeDirectories: directories, cpuDirectories: [], root: "snap")
      return nil
    } catch {
      return error
    }
  }

  /// Fuzz target `lists` (timeout): a cpulist of a million CPUs took seconds to expand and
  /// more to lay out. Kernel: a CPU id is below `NR_CPUS` (8192 on Debian's kernels).
  @Test(arguments: [
    (SystemSnapshot.Path.node(0, "cpulist"), "0-1033323"), (SystemSnapshot.Path.cpuOnline, "0-1048572"),
    (SystemSnapshot.Path.node(1, "cpulist"), "8192"),
  ])
  func aCPUListBeyondNRCPUsIsALocatedError(path: String, text: String) throws {
    let error = try #require(Self.error([path: text]))
    #expect(error.file == "snap/\(path)")
    #expect(error.line == 1)
    #expect(error.expected == "an id below 8192")
  }

  /// The same CPUs listed many times are expanded once.
  @Test func repeatedRangesAreMergedBeforeTheyAreExpanded() throws {
    let text = Array(repeating: "0-8191", count: 500).joined(separator: ",") + ",5,8000-8100"
    #expect(try IDList.parse(text) == Array(0...8191))
    #expect(try IDList.parse("7,3-5,4-9,1") == [1, 3, 4, 5, 6, 7, 8, 9])
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `topology`: a YAML error at the end of a file without a final newline named
  /// the line after the last one (libyaml's end-of-stream mark).
  @Test func aYAMLErrorAtTheEndOfAFileNamesItsLastLine() throws {
    let text = "nodes:\n  - id: 0\n    cpus: 0\ndistances:\n  - [e, two CPU10,s"
    #expect {
      _ = try TopologyFile.parse(text, file: "t.yaml")
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.file == "t.yaml" && error.line == 5 && error.expected == "well-formed YAML or JSON"
    }
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `version` (crash): a `/proc/cmdline` word that is just `=` split into nothing
  /// and was indexed. Kernel: `parse_args()` takes any word; one without a name is no option.
  @Test func aCommandLineWordOfJustAnEqualsSignIsNoOption() throws {
    var files = Self.files
    files[SystemSnapshot.Path.cmdline] = "numa=off = == =x movablecore= kernelcore=1G\r\n"
    let snapshot = try Sysroot.snapshot(
      contents: files.mapValues { Data($0.utf8) }, nodeDirectories: [0, 1], cpuDirectories: [], root: "snap")
    let options = try #require(snapshot.bootOptions)
    #expect(options.numaOff)
    #expect(options.movableCore == nil)
    #expect(options.kernelCore == "1G")
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `workload`: libyaml breaks lines at CR (and CR LF, NEL, LS, PS) too, but the
  /// error's text was looked up in lines split at LF only (a Swift `String` holds CR LF as one
  /// character), so the error named a line the file did not have, with no text.
  @Test(arguments: [
    ("nodes:\r  - id: 0\r    cpus: 0\r    bogus: 1\r", 4), ("nodes:\r\n  - id: 0\r\n    bogus: 1\r\n", 3),
    ("nodes:\n  - id: 0\u{2028}    bogus: 1", 3),
  ])
  func anErrorInAFileWithCarriageReturnsShowsItsLine(text: String, line: Int) throws {
    #expect {
      _ = try TopologyFile.parse(text, file: "t.yaml")
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.line == line && error.text == "bogus: 1" && error.expected.hasPrefix("one of the keys")
    }
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `caches` (crash, found by reading the code the target covers): a cache `size`
  /// whose bytes pass Int's range trapped when multiplied by its unit; it is a located error.
  @Test func aCacheSizePastIntsRangeIsNoSize() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-caches-\(UInt64.random(in: 0...UInt64.max))")
    defer { try? FileManager.default.removeItem(at: root) }
    let leaf = root.appendingPathComponent("sys/devices/system/cpu/cpu0/cache/index0")
    try FileManager.default.createDirectory(at: leaf, withIntermediateDirectories: true)
    for (name, text) in [("type", "Unified\n"), ("size", "99999999999999999G\n"), ("shared_cpu_list", "0\n")] {
      try Data(text.utf8).write(to: leaf.appendingPathComponent(name))
    }
    #expect(throws: ImportError.self) { try CPUCaches.dataSlices(sysroot: root.path, cpus: [0]) }
    try Data("16384K\n".utf8).write(to: leaf.appendingPathComponent("size"))
    #expect(try CPUCaches.dataSlices(sysroot: root.path, cpus: [0]).slices == [0: 16_777_216])
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `lists` (timeout under ASan): `online` listing all 1024 nodes (MAX_NUMNODES)
  /// beside two node directories fills a 1024×1024 distance table; it is read, with every
  /// assumption stated.
  @Test func everyPossibleNodeOnlineWithTwoDirectoriesReads() throws {
    var files = Self.files
    files[SystemSnapshot.Path.online] = "0-01023\n"
    let snapshot = try Sysroot.snapshot(
      contents: files.mapValues { Data($0.utf8) }, nodeDirectories: [0, 1], cpuDirectories: [], root: "snap")
    #expect(snapshot.topology.onlineNodes.count == 1024)
    #expect(snapshot.diagnostics.contains(.onlineWithoutDirectory(nodes: Array(2...1023))))
    #expect(snapshot.diagnostics.contains(.addedToPossible(nodes: Array(2...1023))))
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `version` (crash): a release whose first number has more digits than an Int
  /// holds was force-unwrapped.
  @Test func aReleaseNumberPastIntsRangeIsALocatedError() throws {
    let error = try #require(Self.error([SystemSnapshot.Path.version: "Linux version 4.12015062320150601506\n"]))
    #expect(error.file == "snap/\(SystemSnapshot.Path.version)")
    #expect(error.line == 1)
    #expect(error.expected == "'Linux version X.Y…'")
    #expect(KernelVersion(parsing: "99999999999999999999.1") == nil)
  }

  /// Fuzz target `workload`: an empty document (`---` without a final newline) was reported
  /// on the line after the file's only line.
  @Test func anEmptyDocumentIsReportedOnItsLine() throws {
    #expect {
      _ = try TopologyFile.parse("---", file: "t.yaml")
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.line == 1 && error.text == "---" && error.expected == "a mapping with 'nodes:'"
    }
  }
}

extension MachineInputFixtureTests {
  /// Fuzz target `machines` (crash: "Fatal access conflict detected", at once): every error in
  /// numactl's distance table trapped, as the error builder read the line number that was
  /// passed inout beside it. A short row is a located error.
  @Test func aShortNumactlDistanceRowIsALocatedError() throws {
    let text = """
      available: 2 nodes (0-1)
      node 0 cpus: 0
      node 0 size: 512 MB
      node 0 free: 500 MB
      node 1 cpus: 1
      node 1 size: 512 MB
      node 1 free: 500 MB
      node distances:
      node   0   1
        0:  10  20
        1:  20

      """
    #expect {
      _ = try ImportedMachine.read(text, file: "numactl-hardware", format: .numactl)
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.file == "numactl-hardware" && error.line == 11 && error.text == "  1:  20" && error.expected.hasPrefix("2 distances in the row of node 1")
    }
  }
}

extension FuzzRegressionTests {
  /// A ustar header for `name` of `type` and `size` bytes, its checksum filled in.
  static func tarHeader(_ name: String, type: Character, size: Int) -> [UInt8] {
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) { for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte } }
    func octal(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: width - String(value, radix: 8).count) + String(value, radix: 8) }
    put(name, at: 0)
    put("0000644", at: 100)
    put(octal(size, 11), at: 124)
    put(octal(0, 11), at: 136)
    put(String(type), at: 156)
    put("ustar\u{0}00", at: 257)
    put("        ", at: 148)
    put(octal(header.reduce(0) { $0 + Int($1) }, 6) + "\u{0} ", at: 148)
    return header
  }

  /// Fuzz target `archive` (crash: "Range requires lowerBound <= upperBound"): a pax record
  /// with an `=` before its length's space (`path=snap/c … 53 L`) made a backwards range. Such
  /// a record names no key: it is left out, and the archive is read.
  @Test func aPaxRecordWithItsEqualsSignBeforeTheSpaceIsNoKey() throws {
    let records = Array("path=snap/c 1\n".utf8)
    var bytes = Self.tarHeader("././@PaxHeader", type: "x", size: records.count) + records
    bytes += [UInt8](repeating: 0, count: 512 - records.count)
    bytes += Self.tarHeader("snap/online", type: "0", size: 0) + [UInt8](repeating: 0, count: 1024)
    let tar = try TarArchive(bytes: bytes, file: "snapshot.tar")
    #expect(tar.entries.map(\.path) == ["snap/online"])
  }
}

extension FuzzRegressionTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func topologyError(_ text: String) -> ImportError? {
    do {
      _ = try TopologyFile.parse(text, file: "t.yaml")
      return nil
    } catch {
      return error
    }
  }

  /// Fuzz target `topology` (timeout, over 100 s): duplicated, nested complex keys made Yams
  /// sort them to name the duplicates, comparing nested sequences both ways per element. A
  /// key that is not a scalar is refused, in one pass, before Yams composes the text.
  @Test func nestedDuplicatedComplexKeysAreALocatedError() throws {
    let seed = Self.repository.appending(path: "Fuzz/seeds/topology/timeout-yams-duplicate-complex-keys")
    let text = try String(contentsOf: seed, encoding: .utf8)
    let error = try #require(Self.topologyError(text))
    #expect(error.line == 2)
    #expect(error.text == "? - [22, 12, 17]")
    #expect(error.expected == "a plain key (a sequence or mapping used as a key is not part of the format)")
  }

  /// Flow and explicit complex keys, and nesting past the bound, anywhere in the file.
  @Test(arguments: [
    ("nodes:\n  - id: 0\n    [a, b]: 1\n", 3, "a plain key (a sequence or mapping used as a key is not part of the format)"),
    ("nodes:\n  - id: 0\n    ? {a: 1}\n    : 2\n", 3, "a plain key (a sequence or mapping used as a key is not part of the format)"),
    ("? - a\n: 1\n", 1, "a plain key (a sequence or mapping used as a key is not part of the format)"),
    ("nodes: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "\n", 1,
     "at most 64 nested collections"),
  ])
  func complexKeysAndDeepNestingAreLocatedErrors(text: String, line: Int, expected: String) throws {
    let error = try #require(Self.topologyError(text))
    #expect(error.file == "t.yaml")
    #expect(error.line == line)
    #expect(error.expected == expected)
  }

  /// Plain keys and 64 levels of nesting still read (the check refuses nothing the format has).
  @Test func plainKeysAndSixtyFourLevelsPassTheShapeCheck() throws {
    let deep = "nodes: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n"
    let error = try #require(Self.topologyError(deep))
    #expect(error.expected != "at most 64 nested collections")
    #expect(Self.topologyError("nodes:\n  - id: 0\n    memory: 1G\n    cpus: 0\n") == nil)
  }
}

extension FuzzRegressionTests {
  /// Fuzz target `tunables` (out of memory): `FileManager.contents(atPath:)` keeps 4 KiB for
  /// every file whose size is 0, empty files and every `/proc` file alike; 310,642 reads ran the
  /// target out of memory. Every reader now goes through ``FileBytes/read(_:)``; replaying
  /// `Fuzz/seeds/tunables/oom-05d17e70` under LeakSanitizer (`Scripts/fuzz.sh ci`) fails on a leak.
  @Test func filesOfSizeZeroReadWholeAndFoldersAreNoFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("filebytes-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    #expect(FileManager.default.createFile(atPath: folder + "/empty", contents: Data()))
    #expect(FileManager.default.createFile(atPath: folder + "/large", contents: Data(large)))
    #expect(FileBytes.read(folder + "/empty") == Data())
    #expect(FileBytes.read(folder + "/large") == Data(large))
    #expect(FileBytes.read(folder) == nil)
    #expect(FileBytes.read(folder + "/missing") == nil)
    // A procfs file states size 0 and is read to its end.
    let status = try #require(FileBytes.read("/proc/self/status"))
    let text = String(decoding: status, as: UTF8.self)
    #expect(text.hasPrefix("Name:"))
    #expect(text.hasSuffix("\n"))
    #expect(text.contains("\nVmRSS:"))
  }

  /// The leak itself is Foundation's, so the guard is that no reader calls it again: fuzzing runs
  /// without LeakSanitizer (Swift's runtime caches read as leaks), and one leaked page a read only
  /// shows after hundreds of thousands of reads.
  @Test func noReaderCallsTheLeakingFileManagerRead() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized.path
    let files = try #require(FileManager.default.enumerator(atPath: sources)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    #expect(files.count > 100)
    var callers: [String] = []
    for file in files {
      let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
      for line in text.split(separator: "\n") where line.contains("contents(atPath:") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
        callers.append("\(file): \(line)")
      }
    }
    #expect(callers.isEmpty, "use FileBytes.read: \(callers)")
  }
}
