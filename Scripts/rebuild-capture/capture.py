#!/usr/bin/env python3
"""Capture the run-time zonelist rebuild fixtures (memory hot-add; see README.md and
../capture/README.md).

Usage: capture.py [--jobs N] [--work DIR] [--dest DIR] [CASE ...]

CASE is one of the cases below (default: all). Each case boots the 6.1 and the 6.12 kernel (at
most --jobs, default 2, at once) with guest/init, hot-adds memory through QMP when the guest asks
for a round, and turns every zonelist build after boot into one fixture
Tests/ZonelistCoreTests/Fixtures/rebuild/<name>-<series>/ (the names are given in order).

Env: ZONELIST_KERNEL_6_1, ZONELIST_KERNEL_6_12 = kernel images (default: Scripts/fetch-kernels.sh);
ZONELIST = the zonelist CLI.
"""
import os, re, shutil, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(HERE, "..", "capture"))
import toolkit  # noqa: E402

BASE_COMMAND_LINE = "console=ttyS0 panic=-1 quiet loglevel=0"
MEMORY = "-m 768M,slots=4,maxmem=8G"
PREFIXES = ("Fallback order for Node ", "Built ", "Policy zone: ")


def add(ident, node, size="256M"):
    """A hot-add round: a RAM backend and a pc-dimm on NODE (HMP commands)."""
    return f"object_add memory-backend-ram,id=hp{ident},size={size};device_add pc-dimm,id=d{ident},memdev=hp{ident},node={node}"


def ram(*sizes):
    return " ".join(f"-object memory-backend-ram,id=m{i},size={s}" for i, s in sizes)


def dist(*triples):
    return " ".join(f"-numa dist,src={a},dst={b},val={v}" for a, b, v in triples)


CASES = {
    # 3 nodes: 0,1 CPUs+256M, 2 CPU-less 256M, all distances 20. First Movable block on node 0:
    # the runtime build applies the CPU penalty (0 2 1), the boot build did not (0 1 2).
    "movable_first": ("movable-first", "online_movable",
                      f"-smp 4 {ram((0, '256M'), (1, '256M'), (2, '256M'))} -numa node,nodeid=0,cpus=0-1,memdev=m0 "
                      "-numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2,memdev=m2 "
                      + dist((0, 1, 20), (0, 2, 20), (1, 2, 20)),
                      ["movable-first"], [add(0, 0)]),
    # 3 nodes, only DMA32 at boot; hot-add on node 1 + online_kernel: first Normal zone -> Policy zone: Normal.
    "normal_first": ("normal-first", "online_kernel",
                     f"-smp 4 {ram((0, '256M'), (1, '256M'), (2, '256M'))} -numa node,nodeid=0,cpus=0-1,memdev=m0 "
                     "-numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2,memdev=m2 "
                     + dist((0, 1, 20), (0, 2, 30), (1, 2, 20)),
                     ["normal-first"], [add(0, 1)]),
    # node 2 has CPUs but no memory at boot (online, memoryless); hot-add on node 2 + online -> full rebuild.
    "memoryless": ("memoryless-gains-memory", "online",
                   f"-smp 6 {ram((0, '384M'), (1, '384M'))} -numa node,nodeid=0,cpus=0-1,memdev=m0 "
                   "-numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2,cpus=4-5 "
                   + dist((0, 1, 20), (0, 2, 25), (1, 2, 15)),
                   ["memoryless-gains-memory"], [add(0, 2)]),
    # node 2 possible but offline at boot (no CPUs, no memory). Round 1: device_add on node 2 (single-node
    # build: event hot-add), then online_movable of its first block (full rebuild). Round 2: online_kernel
    # of more memory on node 2 (first Normal zone there).
    "offline_node": ("offline-node", "online_movable,online_kernel",
                     f"-smp 4 {ram((0, '384M'), (1, '384M'))} -numa node,nodeid=0,cpus=0-1,memdev=m0 "
                     "-numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2 "
                     + dist((0, 1, 20), (0, 2, 30), (1, 2, 25)),
                     ["offline-node-hotadd", "offline-node-online-movable", "offline-node-online-normal"],
                     [add(0, 2), add(1, 2)]),
    # 4 nodes, one CPU each, node 3 memoryless, distance 1-3 = 15 else 20. Leftover boot node_load
    # [2,2,1,0] would give node 0 '0 2 1'; the kernel resets it. Round 1: node 0 online_movable;
    # round 2: node 1 online_kernel; round 3: node 3 online.
    "node_load": ("node-load", "online_movable,online_kernel,online",
                  f"-smp 4 {ram((0, '256M'), (1, '256M'), (2, '256M'))} -numa node,nodeid=0,cpus=0,memdev=m0 "
                  "-numa node,nodeid=1,cpus=1,memdev=m1 -numa node,nodeid=2,cpus=2,memdev=m2 -numa node,nodeid=3,cpus=3 "
                  + dist((0, 1, 20), (0, 2, 20), (0, 3, 20), (1, 2, 20), (1, 3, 15), (2, 3, 20)),
                  ["node-load-movable", "node-load-normal", "node-load-memoryless"], [add(0, 0), add(1, 1), add(2, 3)]),
    # 5 nodes with an asymmetric distance matrix: 0..3 one CPU each, node 3 memoryless, node 4 CPU-less.
    # Round 1: node 2 online_movable; round 2: node 3 (memoryless) online_movable.
    "asym": ("asym-5n", "online_movable,online_movable",
             f"-smp 4 {ram((0, '192M'), (1, '192M'), (2, '128M'), (4, '256M'))} -numa node,nodeid=0,cpus=0,memdev=m0 "
             "-numa node,nodeid=1,cpus=1,memdev=m1 -numa node,nodeid=2,cpus=2,memdev=m2 -numa node,nodeid=3,cpus=3 "
             "-numa node,nodeid=4,memdev=m4 "
             + dist((0, 1, 20), (1, 0, 30), (0, 2, 25), (2, 0, 25), (0, 3, 30), (3, 0, 20), (0, 4, 40), (4, 0, 35),
                    (1, 2, 15), (2, 1, 20), (1, 3, 25), (3, 1, 25), (1, 4, 20), (4, 1, 30), (2, 3, 20), (3, 2, 30),
                    (2, 4, 30), (4, 2, 15), (3, 4, 25), (4, 3, 20)),
             ["asym-5n-movable", "asym-5n-movable-memoryless"], [add(0, 2), add(1, 3)]),
}


def zone_managed(zoneinfo, node, zone):
    cur = None
    for l in zoneinfo.decode().split("\n"):
        m = re.match(r"^Node (\d+), zone\s+(\S+)", l)
        if m:
            cur = (int(m.group(1)), m.group(2))
            continue
        m = re.match(r"^\s+managed\s+(\d+)", l)
        if m and cur == (node, zone):
            return int(m.group(1))
    return None


def events(guest, rundir):
    """Every zonelist build after boot: (event line, kernel lines, before snapshot, zoneinfo after)."""
    kv = lambda text: (text.split()[0], dict(p.split("=", 1) for p in text.split()[1:]))
    newblk = dict(kv(t) for t in guest.events("NEWBLK"))
    blkstate = dict(kv(t) for t in guest.events("BLKSTATE"))
    blocksize = int(guest.events("BLOCKSIZE")[0], 16)
    labels = guest.labels()
    out = []
    for label in labels:
        chunk = guest.snapshot(label)
        if "dmesg" not in chunk or label == "boot":
            continue
        kl = [toolkit.strip_timestamp(l) for l in chunk["dmesg"].decode().split("\n")]
        kl = [l for l in kl if l.startswith(PREFIXES)]
        if not kl:
            continue
        words = label.split()
        if words[0] == "add":
            r = words[1]
            # the blocks of this round: those with a pre-online snapshot of round r, else all
            rnodes = {v["node"] for b, v in newblk.items() if f"pre-online {r} {b}" in labels} \
                or {v["node"] for v in newblk.values()}
            if len(rnodes) != 1:
                raise toolkit.CaptureError(f"{rundir}: cannot tell the node of round {r}: {rnodes}")
            event = f"hot-add node={int(rnodes.pop())}"
            before = guest.snapshot(f"pre-add {r}")
        elif words[0] == "online":
            r, blk = words[1], words[2]
            node, zone = int(blkstate[blk]["node"]), blkstate[blk]["zones"]
            if zone not in ("DMA", "DMA32", "Normal", "Movable"):
                raise toolkit.CaptureError(f"{rundir}: odd zone {zone!r} for {blk}")
            before = guest.snapshot(f"pre-online {r} {blk}")
            m = zone_managed(before["proc/zoneinfo"], node, zone)
            if m not in (0, None):
                print(f"WARNING {rundir}: {blk}: zone {zone} of node {node} had managed {m} before", file=sys.stderr)
            event = f"online node={node} zone={zone} pages={blocksize // 4096}"
        else:
            raise toolkit.CaptureError(f"{rundir}: zonelist lines in unexpected chunk {label!r}: {kl}")
        out.append((event, kl, before, chunk["proc/zoneinfo"]))
    return out


def run_case(item, work, dest):
    case, series = item
    prefix, hpmode, machine, names, rounds = CASES[case]
    rundir = os.path.join(work, "runs", f"{prefix}-{series}")
    shutil.rmtree(rundir, ignore_errors=True)
    guest = toolkit.boot(rundir, series, os.path.join(HERE, "guest", "init"), machine=f"{MEMORY} {machine}",
                         base=BASE_COMMAND_LINE, steps=rounds,
                         append=f"rounds={max(1, len(rounds))} memhp_default_state=offline hpmode={hpmode}")
    found = events(guest, rundir)
    if len(found) != len(names):
        raise toolkit.CaptureError(f"{rundir}: {len(found)} events but {len(names)} names: "
                                   + "; ".join(f"{e} {kl}" for e, kl, _, _ in found))
    lines = []
    for name, (event, kl, before, after) in zip(names, found):
        out = os.path.join(dest, f"{name}-{guest.series()}")
        shutil.rmtree(out, ignore_errors=True)
        for path, data in before.items():
            toolkit.put(out, f"before/{path}", data)
        toolkit.put(out, "event", event + "\n")
        toolkit.put(out, "kernel-lines", "".join(l + "\n" for l in kl))
        toolkit.put(out, "after-zoneinfo", after)
        toolkit.put(out, "console.log", guest.console)
        toolkit.put(out, "qemu-args", guest.command)
        lines += [f"{out}: {event}"] + [f"    {l}" for l in kl]
    return lines


def main():
    a = toolkit.arguments(__doc__, "cases: " + " ".join(CASES) + " (default: all)").parse_args()
    for c in a.names:
        if c not in CASES:
            sys.exit(f"unknown case {c!r}: choose from {' '.join(CASES)}")
    work = a.work or "/tmp/rebuild-capture"
    dest = a.dest or os.path.join(toolkit.FIXTURES, "rebuild")
    items = [(c, s) for c in (a.names or CASES) for s in ("6.1", "6.12")]
    sys.exit(1 if toolkit.parallel(a.jobs, lambda item: run_case(item, work, dest), items) else 0)


main()
