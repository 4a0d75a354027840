import Foundation
import Testing

/// The pictures and the HTML report in a real headless Chromium (Debian's `chromium`): each
/// renders (a screenshot with ink on it) without a console message (script errors, refused
/// requests: the report's Content-Security-Policy forbids every fetch).
///
/// Skipped, saying so, when Chromium is absent, except under CI (`CI=true`), where it must run.
@Suite(
  .serialized,
  .enabled(
    if: Browser.path != nil || ProcessInfo.processInfo.environment["CI"] == "true",
    "chromium is not installed (apt-get install chromium, or Scripts/setup.sh); under CI=true this suite runs and fails instead"))
struct BrowserTests {
  static let fixtures = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures/boot").path
  static let sixteen = fixtures + "/33-sixteen-nodes-ties-6.12"
  static let sixtyFour = fixtures + "/38-sixtyfour-nodes-ia64-6.12"

  /// One page to load: the file, the window size, and the share of the window that must be inked.
  struct Page {
    var name: String
    var path: String
    var width: Int
    var height: Int
    var minimumInk: Double
  }

  @Test func picturesAndReportRenderWithoutConsoleMessages() throws {
    let browser = try #require(Browser.path, "chromium is required under CI=true: add it to Scripts/setup.sh's packages")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { if ProcessInfo.processInfo.environment["KEEP_SCREENSHOTS"] == nil { try? FileManager.default.removeItem(at: folder) } }
    func write(_ name: String, _ arguments: [String]) throws -> String {
      let path = folder.appendingPathComponent(name).path
      let result = try Tool.run(arguments + ["--output", path])
      #expect(result.status == 0, "\(name): \(result.stderr)")
      return path
    }
    let example = Tool.repositoryRoot.appendingPathComponent("Examples/two-sockets-cxl.yaml").path
    let workload = Tool.repositoryRoot.appendingPathComponent("Examples/spill-workload.yaml").path
    let plot = folder.appendingPathComponent("plot.svg").path
    let simulated = try Tool.run(["simulate", "--topology", example, "--workload", workload, "--plot", plot])
    #expect(simulated.status == 0, "\(simulated.stderr)")
    // A control page with a script error: the check must see it.
    let control = folder.appendingPathComponent("control.html").path
    try "<!DOCTYPE html><html><body><p>control</p><script>console.error('control message')</script></body></html>"
      .write(toFile: control, atomically: true, encoding: .utf8)
    let pages = [
      Page(name: "report", path: try write("report.html", ["report", "--sysroot", Self.sixteen]), width: 1280, height: 2000, minimumInk: 0.03),
      Page(name: "draw-16", path: try write("draw-16.svg", ["draw", "--sysroot", Self.sixteen]), width: 1120, height: 1560, minimumInk: 0.05),
      Page(name: "draw-64", path: try write("draw-64.svg", ["draw", "--sysroot", Self.sixtyFour]), width: 1120, height: 1100, minimumInk: 0.05),
      Page(name: "plot", path: plot, width: 1130, height: 760, minimumInk: 0.02),
      Page(name: "control", path: control, width: 400, height: 200, minimumInk: 0),
    ]
    let shots = try Browser.screenshots(browser, pages: pages, folder: folder)
    for (page, shot) in zip(pages, shots) {
      if page.name == "control" {
        #expect(shot.console.contains { $0.contains("control message") }, "the console check sees nothing: \(shot.console)")
        continue
      }
      #expect(shot.console.isEmpty, "\(page.name): console messages \(shot.console)")
      let image = try PNGImage(data: try Data(contentsOf: URL(fileURLWithPath: shot.png)))
      #expect(image.width == page.width && image.height == page.height, "\(page.name): \(image.width)x\(image.height)")
      let ink = Double(image.inkedPixels) / Double(image.width * image.height)
      #expect(ink >= page.minimumInk, "\(page.name): only \(ink * 100)% of the screenshot is painted (\(shot.png))")
      #expect(ink < 0.9, "\(page.name): \(ink * 100)% painted, an error page or a solid fill (\(shot.png))")
    }
  }
}

/// Headless Chromium.
enum Browser {
  /// `$CHROMIUM`, else `chromium` or `chromium-browser` on the `PATH`.
  static let path: String? = {
    let environment = ProcessInfo.processInfo.environment
    if let given = environment["CHROMIUM"], FileManager.default.isExecutableFile(atPath: given) { return given }
    let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for name in ["chromium", "chromium-browser"] {
      for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") { return "\(folder)/\(name)" }
    }
    return nil
  }()

  struct Shot {
    var png: String
    /// The page's console messages (`INFO:CONSOLE` lines of Chromium's log).
    var console: [String]
  }

  /// Screenshots every page at once (one browser each), waiting for all.
  static func screenshots(_ browser: String, pages: [BrowserTests.Page], folder: URL) throws -> [Shot] {
    var running: [(Process, Pipe, String)] = []
    for page in pages {
      let png = folder.appendingPathComponent(page.name + ".png").path
      let process = Process()
      process.executableURL = URL(fileURLWithPath: browser)
      process.arguments = [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--enable-logging=stderr", "--v=0",
        "--user-data-dir=" + folder.appendingPathComponent("profile-" + page.name).path, "--screenshot=" + png,
        "--window-size=\(page.width),\(page.height)", URL(fileURLWithPath: page.path).absoluteString,
      ]
      let errors = Pipe()
      process.standardError = errors
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      running.append((process, errors, png))
    }
    return running.map { process, errors, png in
      let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      return Shot(png: png, console: log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init))
    }
  }
}
