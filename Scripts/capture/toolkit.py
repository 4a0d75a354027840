"""The capture toolkit's host side (see README.md next to this file).

Every capture tool boots its guest through `zonelist run-guest`, which builds the initramfs
(busybox, the tool's /init, the guest library /lib/zonelist.sh, extra files), boots QEMU, sends
the host rounds through QMP and splits the console by the one console protocol. This module only
finds the kernels and the CLI, runs boots (at most --jobs at once) and reads their records back.
"""
import argparse, base64, concurrent.futures, json, os, re, shlex, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(REPO, "Tests", "ZonelistCoreTests", "Fixtures")


class CaptureError(Exception):
    pass


def kernels(arch="amd64"):
    """{series: image}: for amd64 `ZONELIST_KERNEL_<series>` (dots as underscores, e.g.
    ZONELIST_KERNEL_6_12) when set, else what Scripts/fetch-kernels.sh [--arch ARCH] has cached
    (--cached), else what it downloads. For i386 and arm64 the guest's busybox comes with them
    (Scripts/fetch-kernels.sh --arch puts it where `zonelist run-guest` looks)."""
    script = os.path.join(REPO, "Scripts", "fetch-kernels.sh")
    found = {}
    for args in (["--all", "--cached"], ["--all"]):
        p = subprocess.run([script, "--arch", arch] + args, capture_output=True, text=True)
        if p.returncode == 0:
            for line in p.stdout.splitlines():
                series, image = line.split(None, 1)
                if series != "busybox":
                    found[series] = image
            break
    for key, value in os.environ.items():
        if arch == "amd64" and key.startswith("ZONELIST_KERNEL_"):
            found[key[len("ZONELIST_KERNEL_"):].replace("_", ".")] = value
    return found


def kernel(series, arch="amd64", _cache={}):
    if arch not in _cache:
        _cache[arch] = kernels(arch)
    if series not in _cache[arch]:
        raise CaptureError(f"no {arch} {series} kernel: Scripts/fetch-kernels.sh --arch {arch} --all has none"
                           + (f", and ZONELIST_KERNEL_{series.replace('.', '_')} is not set" if arch == "amd64" else ""))
    return _cache[arch][series]


def release_series(image):
    """The series (6.1, 7.2) of a Debian kernel image path: vmlinuz-6.1.0-50-686-pae, or
    usr/lib/modules/7.2.13+deb14-arm64/vmlinuz."""
    name = os.path.basename(image)
    release = os.path.basename(os.path.dirname(image)) if name == "vmlinuz" else name[len("vmlinuz-"):]
    return re.match(r"(\d+\.\d+)", release).group(1)


def cli(_cache=[]):
    """The zonelist CLI: $ZONELIST, else .build/debug/zonelist (built with `swift build` when missing)."""
    if not _cache:
        path = os.environ.get("ZONELIST", os.path.join(REPO, ".build", "debug", "zonelist"))
        if not os.path.exists(path):
            subprocess.run(["swift", "build"], cwd=REPO, check=True)
        _cache.append(path)
    return _cache[0]


class Guest:
    """One finished boot, read back from `zonelist run-guest`'s output folder."""

    def __init__(self, folder):
        self.folder = folder
        self.console = open(os.path.join(folder, "console.log"), "rb").read()
        self.command = open(os.path.join(folder, "qemu-args")).read()
        doc = json.load(open(os.path.join(folder, "guest.json")))
        self.finished = doc["finished"]
        self.records = doc["records"]
        for r in self.records:
            if "base64" in r:
                r["data"] = base64.b64decode(r.pop("base64"))

    def labels(self):
        """Snapshot labels in console order."""
        out = []
        for r in self.records:
            if r.get("snapshot") is not None and (not out or out[-1] != r["snapshot"]):
                out.append(r["snapshot"])
        return out

    def snapshot(self, label):
        """{path: bytes} of snapshot `label` (KeyError when the guest printed none)."""
        files = {r["path"]: r["data"] for r in self.records if r.get("snapshot") == label and "path" in r}
        if not files:
            raise KeyError(f"{self.folder}: no snapshot {label!r}")
        return files

    def events(self, tag):
        """Texts of the `@@TAG text` lines, in order."""
        return [r["text"] for r in self.records if r.get("event") == tag]

    def series(self):
        """The kernel series (6.1, 6.12) from the first proc/version the guest sent."""
        for r in self.records:
            if r.get("path") == "proc/version":
                return re.match(r"Linux version (\d+\.\d+)", r["data"].decode()).group(1)
        raise CaptureError(f"{self.folder}: the guest sent no proc/version")


def boot(folder, series, init, files=(), topology=None, machine=None, append="", base=None,
         steps=(), timeout=300, arch="amd64"):
    """Boots the `series` kernel of `arch` (amd64, i386, arm64; for the newest kernel give the
    series "newest") with guest /init `init` and returns the Guest.
    files: (host path, guest path) pairs; machine: QEMU options (a string) instead of a topology
    file; steps: one string of ';'-separated HMP commands per host step (@@HOST-STEP k, k from 0)."""
    image = kernel(series, arch)
    if series == "newest":
        series = release_series(image)
    cmd = [cli(), "run-guest", "--kernel-image", image, "--init", init,
           "--timeout", str(timeout), "--output", folder]
    cmd += ["--topology", topology] if topology else [f"--machine={machine}"]
    if append:
        cmd += [f"--append={append}"]
    if base is not None:
        cmd += [f"--base-command-line={base}"]
    for host, guest in files:
        cmd += ["--add", f"{host}:{guest}"]
    for step in steps:
        cmd += [f"--host-step={step}"]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        raise CaptureError(f"{folder}: {series}: {p.stderr.strip()}")
    guest = Guest(folder)
    if guest.series() != series:
        raise CaptureError(f"{folder}: booted {guest.series()}, expected {series}")
    return guest


def arguments(doc, names_help):
    """The options every capture tool takes: names, --jobs, --work, --dest."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2, help="QEMU guests at once (default 2, the most allowed)")
    ap.add_argument("--work", help="scratch folder for the runs")
    ap.add_argument("--dest", help="where the fixtures go")
    ap.add_argument("names", nargs="*", help=names_help)
    return ap


def parallel(jobs, work, items):
    """Runs work(item) for every item, at most `jobs` at once; prints each result line and each
    failure; returns the number of failures."""
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, min(jobs, 2))) as ex:
        futures = {ex.submit(work, item): item for item in items}
        for f in concurrent.futures.as_completed(futures):
            try:
                for line in f.result() or []:
                    print(line, flush=True)
            except (CaptureError, KeyError, ValueError, OSError) as e:
                failed += 1
                print("FAILED", futures[f], e, file=sys.stderr, flush=True)
    return failed


def put(root, path, data):
    """Writes bytes or text to root/path, creating folders."""
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


DERIVED = re.compile(r"^\s*(boost|min|low|high|promo|spanned|present|managed|cma)\s+\d+$|"
                     r"^\s*(protection: .*|high:\s+\d+|batch:\s+\d+|high_min:.*|high_max:.*|vm stats threshold: \d+)$")


def zoneinfo_fields(zoneinfo, runtime=True):
    """The fields of a /proc/zoneinfo (bytes) that the model derives, as {'nodeN/ZONE[/cpuC] field': value},
    and {'nodeN/ZONE': pages free}. runtime=False leaves out what moves at run time on 6.12+: the
    pagesets' high (and high_min/high_max) and the watermark boost."""
    out, free, zone, cpu = {}, {}, "?", None
    for l in zoneinfo.decode().split("\n"):
        m = re.match(r"^Node (\d+), zone\s+(\S+)", l)
        if m:
            zone, cpu = f"node{m.group(1)}/{m.group(2)}", None
            continue
        m = re.match(r"^\s+cpu: (\d+)", l)
        if m:
            cpu = m.group(1)
            continue
        m = re.match(r"^\s+pages free\s+(\d+)", l)
        if m:
            free[zone] = int(m.group(1))
        if DERIVED.match(l):
            t = l.strip()
            key, val = (t.split(":", 1) if ":" in t.split()[0] or t.startswith(("protection:", "vm stats"))
                        else t.split(None, 1))
            key = key.strip()
            if not runtime and (key in ("high_min", "high_max", "boost") or (key == "high" and ":" in t)):
                continue
            where = zone + (f"/cpu{cpu}" if cpu is not None and key in ("high", "batch") and ":" in t else "")
            out[f"{where} {key}"] = val.strip()
    return out, free


TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ")


def strip_timestamp(line):
    return TIMESTAMP.sub("", line, count=1)


def qemu_options(topology):
    """`zonelist qemu-args` for a topology file: (machine options, kernel command line)."""
    out = subprocess.run([cli(), "qemu-args", "--topology", topology], check=True, capture_output=True,
                         text=True).stdout
    machine, append = [], ""
    for line in out.splitlines():
        words = shlex.split(line)
        if words and words[0] == "-append":
            append = words[1]
        elif words:
            machine = words
    return machine, append
