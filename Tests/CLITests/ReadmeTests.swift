import Foundation
import Testing

/// One `$ zonelist …` command shown in the README, with the output the README shows for it.
///
/// Every fenced block of the README whose lines start with `$ ` is an example: the text up to
/// the next `$ ` line or the end of the block is the command's standard output. A block whose
/// last line is `...` shows the beginning of the output only. New sections are picked up as
/// they are written; nothing here lists them.
///
/// An example that boots a kernel names its image `vmlinuz-RELEASE` (Debian's file name). The
/// test boots the image of that series that `Scripts/fetch-kernels.sh` fetched
/// (`ZONELIST_KERNEL_<series>`, set by `Scripts/test.sh`, else its cache), and expects RELEASE
/// to read as that image's release: Debian rebuilds a series under new release numbers.
struct ReadmeExample: CustomStringConvertible, Sendable {
  var line: Int
  var command: String
  var output: [String]
  /// The README shows the first lines only (its last line is `...`).
  var isPrefix: Bool

  var description: String { "README.md:\(line): $ \(command)" }

  /// The kernel image the example names (`vmlinuz-RELEASE`), if it boots one.
  var kernelImage: (word: String, release: String)? {
    guard let word = command.split(separator: " ").first(where: { $0.hasPrefix("vmlinuz-") }) else { return nil }
    return (String(word), String(word.dropFirst("vmlinuz-".count)))
  }

  static let readme = Tool.repositoryRoot.appendingPathComponent("README.md").path

  /// The examples of `text`, in order.
  static func parse(_ text: String) -> [ReadmeExample] {
    var examples: [ReadmeExample] = []
    var inBlock = false
    var current: Int? = nil
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.hasPrefix("```") {
        inBlock.toggle()
        current = nil
      } else if inBlock && line.hasPrefix("$ ") {
        examples.append(ReadmeExample(line: index + 1, command: String(line.dropFirst(2)), output: [], isPrefix: false))
        current = examples.count - 1
      } else if let current, !examples[current].isPrefix {
        if line == "..." { examples[current].isPrefix = true } else { examples[current].output.append(String(line)) }
      }
    }
    return examples
  }

  static func all() throws -> [ReadmeExample] { parse(try String(contentsOfFile: readme, encoding: .utf8)) }

  static func series(ofRelease release: String) -> String {
    release.split(separator: ".").prefix(2).joined(separator: ".")
  }

  static var kernelImagesAreFetched: Bool {
    (try? all())?.compactMap(\.kernelImage).allSatisfy { Tool.fetchedKernelImage(series: series(ofRelease: $0.release)) != nil } ?? false
  }
}

@Suite struct ReadmeTests {
  /// The commands the README must show, so that the examples cannot silently disappear.
  static let documentedSubcommands = ["build", "zoneinfo", "simulate", "explain", "qemu-args", "verify", "diff", "tiers"]

  @Test func everySubcommandHasAnExample() throws {
    let examples = try ReadmeExample.all()
    for example in examples {
      #expect(example.command.hasPrefix("zonelist "), "\(example): README examples run zonelist")
      #expect(!example.output.isEmpty, "\(example): no output shown")
    }
    for subcommand in Self.documentedSubcommands {
      #expect(examples.contains { $0.command.hasPrefix("zonelist \(subcommand) ") }, "no README example of zonelist \(subcommand)")
    }
  }

  /// The parser itself, on a made-up README: blocks, prefixes, several commands per block.
  @Test func examplesAreReadFromFencedBlocks() {
    let text = "intro\n```\n$ zonelist a\none\ntwo\n$ zonelist b | head -1\nthree\n...\n```\n$ zonelist outside\n```sh\nls\n```\n"
    let examples = ReadmeExample.parse(text)
    #expect(examples.map(\.command) == ["zonelist a", "zonelist b | head -1"])
    #expect(examples.map(\.output) == [["one", "two"], ["three"]])
    #expect(examples.map(\.isPrefix) == [false, true])
    #expect(examples.map(\.line) == [3, 6])
  }

  @Test(arguments: try ReadmeExample.all().filter { $0.kernelImage == nil })
  func exampleOutputIsWhatTheToolPrints(_ example: ReadmeExample) throws {
    try Self.check(example)
  }

  /// Examples that boot a kernel under QEMU: run where `Scripts/fetch-kernels.sh` has fetched
  /// the kernels (`Scripts/test.sh` does, so CI runs them).
  @Test(
    .enabled(if: ReadmeExample.kernelImagesAreFetched, "no kernel image fetched: run Scripts/fetch-kernels.sh"),
    arguments: try ReadmeExample.all().filter { $0.kernelImage != nil })
  func bootingExampleOutputIsWhatTheToolPrints(_ example: ReadmeExample) throws {
    try Self.check(example)
  }

  static func check(_ example: ReadmeExample) throws {
    var command = example.command
    var expected = example.output
    if let image = example.kernelImage {
      let path = try #require(Tool.fetchedKernelImage(series: ReadmeExample.series(ofRelease: image.release)))
      let release = URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: "vmlinuz-", with: "")
      command = command.replacingOccurrences(of: image.word, with: "'\(path)'")
      expected = expected.map { $0.replacingOccurrences(of: image.release, with: release) }
    }
    let result = try Tool.shell(command)
    #expect(result.status == 0, "\(example): exit \(result.status)\n\(result.stderr)")
    var printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if printed.last == "" { printed.removeLast() }
    if example.isPrefix { printed = Array(printed.prefix(expected.count)) }
    #expect(printed == expected, "\(example): the README shows\n\(expected.joined(separator: "\n"))\nthe tool prints\n\(printed.joined(separator: "\n"))")
  }
}
