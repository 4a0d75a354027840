#!/usr/bin/env python3
"""Boot one kernel under QEMU and drive memory hot-add rounds through QMP.

Usage: run.py OUTDIR KERNEL INITRD 'APPEND-extra' 'QEMU-extra-args' 'round1 HMP cmds; ...' ['round2 ...' ...]

Writes OUTDIR/console.log (the raw serial console, bytes exactly as QEMU wrote them),
OUTDIR/qemu-args (the exact QEMU command line, shell-quoted, one line) and
OUTDIR/host.log (the HMP commands sent and their replies).
When the guest prints '@@READY 1' or '@@ROUND-DONE k' the driver sends round k+1's HMP commands
(separated by ';') through QMP human-monitor-command, e.g.
  object_add memory-backend-ram,id=hp0,size=256M ; device_add pc-dimm,id=d0,memdev=hp0,node=N
"""
import sys, os, subprocess, socket, json, time, shlex, threading

outdir, kern, initrd, app, qx = sys.argv[1:6]
rounds = sys.argv[6:]
os.makedirs(outdir, exist_ok=True)
sock = os.path.join(outdir, "qmp.sock")
if os.path.exists(sock):
    os.unlink(sock)
append = f"console=ttyS0 panic=-1 quiet loglevel=0 rounds={max(1, len(rounds))} " + app
cmd = ["qemu-system-x86_64", "-nographic", "-no-reboot", "-kernel", kern, "-initrd", initrd,
       "-append", append, "-qmp", f"unix:{sock},server=on,wait=off"] + shlex.split(qx)
with open(os.path.join(outdir, "qemu-args"), "w") as f:
    f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")
host = open(os.path.join(outdir, "host.log"), "w")
for i, r in enumerate(rounds):
    host.write(f"round {i+1} HMP: {r}\n")
host.flush()
log = open(os.path.join(outdir, "console.log"), "wb")
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
q = None

def qmp_connect():
    for _ in range(100):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            f = s.makefile("rw")
            f.readline()
            f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
            f.flush()
            f.readline()
            return f
        except OSError:
            time.sleep(0.1)
    raise SystemExit("no qmp")

def hmp(c):
    q.write(json.dumps({"execute": "human-monitor-command", "arguments": {"command-line": c}}) + "\n")
    q.flush()
    while True:
        r = json.loads(q.readline())
        if "return" in r or "error" in r:
            break
    host.write(f"HMP {c!r} -> {r}\n")
    host.flush()

killer = threading.Timer(300, p.kill)
killer.start()
for raw in p.stdout:
    log.write(raw)
    log.flush()
    line = raw.decode(errors="replace").strip("\r\n")
    k = None
    if line.startswith("@@READY"):
        k = 0
    elif line.startswith("@@ROUND-DONE"):
        k = int(line.split()[1])
    if k is not None and k < len(rounds):
        if q is None:
            q = qmp_connect()
        for c in rounds[k].split(";"):
            if c.strip():
                hmp(c.strip())
p.wait()
killer.cancel()
log.close()
host.write(f"qemu rc {p.returncode}\n")
host.close()
print(outdir, "rc", p.returncode)
