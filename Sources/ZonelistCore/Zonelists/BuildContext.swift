/// When the kernel builds zonelists, which changes what it sees.
///
/// Kernel: `build_all_zonelists(pgdat)` in `mm/page_alloc.c`: with `system_state ==
/// SYSTEM_BOOTING` from `start_kernel()`/`mm_core_init()`, later from memory hotplug
/// (`online_pages()`, `__try_online_node()`).
public enum BuildContext: Hashable, Sendable, Codable {
  /// The boot-time build. On x86 no CPU has been added to any node's cpumask yet
  /// (`numa_add_cpu()` runs later, from `identify_cpu()`), so no node gets the CPU
  /// penalty; managed pages are the boot estimate and every high watermark is 0.
  case boot
  /// A rebuild at run time, after memory hotplug. Node cpumasks hold the online CPUs.
  /// When `onlining` is a node that is not online yet (a hot-added node), kernels from
  /// 4.14 build only that node's lists.
  case rebuild(onlining: NodeID?)

  public var isBoot: Bool { self == .boot }
}
