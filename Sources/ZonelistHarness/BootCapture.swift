import Foundation
public import ZonelistCore

/// What one boot produced: the guest's files (a sysroot's worth), its `dmesg`, and how it
/// was booted. Written to disk as a snapshot folder (``write(to:)``) that `--sysroot`
/// reads and the tests use as a fixture.
public struct BootCapture: Sendable {
  /// File texts by path relative to the guest's root (`proc/zoneinfo`, `sys/…`).
  public var files: [String: String]
  /// The kernel log, timestamps included.
  public var dmesg: String
  public var qemuArguments: [String] = []
  public var bootOptions: String = ""

  /// File names of the extras a snapshot folder holds next to `proc/` and `sys/`.
  public static let dmesgFile = "dmesg"
  public static let qemuArgumentsFile = "qemu-args"

  /// Reads the console of the snapshot guest (``Initramfs/captureScript(extraCommands:)``):
  /// snapshot `boot`, its `dmesg` file the kernel log, the rest the guest's files.
  public init(console: Data) throws(HarnessError) {
    let parsed = try GuestConsole(console: console)
    guard parsed.isFinished, var files = parsed.files(inSnapshot: "boot") else {
      throw HarnessError("the guest did not finish its capture; console tail:\n\(QEMURunner.printable(console.suffix(3000)))")
    }
    let dmesg = files.removeValue(forKey: BootCapture.dmesgFile) ?? Data()
    self.files = files.mapValues { String(decoding: $0, as: UTF8.self) }
    self.dmesg = String(decoding: dmesg, as: UTF8.self)
  }

  public init(files: [String: String], dmesg: String) {
    self.files = files
    self.dmesg = dmesg
  }

  /// Writes the snapshot folder.
  public func write(to directory: String) throws {
    let base = URL(fileURLWithPath: directory, isDirectory: true)
    for (path, text) in files {
      let url = base.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    try dmesg.write(to: base.appendingPathComponent(BootCapture.dmesgFile), atomically: true, encoding: .utf8)
    let arguments = qemuArguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    try (arguments + "\n" + "append: " + bootOptions + "\n").write(
      to: base.appendingPathComponent(BootCapture.qemuArgumentsFile), atomically: true, encoding: .utf8)
  }

  /// The zonelist lines of the kernel log, timestamps removed, in order.
  public static func zonelistLines(dmesg: String) -> [String] {
    dmesg.split(separator: "\n").map { KernelLog.strippingTimestamp(String($0)) }.filter(KernelLog.isZonelistLine)
  }

  /// The `mminit::zonelist` lines of the kernel log, timestamps removed.
  public static func mminitLines(dmesg: String) -> [String] {
    dmesg.split(separator: "\n").map { KernelLog.strippingTimestamp(String($0)) }.filter { $0.hasPrefix("mminit::zonelist ") }
  }

  /// The snapshot read back as the model's input.
  public func snapshot(root: String = "<capture>") throws(ImportError) -> SystemSnapshot {
    var directories: Set<Int> = []
    for path in files.keys where path.hasPrefix(SystemSnapshot.Path.nodeRoot + "/node") {
      let rest = path.dropFirst(SystemSnapshot.Path.nodeRoot.count + 5)
      if let id = Int(rest.prefix { $0.isNumber }) { directories.insert(id) }
    }
    return try SystemSnapshot(files: files, nodeDirectories: Array(directories), root: root)
  }
}
