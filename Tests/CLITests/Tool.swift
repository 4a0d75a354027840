import Foundation
import Testing

/// Runs the built `zonelist` binary.
struct Tool {
  /// The products directory of this build (`.build/<triple>/<configuration>`), found the way
  /// swift-argument-parser's `AssertExecuteCommand` finds it: from the test bundle's location
  /// (on Linux the test runner is an executable in that directory; on macOS a `.xctest` bundle
  /// in it). So the tests run the binary built with them, never a stale one from another
  /// configuration.
  static let productsDirectory: URL = {
    let bundle = Bundle(for: BundleMarker.self).bundleURL
    return bundle.lastPathComponent.hasSuffix("xctest") ? bundle.deletingLastPathComponent() : bundle
  }()

  static var binary: String { productsDirectory.appendingPathComponent("zonelist").path }

  /// The repository's root, where the README and `Examples/` are.
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `zonelist arguments…`.
  static func run(_ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try checkedBinary())
    process.arguments = arguments
    return try collect(process)
  }

  /// Runs a shell command line in the repository's root, where `zonelist` is the built binary
  /// (the products directory comes first in `PATH`).
  static func shell(_ commandLine: String) throws -> Result {
    _ = try checkedBinary()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", commandLine]
    process.currentDirectoryURL = repositoryRoot
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    process.environment = environment
    return try collect(process)
  }

  static func checkedBinary() throws -> String {
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw ToolMissing(description: "no zonelist executable at \(binary): build the package's products with the tests")
    }
    return binary
  }

  private static func collect(_ process: Process) throws -> Result {
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Checks that `result` is a refusal (exit 64, nothing on stdout) whose message names
  /// `file`, `line` and what was `expected`.
  static func expectRefusal(_ result: Result, file: String, line: Int, expected: String, _ name: String) {
    #expect(result.status == 64, "\(name): status \(result.status) \(result.stderr)")
    #expect(result.stderr.contains("\(file):\(line): expected"), "\(name): \(result.stderr)")
    #expect(result.stderr.contains(expected), "\(name): \(result.stderr)")
    #expect(result.stdout.isEmpty, "\(name): \(result.stdout)")
  }

  /// The kernel image of `series` that `Scripts/fetch-kernels.sh` fetched, if any.
  static func fetchedKernelImage(series: String) -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["ZONELIST_KERNEL_" + series.replacingOccurrences(of: ".", with: "_")], !path.isEmpty {
      return path
    }
    let cache = environment["ZONELIST_KERNEL_DIR"] ?? (NSHomeDirectory() + "/.cache/zonelist/kernels")
    let boot = cache + "/" + series + "/x/boot"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: boot)) ?? []
    return names.filter { $0.hasPrefix("vmlinuz-") }.sorted().last.map { boot + "/" + $0 }
  }

  /// Writes `text` to a new temporary file and returns its path.
  static func file(_ text: String, name: String = "topology.yaml") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}

/// A class in the test module, for `Bundle(for:)`.
final class BundleMarker {}

struct ToolMissing: Error, CustomStringConvertible { var description: String }

@Suite struct ToolLocationTests {
  /// The binary the CLI tests run sits beside the test runner that runs them: the products of
  /// one build, whatever its configuration or triple.
  @Test func binaryIsTheOneBuiltWithTheTests() throws {
    #if os(Linux)
      let runner = try #require(Bundle.main.executableURL).resolvingSymlinksInPath()
      #expect(URL(fileURLWithPath: Tool.binary).resolvingSymlinksInPath().deletingLastPathComponent() == runner.deletingLastPathComponent())
    #endif
    #expect(try Tool.run(["--help"]).status == 0)
  }
}
