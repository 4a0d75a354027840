#!/usr/bin/env python3
"""Per-run tolerances for AllocationTolerance.byRun from AllocationFixtureTests' own figures.

Usage: swift test --filter AllocationFixtureTests 2>&1 | Scripts/alloc-capture/tolerances.py [RUN...]

Reads the lines the tests print ("RUN: worst per-node difference P%", "RUN: worst free-page
difference F% of the zone", "RUN: without pagetypeinfo, worst per-node difference W%") and prints
one `byRun` entry per run (or the runs named): each worst rounded up to 0.1 and 0.1 added, the
project's rule (a run within 0.3% must not drift to 3% unnoticed). Runs without a "without
pagetypeinfo" figure (stored without the file) get nil there.
"""
import math
import re
import sys

figures = {}
for line in sys.stdin:
    m = re.match(r"^(\S+): (without pagetypeinfo, )?worst (per-node|free-page) difference ([0-9.]+)%", line)
    if not m:
        continue
    name, without, kind, value = m.group(1), m.group(2), m.group(3), float(m.group(4))
    key = "without" if without else ("placement" if kind == "per-node" else "free")
    figures.setdefault(name, {})[key] = value


def tolerance(value):
    return math.ceil(round(value * 10, 6)) / 10 + 0.1


wanted = sys.argv[1:] or sorted(figures)
for name in wanted:
    f = figures.get(name)
    if not f or "placement" not in f or "free" not in f:
        sys.exit(f"{name}: no figures in the input")
    without = f"{tolerance(f['without']):.1f}" if "without" in f else "nil"
    print(f'    "{name}": .init({tolerance(f["placement"]):.1f}, free: {tolerance(f["free"]):.1f}, withoutPagetypeinfo: {without}),')
