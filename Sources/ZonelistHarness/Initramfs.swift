import Foundation

/// A minimal initramfs: a static busybox and an `/init` script, as an uncompressed
/// `newc` cpio archive (the kernel unpacks it without a decompressor).
public enum Initramfs {
  /// Where Debian's `busybox-static` installs its binary.
  public static let defaultBusybox = "/bin/busybox"

  /// The guest's `/init`: mounts proc and sysfs, quiets the console (only emergency messages
  /// from then on, so that none falls inside a file), runs `extraCommands`, prints each file the
  /// model reads between `@@FILE path` and `@@END` markers (then whatever `extraDumps` prints
  /// with the same markers; the shell function `dump FILE...` is defined), then `dmesg`,
  /// then powers off.
  public static func captureScript(extraCommands: String = "", extraDumps: String = "") -> String {
    """
    #!/bin/busybox sh
    B=/bin/busybox
    $B mount -t proc proc /proc
    $B mount -t sysfs sysfs /sys
    $B dmesg -n 1
    dump() { for f in "$@"; do [ -e "$f" ] || continue; echo "@@FILE $f"; $B cat "$f"; echo; echo "@@END"; done; }
    \(extraCommands)
    echo "@@ZONELIST-BEGIN"
    dump /proc/version /proc/cmdline /proc/zoneinfo
    dump /sys/devices/system/node/possible /sys/devices/system/node/online /sys/devices/system/node/has_cpu
    dump /sys/devices/system/node/has_memory /sys/devices/system/node/has_normal_memory
    dump /sys/devices/system/cpu/possible /sys/devices/system/cpu/online
    for d in /sys/devices/system/node/node*; do dump $d/distance $d/cpulist $d/meminfo; done
    \(extraDumps)
    echo "@@FILE dmesg"; $B dmesg; echo; echo "@@END"
    echo "@@ZONELIST-END"
    $B poweroff -f
    """
  }

  /// Builds the archive; `files` are added as regular files (path relative to the guest's root,
  /// e.g. `lib/modules/kmem.ko`), their folders created.
  public static func build(script: String, busybox: String = defaultBusybox, files: [String: Data] = [:]) throws -> Data {
    guard let binary = FileManager.default.contents(atPath: busybox) else {
      throw HarnessError("cannot read \(busybox): install Debian's busybox-static")
    }
    var archive = Data()
    var inode = 1
    func entry(_ name: String, mode: Int, contents: Data = Data()) {
      let header =
        "070701" + [inode, mode, 0, 0, 1, 0, contents.count, 0, 0, 0, 0, name.utf8.count + 1, 0]
        .map { String(format: "%08X", $0) }.joined()
      inode += 1
      archive.append(header.data(using: .ascii)!)
      archive.append(name.data(using: .utf8)!)
      archive.append(0)
      while archive.count % 4 != 0 { archive.append(0) }
      archive.append(contents)
      while archive.count % 4 != 0 { archive.append(0) }
    }
    for directory in ["bin", "proc", "sys", "dev", "tmp"] { entry(directory, mode: 0o040755) }
    entry("bin/busybox", mode: 0o100755, contents: binary)
    entry("init", mode: 0o100755, contents: script.data(using: .utf8)!)
    var folders: Set<String> = ["bin", "proc", "sys", "dev", "tmp"]
    for path in files.keys.sorted() {
      let parts = path.split(separator: "/").dropLast()
      for depth in parts.indices {
        let folder = parts[...depth].joined(separator: "/")
        if folders.insert(folder).inserted { entry(folder, mode: 0o040755) }
      }
      entry(path, mode: 0o100644, contents: files[path]!)
    }
    entry("TRAILER!!!", mode: 0)
    return archive
  }
}

/// A failure of the harness (files, processes, QEMU), with its message.
public struct HarnessError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
