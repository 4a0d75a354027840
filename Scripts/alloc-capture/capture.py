#!/usr/bin/env python3
"""Capture real-kernel allocation fixtures (see README.md and ../capture/README.md).

Usage: capture.py [--jobs N] [--work DIR] [--dest DIR] [--series 6.1|6.12] [RUN ...]

RUN is a run name from runs.txt (default: every run). Each run boots every kernel listed for it
in runs.txt under QEMU (at most --jobs, default 2, at once) through the capture toolkit, runs the
workload with the static `alloc` program and writes Tests/ZonelistCoreTests/Fixtures/alloc/<run>-<series>/.

Env: ZONELIST_KERNEL_6_1, ZONELIST_KERNEL_6_12 = kernel images (default: Scripts/fetch-kernels.sh);
ZONELIST = the zonelist CLI (default .build/debug/zonelist, built with `swift build` when missing).
"""
import os, re, shlex, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(HERE, "..", "capture"))
import toolkit  # noqa: E402

REPO = toolkit.REPO
# Appended to the topology's kernel command line: a fixed physical place for the kernel image (nokaslr; with KASLR
# the image can land on another node from boot to boot), fixed addresses for the anonymous
# mappings (norandmaps; interleave picks the node from the page offset, vm_pgoff = address >> 12)
# and no NUMA-balancing page migration between the steps. no_timer_check: under a loaded host the
# emulated guest can fail the IO-APIC timer check and panic before its console is up.
EXTRA_APPEND = "nokaslr norandmaps numa_balancing=disable no_timer_check"
POLICIES = {"default", "local", "preferred", "bind", "interleave", "preferred-many", "weighted-interleave"}
TIMEOUT = 400


# ---- workload.yaml -> alloc's text form ----

def size_bytes(s):
    m = re.fullmatch(r"(\d+)\s*([KMG]?)i?B?", s.strip(), re.I)
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2).upper()]


def flow_map(v):
    """'{node: 2, memory: 512M}' -> {'node': '2', 'memory': '512M'}."""
    v = v.strip()
    if not (v.startswith("{") and v.endswith("}")):
        raise ValueError(f"expected {{key: value, ...}}, got {v!r}")
    out = {}
    for item in filter(None, (x.strip() for x in v[1:-1].split(","))):
        k, _, val = item.partition(":")
        out[k.strip()] = val.strip()
    return out


THP_ENABLED = {"always", "madvise", "never"}
THP_DEFRAG = {"always", "defer", "defer+madvise", "madvise", "never"}
ONLINE_ZONE = {None: "online", "normal": "online_kernel", "movable": "online_movable"}


def parse_workload(text):
    """The fixed YAML subset: top-level 'key: value' lines ('thp', 'thp-defrag', 'weights'), then
    'steps:' and '- key: value' items with indented 'key: value' lines (flow mappings {k: v} as
    values). Returns alloc's text lines (Docs/workload-format.md says what each key means)."""
    steps, cur, seen, top = [], None, False, {}
    for raw in text.split("\n"):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line.strip() == "steps:":
            seen = True
            continue
        if not seen:
            k, sep, v = line.partition(":")
            if not sep or k.strip() not in ("thp", "thp-defrag", "weights", "refresh-vmstat", "start"):
                raise ValueError(f"expected 'steps:' or thp/thp-defrag/weights before {raw!r}")
            top[k.strip()] = v.strip()
            continue
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
    if "thp" in top or "thp-defrag" in top:
        en, de = top.get("thp", "always"), top.get("thp-defrag", "madvise")
        if en not in THP_ENABLED or de not in THP_DEFRAG:
            raise ValueError(f"bad thp {en!r} / thp-defrag {de!r}")
        out.append(f"thp {en} {de}")
    if "weights" in top:
        w = flow_map(top["weights"])
        if not w or not all(re.fullmatch(r"\d+", k) and re.fullmatch(r"\d+", v) and 1 <= int(v) <= 255 for k, v in w.items()):
            raise ValueError(f"bad weights {top['weights']!r}")
        out.append("weights " + ",".join(f"{k}:{v}" for k, v in w.items()))
    nsetup = len(out)
    for i, st in enumerate(steps, 1):
        if "free" in st:
            if set(st) != {"free"}:
                raise ValueError(f"step {i}: free takes no other keys")
            n = int(st["free"])
            if not 1 <= n < i or "allocate" not in steps[n - 1]:
                raise ValueError(f"step {i}: free {n} is not an earlier allocate step")
            out.append(f"free {n}")
            continue
        if "online" in st:
            if set(st) != {"online"}:
                raise ValueError(f"step {i}: online takes no other keys")
            o = flow_map(st["online"])
            if set(o) - {"node", "memory", "zone"} or o.get("zone") not in ONLINE_ZONE:
                raise ValueError(f"step {i}: bad online {st['online']!r}")
            out.append(f"online {int(o['node'])} {size_bytes(o['memory'])} {ONLINE_ZONE[o.get('zone')]}")
            continue
        if "allocate" not in st:
            if "seconds" not in st or set(st) - {"seconds", "cpu"}:
                raise ValueError(f"step {i}: bad keys {sorted(st)}")
            out.append(f"idle {int(st.get('cpu', -1))} {float(st['seconds'])}")
            continue
        if set(st) - {"cpu", "policy", "nodes", "allocate", "seconds", "madvise"}:
            raise ValueError(f"step {i}: bad keys {sorted(st)}")
        pol = st.get("policy", "default")
        if pol not in POLICIES:
            raise ValueError(f"step {i}: bad policy {pol!r}")
        nodes = st.get("nodes", "-")
        if pol in ("default", "local") and nodes != "-":
            raise ValueError(f"step {i}: {pol} takes no nodes")
        if pol not in ("default", "local") and not re.fullmatch(r"\d+(-\d+)?(,\d+(-\d+)?)*", nodes):
            raise ValueError(f"step {i}: bad node list {nodes!r}")
        line = f"alloc {int(st.get('cpu', 0))} {pol} {nodes} {size_bytes(st['allocate'])}"
        if "madvise" in st:
            if st["madvise"] not in ("hugepage", "nohugepage"):
                raise ValueError(f"step {i}: bad madvise {st['madvise']!r}")
            line += f" madvise={st['madvise']}"
        if "seconds" in st:
            line += f" seconds={float(st['seconds'])}"
        out.append(line)
    return out, nsetup


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


def with_measured_seconds(wl_yaml, info):
    """The workload with each step's measured wall time (t1 - t0 of its STEPINFO) as `seconds:`,
    replacing any `seconds:` it asked for, and the time from its end to the next step's start
    (its snapshot) as `seconds-after:`: the simulator runs the kernel's once-a-second vmstat
    work (per-CPU high decay, remote list drains) for that long."""
    out, k, item_indent = [], 0, None
    for line in wl_yaml.split("\n"):
        body = line.split("#", 1)[0]
        m = re.match(r"^(\s*)- ", body)
        if m and (item_indent is None or len(m.group(1)) == item_indent):
            item_indent = len(m.group(1))
            k += 1
            t = re.search(r" t0=(\d+) t1=(\d+)", " " + info.get(k, ""))
            out.append(line)
            if t:
                secs = (int(t.group(2)) - int(t.group(1))) / 1e9
                if secs >= 0.005:                 # a free can take less than 5 ms
                    out.append(" " * (item_indent + 2) + f"seconds: {secs:.2f}   # measured in the guest")
                n = re.search(r" t0=(\d+)", " " + info.get(k + 1, ""))
                if n:
                    gap = (int(n.group(1)) - int(t.group(2))) / 1e9
                    if gap >= 0.005:
                        out.append(" " * (item_indent + 2) + f"seconds-after: {gap:.2f}   # measured: its snapshot")
            continue
        if item_indent is not None and re.match(r"^\s+seconds:", body) and \
                re.search(r" t0=", " " + info.get(k, "")):
            continue                              # the measured time replaces the one asked for
        out.append(line)
    return "\n".join(out)


def hot_add_options(topo, text):
    """For a workload with `online` lines: the machine options with room for the DIMMs
    (`-m M,slots=4,maxmem=...`), the kernel command line of the topology, and one host step per
    hot-add (object_add memory-backend-ram + device_add pc-dimm on the node), as
    Scripts/rebuild-capture does. None without hot-adds."""
    adds = [l.split() for l in text if l.startswith("online ")]
    if not adds:
        return None
    machine, append = toolkit.qemu_options(topo)
    i = machine.index("-m")
    mib = int(re.match(r"(\d+)M$", machine[i + 1]).group(1))
    machine[i + 1] = f"{mib}M,slots=4,maxmem={mib + sum(int(w[2]) for w in adds) // (1 << 20)}M"
    steps = [f"object_add memory-backend-ram,id=hp{k},size={int(w[2]) >> 20}M;"
             f"device_add pc-dimm,id=dimm{k},memdev=hp{k},node={w[1]}" for k, w in enumerate(adds)]
    return " ".join(shlex.quote(w) for w in machine), append, steps


def run_one(name, series, topo, wl_path, flags, alloc, work, dest):
    rundir = os.path.join(work, "runs", f"{name}-{series}")
    shutil.rmtree(rundir, ignore_errors=True)
    os.makedirs(rundir)
    wl_yaml = open(wl_path).read()
    text, nsetup = parse_workload(wl_yaml)
    nsteps = len(text) - nsetup
    workload = os.path.join(rundir, "workload.txt")
    open(workload, "w").write("\n".join(text) + "\n")
    files = [(alloc, "bin/alloc"), (workload, "workload.txt")]
    pad = next((f.split("=", 1)[1] for f in flags if f.startswith("initrd-pad=")), None)
    if pad:      # a large initrd, freed after the boot computed the watermarks (as on real machines)
        with open(os.path.join(rundir, "pad.bin"), "wb") as out:
            out.write(os.urandom(size_bytes(pad)))
        files.append((os.path.join(rundir, "pad.bin"), "pad.bin"))
    hot = hot_add_options(topo, text)
    if hot:      # the guest onlines each new block itself (memhp_default_state=offline)
        machine, base, steps = hot
        guest = toolkit.boot(rundir, series, os.path.join(HERE, "guest", "init"), files=files, machine=machine,
                             base=base, append=EXTRA_APPEND + " memhp_default_state=offline", steps=steps,
                             timeout=TIMEOUT)
    else:
        guest = toolkit.boot(rundir, series, os.path.join(HERE, "guest", "init"), files=files,
                             topology=topo, append=EXTRA_APPEND, timeout=TIMEOUT)
    qargs, raw = guest.command, guest.console
    snaps, info, place, live, done, errors = read_guest(guest)
    if not guest.events("ALLOC-END") or done != list(range(1, nsteps + 1)):
        raise toolkit.CaptureError(f"{rundir}: run incomplete (steps done {done}); errors: {errors}")
    errors += check(snaps, info, place, nsteps)
    before = snaps["before"]
    out = os.path.join(dest, f"{name}-{series}")
    shutil.rmtree(out, ignore_errors=True)

    def put(path, data):
        p = os.path.join(out, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "wb" if isinstance(data, bytes) else "w").write(data)

    for path, data in before.items():
        # A non-root snapshot has no pagetypeinfo (mode 0400): runs flagged no-pagetypeinfo start so.
        if not (path == "proc/pagetypeinfo" and "no-pagetypeinfo" in flags):
            put(f"before/{path}", data)
    for k in range(1, nsteps + 1):
        d = f"steps/{k:02d}"
        for path, data in snaps[f"step {k}"].items():
            put(f"{d}/{path}", data)
        put(f"{d}/step", info[k] + "\n")
        if k in place:
            put(f"{d}/placement", "".join(x + "\n" for x in place[k]))
        put(f"{d}/live-placement", "".join(x + "\n" for x in live.get(k, [])))
    # The snapshots write vm.stat_refresh after every step: the model is told to do the same.
    put("workload.yaml", "refresh-vmstat: after-each-step  # the capture writes vm.stat_refresh before each snapshot\n"
        + with_measured_seconds(wl_yaml, info))
    put("workload.txt", "\n".join(text) + "\n")
    put("qemu-args", qargs)
    put("console.log", raw)
    put("topology.yaml", open(topo).read())
    return [f"{out} " + ("ok" if not errors else f"with errors: {errors}")]


def main():
    ap = toolkit.arguments(__doc__, "run names from runs.txt (default: all)")
    ap.add_argument("--series", help="only this kernel series (6.1 or 6.12)")
    a = ap.parse_args()
    work = a.work or "/tmp/alloc-capture"
    dest = a.dest or os.path.join(toolkit.FIXTURES, "alloc")
    runs = []
    for line in open(os.path.join(HERE, "runs.txt")):
        w = line.split("#", 1)[0].split()
        if not w:
            continue
        name, topo, series_list, flags = w[0], w[1], w[2].split(","), w[3:]
        if a.names and name not in a.names:
            continue
        topo = os.path.join(REPO, topo)
        for s in series_list:
            if a.series and s != a.series:
                continue
            wl = os.path.join(HERE, "workloads", f"{name}-{s}.yaml")
            if not os.path.exists(wl):
                wl = os.path.join(HERE, "workloads", f"{name}.yaml")
            runs.append((name, s, topo, wl, flags))
    for r in runs:                      # fail early on a bad workload
        parse_workload(open(r[3]).read())
    alloc = build(work)
    failed = toolkit.parallel(a.jobs, lambda r: run_one(*r, alloc, work, dest), runs)
    sys.exit(1 if failed else 0)


main()
