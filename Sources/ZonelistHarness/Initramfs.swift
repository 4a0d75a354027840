import Foundation
import ZonelistCore

/// A file to put into the guest's initramfs next to busybox and `/init`.
public struct GuestFile: Sendable {
  /// The path inside the guest, without the leading `/` (`bin/alloc`, `workload.txt`).
  public var path: String
  public var contents: Data
  /// `true` for programs and scripts (mode 0755), else 0644.
  public var isExecutable: Bool

  public init(path: String, contents: Data, isExecutable: Bool) {
    self.path = String(path.drop { $0 == "/" })
    self.contents = contents
    self.isExecutable = isExecutable
  }

  /// Reads `host` for the guest path `guest`; executable when the host file is.
  public init(host: String, guest: String) throws(HarnessError) {
    guard let contents = FileBytes.read(host) else {
      throw HarnessError("cannot read \(host), a file meant for the guest's \(guest)")
    }
    self.init(path: guest, contents: contents, isExecutable: FileManager.default.isExecutableFile(atPath: host))
  }
}

/// The capture initramfs: a static busybox, an `/init` script, the guest library
/// (``guestLibrary``, at `/lib/zonelist.sh`) and any extra files, as an uncompressed `newc`
/// cpio archive (the kernel unpacks it without a decompressor). Every capture tool builds
/// its guest here.
public enum Initramfs {
  /// Where the guest library lands; an `/init` sources it with `. /lib/zonelist.sh`.
  public static let guestLibraryPath = "lib/zonelist.sh"

  /// Sourcing it quiets the kernel's console (emergency messages only), so that no kernel message
  /// falls inside what the guest prints. Shell functions every guest uses to speak the console
  /// protocol (``GuestConsole``):
  /// `emit PATH` prints a file byte-exact (`@@F PATH`, base64, `@@FE`; nothing when it
  /// does not exist), `dump FILE...` emits files named by absolute paths (globs that match
  /// nothing are skipped), `emit_output NAME CMD...` prints a command's output as file NAME,
  /// `sysroot` emits the files of ``SnapshotManifest`` (what every command reads, as `zonelist snapshot`
  /// takes them from a live machine) and the dax devices' links, `snap LABEL CMD...` wraps what CMD emits in
  /// `@@SNAP-BEGIN LABEL` / `@@SNAP-END LABEL`, and `finish` prints `@@ZONELIST-END` (the
  /// host's sign that the guest completed) and powers off.
  public static let guestLibrary = """
    # zonelist guest library: the console protocol (see Scripts/capture/README.md).
    B=/bin/busybox
    # The kernel logs to the console while it boots (QEMURunner.baseCommandLine); from here on
    # only emergency messages, so that none falls inside what the guest prints.
    $B dmesg -n 1
    emit() { [ -e "/$1" ] || return 0; echo "@@F $1"; $B base64 < "/$1"; echo "@@FE"; }
    dump() { local f; for f in "$@"; do emit "${f#/}"; done; }
    emit_output() { local n=$1; shift; echo "@@F $n"; "$@" | $B base64; echo "@@FE"; }
    sysroot() {
      local f
      for f in \(SnapshotManifest.entries.map { "/" + $0.pattern }.joined(separator: " ")); do emit "${f#/}"; done
      dax_links() { for f in /sys/bus/dax/devices/*; do [ -e $f ] && echo "${f##*/} -> $($B readlink $f) driver: $($B readlink $f/driver)"; done; }
      [ -d /sys/bus/dax/devices ] && emit_output \(SnapshotManifest.daxLinksFile) dax_links
    }
    snap() { local l=$1; shift; echo "@@SNAP-BEGIN $l"; "$@"; echo "@@SNAP-END $l"; }
    finish() { echo "@@ZONELIST-END"; $B poweroff -f; }

    """

  /// The `zonelist capture` guest's `/init`: mounts proc and sysfs, runs `extraCommands`,
  /// prints snapshot `boot` (the files the model reads, whatever `extraDumps` emits with the
  /// guest library, then `dmesg`), then powers off.
  public static func captureScript(extraCommands: String = "", extraDumps: String = "") -> String {
    """
    #!/bin/busybox sh
    . /\(guestLibraryPath)
    $B mount -t proc proc /proc
    $B mount -t sysfs sysfs /sys
    \(extraCommands)
    extra_dumps() {
    :
    \(extraDumps)
    }
    boot_files() { sysroot; extra_dumps; emit_output \(BootCapture.dmesgFile) $B dmesg; }
    echo "@@ZONELIST-BEGIN"
    snap boot boot_files
    finish

    """
  }

  /// Finds a static busybox that runs in a guest of `architecture`: `$BUSYBOX`, else
  /// `/bin/busybox`, else `/usr/bin/busybox` for x86-64; for i386 and arm64 `$BUSYBOX_I386` /
  /// `$BUSYBOX_ARM64`, else `$BUSYBOX`, else what `Scripts/fetch-kernels.sh --arch ARCH` put in
  /// `${ZONELIST_KERNEL_DIR:-~/.cache/zonelist/kernels}/ARCH/busybox/x/{bin,usr/bin}`. A dynamically linked
  /// busybox (Debian's `busybox`, not `busybox-static`) cannot run in the guest, which has no
  /// libc, and one of another architecture cannot run at all: both are refused by name.
  public static func locateBusybox(
    architecture: Architecture = .x86_64, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(HarnessError) -> String {
    let name = architecture.debianName
    var candidates: [String]
    if architecture == .x86_64 {
      candidates = environment["BUSYBOX"].map { [$0] } ?? ["/bin/busybox", "/usr/bin/busybox"]
    } else {
      let cache = environment["ZONELIST_KERNEL_DIR"] ?? (NSHomeDirectory() + "/.cache/zonelist/kernels")
      candidates = [environment["BUSYBOX_" + name.uppercased()], environment["BUSYBOX"]].compactMap { $0 }
      candidates += ["\(cache)/\(name)/busybox/x/bin/busybox", "\(cache)/\(name)/busybox/x/usr/bin/busybox"]
    }
    var refused: [String] = []
    for path in candidates {
      guard let binary = FileBytes.read(path) else { continue }
      let elf = try ELFProgram(binary, path: path)
      if elf.machine != architecture.elfMachine {
        refused.append("\(path) is not a \(name) program")
      } else if !elf.isStatic {
        refused.append("\(path) is dynamically linked")
      } else {
        return path
      }
    }
    let install = architecture == .x86_64 ? "install Debian's busybox-static" : "run Scripts/fetch-kernels.sh --arch \(name) (it fetches \(name)'s busybox-static)"
    if refused.isEmpty { throw HarnessError("no busybox at \(candidates.joined(separator: " or ")): \(install)") }
    throw HarnessError("\(refused.joined(separator: "; ")): \(install)")
  }

  /// Builds the archive: busybox at `bin/busybox`, `script` at `init`, the guest library and
  /// `files` (their folders are created; a later file with the same path replaces an earlier one).
  public static func build(
    script: String, files: [GuestFile] = [], busybox: String? = nil, architecture: Architecture = .x86_64
  ) throws(HarnessError) -> Data {
    let busyboxPath = if let busybox { busybox } else { try locateBusybox(architecture: architecture) }
    guard let binary = FileBytes.read(busyboxPath) else {
      throw HarnessError("cannot read \(busyboxPath): install Debian's busybox-static")
    }
    let all =
      [
        GuestFile(path: "bin/busybox", contents: binary, isExecutable: true),
        GuestFile(path: "init", contents: Data(script.utf8), isExecutable: true),
        GuestFile(path: guestLibraryPath, contents: Data(guestLibrary.utf8), isExecutable: false),
      ] + files
    var directories = ["bin", "proc", "sys", "dev", "tmp", "lib"]
    for file in all {
      var parents: [String] = []
      var parent = (file.path as NSString).deletingLastPathComponent
      while !parent.isEmpty { parents.insert(parent, at: 0); parent = (parent as NSString).deletingLastPathComponent }
      for directory in parents where !directories.contains(directory) { directories.append(directory) }
    }
    var last: [String: Int] = [:]
    for (index, file) in all.enumerated() { last[file.path] = index }
    var writer = CPIOWriter()
    for directory in directories { writer.append(directory, mode: 0o040755) }
    for (index, file) in all.enumerated() where last[file.path] == index {
      writer.append(file.path, mode: file.isExecutable ? 0o100755 : 0o100644, contents: file.contents)
    }
    writer.append("TRAILER!!!", mode: 0)
    return writer.archive
  }
}

/// Writes a `newc` cpio archive.
struct CPIOWriter {
  private(set) var archive = Data()
  private var inode = 1

  mutating func append(_ name: String, mode: Int, contents: Data = Data()) {
    let header =
      "070701" + [inode, mode, 0, 0, 1, 0, contents.count, 0, 0, 0, 0, name.utf8.count + 1, 0]
      .map { String(format: "%08X", $0) }.joined()
    inode += 1
    archive.append(Data(header.utf8))
    archive.append(Data(name.utf8))
    archive.append(0)
    while archive.count % 4 != 0 { archive.append(0) }
    archive.append(contents)
    while archive.count % 4 != 0 { archive.append(0) }
  }
}

/// A failure of the harness (files, processes, QEMU), with its message.
public struct HarnessError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// The two facts of an ELF program's header the guest needs: its machine and whether it has a
/// program interpreter (`PT_INTERP`), i.e. is dynamically linked. 32- and 64-bit, little-endian.
struct ELFProgram {
  var machine: Int
  var isStatic: Bool

  init(_ binary: Data, path: String) throws(HarnessError) {
    let bytes = [UInt8](binary)
    func integer(_ offset: Int, _ size: Int) -> Int? {
      guard offset >= 0, offset + size <= bytes.count else { return nil }
      return (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }
    guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]), bytes.count > 0x34, bytes[4] == 1 || bytes[4] == 2, bytes[5] == 1 else {
      throw HarnessError("\(path) is not a little-endian ELF program")
    }
    let wide = bytes[4] == 2
    guard let machine = integer(0x12, 2), let tableOffset = wide ? integer(0x20, 8) : integer(0x1C, 4),
      let entrySize = integer(wide ? 0x36 : 0x2A, 2), let count = integer(wide ? 0x38 : 0x2C, 2)
    else { throw HarnessError("\(path): its ELF header is cut short") }
    self.machine = machine
    isStatic = true
    for index in 0..<count {
      guard let type = integer(tableOffset + index * entrySize, 4) else {
        throw HarnessError("\(path): program header \(index) lies past the end of the file")
      }
      if type == 3 { isStatic = false }  // PT_INTERP
    }
  }
}
