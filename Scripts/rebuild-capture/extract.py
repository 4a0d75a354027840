#!/usr/bin/env python3
"""Turn one capture run (console.log + qemu-args written by run.py) into rebuild fixtures.

Usage: extract.py RUNDIR DESTROOT NAME [NAME ...]

Every zonelist build the kernel printed after boot is one event; the events are named in order
with the given NAMEs (their count must match). Each event becomes DESTROOT/<NAME>-<series>/ with
  before/...       sysroot snapshot taken in the guest right before the event
  event            'online node=N zone=Z pages=P' or 'hot-add node=N'
  kernel-lines     the 'Fallback order for Node ' / 'Built ' / 'Policy zone: ' lines, timestamps stripped
  after-zoneinfo   /proc/zoneinfo read right after the event's lines were printed
  console.log      raw console of the whole run
  qemu-args        the QEMU command line
"""
import base64, os, re, shutil, sys

PREFIXES = ("Fallback order for Node ", "Built ", "Policy zone: ")
TS = re.compile(r"^\[\s*\d+\.\d+\] ")


def parse(path):
    raw = open(path, "rb").read().decode("latin-1")
    lines = raw.split("\n")
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    snaps, zis, dmesg, newblk, blkstate, order = {}, {}, {}, {}, {}, []
    blocksize = None
    i = 0

    def b64(i):
        buf = []
        while lines[i] != "@@FE":
            buf.append(lines[i])
            i += 1
        return base64.b64decode("".join(buf), validate=True), i + 1

    while i < len(lines):
        l = lines[i]
        if l.startswith("@@SNAP-BEGIN "):
            label = l[len("@@SNAP-BEGIN "):]
            files = {}
            i += 1
            while lines[i] != "@@SNAP-END " + label:
                if not lines[i].startswith("@@F "):
                    raise SystemExit(f"{path}: unexpected line in snapshot {label!r}: {lines[i]!r}")
                name = lines[i][4:]
                files[name], i = b64(i + 1)
            snaps[label] = files
            i += 1
        elif l.startswith("@@ZI "):
            label = l[5:]
            zis[label], i = b64(i + 1)
        elif l.startswith("@@DMESG ") :
            label = l[len("@@DMESG "):]
            buf = []
            i += 1
            while lines[i] != "@@DMESG-END":
                buf.append(lines[i])
                i += 1
            dmesg[label] = buf
            order.append(label)
            i += 1
        else:
            if l.startswith("@@BLOCKSIZE "):
                blocksize = int(l.split()[1], 16)
            elif l.startswith("@@NEWBLK ") or l.startswith("@@BLKSTATE "):
                parts = l.split()
                kv = dict(p.split("=", 1) for p in parts[2:])
                if l.startswith("@@NEWBLK "):
                    newblk[parts[1]] = kv
                else:
                    blkstate[parts[1]] = kv
            i += 1
    return snaps, zis, dmesg, order, newblk, blkstate, blocksize


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


def main():
    rundir, destroot, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    console = os.path.join(rundir, "console.log")
    snaps, zis, dmesg, order, newblk, blkstate, blocksize = parse(console)
    if "@@END" not in open(console, "rb").read().decode("latin-1"):
        raise SystemExit(f"{rundir}: run did not finish (@@END missing)")
    events = []
    for label in order:
        if label == "boot":
            continue
        kl = [TS.sub("", l, count=1) for l in dmesg[label]]
        kl = [l for l in kl if l.startswith(PREFIXES)]
        if not kl:
            continue
        words = label.split()
        if words[0] == "add":
            r = words[1]
            nodes = {v["node"] for k, v in newblk.items()}
            # blocks of this round only: NEWBLK lines are unique per block; take the ones whose
            # pre-online snapshot belongs to round r, or all of them if none was onlined
            rnodes = {v["node"] for b, v in newblk.items()
                      if any(s == f"pre-online {r} {b}" for s in snaps)} or nodes
            if len(rnodes) != 1:
                raise SystemExit(f"{rundir}: cannot tell the node of round {r}: {rnodes}")
            node = int(rnodes.pop())
            before = snaps[f"pre-add {r}"]
            online = before["sys/devices/system/node/online"].decode().strip()
            event = f"hot-add node={node}"
            after = zis[f"add {r}"]
        elif words[0] == "online":
            r, blk = words[1], words[2]
            st = blkstate[blk]
            node, zone = int(st["node"]), st["zones"]
            if zone not in ("DMA", "DMA32", "Normal", "Movable"):
                raise SystemExit(f"{rundir}: odd zone {zone!r} for {blk}")
            before = snaps[f"pre-online {r} {blk}"]
            m = zone_managed(before["proc/zoneinfo"], node, zone)
            if m not in (0, None):
                print(f"WARNING {rundir}: {blk}: zone {zone} of node {node} had managed {m} before", file=sys.stderr)
            event = f"online node={node} zone={zone} pages={blocksize // 4096}"
            after = zis[f"after-online {r} {blk}"]
        else:
            raise SystemExit(f"{rundir}: zonelist lines in unexpected chunk {label!r}: {kl}")
        events.append((event, kl, before, after))
    if len(events) != len(names):
        for e in events:
            print(e[0], e[1], file=sys.stderr)
        raise SystemExit(f"{rundir}: {len(events)} events but {len(names)} names")
    for name, (event, kl, before, after) in zip(names, events):
        ver = before["proc/version"].decode()
        series = re.match(r"Linux version (\d+\.\d+)", ver).group(1)
        dest = os.path.join(destroot, f"{name}-{series}")
        if os.path.exists(dest):
            shutil.rmtree(dest)
        for path, data in before.items():
            p = os.path.join(dest, "before", path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").write(data)
        open(os.path.join(dest, "event"), "w").write(event + "\n")
        open(os.path.join(dest, "kernel-lines"), "w").write("".join(l + "\n" for l in kl))
        open(os.path.join(dest, "after-zoneinfo"), "wb").write(after)
        shutil.copyfile(console, os.path.join(dest, "console.log"))
        shutil.copyfile(os.path.join(rundir, "qemu-args"), os.path.join(dest, "qemu-args"))
        print(f"{dest}: {event}")
        for l in kl:
            print("   ", l)


main()
