// A C transcription of the kernel's zonelist build (Linux 6.12, mm/page_alloc.c:
// find_next_best_node(), build_zonelists(), build_zonelists_in_node_order(),
// build_thisnode_zonelists(), the node_load[] round robin), the peer the benchmarks measure
// zonelist against on the same table. SPDX-License-Identifier: GPL-2.0 (as its source).
#ifndef KERNEL_SCAN_H
#define KERNEL_SCAN_H

#define KERNEL_SCAN_MAX_NUMNODES 1024
#define KERNEL_SCAN_MAX_NR_ZONES 8

/// One machine: `nodes` dense ids 0..nodes-1, all online.
struct kernel_scan_machine {
  int nodes;
  /// Row-major `nodes * nodes` distances (`node_distance(i, j)`).
  const int *distance;
  /// Whether each node has CPUs (`!cpumask_empty(cpumask_of_node(n))`).
  const unsigned char *has_cpus;
  /// Each node's managed zones, bit `z` for zone type `z` (`managed_zone()`); N_MEMORY when non-zero.
  const unsigned *populated;
  int zone_types;
};

/// What the build leaves: each node's order, its ZONELIST_FALLBACK and ZONELIST_NOFALLBACK
/// (zonerefs as `node * KERNEL_SCAN_MAX_NR_ZONES + zone type`), and node_load[].
struct kernel_scan_result {
  int *node_order;    // nodes * nodes
  int *order_length;  // nodes
  int *fallback;      // nodes * nodes * zone_types
  int *fallback_length;
  int *thisnode;      // nodes * zone_types
  int *thisnode_length;
  int node_load[KERNEL_SCAN_MAX_NUMNODES];
};

/// build_all_zonelists() at boot: every node's lists, in node order.
void kernel_scan_build_all(const struct kernel_scan_machine *machine, struct kernel_scan_result *result);

/// Allocates a result for `nodes` nodes of `zone_types` zone types; free with kernel_scan_free().
struct kernel_scan_result *kernel_scan_alloc(int nodes, int zone_types);
void kernel_scan_free(struct kernel_scan_result *result);

#endif
