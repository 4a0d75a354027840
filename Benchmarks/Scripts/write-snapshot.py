#!/usr/bin/env python3
"""write-snapshot.py ZONELIST TOPOLOGY.yaml DIR: the snapshot a booted 6.12 would show of a
topology file (as the benchmarks' SnapshotWriter writes it): node lists, each node's distance,
cpulist and meminfo, proc/zoneinfo (zones from `zonelist zoneinfo --format json`),
proc/version and the vm sysctls."""
import json, os, subprocess, sys

zonelist, topology, out = sys.argv[1:4]
report = json.loads(subprocess.run([zonelist, "zoneinfo", "--topology", topology, "--kernel", "6.12", "--format", "json"],
                                   check=True, capture_output=True, text=True).stdout)
build = json.loads(subprocess.run([zonelist, "build", "--topology", topology, "--kernel", "6.12", "--format", "json"],
                                  check=True, capture_output=True, text=True).stdout)
rows = [[int(x) for x in line.strip().lstrip("- [").rstrip("]").split(",")]
        for line in open(topology).read().split("distances:")[1].strip().splitlines() if line.strip().startswith("-")]

def put(path, text):
    path = os.path.join(out, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

n = len(rows)
for name in ["possible", "online", "has_cpu", "has_memory", "has_normal_memory"]:
    put(f"sys/devices/system/node/{name}", f"0-{n - 1}\n")
cpus = ",".join(node["cpus"] for node in build["nodes"] if node["cpus"])
put("sys/devices/system/cpu/online", f"0-{n - 1}\n")
put("sys/devices/system/cpu/possible", f"0-{n - 1}\n")
zones = {}
for zone in report["zones"]:
    zones.setdefault(zone["node"], []).append(zone)
for node in build["nodes"]:
    i = node["node"]
    put(f"sys/devices/system/node/node{i}/distance", " ".join(map(str, rows[i])) + "\n")
    put(f"sys/devices/system/node/node{i}/cpulist", node["cpus"] + "\n")
    put(f"sys/devices/system/node/node{i}/meminfo", f"Node {i} MemTotal:       {sum(z['present'] for z in zones[i]) * 4} kB\n")
put("proc/zoneinfo", "".join(
    f"Node {z['node']}, zone {z['zone']:>8}\n  pages free     {z['managed']}\n        spanned  {z['spanned']}\n"
    f"        present  {z['present']}\n        managed  {z['managed']}\n" for z in report["zones"]))
put("proc/version", "Linux version 6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1\n")
for name, value in {"min_free_kbytes": "67584", "watermark_scale_factor": "10", "watermark_boost_factor": "15000",
                    "lowmem_reserve_ratio": "256\t256\t32\t0\t0", "percpu_pagelist_high_fraction": "0"}.items():
    put(f"proc/sys/vm/{name}", value + "\n")
