#!/usr/bin/env python3
"""Summarise alloc fixtures: per step, the program's pages per node (move_pages) against the drop
of free pages per node in /proc/zoneinfo, the per-cpu-list (pcp) pages and numastat deltas.

Usage: analyze.py FIXTURE_DIR [...]     (e.g. Tests/ZonelistCoreTests/Fixtures/alloc/*)

Columns per node: 'placed' = step's pages on that node (free steps: minus the freed step's pages),
'free-drop' = sum over the node's zones of (pages free before - after), 'pcp' = change of the
pages sitting on the node's per-cpu lists (zoneinfo 'count:'), 'residue' = free-drop - pcp - placed
(pages the kernel took for itself during the step: page tables, slab, the snapshot's own reads).
"""
import os, re, sys


def zoneinfo(path):
    free, pcp, cur = {}, {}, None
    for l in open(path):
        m = re.match(r"^Node (\d+), zone\s+(\S+)", l)
        if m:
            cur = int(m.group(1))
            free.setdefault(cur, 0)
            pcp.setdefault(cur, 0)
            continue
        m = re.match(r"^\s+pages free\s+(\d+)", l)
        if m:
            free[cur] += int(m.group(1))
        m = re.match(r"^\s+count:\s+(\d+)", l)
        if m:
            pcp[cur] += int(m.group(1))
    return free, pcp


def numastat(root, node):
    p = os.path.join(root, f"sys/devices/system/node/node{node}/numastat")
    return {k: int(v) for k, v in (l.split() for l in open(p))}


def vmstat(root):
    return {k: int(v) for k, v in (l.split() for l in open(os.path.join(root, "proc/vmstat")))}


def placement(path):
    r = {}
    if os.path.exists(path):
        for l in open(path):
            w = l.split()
            if w[0] == "node":
                r[int(w[1])] = int(w[3])
    return r


def main():
    for fx in sys.argv[1:]:
        print(f"== {os.path.basename(fx.rstrip('/'))}")
        prev = os.path.join(fx, "before")
        pf, pp = zoneinfo(os.path.join(prev, "proc/zoneinfo"))
        nodes = sorted(pf)
        placed_by_step = {}
        k = 1
        while os.path.isdir(os.path.join(fx, "steps", f"{k:02d}")):
            d = os.path.join(fx, "steps", f"{k:02d}")
            info = open(os.path.join(d, "step")).read().split()
            f, p = zoneinfo(os.path.join(d, "proc/zoneinfo"))
            pl = placement(os.path.join(d, "placement"))
            if info[1] == "kind=alloc":
                placed_by_step[k] = pl
                desc = " ".join(x for x in info[1:] if x.split("=")[0] in ("cpu", "policy", "nodes", "pages"))
                signed = pl
            else:
                of = int(info[2].split("=")[1])
                desc = f"free step {of}"
                signed = {n: -c for n, c in placed_by_step.get(of, {}).items()}
            vp, vn = vmstat(prev), vmstat(d)
            pt = vn.get("nr_page_table_pages", 0) - vp.get("nr_page_table_pages", 0)
            print(f" step {k}: {desc}  (page-table pages {pt:+d})")
            tot = [0, 0, 0, 0]
            for n in nodes:
                drop, dp = pf[n] - f[n], p[n] - pp[n]
                pc = signed.get(n, 0)
                res = drop - dp - pc
                a, b = numastat(prev, n), numastat(d, n)
                ns = " ".join(f"{key}{b[key]-a[key]:+d}" for key in ("numa_hit", "numa_miss", "numa_foreign",
                                                                      "interleave_hit", "local_node", "other_node"))
                print(f"   node {n}: placed {pc:+8d}  free-drop {drop:+8d}  pcp {dp:+6d}  residue {res:+6d}   {ns}")
                tot = [tot[0] + pc, tot[1] + drop, tot[2] + dp, tot[3] + res]
            print(f"   total : placed {tot[0]:+8d}  free-drop {tot[1]:+8d}  pcp {tot[2]:+6d}  residue {tot[3]:+6d}")
            prev, pf, pp = d, f, p
            k += 1


main()
