#!/usr/bin/env python3
"""Turn one capture run (RUNDIR/console.log, qemu-args, topology.yaml) into a zoneinfo fixture.

Usage: extract.py RUNDIR DEST

DEST gets the boot sysroot snapshot (proc/..., sys/..., proc/sys/vm/...), dmesg, qemu-args,
topology.yaml and phases/NN-name/{set,zoneinfo,status,vm/<sysctl>}. Things that are not part of the
fixture (the immediate re-read of /proc/zoneinfo, the late re-read, the stderr of refused writes,
kernel messages printed during a phase) are summarised in RUNDIR/notes.txt and on stdout.
"""
import base64, os, re, shutil, sys

SYSCTLS = ["min_free_kbytes", "watermark_scale_factor", "watermark_boost_factor",
           "lowmem_reserve_ratio", "percpu_pagelist_high_fraction"]


def parse(path):
    raw = open(path, "rb").read().decode("latin-1")
    lines = [l[:-1] if l.endswith("\r") else l for l in raw.split("\n")]
    boot, dmesg, phases, order, done = {}, None, {}, [], False
    i = 0

    def b64(i):
        buf = []
        while lines[i] != "@@FE":
            buf.append(lines[i])
            i += 1
        return base64.b64decode("".join(buf), validate=True), i + 1

    cur = None
    while i < len(lines):
        l = lines[i]
        if l == "@@SNAP-BEGIN boot":
            i += 1
            while lines[i] != "@@SNAP-END boot":
                if not lines[i].startswith("@@F "):
                    raise SystemExit(f"{path}: unexpected line in snapshot: {lines[i]!r}")
                name = lines[i][4:]
                boot[name], i = b64(i + 1)
            i += 1
        elif l == "@@DMESG boot":
            dmesg, i = b64(i + 1)
        elif l.startswith("@@PHASE-BEGIN "):
            cur = {"set": [], "status": [], "err": {}, "zi": {}, "vm": {}, "kmsg": b""}
            phases[l.split(" ", 1)[1]] = cur
            order.append(l.split(" ", 1)[1])
            i += 1
        elif l.startswith("@@PHASE-END "):
            cur = None
            i += 1
        elif l.startswith("@@SET "):
            cur["set"].append(l[6:])
            i += 1
        elif l.startswith("@@STATUS "):
            cur["status"].append(l[9:])
            i += 1
        elif l.startswith("@@ERR "):
            rest = l[6:]
            cur["err"][len(cur["status"]) - 1] = rest
            i += 1
        elif l.startswith("@@ZI "):
            cur["zi"][l[5:]], i = b64(i + 1)
        elif l.startswith("@@F ") and cur is not None:
            name = l[4:]
            cur["vm"][name.rsplit("/", 1)[1]], i = b64(i + 1)
        elif l == "@@KMSG":
            cur["kmsg"], i = b64(i + 1)
        elif l == "@@DONE":
            done = True
            i += 1
        else:
            i += 1
    if not done:
        raise SystemExit(f"{path}: the guest did not finish (no @@DONE)")
    return boot, dmesg, phases, order


DERIVED = re.compile(r"^\s*(boost|min|low|high|promo|spanned|present|managed|cma)\s+\d+$|"
                     r"^\s*(protection: .*|high:\s+\d+|batch:\s+\d+|high_min:.*|high_max:.*|vm stats threshold: \d+)$")


def derived(zoneinfo):
    """Map 'Node N zone Z [cpu C] field' -> value for the fields the model derives."""
    out, zone, cpu = {}, "?", None
    for l in zoneinfo.decode().split("\n"):
        m = re.match(r"^Node (\d+), zone\s+(\S+)", l)
        if m:
            zone, cpu = f"node{m.group(1)}/{m.group(2)}", None
            continue
        m = re.match(r"^\s+cpu: (\d+)", l)
        if m:
            cpu = m.group(1)
            continue
        if DERIVED.match(l):
            t = l.strip()
            key, val = (t.split(":", 1) if ":" in t.split()[0] or t.startswith(("protection:", "vm stats"))
                        else t.split(None, 1))
            where = zone + (f"/cpu{cpu}" if cpu is not None and key in ("high", "batch") and ":" in t else "")
            out[f"{where} {key.strip()}"] = val.strip()
    return out


def main():
    run, dest = sys.argv[1:3]
    boot, dmesg, phases, order = parse(os.path.join(run, "console.log"))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)

    def put(rel, data):
        p = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)

    for name, data in boot.items():
        put(name, data)
    put("dmesg", dmesg)
    shutil.copy(os.path.join(run, "qemu-args"), os.path.join(dest, "qemu-args"))
    shutil.copy(os.path.join(run, "topology.yaml"), os.path.join(dest, "topology.yaml"))
    notes = []
    for ph in order:
        d = phases[ph]
        base = f"phases/{ph}/"
        put(base + "set", "".join(s + "\n" for s in d["set"]).encode())
        put(base + "status", "".join(s + "\n" for s in d["status"]).encode())
        put(base + "zoneinfo", d["zi"]["1"])
        for s in SYSCTLS:
            put(base + "vm/" + s, d["vm"][s])
        for k, e in sorted(d["err"].items()):
            notes.append(f"{ph}: {d['status'][k]}: {e}")
        for label, other in (("read again at once", d["zi"]["2"]), ("read again 3 s later", d["zi"].get("late"))):
            if other is None:
                continue
            a, b = derived(d["zi"]["1"]), derived(other)
            diff = [f"{k}: {a.get(k)} -> {b.get(k)}" for k in a if a.get(k) != b.get(k)]
            diff += [f"{k}: None -> {b[k]}" for k in b if k not in a]
            counters = d["zi"]["1"] != other
            if diff:
                notes.append(f"{ph}: zoneinfo {label}: derived fields differ: " + "; ".join(diff))
            else:
                notes.append(f"{ph}: zoneinfo {label}: derived fields identical"
                             + (" (only counters changed)" if counters else " (byte-identical)"))
        if d["kmsg"]:
            notes.append(f"{ph}: kernel messages: " + d["kmsg"].decode(errors="replace").strip().replace("\n", " | "))
    with open(os.path.join(run, "notes.txt"), "w") as f:
        f.write("\n".join(notes) + "\n")
    print(f"== {os.path.basename(dest)}")
    print("\n".join(notes))


main()
