/// The one list of the files a snapshot holds: everything any command reads from a sysroot.
///
/// `zonelist snapshot` copies these from the live machine, and the capture guests' `sysroot`
/// shell function (the guest library of `Initramfs`) emits the same list, so a live snapshot,
/// `zonelist capture` and `verify --keep` hold the same files. Paths are relative to the root;
/// a component may be a pattern in `fnmatch(3)`/shell syntax (`node[0-9]*`).
///
/// Kernel: the files are those of `drivers/base/node.c` (node tree, `accessK/initiators`),
/// `drivers/base/cpu.c` and `drivers/base/cacheinfo.c` (CPU lists, caches),
/// `mm/memory-tiers.c` (`memory_tiering`, `demotion_enabled`), `drivers/dax/bus.c`,
/// `mm/mempolicy.c` (`weighted_interleave`), `mm/huge_memory.c` (`transparent_hugepage`),
/// `mm/vmstat.c` (`zoneinfo`, `buddyinfo`, `pagetypeinfo`) and the `vm` sysctl table.
public enum SnapshotManifest {
  /// One pattern and the reader that needs it.
  public struct Entry: Hashable, Sendable {
    /// A path relative to the root; components may hold `*`, `?` and `[0-9]`.
    public var pattern: String
    /// Which command or reader uses the file.
    public var usedBy: String
  }

  /// The `vm` sysctls the watermark and per-CPU models read (``VMTunables/Name``).
  public static let vmSysctls = VMTunables.Name.allCases.map { "proc/sys/vm/\($0.rawValue)" }

  /// Every file pattern, in the order they are taken.
  public static let entries: [Entry] = {
    func group(_ patterns: [String], _ usedBy: String) -> [Entry] { patterns.map { Entry(pattern: $0, usedBy: usedBy) } }
    let node = SystemSnapshot.Path.nodeRoot + "/node[0-9]*"
    let cpu = SystemSnapshot.Path.cpuRoot + "/cpu[0-9]*/cache/index[0-9]*"
    let access = node + "/access[0-9]*/initiators"
    let dax = TierSnapshot.Path.daxDevices + "/*"
    let kernel = [SystemSnapshot.Path.version, SystemSnapshot.Path.cmdline]
    let proc = [SystemSnapshot.Path.zoneinfo, SystemSnapshot.Path.meminfo, buddyinfo, pageTypeInfo]
    let nodeFiles = SystemSnapshot.Path.nodeFiles.map { "\(node)/\($0)" }
    let cpus = [SystemSnapshot.Path.cpuPossible, SystemSnapshot.Path.cpuOnline]
    let caches = ["type", "level", "size", "shared_cpu_list"].map { "\(cpu)/\($0)" }
    let hmat = TierSnapshot.Path.figureNames.map { "\(access)/\($0)" }
    let tiering = [TierSnapshot.Path.memoryTiering + "/memory_tier[0-9]*/nodelist", TierSnapshot.Path.demotionEnabled]
    let daxFiles = ["target_node", "numa_node", "size", "resource"].map { "\(dax)/\($0)" }
    let thp = ["enabled", "defrag", "hpage_pmd_size"].map { "sys/kernel/mm/transparent_hugepage/\($0)" }
    return group(kernel, "every command: the kernel release and boot options")
      + group(SystemSnapshot.Path.nodeTreeFiles + nodeFiles + cpus, "every command: nodes, CPUs, distances")
      + group(proc, "zone sizes, watermarks; simulate: free blocks")
      + group(vmSysctls, "zoneinfo, simulate: the vm sysctls")
      + group([iomem], "zoneinfo --watermarks boot: where the kernel image lies")
      + group(caches, "zoneinfo, simulate: the last-level cache share (PCPF_FREE_HIGH_BATCH)")
      + group(hmat + tiering + daxFiles, "tiers, explain --demotion: HMAT, dax/kmem, the kernel's tiers")
      + group([weightedInterleave + "/node[0-9]*"], "simulate: weighted-interleave weights")
      + group(thp, "simulate: transparent huge page settings")
      + group([vmstat], "simulate: thp_fault_alloc (a THP refill's leftover block on a per-CPU list)")
  }()

  public static let buddyinfo = "proc/buddyinfo"
  /// Its `thp_fault_alloc` count tells whether a huge-page refill left a block on a per-CPU list.
  public static let vmstat = "proc/vmstat"
  /// Root sees the kernel image's physical place there (``LateFreedMemory``).
  public static let iomem = "proc/iomem"
  public static let pageTypeInfo = "proc/pagetypeinfo"
  public static let weightedInterleave = "sys/kernel/mm/mempolicy/weighted_interleave"

  /// The file holding the kernel log lines a snapshot keeps (`dmesg` in a snapshot folder).
  public static let kernelLogFile = "dmesg"
  /// The file recording each dax device's link and driver link, which are not files:
  /// `dax0.0 -> ../../devices/platform/hmem.0/dax0.0 driver: ../../bus/dax/drivers/kmem`.
  public static let daxLinksFile = "dax-devices"
  /// The file where a live snapshot says what it could not read, one `path: reason` a line.
  public static let unreadableFile = "zonelist-unreadable"

  /// Whether a live snapshot keeps a kernel log line: the release, the zonelist builds, the
  /// `mminit::zonelist` lines, the demotion targets, and the memory freed late in boot
  /// (`Freeing …`, `RAMDISK:`, the early node ranges), from which `zoneinfo --watermarks boot`
  /// tells the boot's watermarks (``LateFreedMemory``). The rest of a machine's log is its owner's business, and no command reads it.
  ///
  /// Kernel: `build_zonelists()`/`build_all_zonelists()` (`mm/page_alloc.c`, `mm/mm_init.c`),
  /// `mminit_verify_zonelist()`, `establish_demotion_targets()` (`mm/memory-tiers.c`).
  public static func keepsKernelLogLine(_ line: String) -> Bool {
    let text = KernelLog.strippingTimestamp(line)
    return KernelLog.isZonelistLine(text) || text.hasPrefix("mminit::zonelist ")
      || text.hasPrefix("Demotion targets for Node ") || text.hasPrefix("Linux version ") || text.hasPrefix("Freeing ")
      || text.hasPrefix("RAMDISK: ") || text.hasPrefix("  node ") && text.contains(": [mem ")
  }

  /// Whether `name` matches one pattern component (`*`, `?`, `[0-9]` ranges, literal
  /// characters), as `fnmatch(3)` without flags would.
  ///
  /// - Complexity: O(*n* × *m*) in the lengths of the name and the pattern.
  public static func matches(_ name: String, component pattern: String) -> Bool {
    let text = Array(name.utf8)
    let pattern = Array(pattern.utf8)
    func match(_ t: Int, _ p: Int) -> Bool {
      if p == pattern.count { return t == text.count }
      switch pattern[p] {
      case UInt8(ascii: "*"):
        return (t...text.count).contains { match($0, p + 1) }
      case UInt8(ascii: "?"):
        return t < text.count && match(t + 1, p + 1)
      case UInt8(ascii: "["):
        guard let close = pattern[(p + 1)...].firstIndex(of: UInt8(ascii: "]")), t < text.count else { return false }
        let set = Array(pattern[(p + 1)..<close])
        var index = 0
        var found = false
        while index < set.count {
          if index + 2 < set.count, set[index + 1] == UInt8(ascii: "-") {
            found = found || (set[index]...set[index + 2]).contains(text[t])
            index += 3
          } else {
            found = found || set[index] == text[t]
            index += 1
          }
        }
        return found && match(t + 1, close + 1)
      default:
        return t < text.count && text[t] == pattern[p] && match(t + 1, p + 1)
      }
    }
    return match(0, 0)
  }
}
