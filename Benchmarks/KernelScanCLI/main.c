// SPDX-License-Identifier: GPL-2.0
// kernel-scan SYSROOT: reads a snapshot's online nodes, distances, CPU lists and
// /proc/zoneinfo managed zones, runs the kernel's zonelist build (KernelScan.h) and prints
// the `Fallback order for Node N:` lines: the whole-process peer of
// `zonelist build --sysroot SYSROOT --format kernel-log`.
#include "KernelScan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *root, const char *path, long *size) {
  char name[4096];
  snprintf(name, sizeof(name), "%s/%s", root, path);
  FILE *f = fopen(name, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc(n + 1);
  n = (long)fread(text, 1, n, f);
  text[n] = 0;
  fclose(f);
  if (size) *size = n;
  return text;
}

static const char *zone_names[] = {"DMA", "DMA32", "Normal", "Movable", "Device"};

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: kernel-scan SYSROOT\n");
    return 64;
  }
  const char *root = argv[1];
  char *online = slurp(root, "sys/devices/system/node/online", NULL);
  int low = 0, high = 0;
  if (!online || sscanf(online, "%d-%d", &low, &high) < 1 || low != 0 || high >= KERNEL_SCAN_MAX_NUMNODES) {
    fprintf(stderr, "kernel-scan: expected node/online as 0-N\n");
    return 64;
  }
  int n = high + 1;
  int *distance = malloc(sizeof(int) * n * n);
  unsigned char *has_cpus = calloc(n, 1);
  unsigned *populated = calloc(n, sizeof(unsigned));
  char path[256];
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof(path), "sys/devices/system/node/node%d/distance", i);
    char *text = slurp(root, path, NULL), *cursor = text;
    for (int j = 0; j < n; j++) distance[i * n + j] = (int)strtol(cursor, &cursor, 10);
    free(text);
    snprintf(path, sizeof(path), "sys/devices/system/node/node%d/cpulist", i);
    text = slurp(root, path, NULL);
    has_cpus[i] = text && text[0] != '\n' && text[0] != 0;
    free(text);
  }
  char *zoneinfo = slurp(root, "proc/zoneinfo", NULL);
  int node = -1, zone = -1;
  for (char *line = strtok(zoneinfo, "\n"); line; line = strtok(NULL, "\n")) {
    char name[32];
    long managed;
    if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
      zone = -1;
      for (int z = 0; z < 5; z++)
        if (!strcmp(name, zone_names[z])) zone = z;
    } else if (sscanf(line, " managed %ld", &managed) == 1 && managed > 0 && node >= 0 && node < n && zone >= 0) {
      populated[node] |= 1u << zone;
    }
  }
  struct kernel_scan_machine machine = {n, distance, has_cpus, populated, 5};
  struct kernel_scan_result *result = kernel_scan_alloc(n, 5);
  kernel_scan_build_all(&machine, result);
  for (int i = 0; i < n; i++) {
    printf("Fallback order for Node %d: ", i);
    for (int k = 0; k < result->order_length[i]; k++) printf("%d ", result->node_order[i * n + k]);
    printf("\n");
  }
  kernel_scan_free(result);
  return 0;
}
