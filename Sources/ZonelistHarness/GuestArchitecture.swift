import Foundation
import ZonelistCore

/// What booting a guest of one architecture takes: the QEMU program, the machine and console
/// it emulates, and a static busybox that runs natively in it.
extension Architecture {
  /// `qemu-system-x86_64`, `qemu-system-i386` (Debian's `qemu-system-x86`) or
  /// `qemu-system-aarch64` (Debian's `qemu-system-arm`).
  public var qemuProgram: String {
    switch self {
    case .x86_64: "qemu-system-x86_64"
    case .x86_32: "qemu-system-i386"
    case .arm64: "qemu-system-aarch64"
    }
  }

  /// The Debian package that holds ``qemuProgram``.
  public var qemuPackage: String { self == .arm64 ? "qemu-system-arm" : "qemu-system-x86" }

  /// The serial console the kernel writes to: the PC's 8250 UART or the `virt` machine's PL011.
  public var consoleDevice: String { self == .arm64 ? "ttyAMA0" : "ttyS0" }

  /// The QEMU machine (and CPU) the guest runs on.
  public var qemuMachine: [String] { self == .arm64 ? ["-machine", "virt", "-cpu", "max"] : ["-machine", "pc"] }

  /// Debian's name of the architecture (`dpkg --print-architecture`), as
  /// `Scripts/fetch-kernels.sh --arch` takes it.
  public var debianName: String {
    switch self {
    case .x86_64: "amd64"
    case .x86_32: "i386"
    case .arm64: "arm64"
    }
  }

  /// The architecture Debian names `name` (`amd64`, `i386`, `arm64`) or the model names it
  /// (`x86_64`, `x86_32`), for `--arch`.
  public init?(name: String) {
    guard let match = Architecture.allCases.first(where: { $0.debianName == name || $0.rawValue == name }) else { return nil }
    self = match
  }

  /// The ELF `e_machine` of its programs (`EM_X86_64`, `EM_386`, `EM_AARCH64`).
  var elfMachine: Int {
    switch self {
    case .x86_64: 62
    case .x86_32: 3
    case .arm64: 183
    }
  }

  /// Puts this architecture's console into a kernel command line written for the PC
  /// (`console=ttyS0`, as ``QEMURunner/baseCommandLine`` has it).
  public func commandLine(_ line: String) -> String {
    self == .x86_64 || self == .x86_32
      ? line : line.split(separator: " ").map { $0 == "console=ttyS0" ? "console=\(consoleDevice)" : String($0) }.joined(separator: " ")
  }
}

/// Which architecture a kernel image is built for, read from its header.
///
/// Kernel: the x86 boot protocol (`Documentation/x86/boot.rst`: `HdrS` at 0x202, `xloadflags`
/// at 0x236 with `XLF_KERNEL_64` in bit 0) and the arm64 `Image` header
/// (`Documentation/arm64/booting.rst`: magic `ARM\x64` at 0x38). Debian's arm64 `vmlinuz` is
/// the gzip'd `Image`, which QEMU unpacks itself: a gzip stream is taken as arm64, the only
/// architecture here whose images are not self-decompressing bzImages.
public enum KernelImage {
  public static func architecture(of path: String) throws(HarnessError) -> Architecture {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw HarnessError("kernel image \(path) does not exist or cannot be read")
    }
    defer { try? handle.close() }
    let header = [UInt8]((try? handle.read(upToCount: 0x240)) ?? Data())
    if let architecture = architecture(header: header) { return architecture }
    throw HarnessError(
      "kernel image \(path): neither an x86 bzImage ('HdrS' at 0x202) nor an arm64 Image ('ARM\\x64' at 0x38, or gzip'd)")
  }

  /// The architecture of an image whose first 0x240 bytes are `header`, or `nil`.
  public static func architecture(header: [UInt8]) -> Architecture? {
    if header.count >= 2 && header[0] == 0x1F && header[1] == 0x8B { return .arm64 }
    if header.count >= 0x3C && Array(header[0x38..<0x3C]) == [0x41, 0x52, 0x4D, 0x64] { return .arm64 }
    if header.count >= 0x237 && Array(header[0x202..<0x206]) == Array("HdrS".utf8) {
      return header[0x236] & 1 == 1 ? .x86_64 : .x86_32
    }
    return nil
  }

  /// Refuses to boot `path` for a machine of another architecture, before QEMU starts.
  public static func check(_ path: String, expected: Architecture, what: String) throws(HarnessError) {
    let found = try architecture(of: path)
    guard found == expected else {
      throw HarnessError(
        "kernel image \(path) is built for \(found.rawValue) (\(found.debianName)), but \(what) is \(expected.rawValue) (\(expected.debianName)): give a \(expected.debianName) image (Scripts/fetch-kernels.sh --arch \(expected.debianName)) or change the architecture"
      )
    }
  }
}
