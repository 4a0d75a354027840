import Foundation
import Testing
import ZonelistHarness

/// The console protocol every capture guest speaks, read by the one parser.
@Suite struct GuestConsoleTests {
  /// A console as the serial port delivers it: `\r\n`, the kernel's boot text, the
  /// firmware's escape bytes before the first marker, kernel messages inside a file (one in
  /// the middle of a base64 line), and `alloc.c`'s own events.
  static let console = [
    "SeaBIOS (version 1.16.2)", "Booting from ROM..\u{1B}c\u{1B}[?7l\u{1B}[2J\u{1B}[0m.@@BOOT",
    "@@SNAP-BEGIN before", "@@F proc/version", "TGludXggdmVyc2lvbiA2LjEuMA==", "@@FE",
    "@@F sys/devices/system/node/online", "MC[   12.345678] Freeing unused kernel memory", "0x", "[   12.5] x", "Cg==", "@@FE",
    "@@SNAP-END before",
    "@@STEP 1 done", "@@PLACE 1 node 0 pages 32768", "@@F dmesg", "", "@@FE", "@@ZONELIST-END",
  ].joined(separator: "\r\n") + "\r\n"

  @Test func splitsFilesSnapshotsAndEvents() throws {
    let parsed = try GuestConsole(console: Data(GuestConsoleTests.console.utf8))
    #expect(parsed.isFinished)
    #expect(parsed.snapshotLabels == ["before"])
    let before = try #require(parsed.files(inSnapshot: "before"))
    #expect(before == ["proc/version": Data("Linux version 6.1.0".utf8), "sys/devices/system/node/online": Data("0-1\n".utf8)])
    #expect(parsed.events("STEP") == ["1 done"])
    #expect(parsed.events("PLACE") == ["1 node 0 pages 32768"])
    #expect(parsed.events("BOOT") == [""])
    #expect(parsed.records.contains(.file(snapshot: nil, path: "dmesg", contents: Data())))
    #expect(parsed.files(inSnapshot: "after") == nil)
  }

  @Test func aGuestThatDiedMidFileIsUnfinished() throws {
    let torn = GuestConsoleTests.console.components(separatedBy: "Cg==")[0] + "Kernel panic - not syncing\r\n"
    let parsed = try GuestConsole(console: Data(torn.utf8))
    #expect(!parsed.isFinished)
  }

  @Test(arguments: [
    ("@@F a\nnot base64!\n@@FE\n@@ZONELIST-END\n", "console line 2"),
    ("@@F a\nQQ=\n@@FE\n@@ZONELIST-END\n", "console line 1: the base64 of a does not decode"),
    ("@@SNAP-BEGIN x\n@@SNAP-BEGIN y\n", "console line 2: snapshot 'y' begins inside 'x'"),
    ("@@SNAP-BEGIN x\n@@SNAP-END y\n", "console line 2: snapshot 'y' ends, but the open one is 'x'"),
  ])
  func badProtocolIsLocated(console: String, message: String) {
    #expect {
      _ = try GuestConsole(console: Data(console.utf8))
    } throws: { error in
      (error as? HarnessError)?.description.hasPrefix(message) == true
    }
  }

  @Test func recordsRoundTripThroughJSON() throws {
    let parsed = try GuestConsole(console: Data(GuestConsoleTests.console.utf8))
    let document = try #require(try JSONSerialization.jsonObject(with: parsed.json()) as? [String: Any])
    #expect(document["finished"] as? Bool == true)
    let records = try #require(document["records"] as? [[String: String]])
    #expect(records.first == ["event": "BOOT", "text": ""])
    #expect(records[1] == ["snapshot": "before", "path": "proc/version", "base64": "TGludXggdmVyc2lvbiA2LjEuMA=="])
  }
}

/// The one initramfs builder: busybox found once, extra files with their folders.
@Suite struct InitramfsTests {
  @Test func archiveHoldsInitLibraryAndExtraFilesWithFolders() throws {
    let busybox = FileManager.default.temporaryDirectory.appendingPathComponent("fake-busybox-\(UUID().uuidString)")
    // A minimal static ELF header: no program headers, so no PT_INTERP.
    var elf = Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]) + Data(count: 0x40)
    elf[0x20] = 0x40
    try elf.write(to: busybox)
    defer { try? FileManager.default.removeItem(at: busybox) }
    let archive = try Initramfs.build(
      script: "#!/bin/busybox sh\n",
      files: [GuestFile(path: "/usr/lib/modules/x/a.ko", contents: Data("ko".utf8), isExecutable: false)],
      busybox: busybox.path)
    let names = CPIONames(archive)
    for name in ["bin/busybox", "init", "lib/zonelist.sh", "usr", "usr/lib", "usr/lib/modules/x", "usr/lib/modules/x/a.ko", "TRAILER!!!"] {
      #expect(names.contains(name), "\(name) missing from \(names)")
    }
    #expect(names.last == "TRAILER!!!")
  }

  @Test func aDynamicBusyboxIsRefusedByName() throws {
    let busybox = FileManager.default.temporaryDirectory.appendingPathComponent("dynamic-busybox-\(UUID().uuidString)")
    // One program header of type PT_INTERP (3).
    var elf = Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]) + Data(count: 0x80)
    elf[0x12] = 62  // EM_X86_64
    elf[0x20] = 0x40
    elf[0x36] = 0x38
    elf[0x38] = 1
    elf[0x40] = 3
    try elf.write(to: busybox)
    defer { try? FileManager.default.removeItem(at: busybox) }
    #expect {
      _ = try Initramfs.locateBusybox(environment: ["BUSYBOX": busybox.path])
    } throws: { error in
      (error as? HarnessError)?.description == "\(busybox.path) is dynamically linked: install Debian's busybox-static"
    }
  }

  /// The entry names of a newc archive.
  func CPIONames(_ archive: Data) -> [String] {
    let bytes = [UInt8](archive)
    var names: [String] = []
    var offset = 0
    func field(_ index: Int) -> Int { Int(String(decoding: bytes[(offset + 6 + 8 * index)..<(offset + 14 + 8 * index)], as: UTF8.self), radix: 16)! }
    while offset + 110 <= bytes.count {
      let size = field(6)
      let nameSize = field(11)
      names.append(String(decoding: bytes[(offset + 110)..<(offset + 110 + nameSize - 1)], as: UTF8.self))
      offset = (offset + 110 + nameSize + 3) / 4 * 4
      offset = (offset + size + 3) / 4 * 4
      if names.last == "TRAILER!!!" { break }
    }
    return names
  }
}
