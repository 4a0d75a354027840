import Foundation

extension CaptureCase {
  /// The dax/kmem modules a `dax-kmem` case loads, in load order, by their path under the
  /// kernel's `lib/modules/<release>/`.
  public static let daxModules = [
    ("device_dax", "kernel/drivers/dax/device_dax.ko"),
    ("dax_hmem", "kernel/drivers/dax/hmem/dax_hmem.ko"),
    ("kmem", "kernel/drivers/dax/kmem.ko"),
  ]

  /// The guest's shell for this case: load the modules and move 6.1's hmem devices from
  /// `device_dax` to `kmem` (what `daxctl reconfigure-device -m system-ram` does), then each
  /// hot-add (ask the host, wait until the new memory blocks are all online), then `guest:`.
  /// Notes go to `/tmp/notes`, stored in the fixture as `tmp/notes`.
  public var guestCommands: String {
    var lines = ["note() { echo \"$*\" >> /tmp/notes; }"]
    if daxKmem {
      for (name, _) in CaptureCase.daxModules {
        lines.append("$B insmod /lib/modules/\(name).ko && note insmod \(name) || note insmod \(name) failed")
      }
      lines.append(
        """
        $B sleep 1
        for d in /sys/bus/dax/devices/*; do
          [ -e $d/driver ] || continue
          n=${d##*/}
          case "$($B readlink $d/driver)" in
          */device_dax) echo -n $n > $d/driver/unbind; echo -n $n > /sys/bus/dax/drivers/kmem/new_id; note "$n moved from device_dax to kmem" ;;
          esac
        done
        $B sleep 1
        """)
    }
    if !hotAdds.isEmpty {
      lines.append(
        """
        blocks() { $B ls -d /sys/devices/system/memory/memory* | $B wc -l; }
        settled() { [ $1 -gt $2 ] && ! $B cat /sys/devices/system/memory/memory*/state | $B grep -q offline; }
        """)
    }
    for (step, add) in hotAdds.enumerated() {
      lines.append(
        """
        before=$(blocks); last=$before; same=0; i=0
        echo "\(GuestPlan.hostStepMarker(step))"
        while [ $i -lt 180 ]; do
          $B sleep 1; i=$((i+1)); now=$(blocks)
          if [ $now -eq $last ] && settled $now $before; then same=$((same+1)); [ $same -ge 2 ] && break; else same=0; fi
          last=$now
        done
        note "hot-add \(step) (node \(add.node), \(add.bytes) bytes): memory blocks $before -> $now after $i s"
        """)
    }
    if !guest.isEmpty { lines.append(guest) }
    return lines.joined(separator: "\n")
  }

  /// Dumps for memory tiers beyond the standard capture (whose `sysroot` already holds the HMAT
  /// attributes, the `memory_tiering` lists, `demotion_enabled` and the dax devices): the
  /// access links (as the file `node-access-links`), the memory blocks (`memory-blocks`) and
  /// the guest's notes (`tmp/notes`).
  public static let tierDumps = """
    N=/sys/devices/system/node
    access_links() { for l in $N/node*/access*/initiators/node* $N/node*/access*/targets/node*; do [ -L $l ] && echo "${l#$N/} -> $($B readlink $l)"; done; }
    emit_output node-access-links access_links
    dump /sys/devices/system/memory/block_size_bytes
    memory_blocks() { for m in /sys/devices/system/memory/memory*; do [ -d $m ] || continue; echo "${m##*/} $($B cat $m/state) $($B ls -d $m/node* 2>/dev/null | $B sed 's|.*/||')"; done; }
    emit_output memory-blocks memory_blocks
    dump /tmp/notes
    """

  /// The plan for one boot: modules from `modulesDirectory` (`.ko.xz` decompressed here with
  /// `xz`, since busybox `insmod` cannot), guest commands, tier dumps and QMP hot-adds.
  public func plan(modulesDirectory: String?) throws -> GuestPlan {
    var files: [String: Data] = [:]
    if daxKmem {
      guard let modulesDirectory else { throw HarnessError("case \(name) loads dax/kmem modules: no modules folder found for the kernel image") }
      for (module, path) in CaptureCase.daxModules {
        let plain = modulesDirectory + "/" + path
        if let data = FileBytes.read(plain) {
          files["lib/modules/\(module).ko"] = data
        } else if FileManager.default.fileExists(atPath: plain + ".xz") {
          files["lib/modules/\(module).ko"] = try CaptureCase.decompress(plain + ".xz")
        } else {
          throw HarnessError("case \(name): \(plain)[.xz] does not exist")
        }
      }
    }
    let steps = hotAdds.enumerated().map { step, add in QMPPipe.hotAddDIMM(node: add.node, bytes: add.bytes, step: step) }
    return GuestPlan(files: files, commands: guestCommands, dumps: CaptureCase.tierDumps, hostSteps: steps)
  }

  static func decompress(_ path: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["xz", "-dc", path]
    let output = Pipe()
    process.standardOutput = output
    do { try process.run() } catch { throw HarnessError("cannot run xz to decompress \(path): install xz-utils") }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw HarnessError("xz -dc \(path) failed") }
    return data
  }

  /// The `lib/modules/<release>` folder that belongs to a kernel image unpacked from a Debian
  /// package: `…/boot/vmlinuz-REL` → `…/lib/modules/REL` (or `…/usr/lib/modules/REL`); sid's
  /// `…/usr/lib/modules/REL/vmlinuz` → its own folder.
  public static func modulesDirectory(forImage image: String) -> String? {
    let url = URL(fileURLWithPath: image)
    let folder = url.deletingLastPathComponent()
    if url.lastPathComponent == "vmlinuz" { return folder.path }
    guard let release = release(ofImage: image) else { return nil }
    let root = folder.deletingLastPathComponent()
    for candidate in ["lib/modules", "usr/lib/modules"] {
      let path = root.appendingPathComponent(candidate).appendingPathComponent(release).path
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    return nil
  }

  /// Boots the case once on `kernelImage` and writes `<outputRoot>/<name>-<series>/` (the
  /// series read from the guest's `/proc/version`) with a `case.md` saying what the case
  /// tests and how it was booted. Returns the folder; refuses to overwrite one.
  public func capture(kernelImage: String, outputRoot: String, timeout: Double, command: String) throws -> String {
    let plan = try plan(modulesDirectory: CaptureCase.modulesDirectory(forImage: kernelImage))
    let capture = try QEMURunner(kernelImage: kernelImage, timeoutSeconds: timeout)
      .boot(machineOptions: qemu, bootOptions: append, plan: plan)
    let version = capture.files["proc/version"] ?? ""
    guard let release = version.split(separator: " ").dropFirst(2).first, let series = CaptureCase.series(of: String(release)) else {
      throw HarnessError("case \(name): no kernel release in the guest's /proc/version")
    }
    let folder = outputRoot + "/\(name)-\(series)"
    guard !FileManager.default.fileExists(atPath: folder) else { throw HarnessError("\(folder) exists already") }
    try capture.write(to: folder)
    try description(release: String(release), kernelImage: kernelImage, plan: plan, command: command)
      .write(toFile: folder + "/case.md", atomically: true, encoding: .utf8)
    return folder
  }

  /// The kernel release a Debian image path names: `…/vmlinuz-REL` or `…/modules/REL/vmlinuz`.
  public static func release(ofImage image: String) -> String? {
    let url = URL(fileURLWithPath: image)
    if url.lastPathComponent == "vmlinuz" { return url.deletingLastPathComponent().lastPathComponent }
    guard url.lastPathComponent.hasPrefix("vmlinuz-") else { return nil }
    return String(url.lastPathComponent.dropFirst("vmlinuz-".count))
  }

  /// `6.12.117+deb12-amd64` → `6.12`.
  public static func series(of release: String) -> String? {
    let parts = release.split(separator: ".", maxSplits: 2)
    guard parts.count >= 2, Int(parts[0]) != nil else { return nil }
    let minor = parts[1].prefix { $0.isNumber }
    return minor.isEmpty ? nil : "\(parts[0]).\(minor)"
  }

  func description(release: String, kernelImage: String, plan: GuestPlan, command: String) -> String {
    let append = [QEMURunner.baseCommandLine, self.append].filter { !$0.isEmpty }.joined(separator: " ")
    var text = """
      # \(name) (\(release))

      \(about.trimmingCharacters(in: .whitespacesAndNewlines))

      Kernel image: `\(URL(fileURLWithPath: kernelImage).lastPathComponent)` (\(release)).

      QEMU (the harness adds `-initrd` with its busybox capture initramfs\(hotAdds.isEmpty ? "" : " and `-chardev pipe,id=zlqmp,path=… -mon chardev=zlqmp,mode=control` for QMP")):

      ```
      qemu-system-x86_64 -nographic -no-reboot -kernel vmlinuz -append '\(append)' \\
        \(qemu.joined(separator: " "))
      ```

      """
    if daxKmem {
      text += "\nGuest: `insmod` " + CaptureCase.daxModules.map(\.0).joined(separator: ", ")
        + " (from the image's modules); any dax device bound to `device_dax` is unbound and given to `kmem` through `new_id`.\n"
    }
    for (step, commands) in plan.hostSteps.enumerated() {
      text += "\nHot-add \(step), sent through QMP when the guest asked, then the guest waited for every new memory block to be online:\n\n"
      text += commands.map { "    \($0)" }.joined(separator: "\n") + "\n"
    }
    if !guest.isEmpty { text += "\nGuest commands before the snapshot:\n\n```\n\(guest.trimmingCharacters(in: .newlines))\n```\n" }
    text += "\nThe snapshot (files and `dmesg`) was taken after all of the above. Reproduce:\n\n```\n\(command)\n```\n"
    return text
  }
}
