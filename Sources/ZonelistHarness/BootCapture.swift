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
  /// `dma_reserve` of the booted machine, for kernels whose boot `Total pages` needs it (before
  /// 6.10); written to ``ModelInput/dmaReserveFile`` so that the snapshot folder builds alone.
  /// No file in the guest shows it: ``recordDMAReserve(of:)`` sets it from the machine booted.
  public var dmaReserve: Pages?
  /// The whole serial console output of the boot, as the guest sent it (control sequences
  /// included); written to ``consoleFile``, never to the terminal.
  public var console = Data()

  /// File names of the extras a snapshot folder holds next to `proc/` and `sys/`.
  public static let dmesgFile = "dmesg"
  public static let qemuArgumentsFile = "qemu-args"
  public static let consoleFile = "console.log"

  /// Reads the console of the snapshot guest (``Initramfs/captureScript(extraCommands:)``):
  /// snapshot `boot`, its `dmesg` file the kernel log, the rest the guest's files.
  public init(console: Data) throws(HarnessError) {
    let parsed = try GuestConsole(console: console)
    guard parsed.isFinished, var files = parsed.files(inSnapshot: "boot") else {
      throw ConsoleLog.failure("the guest did not finish its capture", console: console)
    }
    let dmesg = files.removeValue(forKey: BootCapture.dmesgFile) ?? Data()
    self.files = files.mapValues { String(decoding: $0, as: UTF8.self) }
    self.dmesg = String(decoding: dmesg, as: UTF8.self)
    self.console = console
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
    if !console.isEmpty { try console.write(to: base.appendingPathComponent(BootCapture.consoleFile)) }
    if let dmaReserve {
      try "\(dmaReserve.rawValue)\n".write(
        to: base.appendingPathComponent(ModelInput.dmaReserveFile), atomically: true, encoding: .utf8)
    }
    let arguments = qemuArguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    try (arguments + "\n" + "append: " + bootOptions + "\n").write(
      to: base.appendingPathComponent(BootCapture.qemuArgumentsFile), atomically: true, encoding: .utf8)
  }

  /// Sets ``dmaReserve`` for a boot of `spec` under QEMU's `pc` machine: the file's
  /// `dmaReserve:`, else the value QEMU's `pc` machine gives the booted release
  /// (``QEMUPCLayout/dmaReserve(kernel:)``, established on real boots); nil when the guest's
  /// `proc/version` names no release or the release needs no `dma_reserve` (6.10 on).
  ///
  /// Kernel: `dma_reserve`, set by `memblock_find_dma_reserve()` in `arch/x86/mm/init.c`
  /// (removed in 6.10).
  public mutating func recordDMAReserve(of spec: MachineSpec) {
    guard let release = files[SystemSnapshot.Path.version].flatMap(KernelVersion.init(procVersion:)),
      KernelProfile(version: release).bootTotalPages == .presentLessMemmapAndDMAReserve
    else {
      dmaReserve = nil
      return
    }
    dmaReserve = spec.dmaReserve ?? QEMUPCLayout.dmaReserve(kernel: release)
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
