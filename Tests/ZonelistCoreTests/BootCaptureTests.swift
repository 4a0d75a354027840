import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// What `zonelist capture` stores besides the guest's files.
@Suite struct BootCaptureTests {
  static func capture(release: String) -> BootCapture {
    BootCapture(files: [SystemSnapshot.Path.version: "Linux version \(release) (debian-kernel@lists.debian.org) #1 SMP\n"], dmesg: "")
  }

  static let spec = MachineSpec(nodes: [.init(id: 0, cpus: [0], memoryBytes: 1 << 30)])

  /// `dma_reserve` by release on QEMU's `pc` machine (Docs/verification.md): 21 before 5.13,
  /// 158 from 5.13, none from 6.10 (the kernel no longer has it); a topology file's own value first.
  @Test func dmaReserveFollowsTheBootedRelease() {
    for (release, expected) in [("5.10.0-32-amd64", 21), ("6.1.0-56-amd64", 158), ("6.12.117+deb12-amd64", nil), ("7.2.13+deb14-amd64", nil)] as [(String, Int?)] {
      var capture = Self.capture(release: release)
      capture.recordDMAReserve(of: Self.spec)
      #expect(capture.dmaReserve?.rawValue == expected, "\(release)")
    }
    var own = Self.spec
    own.dmaReserve = 99
    var capture = Self.capture(release: "6.1.0-56-amd64")
    capture.recordDMAReserve(of: own)
    #expect(capture.dmaReserve == 99)
  }

  /// The folder `capture` writes holds `zonelist-dma-reserve`, and `--sysroot` reads it back.
  @Test func snapshotFolderCarriesTheDMAReserve() throws {
    let fixture = BootFixture.folders("boot").first { $0.name == "03-two-nodes-default-6.1" }
    let source = try #require(fixture).path
    var files: [String: String] = [:]
    let extras: Set<String> = [BootCapture.dmesgFile, BootCapture.qemuArgumentsFile, BootCapture.consoleFile, "topology.yaml", ModelInput.dmaReserveFile]
    for path in try FileManager.default.subpathsOfDirectory(atPath: source) where !extras.contains(path) {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: source + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      files[path] = try String(contentsOfFile: source + "/" + path, encoding: .utf8)
    }
    var capture = BootCapture(files: files, dmesg: try String(contentsOfFile: source + "/dmesg", encoding: .utf8))
    capture.recordDMAReserve(of: Self.spec)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zonelist-capture-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try capture.write(to: folder)
    #expect(try String(contentsOfFile: folder + "/" + ModelInput.dmaReserveFile, encoding: .utf8) == "158\n")
    let input = try ModelInput.load(sysroot: folder, topologyFile: nil, kernel: nil)
    let run = try ZonelistRun(input: input, context: .boot)
    #expect(run.kernelLogLines == BootCapture.zonelistLines(dmesg: capture.dmesg))
  }

}

/// A failed boot is shown without driving the terminal, with the kernel's last messages, and
/// its whole console is kept in a file that the message names.
@Suite struct ConsoleLogTests {
  /// What SeaBIOS and the kernel send before the kernel's messages: a reset, a clear screen,
  /// colours, a title (OSC), a bell.
  static let console =
    "\u{1B}c\u{1B}[2J\u{1B}[0;0HSeaBIOS (version 1.16.2-debian)\r\n\u{1B}[1;32mBooting\u{1B}[0m from ROM..\u{07}\r\n"
    + "\u{1B}]0;title\u{07}[    0.000000] Linux version 6.1.0-56-amd64\r\n"
    + "[    2.104312] Run /init as init process\r\n[    2.111000] Kernel panic - not syncing: Attempted to kill init!\r\n"

  static func hasNoControlCharacters(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { $0 == "\n" || $0 == "\t" || !($0.value < 0x20 || (0x7F..<0xA0).contains($0.value)) }
  }

  @Test func printableTextDrivesNoTerminal() {
    let shown = ConsoleLog.printable(Self.console)
    #expect(Self.hasNoControlCharacters(shown), "\(shown.debugDescription)")
    #expect(shown.hasPrefix("SeaBIOS (version 1.16.2-debian)\nBooting from ROM..^G\n[    0.000000] Linux version"))
    #expect(!shown.contains("2J") && !shown.contains("title") && !shown.contains("32m"))
    #expect(ConsoleLog.printable("a\u{1B}[?25lb\u{9B}c\u{0}") == "ab<U+9B>c^@")
  }

  @Test func unfinishedCaptureShowsTheKernelsLastMessagesAndNamesTheLog() throws {
    let message: String
    do {
      _ = try BootCapture(console: Data(Self.console.utf8))
      Issue.record("an unfinished capture was accepted")
      return
    } catch {
      message = error.description
    }
    #expect(Self.hasNoControlCharacters(message), "\(message.debugDescription)")
    #expect(message.contains("[    2.111000] Kernel panic - not syncing: Attempted to kill init!"))
    #expect(message.contains("[    2.104312] Run /init as init process"))
    let path = try #require(message.firstRange(of: "the whole console log is in ").map { range in
      String(message[range.upperBound...].prefix { $0 != ")" })
    })
    #expect(FileManager.default.contents(atPath: path) == Data(Self.console.utf8))
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The kernel logs to the console while it boots (so a failed boot shows why), and every
  /// guest quiets the console (the guest library does) before it prints anything.
  @Test func kernelLogsToTheConsoleUntilTheCaptureStarts() throws {
    let options = QEMURunner.baseCommandLine.split(separator: " ")
    #expect(!options.contains("quiet") && options.contains("loglevel=7"), "\(options)")
    let library = Initramfs.guestLibrary
    let quiet = try #require(library.range(of: "$B dmesg -n 1"))
    let firstFunction = try #require(library.range(of: "emit()"))
    #expect(quiet.upperBound < firstFunction.lowerBound)
    #expect(Initramfs.captureScript().contains(". /\(Initramfs.guestLibraryPath)"))
  }
}
