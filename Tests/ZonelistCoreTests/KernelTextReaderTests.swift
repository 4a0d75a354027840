import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// The byte readers of kernel text (``KernelText``): every error path names the file, the line
/// and what was expected, and numbers read as `Int(_: String)` reads them.
@Suite struct KernelTextReaderTests {
  typealias P = SystemSnapshot.Path

  /// A two-node machine; `override` replaces files (nil removes one).
  static func snapshotError(_ override: [String: String?]) -> ImportError? {
    var files: [String: String] = [
      P.online: "0-1\n", P.possible: "0-1\n", P.cpuOnline: "0-1\n",
      P.node(0, "cpulist"): "0\n", P.node(1, "cpulist"): "1\n",
      P.node(0, "distance"): "10 20\n", P.node(1, "distance"): "20 10\n",
      P.node(0, "meminfo"): "Node 0 MemTotal:        1048576 kB\n",
      P.node(1, "meminfo"): "Node 1 MemTotal:        1048576 kB\n",
    ]
    for (path, text) in override { files[path] = text }
    do {
      _ = try Sysroot.snapshot(contents: files.mapValues { Data($0.utf8) }, nodeDirectories: [0, 1], cpuDirectories: [], root: "snap")
      return nil
    } catch {
      return error
    }
  }

  static let snapshotCases: [(path: String, text: String?, line: Int, expected: String)] = [
    (P.node(0, "distance"), "10 2x\n", 1, "distances as integers"),
    (P.node(0, "distance"), "10 20 30\n", 1, "2 distances, one per online node (0-1)"),
    (P.node(1, "distance"), "20 11\n", 1, "the distance from node 1 to itself is 11"),
    (P.node(0, "distance"), "10 300\n", 1, "10...255"),
    (P.node(0, "distance"), "10 99999999999999999999\n", 1, "distances as integers"),
    (P.node(0, "cpulist"), "0-1-2\n", 1, "a list like '0-3,8' of non-negative ids"),
    (P.node(0, "cpulist"), "0,,1\n", 1, "a list like '0-3,8' of non-negative ids"),
    (P.node(0, "cpulist"), "+-1\n", 1, "a list like '0-3,8' of non-negative ids"),
    (P.possible, "0-1,\n", 1, "a list like '0-3,8' of non-negative ids"),
    (P.node(0, "meminfo"), "Node 0 MemFree: 4 kB\nNode 0 MemTotal: lots kB\n", 2, "'Node N MemTotal: X kB'"),
    (P.node(0, "meminfo"), "Node 0 MemTotal: -4 kB\n", 1, "'Node N MemTotal: X kB'"),
    (P.node(0, "meminfo"), "Node 0 MemTotal:\n", 1, "'Node N MemTotal: X kB'"),
    (P.node(0, "meminfo"), "Node 0 MemTotal: 99999999999999999 kB\n", 1, "MemTotal at most"),
    (P.node(0, "meminfo"), "Node 0 MemFree: 4 kB\n", 0, "a 'Node N MemTotal: X kB' line"),
    (P.zoneinfo, "Node 5, zone DMA\n spanned 1\n present 1\n managed 1\n", 1, "a node listed in"),
  ]

  @Test(arguments: snapshotCases.indices)
  func aBadSnapshotFileIsALocatedError(_ index: Int) throws {
    let bad = Self.snapshotCases[index]
    let error = try #require(Self.snapshotError([bad.path: bad.text]), "\(bad)")
    #expect(error.file == "snap/\(bad.path)")
    #expect(error.line == bad.line, "\(error)")
    #expect(error.expected.contains(bad.expected), "\(error)")
  }

  @Test func aCPUMaskOfABadWordIsALocatedError() throws {
    for mask in ["0000000g\n", "000000001\n", "1,,2\n", "ff,\n"] {
      let error = try #require(Self.snapshotError([P.node(0, "cpulist"): nil, P.node(0, "cpumap"): mask]), "\(mask)")
      #expect(error.file == "snap/\(P.node(0, "cpumap"))")
      #expect(error.line == 1)
      #expect(error.expected.hasPrefix("a CPU mask of 32-bit hexadecimal words"))
    }
  }

  @Test func aCPUMaskReadsItsBits() throws {
    let files: [String: String] = [
      P.online: "0\n", P.node(0, "cpumap"): "00000001,8000000f\n", P.node(0, "distance"): "10\n",
      P.node(0, "meminfo"): "Node 0 MemTotal: 1048576 kB\n",
    ]
    let snapshot = try SystemSnapshot(files: files, nodeDirectories: [0], root: "snap")
    #expect(snapshot.topology.nodes[0]?.cpus == [0, 1, 2, 3, 31, 32])
  }

  @Test func aFileThatIsNotUTF8IsALocatedError() throws {
    var contents: [String: Data] = [P.online: Data("0\n".utf8)]
    contents[P.node(0, "cpulist")] = Data([0x30, 0xFF, 0x0A])
    #expect {
      _ = try Sysroot.snapshot(contents: contents, nodeDirectories: [0], cpuDirectories: [], root: "snap")
    } throws: { error in
      (error as? ImportError).map { $0.file.hasSuffix("node0/cpulist") && $0.expected == "UTF-8 text" } ?? false
    }
  }

  static let zoneinfoCases: [(text: String, line: Int, expected: String)] = [
    ("Node 0\n", 1, "a 'Node N, zone NAME' header with N in 0...1023"),
    ("Node 1024, zone DMA\n", 1, "a 'Node N, zone NAME' header with N in 0...1023"),
    ("Node 0, DMA\n", 1, "a 'Node N, zone NAME' header"),
    ("Node 0, zone Foo\n", 1, "a zone name"),
    ("Node 0, zone DMA\n spanned 1\n present 1\n managed 1\nNode 0, zone dma\n", 5, "each node's zone once"),
    ("        spanned  1\n", 1, "a 'Node N, zone NAME' header before 'spanned'"),
    ("Node 0, zone DMA\n  pages free x\n", 2, "'pages free' followed by a page count"),
    ("Node 0, zone DMA\n    cpu: 0\n      count: -1\n", 3, "'count:' followed by a page count"),
    ("Node 0, zone DMA\n    cpu: 0\n      high: 99999999999999\n", 3, "'high:' followed by a page count"),
    ("Node 0, zone DMA\n        managed  1x\n", 2, "'managed' followed by a page count"),
    ("Node 0, zone DMA\n        present  99999999999999\n", 2, "'present' at most"),
    ("Node 0, zone DMA\n spanned 4\n present 4\n", 1, "a 'managed' line in this zone's block"),
    ("\n", 0, "at least one 'Node N, zone NAME' block"),
  ]

  @Test(arguments: zoneinfoCases.indices)
  func aBadZoneinfoIsALocatedError(_ index: Int) throws {
    let bad = Self.zoneinfoCases[index]
    #expect {
      _ = try Zoneinfo(parsing: bad.text, file: "z")
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.file == "z" && error.line == bad.line && error.expected.hasPrefix(bad.expected)
    }
  }

  @Test func zoneinfoReadsPerCPUStateAndZoneNamesInAnyCase() throws {
    let text = "Node 2, zone   normal\n  pages free     7\n        high     9\n        spanned  8\n        present  8\n        managed  6\n    cpu: 3\n              count: 4\n              high:  5\n"
    let entry = try #require(Zoneinfo(parsing: text).entries.first)
    #expect(entry.node == 2 && entry.type == .normal && entry.line == 1)
    #expect(entry.size == ZoneSize(spanned: 8, present: 8, managed: 6))
    #expect(entry.free == 7 && entry.high == 9)
    #expect(entry.perCPUCounts == [3: 4] && entry.perCPUHigh == [3: 5])
  }

  static let header = "Page block order: 9\nPages per block:  512\n\nFree pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10\n"
  static let pagetypeinfoCases: [(text: String, line: Int, expected: String)] = [
    ("Page block order: 10\n", 1, "'Page block order: 9'"),
    (header + "Node    0, zone      DMA, type    Unmovable      0      0\n", 5, "a migrate type and 11 counts"),
    (header + "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      0      0      x\n", 5, "a count of free blocks, not 'x'"),
    (header + "Node    0, zone      DMA, type    Strange      0      0      0      0      0      0      0      0      0      0      0\n", 5, "a migrate type"),
    (header + "Node    0, zone      Foo, type    Movable      0      0      0      0      0      0      0      0      0      0      0\n", 5, "'Node N, zone NAME' at the start of the line"),
    (header + "\nNumber of blocks type     Unmovable      Movable\nNode 0, zone      DMA            1            2            3\n", 7, "one pageblock count per column"),
    (header + "\nNumber of blocks type     Unmovable      Movable\nNode 0, zone      DMA            1            y\n", 7, "a count of pageblocks, not 'y'"),
    (header + "Node    0, zone      DMA, type    Movable      0      0      0      0      0      0      0      0      0      0      >100000\n", 0, "exact counts for 0:DMA"),
  ]

  @Test(arguments: pagetypeinfoCases.indices)
  func aBadPagetypeinfoIsALocatedError(_ index: Int) throws {
    let bad = Self.pagetypeinfoCases[index]
    #expect {
      _ = try PageTypeInfo(parsing: bad.text, file: "p")
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.file == "p" && error.line == bad.line && error.expected.hasPrefix(bad.expected)
    }
  }

  @Test func aBadBuddyinfoIsALocatedError() throws {
    let capped = Self.header + "Node    0, zone      DMA, type    Movable      0      0      0      0      0      0      0      0      0      0      >100000\n"
    for (buddyinfo, line, expected) in [
      ("Node 0, zone DMA 1 2 3\n", 1, "'Node N, zone NAME' and 11 counts"),
      ("Node 0, zone DMA 1 2 3 4 5 6 7 8 9 10 -11\n", 1, "'Node N, zone NAME' and 11 counts"),
      ("Node 0, zone DMA32 1 2 3 4 5 6 7 8 9 10 11\n", 0, "a line for 0:DMA"),
    ] {
      #expect {
        _ = try PageTypeInfo(parsing: capped, file: "p", buddyinfo: buddyinfo, buddyinfoFile: "b")
      } throws: { error in
        guard let error = error as? ImportError else { return false }
        return error.file == "b" && error.line == line && error.expected.hasPrefix(expected)
      }
    }
  }

  /// `KernelText.integer` reads what `Int(_: String)` reads, on random short texts of the bytes
  /// that matter (digits, signs, spaces, letters) and on the edges of `Int`'s range.
  @Test func integersReadAsIntReadsThem() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("0123456789+- x".utf8)
    var samples = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "+", "-", "", "+0", "-0", "007"]
    for _ in 0..<5000 {
      let length = Int.random(in: 0...21, using: &generator)
      samples.append(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
    }
    for sample in samples {
      let text = KernelText(sample)
      #expect(text.integer(text.all) == Int(sample), "\(sample)")
    }
  }

  /// `IDList` on bytes gives what the list format means, and refuses what it does not.
  @Test func idListsOnBytes() throws {
    #expect(try IDList.parse(" 0-2, 5 ,7-7\n") == [0, 1, 2, 5, 7])
    #expect(try IDList.parse("+3") == [3])
    #expect(try IDList.parse("\n") == [])
    for bad in ["3-1", "-1", "1-", ",", "1 2", "a"] {
      #expect(throws: IDListError.self, "\(bad)") { try IDList.parse(bad) }
    }
  }
}
