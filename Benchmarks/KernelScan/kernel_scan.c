// SPDX-License-Identifier: GPL-2.0
// Transcribed from Linux 6.12 mm/page_alloc.c (see KernelScan.h).
#include "KernelScan.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define PENALTY_FOR_NODE_WITH_CPUS 1
#define NUMA_NO_NODE (-1)

static int node_distance(const struct kernel_scan_machine *m, int from, int to) {
  return m->distance[from * m->nodes + to];
}

static int has_memory(const struct kernel_scan_machine *m, int node) { return m->populated[node] != 0; }

static int find_next_best_node(const struct kernel_scan_machine *m, int *node_load, int node, unsigned char *used) {
  int n, val;
  int min_val = INT_MAX;
  int best_node = NUMA_NO_NODE;

  if (!used[node] && has_memory(m, node)) {
    used[node] = 1;
    return node;
  }
  for (n = 0; n < m->nodes; n++) {
    if (!has_memory(m, n)) continue;  // for_each_node_state(n, N_MEMORY)
    if (used[n]) continue;
    val = node_distance(m, node, n);
    val += (n < node);
    if (m->has_cpus[n]) val += PENALTY_FOR_NODE_WITH_CPUS;
    val *= KERNEL_SCAN_MAX_NUMNODES;
    val += node_load[n];
    if (val < min_val) {
      min_val = val;
      best_node = n;
    }
  }
  if (best_node >= 0) used[best_node] = 1;
  return best_node;
}

static int build_zonerefs_node(const struct kernel_scan_machine *m, int node, int *zonerefs) {
  int nr_zones = 0;
  for (int zone_type = m->zone_types - 1; zone_type >= 0; zone_type--) {
    if (m->populated[node] & (1u << zone_type)) zonerefs[nr_zones++] = node * KERNEL_SCAN_MAX_NR_ZONES + zone_type;
  }
  return nr_zones;
}

static void build_zonelists(const struct kernel_scan_machine *m, struct kernel_scan_result *r, int local_node) {
  static unsigned char used_mask[KERNEL_SCAN_MAX_NUMNODES];
  int *node_order = r->node_order + (size_t)local_node * m->nodes;
  int node, nr_nodes = 0, prev_node = local_node;

  memset(used_mask, 0, sizeof(used_mask));
  while ((node = find_next_best_node(m, r->node_load, local_node, used_mask)) >= 0) {
    if (node_distance(m, local_node, node) != node_distance(m, local_node, prev_node)) r->node_load[node] += 1;
    node_order[nr_nodes++] = node;
    prev_node = node;
  }
  r->order_length[local_node] = nr_nodes;
  int *zonerefs = r->fallback + (size_t)local_node * m->nodes * m->zone_types;
  int length = 0;
  for (int i = 0; i < nr_nodes; i++) length += build_zonerefs_node(m, node_order[i], zonerefs + length);
  r->fallback_length[local_node] = length;
  r->thisnode_length[local_node] = build_zonerefs_node(m, local_node, r->thisnode + (size_t)local_node * m->zone_types);
}

void kernel_scan_build_all(const struct kernel_scan_machine *machine, struct kernel_scan_result *result) {
  memset(result->node_load, 0, sizeof(result->node_load));
  for (int nid = 0; nid < machine->nodes; nid++) build_zonelists(machine, result, nid);
}

struct kernel_scan_result *kernel_scan_alloc(int nodes, int zone_types) {
  struct kernel_scan_result *r = calloc(1, sizeof(*r));
  r->node_order = malloc(sizeof(int) * (size_t)nodes * nodes);
  r->order_length = malloc(sizeof(int) * (size_t)nodes);
  r->fallback = malloc(sizeof(int) * (size_t)nodes * nodes * zone_types);
  r->fallback_length = malloc(sizeof(int) * (size_t)nodes);
  r->thisnode = malloc(sizeof(int) * (size_t)nodes * zone_types);
  r->thisnode_length = malloc(sizeof(int) * (size_t)nodes);
  return r;
}

void kernel_scan_free(struct kernel_scan_result *r) {
  free(r->node_order);
  free(r->order_length);
  free(r->fallback);
  free(r->fallback_length);
  free(r->thisnode);
  free(r->thisnode_length);
  free(r);
}
