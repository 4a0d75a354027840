import Foundation
import Testing
import ZonelistCore
@testable import ZonelistHarness

/// The libyaml event composer (``YAMLComposer``) against Yams, which it replaces on the files
/// it takes: where it composes a tree, Yams composes the same one (text, lines, the bool and
/// `=` readings of every scalar); where it gives up, Yams reads the file as before.
@Suite struct YAMLComposerTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every YAML and JSON file under `folder`, by path relative to the repository.
  static func files(under folder: String) -> [String] {
    let root = repository.appending(path: folder).path
    let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    return paths.filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension) || folder.hasPrefix("Fuzz/") }
      .map { folder + "/" + $0 }.sorted()
  }

  @Test func everyRepositoryFileComposesAsYamsComposesIt() throws {
    var composed = 0
    for path in ["Examples", "Tests", "Fuzz/seeds/topology", "Fuzz/seeds/workload"].flatMap(Self.files(under:)) {
      let url = Self.repository.appending(path: path)
      guard !url.hasDirectoryPath, let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
      guard let tree = YAMLComposer.compose(text) else { continue }
      composed += 1
      #expect(tree == YAMLComposer.reference(text), "\(path)")
    }
    #expect(composed > 500)
  }

  /// The project's own topology files all take the fast path.
  @Test func examplesAndTestTopologiesTakeTheFastPath() throws {
    for path in Self.files(under: "Examples") + Self.files(under: "Tests/Topologies") {
      let text = try String(contentsOf: Self.repository.appending(path: path), encoding: .utf8)
      #expect(YAMLComposer.compose(text) != nil, "\(path)")
    }
  }

  /// Scalars whose resolved tag shows through a reader, and the line breaks libyaml counts.
  @Test(arguments: [
    "a: yes\nb: Yes\nc: YES\nd: no\ne: On\nf: OFF\ng: true\nh: False\ni: TRUE\n",
    "a: TrUe\nb: 'yes'\nc: \"no\"\nd: y\ne: n\nf: |\n  true\ng: >\n  off\nh: ~\ni: null\nj:\nk: 0x1f\n",
    "memory: {=: 1G}\nm: {'=': 2}\nn: {=: {=: [1]}}\no: ==\n",
    "a: \"\\uFEFFyes\"\nb: \"\\uFEFF\\uFEFFx\"\nc: \"\\x00\"\nd: é\ne: e\u{301}\n",
    "a: 1\r\nb:\r\n  - 2\r\n  - [3, 4]\rc: 5\u{85}d: 6\u{2028}e: 7\n",
    "{\"nodes\": [{\"id\": 0, \"cpus\": [0, 1], \"memory\": \"1G\"}], \"distances\": [[10]]}",
    "--- \nnodes: []\n...\n",
    "plain",
    "",
  ])
  func scalarsReadAsYamsReadsThem(text: String) throws {
    let tree = YAMLComposer.compose(text)
    if text.isEmpty {
      #expect(tree == nil)
    } else {
      #expect(tree != nil)
      #expect(tree == YAMLComposer.reference(text))
    }
  }

  @Test func stringAndBoolMeanWhatYamsMeans() throws {
    let tree = try #require(YAMLComposer.compose("a: yes\nb: 'yes'\nc: TrUe\nd: {=: 1G}\ne: [on]\n"))
    guard case .mapping(let mapping) = tree else { Issue.record("not a mapping"); return }
    let values = mapping.map(\.value)
    #expect(values.map(\.bool) == [true, nil, nil, nil, nil])
    #expect(values.map(\.string) == ["yes", "yes", "TrUe", "1G", nil])
    #expect(values.map(\.line) == [1, 2, 3, 4, 5])
  }

  /// What the composer does not reproduce goes to Yams, which reads or refuses it as before
  /// (a byte order mark before the text is one: `TopologyFile.load` drops it on decoding, and
  /// libyaml refuses one that is left when told the encoding).
  @Test(arguments: [
    "\u{FEFF}nodes:\n- id: 0\n",
    "a: &x [1, 2]\nb: *x\n", "a: !!str 5\n", "a: !custom yes\n", "a: 1\na: 2\n", "a: 1\n\"a\": 2\n",
    "é: 1\ne\u{301}: 2\n", "a: 1\n---\nb: 2\n", "[a, b\n", "? [a]\n: 1\n", "a: *undefined\n",
    String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
  ])
  func whatItDoesNotReproduceGoesToYams(text: String) {
    #expect(YAMLComposer.compose(text) == nil)
  }

  /// Aliases of aliases (ten levels of ten: 10^10 nodes written out) are taken over from Yams
  /// once per anchor, not expanded: the reader refuses `nodes:` at its first entry, as before.
  @Test func nestedAliasesAreNotExpanded() throws {
    var text = "a0: &a0 [x]\n"
    for level in 1...10 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
    let (root, _) = try TopologyFile.compose(text + "nodes: *a10\n", file: "t.yaml", expecting: "a mapping")
    guard case .mapping(let mapping) = root, case .sequence(let top)? = mapping.last?.value else { Issue.record("not a mapping"); return }
    #expect(top.count == 10)
    #expect(top.line == 11)
    #expect(throws: ImportError.self) { try TopologyFile.parse(text + "nodes: *a10\n", file: "t.yaml") }
  }

  @Test func aliasesStillReadThroughYams() throws {
    let (root, _) = try TopologyFile.compose("a: &x [1, 2]\nb: *x\n", file: "t.yaml", expecting: "a mapping")
    guard case .mapping(let mapping) = root else { Issue.record("not a mapping"); return }
    #expect(mapping.map { $0.value.line } == [1, 1])
    guard case .sequence(let aliased) = mapping[1].value else { Issue.record("not a sequence"); return }
    #expect(aliased.map(\.string) == ["1", "2"])
  }
}
