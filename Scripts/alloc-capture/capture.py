#!/usr/bin/env python3
"""Capture real-kernel allocation fixtures (see README.md and ../capture/README.md).

Usage: capture.py [--jobs N] [--work DIR] [--dest DIR] [RUN ...]

RUN is a run name from runs.txt (default: every run). Each run boots every kernel listed for it
in runs.txt under QEMU (at most --jobs, default 2, at once) through the capture toolkit, runs the
workload with the static `alloc` program and writes Tests/ZonelistCoreTests/Fixtures/alloc/<run>-<series>/.

Env: ZONELIST_KERNEL_6_1, ZONELIST_KERNEL_6_12 = kernel images (default: Scripts/fetch-kernels.sh);
ZONELIST = the zonelist CLI (default .build/debug/zonelist, built with `swift build` when missing).
"""
import os, re, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(HERE, "..", "capture"))
import toolkit  # noqa: E402

REPO = toolkit.REPO
# Appended to the topology's kernel command line: a fixed physical place for the kernel image (nokaslr; with KASLR
# the image can land on another node from boot to boot), fixed addresses for the anonymous
# mappings (norandmaps; interleave picks the node from the page offset, vm_pgoff = address >> 12)
# and no NUMA-balancing page migration between the steps.
EXTRA_APPEND = "nokaslr norandmaps numa_balancing=disable"
POLICIES = {"default", "local", "preferred", "bind", "interleave", "preferred-many", "weighted-interleave"}
TIMEOUT = 150


# ---- workload.yaml -> alloc's text form ----

def size_bytes(s):
    m = re.fullmatch(r"(\d+)\s*([KMG]?)i?B?", s.strip(), re.I)
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2).upper()]


def parse_workload(text):
    """The fixed YAML subset: 'steps:' then '- key: value' items with indented 'key: value' lines."""
    steps, cur, seen = [], None, False
    for raw in text.split("\n"):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line.strip() == "steps:":
            seen = True
            continue
        if not seen:
            raise ValueError(f"expected 'steps:' before {raw!r}")
        s = line.strip()
        if s.startswith("- "):
            cur = {}
            steps.append(cur)
            s = s[2:].strip()
        if cur is None or ":" not in s:
            raise ValueError(f"bad line {raw!r}")
        k, v = (x.strip() for x in s.split(":", 1))
        if k in cur:
            raise ValueError(f"duplicate key {k!r}")
        cur[k] = v
    out = []
    for i, st in enumerate(steps, 1):
        if "free" in st:
            if set(st) != {"free"}:
                raise ValueError(f"step {i}: free takes no other keys")
            n = int(st["free"])
            if not 1 <= n < i or "allocate" not in steps[n - 1]:
                raise ValueError(f"step {i}: free {n} is not an earlier allocate step")
            out.append(f"free {n}")
            continue
        if set(st) - {"cpu", "policy", "nodes", "allocate"} or "allocate" not in st:
            raise ValueError(f"step {i}: bad keys {sorted(st)}")
        pol = st.get("policy", "default")
        if pol not in POLICIES:
            raise ValueError(f"step {i}: bad policy {pol!r}")
        nodes = st.get("nodes", "-")
        if pol in ("default", "local") and nodes != "-":
            raise ValueError(f"step {i}: {pol} takes no nodes")
        if pol not in ("default", "local") and not re.fullmatch(r"\d+(-\d+)?(,\d+(-\d+)?)*", nodes):
            raise ValueError(f"step {i}: bad node list {nodes!r}")
        out.append(f"alloc {int(st.get('cpu', 0))} {pol} {nodes} {size_bytes(st['allocate'])}")
    return out


# ---- build ----

def build(work):
    """The static `alloc` program, built once into WORK."""
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, "alloc")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-o", exe, os.path.join(HERE, "alloc.c")], check=True)
    subprocess.run(["strip", exe], check=True)
    return exe


# ---- run + read ----

def read_guest(guest):
    """The guest's records as alloc's pieces: snapshots by label, the step lines, errors."""
    snaps = {label: guest.snapshot(label) for label in guest.labels()}
    info, place, live = {}, {}, {}
    for text in guest.events("STEPINFO"):
        info[int(text.split()[0])] = text
    for text in guest.events("PLACE"):
        w = text.split()
        place.setdefault(int(w[0]), []).append(" ".join(w[1:]))
    for text in guest.events("LIVE"):
        w = text.split()
        live.setdefault(int(w[0]), []).append(" ".join(w[1:]))
    done = [int(text.split()[0]) for text in guest.events("STEP")]
    errors = ["@@ERROR " + text for text in guest.events("ERROR")]
    errors += [l for l in guest.console.decode("latin-1").splitlines() if "Out of memory" in l or "Kernel panic" in l]
    return snaps, info, place, live, done, errors


# Files every snapshot (before and each step) must hold, non-empty.
SNAP_FILES = ("proc/zoneinfo", "proc/buddyinfo", "proc/pagetypeinfo", "proc/vmstat", "proc/meminfo")


def check(snaps, info, place, nsteps):
    """Problems in a parsed console: missing or empty snapshot files, placements that do not sum
    to the step's page count or hold unknown pages."""
    bad = []
    for label in ["before"] + [f"step {k}" for k in range(1, nsteps + 1)]:
        for f in SNAP_FILES:
            if not snaps.get(label, {}).get(f):
                bad.append(f"{label}: {f} missing or empty")
    for k in range(1, nsteps + 1):
        m = re.search(r" kind=alloc .* pages=(\d+)", " " + info.get(k, ""))
        if not m:
            continue
        total = sum(int(x.split()[-1]) for x in place.get(k, []) if x.startswith("node "))
        if total != int(m.group(1)) or any(x.startswith("unknown ") for x in place.get(k, [])):
            bad.append(f"step {k}: placement {place.get(k)} does not sum to pages={m.group(1)}")
    return bad


def run_one(name, series, topo, wl_path, alloc, work, dest):
    rundir = os.path.join(work, "runs", f"{name}-{series}")
    shutil.rmtree(rundir, ignore_errors=True)
    os.makedirs(rundir)
    wl_yaml = open(wl_path).read()
    text = parse_workload(wl_yaml)
    workload = os.path.join(rundir, "workload.txt")
    open(workload, "w").write("\n".join(text) + "\n")
    guest = toolkit.boot(rundir, series, os.path.join(HERE, "guest", "init"),
                         files=[(alloc, "bin/alloc"), (workload, "workload.txt")],
                         topology=topo, append=EXTRA_APPEND, timeout=TIMEOUT)
    qargs, raw = guest.command, guest.console
    snaps, info, place, live, done, errors = read_guest(guest)
    if not guest.events("ALLOC-END") or done != list(range(1, len(text) + 1)):
        raise toolkit.CaptureError(f"{rundir}: run incomplete (steps done {done}); errors: {errors}")
    errors += check(snaps, info, place, len(text))
    before = snaps["before"]
    out = os.path.join(dest, f"{name}-{series}")
    shutil.rmtree(out, ignore_errors=True)

    def put(path, data):
        p = os.path.join(out, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "wb" if isinstance(data, bytes) else "w").write(data)

    for path, data in before.items():
        put(f"before/{path}", data)
    for k in range(1, len(text) + 1):
        d = f"steps/{k:02d}"
        for path, data in snaps[f"step {k}"].items():
            put(f"{d}/{path}", data)
        put(f"{d}/step", info[k] + "\n")
        if k in place:
            put(f"{d}/placement", "".join(x + "\n" for x in place[k]))
        put(f"{d}/live-placement", "".join(x + "\n" for x in live.get(k, [])))
    # The snapshots write vm.stat_refresh after every step: the model is told to do the same.
    put("workload.yaml", "refresh-vmstat: after-each-step  # the capture writes vm.stat_refresh before each snapshot\n" + wl_yaml)
    put("workload.txt", "\n".join(text) + "\n")
    put("qemu-args", qargs)
    put("console.log", raw)
    put("topology.yaml", open(topo).read())
    return [f"{out} " + ("ok" if not errors else f"with errors: {errors}")]


def main():
    ap = toolkit.arguments(__doc__, "run names from runs.txt (default: all)")
    a = ap.parse_args()
    work = a.work or "/tmp/alloc-capture"
    dest = a.dest or os.path.join(toolkit.FIXTURES, "alloc")
    runs = []
    for line in open(os.path.join(HERE, "runs.txt")):
        w = line.split("#", 1)[0].split()
        if not w:
            continue
        name, topo, series_list = w[0], w[1], w[2].split(",")
        if a.names and name not in a.names:
            continue
        topo = os.path.join(REPO, topo)
        for s in series_list:
            wl = os.path.join(HERE, "workloads", f"{name}-{s}.yaml")
            if not os.path.exists(wl):
                wl = os.path.join(HERE, "workloads", f"{name}.yaml")
            runs.append((name, s, topo, wl))
    for r in runs:                      # fail early on a bad workload
        parse_workload(open(r[3]).read())
    alloc = build(work)
    failed = toolkit.parallel(a.jobs, lambda r: run_one(*r, alloc, work, dest), runs)
    sys.exit(1 if failed else 0)


main()
