#!/usr/bin/env python3
"""Compare two captures of the same fixture (a re-capture against the committed one).

Usage: compare.py FIXTURE_A FIXTURE_B

Prints the files only one side has, how many are byte-identical, and for the others which kind of
difference it is: in a zoneinfo, whether the fields the kernel derives at boot (spanned, present,
managed, watermarks, protection, pageset batch, vm stats threshold) agree and how far `pages free`
moved; elsewhere the number of differing lines. Console logs, QEMU command lines and dmesg
always differ (temporary paths, timestamps); they are only counted.
Exit status 1 when a file is missing on one side or a derived zoneinfo field differs.
"""
import os, sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import toolkit  # noqa: E402

EXPECTED = ("console.log", "qemu-args", "dmesg", "host.log")


def files(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def main():
    a, b = sys.argv[1:3]
    fa, fb = files(a), files(b)
    bad = False
    for name, only in (("A", fa - fb), ("B", fb - fa)):
        for f in sorted(only):
            print(f"only in {name}: {f}")
            bad = True
    same, expected, counters, derived_ok, worst_free = 0, 0, [], 0, 0
    for f in sorted(fa & fb):
        da, db = open(os.path.join(a, f), "rb").read(), open(os.path.join(b, f), "rb").read()
        if da == db:
            same += 1
        elif os.path.basename(f) in EXPECTED:
            expected += 1
        elif "zoneinfo" in os.path.basename(f):
            (za, fra), (zb, frb) = toolkit.zoneinfo_fields(da, runtime=False), toolkit.zoneinfo_fields(db, runtime=False)
            diff = [k for k in za.keys() | zb.keys() if za.get(k) != zb.get(k)]
            if diff:
                bad = True
                print(f"{f}: derived fields differ: " + "; ".join(f"{k}: {za.get(k)} | {zb.get(k)}" for k in sorted(diff)[:6]))
            else:
                derived_ok += 1
            worst_free = max([worst_free] + [abs(fra[z] - frb.get(z, 0)) for z in fra])
        else:
            la, lb = da.decode(errors="replace").splitlines(), db.decode(errors="replace").splitlines()
            counters.append((f, sum(x != y for x, y in zip(la, lb)) + abs(len(la) - len(lb))))
    print(f"{len(fa & fb)} files in both: {same} byte-identical, {expected} console/command/dmesg (differ by nature), "
          f"{derived_ok} zoneinfo with equal derived fields (pages free moved by at most {worst_free} per zone), "
          f"{len(counters)} other files with differing counters")
    for f, n in counters:
        print(f"  {f}: {n} lines differ")
    sys.exit(1 if bad else 0)


main()
