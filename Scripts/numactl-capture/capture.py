#!/usr/bin/env python3
"""Capture what Debian's numactl and hwloc print inside the booted test topologies (README.md).

Usage: capture.py [--jobs N] [--work DIR] [--dest DIR] [--series S] [--timeout SECONDS] [TOPOLOGY ...]

TOPOLOGY is a file name in Tests/Topologies without .yaml (default: all). Each is booted on the
--series kernel (default 6.12) with guest/init, which runs the host's own /usr/bin/numactl,
/usr/bin/numastat and /usr/bin/lstopo-no-graphics (Debian's numactl and hwloc packages, with
the shared libraries they load) inside the guest. Their outputs go beside the boot fixture,
Tests/ZonelistCoreTests/Fixtures/boot/<topology>-<series>/{numactl-hardware,numastat,numastat-m,
hwloc.xml}, hwloc-stderr when lstopo warned, and numactl-sysroot/ (the sysroot of the same boot); the guest's dmesg Fallback order lines must equal the fixture's (the same machine).

Env: ZONELIST_KERNEL_<series>, ZONELIST as in ../capture/README.md.
"""
import os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(HERE, "..", "capture"))
import toolkit  # noqa: E402

PROGRAMS = ["/usr/bin/numactl", "/usr/bin/numastat", "/usr/bin/lstopo-no-graphics"]
OUTPUTS = ["numactl-hardware", "numastat", "numastat-m", "hwloc.xml"]


def libraries():
    """(host, guest) pairs: the programs and every shared library `ldd` names, at the same paths."""
    pairs = {p: p for p in PROGRAMS}
    for program in PROGRAMS:
        if not os.path.exists(program):
            raise toolkit.CaptureError(f"{program} is missing: apt-get install numactl hwloc")
        out = subprocess.run(["ldd", program], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            words = line.split()
            path = words[2] if "=>" in words and len(words) > 2 else words[0]
            if path.startswith("/"):
                pairs[os.path.realpath(path)] = path
    return sorted((host, guest.lstrip("/")) for host, guest in pairs.items())


def fallback_lines(dmesg):
    return [toolkit.strip_timestamp(l).rstrip() for l in dmesg.decode(errors="replace").splitlines()
            if "Fallback order for Node" in l]


def store_sysroot(got, dest):
    """The sysroot of this very boot, beside the tools' outputs (dest/numactl-sysroot/): the
    fixture's own sysroot comes from another boot, whose memblock allocations may land on
    another node (numactl's sizes then differ by the initramfs)."""
    root = os.path.join(dest, "numactl-sysroot")
    shutil.rmtree(root, ignore_errors=True)
    for path, data in got.items():
        if path.startswith(("sys/", "proc/")):
            toolkit.put(root, path, data)


def run_one(item, work, dest_root, series, files, timeout):
    rundir = os.path.join(work, "runs", f"{item}-{series}")
    shutil.rmtree(rundir, ignore_errors=True)
    source = os.path.join(toolkit.REPO, "Tests", "Topologies", f"{item}.yaml")
    guest = toolkit.boot(rundir, series, os.path.join(HERE, "guest", "init"), files=files, topology=source, timeout=timeout)
    got = guest.snapshot("boot")
    dest = os.path.join(dest_root, f"{item}-{series}")
    if not os.path.isdir(dest):
        raise toolkit.CaptureError(f"{dest}: no boot fixture for {item} on {series}")
    fixture = open(os.path.join(dest, "dmesg"), "rb").read()
    if fallback_lines(got["dmesg"]) != fallback_lines(fixture):
        raise toolkit.CaptureError(f"{item}-{series}: this boot's Fallback order lines differ from the fixture's")
    for name in OUTPUTS:
        if not got.get(name):
            raise toolkit.CaptureError(f"{item}-{series}: the guest printed no {name}")
        toolkit.put(dest, name, got[name])
    if got.get("hwloc-stderr"):
        toolkit.put(dest, "hwloc-stderr", got["hwloc-stderr"])  # what hwloc said of the machine
    store_sysroot(got, dest)
    return [f"{item}-{series}: " + got["numactl-hardware"].decode().splitlines()[0]]


def main():
    ap = toolkit.arguments(__doc__, "topologies (file names in Tests/Topologies without .yaml)")
    ap.add_argument("--series", default="6.12")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds per guest (default 300; the 32-64 node machines need far more under TCG)")
    a = ap.parse_args()
    names = a.names or sorted(f[:-5] for f in os.listdir(os.path.join(toolkit.REPO, "Tests", "Topologies"))
                              if f.endswith(".yaml"))
    work = a.work or os.path.join("/tmp", "zonelist-numactl-capture")
    dest = a.dest or os.path.join(toolkit.FIXTURES, "boot")
    files = libraries()
    failed = toolkit.parallel(a.jobs, lambda n: run_one(n, work, dest, a.series, files, a.timeout), names)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
