import Foundation
import Testing
import ZonelistCore
@testable import ZonelistHarness

/// Flow sequences of integers read straight from the bytes (``YAMLIntegerRuns``) against Yams
/// and against libyaml reading every scalar: the same tree wherever the composer takes the
/// text (with every run as short as one integer taken), the same errors from the readers.
@Suite struct YAMLIntegerRunsTests {
  /// The number of sequences in `tree` kept as runs.
  static func runCount(_ tree: YAMLNode?) -> Int {
    switch tree {
    case .sequence(let sequence)?: (sequence.integers == nil ? 0 : 1) + sequence.reduce(0) { $0 + runCount($1) }
    case .mapping(let mapping)?: mapping.reduce(0) { $0 + runCount($1.key) + runCount($1.value) }
    case .scalar?, nil: 0
    }
  }

  @Test func everyRepositoryFileComposesTheSameWithRunsOfOne() throws {
    var withRuns = 0
    let folders = ["Examples", "Tests", "Fuzz/seeds/topology", "Fuzz/seeds/workload", "Benchmarks/Inputs"]
    for path in folders.flatMap(YAMLComposerTests.files(under:)) {
      let url = YAMLComposerTests.repository.appending(path: path)
      guard !url.hasDirectoryPath, let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
      let tree = YAMLComposer.compose(text, minimumRun: 1)
      #expect(tree == YAMLComposer.compose(text, minimumRun: .max), "\(path)")
      if Self.runCount(tree) > 0 { withRuns += 1 }
      if text.utf8.count < 100_000, let tree { #expect(tree == YAMLComposer.reference(text), "\(path)") }
    }
    #expect(withRuns > 100)
  }

  /// The benchmark's 4 MB file: a million distances in 1024 runs, one per row.
  @Test func theLargeTopologyReadsItsRowsAsRuns() throws {
    let url = YAMLComposerTests.repository.appending(path: "Benchmarks/Inputs/1024-nodes.yaml")
    let text = try String(contentsOf: url, encoding: .utf8)
    let tree = try #require(YAMLComposer.compose(text))
    #expect(Self.runCount(tree) == 1024)
    #expect(tree == YAMLComposer.compose(text, minimumRun: .max))
  }

  /// Texts that take runs: each read as libyaml and Yams read it.
  @Test(arguments: [
    ("a: [1, 2, 3]\n", 1), ("a: [-1, 0, 7, 123456789012345678, -123456789012345678]\n", 1), ("a: [1, 2, ]\nb: [1,2,3,]\n", 2),
    ("a: [1,\n  2,\n\n  3\n  ]\nb: 4\n", 1), ("a: [1\n, 2]\n", 1), ("a: [\n1,\n2\n]\n", 1), ("a: [1,\r\n 2]\r\nb: [3]\r\n", 2),
    ("- [[1, 2], [3, 4]]\n- [[5]]\n", 3), ("[1, 2]", 1), ("[1, 2]\n", 1), ("{a: [1, 2], b: [3]}", 2), ("a: [1, 2] # two\n", 1),
    ("é: [1, 2]\nb: [3, 4]\n", 2), ("a: \"é\u{2028}x\"\nb: [1, 2]\n", 1), ("a: 1\u{85}b: [1, 2]\n", 1), ("a: 'x\u{2029}y'\nb: [5]\n", 1),
    ("a: [1,\n2]\n", 1), ("a: [1, -2,\n-3]\n", 1), ("- [1]\n- [2, 3]\n", 2), ("{\"distances\": [[10, 20], [20, 10]]}", 2),
    ("a:\n  - [10, 20]\n  - [20, 10]\nb: [\n  1, 2, 3,\n  4, 5, 6\n]\n", 3), ("a: [0, 0, 0]\n", 1), ("a: [  1  ,  2  ]\n", 1),
    ("a: [1, 2.5]\nb: [3]\n", 1), ("a: [\"x\", [1, 2]]\n", 1), ("a: &x [1, [2, 3]]\n", 0),
    ("\u{FEFF}a: [1, 2]\n", 1), ("\u{FEFF}[1, 2]\n", 1),
  ])
  func runsReadAsLibyamlAndYamsReadThem(text: String, runs: Int) throws {
    let tree = YAMLComposer.compose(text, minimumRun: 1)
    #expect(Self.runCount(tree) == runs)
    #expect(tree == YAMLComposer.compose(text, minimumRun: .max))
    if runs > 0 { #expect(tree != nil && tree == YAMLComposer.reference(text)) }
  }

  /// Texts with no run: other scalars, comments, tabs, a lone CR; brackets that are not flow
  /// sequences (a scalar, a comment, a block scalar, a key); errors. libyaml reads them whole.
  @Test(arguments: [
    "a: [1234567890123456789]\n", "a: [0x10]\n", "a: [0o7]\n", "a: [1.5]\n", "a: [1e3]\n", "a: [~]\n", "a: [null]\n",
    "a: [1_000]\n", "a: [+1]\n", "a: [007]\n", "a: [-0]\n", "a: [.5]\n", "a: [1, .inf]\n", "a: [1, 2, yes]\n",
    "a: [1, # c\n 2]\n", "a: [1,\t2]\n", "a: [1,\r 2]\n", "a: [1 2]\n", "a: [1\n 2]\n", "a: [1, \"2\"]\n",
    "a: [1, '2']\n", "a: [-, 1]\n", "a: [1, -]\n", "a: [1:2]\n", "a: [1, 2: 3]\n", "a: [1,, 2]\n", "a: [, 1]\n",
    "a: \"[1, 2, 3]\"\n", "a: '[1, 2]'\n", "# [1, 2]\na: 1\n", "a: x[1, 2]\n", "a: |\n  [1, 2]\n",
    "a: >\n  [1, 2]\nb: c\n", "[1, 2]: x\n", "? [1, 2]\n: x\n", "{[1, 2]: x}\n", "a: [1, 2]x\n", "a: [1, 2]\n  b: 1\n",
    "a: [1,\n---\n]\n", "a: [1,\n...\n]\n", "a: &x [1, 2]\nb: *x\n", "a: !!seq [1, 2]\n", "a: [1, 2\n", "a: [1, 2]]\n",
    "a: [1, 2]\n---\nb: [3]\n", "[1, 2] [3]\n", "- [1, 2] - [3]\n", "a: [1, 2]\na: [3]\n",
  ])
  func declinedTextsReadAsBefore(text: String) {
    let tree = YAMLComposer.compose(text, minimumRun: 1)
    #expect(Self.runCount(tree) == 0)
    #expect(tree == YAMLComposer.compose(text, minimumRun: .max))
    if let tree { #expect(tree == YAMLComposer.reference(text)) }
  }

  @Test func linesOfARunAcrossLines() throws {
    let text = "a: [1,\n  2,\r\n\n  3\n  ]\nb: [4, 5]\n"
    let tree = try #require(YAMLComposer.compose(text, minimumRun: 1))
    #expect(Self.runCount(tree) == 2)
    guard case .mapping(let mapping) = tree, case .sequence(let a) = mapping[0].value, case .sequence(let b) = mapping[1].value else {
      Issue.record("not a mapping of two sequences")
      return
    }
    #expect(a.map(\.line) == [1, 2, 4])
    #expect(a.map(\.string) == ["1", "2", "3"])
    #expect(a.integers == [1, 2, 3])
    #expect(b.line == 6)
    #expect(mapping[1].key.line == 6)
  }

  /// A bracket that libyaml does not read as a flow sequence leaves the text to libyaml.
  @Test(arguments: ["a: \"[1, 2, 3]\"\nb: [4]\n", "# [1, 2]\nb: [4]\n", "a: |\n  [1, 2]\nb: [4]\n", "a: x[1, 2]\nb: [4]\n"])
  func bracketsInScalarsAndCommentsAreNotRuns(text: String) throws {
    let tree = try #require(YAMLComposer.compose(text, minimumRun: 1))
    #expect(Self.runCount(tree) == 0)
    #expect(tree == YAMLComposer.reference(text))
  }

  /// The topology reader words each error in a table of runs as it does reading every scalar
  /// through Yams: same file, line, text and expectation (a row with anything but plain
  /// decimal integers is no run, and its entries are read one by one as before).
  @Test(arguments: [
    (row: 1, entries: "10, 20", note: "short row"),
    (row: 2, entries: "20, 20, 20", note: "diagonal not 10"),
    (row: 0, entries: "10, 20, 300", note: "out of range"),
    (row: 2, entries: "20, 20, -10", note: "negative"),
    (row: 2, entries: "20, 20, 10, 20", note: "long row"),
    (row: 1, entries: "20, 10, x", note: "not an integer"),
    (row: 0, entries: "10, 20, 1.5", note: "a float"),
    (row: 0, entries: "10, 20, 0x14", note: "hex"),
    (row: 1, entries: "20, 10, 99999999999999999999", note: "too large"),
  ])
  func distanceErrorsAreWordedAsBefore(row: Int, entries: String, note: String) throws {
    var rows = ["10, 20, 20", "20, 10, 20", "20, 20, 10"]
    rows[row] = entries
    let text = "nodes:\n  - {id: 0, memory: 1G}\n  - {id: 1, memory: 1G}\n  - {id: 2, memory: 1G}\ndistances:\n"
      + rows.map { "  - [\($0)]\n" }.joined()
    let withRuns = try #require(YAMLComposer.compose(text, minimumRun: 1))
    #expect(Self.runCount(withRuns) == (note.contains("integer") || note.contains("float") || note.contains("hex") || note.contains("large") ? 2 : 3))
    let reader = TopologyFile.Reader(file: "t.yaml", text: text)
    let viaRuns = Result { () throws(ImportError) in try reader.machine(withRuns) }
    let viaYams = Result { () throws(ImportError) in try reader.machine(YAMLComposer.reference(text)!) }
    guard case .failure(let error) = viaRuns, case .failure(let expected) = viaYams else {
      Issue.record("\(note): not refused both ways")
      return
    }
    #expect(error == expected, "\(note)")
    #expect(error.line == 6 + row, "\(note)")
  }

  /// Through the whole reader at the default run length: a 20-node table whose last row has
  /// one entry too few is refused at that row.
  @Test func aLargeTableIsRefusedAtItsRow() throws {
    let count = 20
    var text = "nodes:\n" + (0..<count).map { "  - {id: \($0), memory: 1G}\n" }.joined() + "distances:\n"
    for row in 0..<count {
      let width = row == count - 1 ? count - 1 : count
      text += "  - [" + (0..<width).map { $0 == row ? "10" : "20" }.joined(separator: ", ") + "]\n"
    }
    #expect(Self.runCount(YAMLComposer.compose(text)) == count)
    #expect(throws: ImportError(file: "t.yaml", line: 2 + 2 * count, text: "- [" + Array(repeating: "20", count: count - 1).joined(separator: ", ") + "]", expected: "\(count) distances in this row, one per node (found \(count - 1))")) {
      try TopologyFile.parse(text, file: "t.yaml")
    }
  }

  /// Rows follow the order of `nodes:`: a table of nodes listed 2, 0, 1 (asymmetric, runs of
  /// any length) reads by node id, and so does one listed in ascending order.
  @Test func rowsFollowTheOrderOfNodes() throws {
    let text = "nodes:\n  - {id: 2, memory: 1G}\n  - {id: 0, memory: 1G}\n  - {id: 1, memory: 1G}\ndistances:\n"
      + "  - [10, 30, 40]\n  - [31, 10, 21]\n  - [41, 22, 10]\n"
    let reader = TopologyFile.Reader(file: "t.yaml", text: text)
    let spec = try reader.machine(try #require(YAMLComposer.compose(text, minimumRun: 1)))
    let table = try #require(spec.distances)
    let expected = [(2, 0, 30), (2, 1, 40), (0, 2, 31), (0, 1, 21), (1, 2, 41), (1, 0, 22), (0, 0, 10), (1, 1, 10), (2, 2, 10)]
    for (from, to, distance) in expected {
      #expect(table[from: NodeID(from), to: NodeID(to)] == distance, "\(from) to \(to)")
    }
    let sorted = "nodes:\n  - {id: 0, memory: 1G}\n  - {id: 1, memory: 1G}\ndistances:\n  - [10, 21]\n  - [22, 10]\n"
    let sortedTable = try #require(try TopologyFile.parse(sorted, file: "t.yaml").distances)
    #expect(sortedTable[from: 0, to: 1] == 21)
    #expect(sortedTable[from: 1, to: 0] == 22)
  }
}
