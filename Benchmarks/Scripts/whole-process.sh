#!/usr/bin/env bash
# Whole-process timings of issue 14's rows with hyperfine: zonelist (release) against the C
# transcription of the kernel's build (`kernel-scan`, built by this package) on the same
# 1024-node snapshot, written from Inputs/1024-nodes.yaml by write-snapshot.py.
# Usage: Benchmarks/Scripts/whole-process.sh [SNAPSHOT_DIR]   (needs hyperfine, python3)
#        ONLY=topology Benchmarks/Scripts/whole-process.sh    the topology file against its snapshot only
#        ONLY=kernel-log Benchmarks/Scripts/whole-process.sh  the C scan against build --format kernel-log only
#        CHECK=1 Benchmarks/Scripts/whole-process.sh          all rows, then exit 1 unless every ratio meets
#                                                             issue 14's goals (ratios of means in one run:
#                                                             they hold across machines, and load moves both)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
snapshot="${1:-${TMPDIR:-/tmp}/zonelist-1024-snapshot}"
# As Scripts/setup.sh builds it: the Swift runtime and Foundation linked in.
(cd "$root" && swift build -c release --static-swift-stdlib --product zonelist >/dev/null)
zonelist="$root/.build/release/zonelist"
[ -d "$snapshot" ] || python3 "$here/Scripts/write-snapshot.py" "$zonelist" "$here/Inputs/1024-nodes.yaml" "$snapshot"
if [ "${ONLY:-}" = topology ]; then
  exec export_json="${TMPDIR:-/tmp}/zonelist-whole-process-$$.json"
trap 'rm -f "$export_json"' EXIT
hyperfine --warmup 1 --runs "${RUNS:-10}" -N --export-json "$export_json" \
    "$zonelist build --sysroot $snapshot --format kernel-log" \
    "$zonelist build --topology $here/Inputs/1024-nodes.yaml --kernel 6.12 --format kernel-log"
fi
(cd "$here" && swift build -c release --product kernel-scan >/dev/null)
scan="$here/.build/release/kernel-scan"
cmp <("$scan" "$snapshot") <("$zonelist" build --sysroot "$snapshot" --format kernel-log | grep '^Fallback order')
if [ "${ONLY:-}" = kernel-log ]; then
  exec hyperfine --warmup 1 --runs "${RUNS:-10}" -N "$scan $snapshot" "$zonelist build --sysroot $snapshot --format kernel-log"
fi
export_json="${TMPDIR:-/tmp}/zonelist-whole-process-$$.json"
trap 'rm -f "$export_json"' EXIT
hyperfine --warmup 1 --runs "${RUNS:-10}" -N --export-json "$export_json" \
  "$scan $snapshot" \
  "$zonelist build --sysroot $snapshot --format kernel-log" \
  "$zonelist build --sysroot $snapshot --format json" \
  "$zonelist zoneinfo --sysroot $snapshot --format zoneinfo" \
  "$zonelist build --topology $here/Inputs/1024-nodes.yaml --kernel 6.12 --format kernel-log"
[ "${CHECK:-}" = 1 ] || exit 0
# The goals, as ratios of the means of this run: the C scan over kernel-log at least 20; json,
# zoneinfo and the topology file over kernel-log at most 1.5, 2 and 2.
python3 - "$export_json" <<'PY'
import json, sys
mean = [r["mean"] for r in json.load(open(sys.argv[1]))["results"]]
scan, log, js, zoneinfo, topology = mean
checks = [
    ("C scan / kernel-log", scan / log, ">=", 20.0),
    ("json / kernel-log", js / log, "<=", 1.5),
    ("zoneinfo / kernel-log", zoneinfo / log, "<=", 2.0),
    ("topology file / snapshot (kernel-log)", topology / log, "<=", 2.0),
]
failed = False
for name, ratio, op, goal in checks:
    ok = ratio >= goal if op == ">=" else ratio <= goal
    failed |= not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {ratio:.2f} (goal {op} {goal})")
sys.exit(1 if failed else 0)
PY
