#!/usr/bin/env python3
"""Capture the zoneinfo sysctl fixtures (see README.md and ../capture/README.md).

Usage: capture.py [--jobs N] [--work DIR] [--dest DIR] [--timeout S] [TOPOLOGY ...]

TOPOLOGY is a file name in Tests/Topologies without .yaml (default: the eight below). Each is
booted on the 6.1 and the 6.12 kernel (at most --jobs, default 2, at once) with guest/init, which
rewrites the vm sysctls phase by phase; the result goes to
Tests/ZonelistCoreTests/Fixtures/zoneinfo/<topology>-<series>/ (replaced). What is not part of
the fixture (the immediate and the late re-read of /proc/zoneinfo, the stderr of refused writes,
kernel messages of a phase) is summarised in WORK/runs/<topology>-<series>/notes.txt and printed.

Env: ZONELIST_KERNEL_6_1, ZONELIST_KERNEL_6_12 = kernel images (default: Scripts/fetch-kernels.sh);
ZONELIST = the zonelist CLI.
"""
import os, re, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(HERE, "..", "capture"))
import toolkit  # noqa: E402

TOPOLOGIES = ["01-one-node-small", "02-one-node-normal", "04-two-nodes-intel-21", "10-three-nodes-memoryless-middle",
              "14-four-nodes-intel-4socket", "24-six-nodes-cxl-expanders", "44-movablecore-one-node",
              "46-movablecore-two-nodes"]
SYSCTLS = ["min_free_kbytes", "watermark_scale_factor", "watermark_boost_factor", "lowmem_reserve_ratio",
           "percpu_pagelist_high_fraction"]
def phases(guest):
    """[(name, {set, status, err, files})] in the order the guest ran them."""
    out, cur = [], None
    for r in guest.records:
        tag = r.get("event")
        if tag == "PHASE-BEGIN":
            cur = {"set": [], "status": [], "err": {}, "files": guest.snapshot(f"phase {r['text']}")}
            out.append((r["text"], cur))
        elif tag == "SET":
            cur["set"].append(r["text"])
        elif tag == "STATUS":
            cur["status"].append(r["text"])
        elif tag == "ERR":
            cur["err"][len(cur["status"]) - 1] = r["text"]
    return out


def notes_of(name, phase):
    notes = [f"{name}: {phase['status'][k]}: {e}" for k, e in sorted(phase["err"].items())]
    files = phase["files"]
    for label, other in (("read again at once", files["zoneinfo-again"]), ("read again 3 s later", files.get("zoneinfo-late"))):
        if other is None:
            continue
        a, b = toolkit.zoneinfo_fields(files["zoneinfo"])[0], toolkit.zoneinfo_fields(other)[0]
        diff = [f"{k}: {a.get(k)} -> {b.get(k)}" for k in a if a.get(k) != b.get(k)]
        diff += [f"{k}: None -> {b[k]}" for k in b if k not in a]
        if diff:
            notes.append(f"{name}: zoneinfo {label}: derived fields differ: " + "; ".join(diff))
        else:
            notes.append(f"{name}: zoneinfo {label}: derived fields identical"
                         + (" (only counters changed)" if files["zoneinfo"] != other else " (byte-identical)"))
    if files["kmsg"]:
        notes.append(f"{name}: kernel messages: " + files["kmsg"].decode(errors="replace").strip().replace("\n", " | "))
    return notes


def run_one(item, work, dest_root, timeout, arch):
    topology, series = item
    label = topology.replace("/", "-")
    rundir = os.path.join(work, "runs", f"{label}-{series}")
    shutil.rmtree(rundir, ignore_errors=True)
    source = os.path.join(toolkit.REPO, "Tests", "Topologies", f"{topology}.yaml")
    guest = toolkit.boot(rundir, series, os.path.join(HERE, "guest", "init"), topology=source, timeout=timeout, arch=arch)
    series = guest.series()
    # qemu-args as in Fixtures/boot: the machine options, then the topology's own kernel options
    lines = subprocess.run([toolkit.cli(), "qemu-args", "--topology", source], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    append = re.fullmatch(r"-append '(.*)'", lines[1]).group(1)
    extra = re.sub(r"^console=\S+ panic=-1 (quiet )?loglevel=\d+ mminit_loglevel=4", "", append).strip()
    dest = os.path.join(dest_root, f"{label}-{series}")
    shutil.rmtree(dest, ignore_errors=True)
    for path, data in guest.snapshot("boot").items():
        toolkit.put(dest, path, data)
    toolkit.put(dest, "qemu-args", f"{lines[0]}\nappend: {extra}\n")
    shutil.copy(source, os.path.join(dest, "topology.yaml"))
    notes = []
    for name, phase in phases(guest):
        base = f"phases/{name}/"
        toolkit.put(dest, base + "set", "".join(s + "\n" for s in phase["set"]))
        toolkit.put(dest, base + "status", "".join(s + "\n" for s in phase["status"]))
        toolkit.put(dest, base + "zoneinfo", phase["files"]["zoneinfo"])
        for s in SYSCTLS:
            toolkit.put(dest, base + "vm/" + s, phase["files"][f"proc/sys/vm/{s}"])
        notes += notes_of(name, phase)
    with open(os.path.join(rundir, "notes.txt"), "w") as f:
        f.write("\n".join(notes) + "\n")
    return [f"== {os.path.basename(dest)}"] + notes


def main():
    ap = toolkit.arguments(__doc__, "topology names (default: the eight of the fixtures)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per boot (default 600)")
    ap.add_argument("--arch", default="amd64", choices=["amd64", "i386", "arm64"],
                    help="amd64 (default; Fixtures/zoneinfo), or i386 (6.1) / arm64 (6.1, 6.12, newest): "
                         "names are then files of Tests/Topologies/ARCH and the fixtures go to Fixtures/arch/ARCH-NAME-SERIES")
    ap.add_argument("--series", help="only this series (6.1, 6.12, newest)")
    a = ap.parse_args()
    work = a.work or "/tmp/zoneinfo-capture"
    names, series = a.names or TOPOLOGIES, ("6.1", "6.12")
    dest = a.dest or os.path.join(toolkit.FIXTURES, "zoneinfo")
    if a.arch != "amd64":
        folder = os.path.join(toolkit.REPO, "Tests", "Topologies", a.arch)
        names = [f"{a.arch}/{n}" for n in (a.names or sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".yaml")))]
        series = ("6.1",) if a.arch == "i386" else ("6.1", "6.12", "newest")
        dest = a.dest or os.path.join(toolkit.FIXTURES, "arch")
    if a.series:
        series = (a.series,)
    items = [(t, s) for t in names for s in series]
    sys.exit(1 if toolkit.parallel(a.jobs, lambda item: run_one(item, work, dest, a.timeout, a.arch), items) else 0)


main()
