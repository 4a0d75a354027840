#!/usr/bin/env python3
"""Boot-to-boot spread of allocation captures, and the model's error on each boot.

Usage: spread.py BOOTDIR BOOTDIR... [--fixtures DIR] [RUN...]

Each BOOTDIR is a `capture.py --dest` folder holding `<run>-<series>/` captures of the same runs
(one boot each). Per run it prints:
- the kernel's spread: over the boots, per step and node, max - min of the pages `move_pages`
  found there, as a share of the step (the worst step and node, then the worst node per step);
- the model's error per boot: `zonelist simulate` from that boot's own `before/` and
  `workload.yaml`, the worst per node and step against that boot's `placement` (the figure
  `AllocationFixtureTests.worstPlacement` computes).
With `--fixtures DIR` (e.g. Tests/ZonelistCoreTests/Fixtures/alloc) the committed capture of the
run is added as one more boot. ZONELIST = the CLI (default .build/debug/zonelist).
"""
import glob
import json
import os
import subprocess
import sys

ZONELIST = os.environ.get("ZONELIST", ".build/debug/zonelist")


def placements(capture):
    """{step: {node: pages}} from the capture's steps/NN/placement files."""
    result = {}
    for f in sorted(glob.glob(os.path.join(capture, "steps", "*", "placement"))):
        step = int(os.path.basename(os.path.dirname(f)))
        nodes = {}
        for line in open(f):
            w = line.split()
            if len(w) == 4:
                nodes[int(w[1])] = int(w[3])
        result[step] = nodes
    return result


def modeled(capture):
    """{step: {node: pages}} from `zonelist simulate` on the capture's own start."""
    out = subprocess.run(
        [ZONELIST, "simulate", "--sysroot", os.path.join(capture, "before"),
         "--workload", os.path.join(capture, "workload.yaml"), "--format", "json"],
        check=True, capture_output=True, text=True).stdout
    result = {}
    for step in json.loads(out)["steps"]:
        nodes = {}
        for zone, pages in step["pages"].items():
            node = int(zone.split(":")[0])
            nodes[node] = nodes.get(node, 0) + pages
        result[step["step"]] = nodes
    return result


def worst(pairs):
    """Largest |a - b| / step over (step, total, a-dict, b-dict) rows: (percent, where)."""
    best = (0.0, "")
    for step, total, a, b in pairs:
        for node in set(a) | set(b):
            d = abs(a.get(node, 0) - b.get(node, 0)) / total
            if d > best[0]:
                best = (d, f"step {step} node {node}: {a.get(node, 0)} vs {b.get(node, 0)} of {total}")
    return 100 * best[0], best[1]


def main():
    args = sys.argv[1:]
    fixtures = None
    if "--fixtures" in args:
        i = args.index("--fixtures")
        fixtures = args[i + 1]
        del args[i:i + 2]
    boots = [a for a in args if os.path.isdir(a)]
    runs = [a for a in args if not os.path.isdir(a)]
    if not boots:
        sys.exit(__doc__)
    names = runs or sorted({os.path.basename(p) for b in boots for p in glob.glob(os.path.join(b, "*-6.*"))})
    for name in names:
        captures = [os.path.join(b, name) for b in boots if os.path.isdir(os.path.join(b, name))]
        if fixtures and os.path.isdir(os.path.join(fixtures, name)):
            captures.append(os.path.join(fixtures, name))
        real = [placements(c) for c in captures]
        spread, per_step = (0.0, ""), []
        for step in real[0]:
            total = sum(real[0][step].values())
            if total == 0:
                continue
            step_worst = 0.0
            for node in set().union(*(r[step] for r in real)):
                values = [r[step].get(node, 0) for r in real]
                d = 100 * (max(values) - min(values)) / total
                step_worst = max(step_worst, d)
                if d > spread[0]:
                    spread = (d, f"step {step} node {node}: {', '.join(map(str, values))} of {total}")
            per_step.append(f"{step}: {step_worst:.2f}%")
        errors = []
        for c, r in zip(captures, real):
            m = modeled(c)
            errors.append(worst((s, sum(r[s].values()), m.get(s, {}), r[s]) for s in r if sum(r[s].values())))
        print(f"{name}: {len(captures)} boots, kernel spread {spread[0]:.2f}% ({spread[1]})")
        print(f"  kernel spread per step: {', '.join(per_step)}")
        for c, (e, where) in zip(captures, errors):
            print(f"  model error {e:.2f}% ({where}; model vs kernel)  {c}")


main()
