#!/usr/bin/env bash
# Whole-process timings of issue 14's rows with hyperfine: zonelist (release) against the C
# transcription of the kernel's build (`kernel-scan`, built by this package) on the same
# 1024-node snapshot, written from Inputs/1024-nodes.yaml by write-snapshot.py.
# Usage: Benchmarks/Scripts/whole-process.sh [SNAPSHOT_DIR]   (needs hyperfine, python3)
#        ONLY=topology Benchmarks/Scripts/whole-process.sh    the topology file against its snapshot only
#        ONLY=kernel-log Benchmarks/Scripts/whole-process.sh  the C scan against build --format kernel-log only
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
snapshot="${1:-${TMPDIR:-/tmp}/zonelist-1024-snapshot}"
# As Scripts/setup.sh builds it: the Swift runtime and Foundation linked in.
(cd "$root" && swift build -c release --static-swift-stdlib --product zonelist >/dev/null)
zonelist="$root/.build/release/zonelist"
[ -d "$snapshot" ] || python3 "$here/Scripts/write-snapshot.py" "$zonelist" "$here/Inputs/1024-nodes.yaml" "$snapshot"
if [ "${ONLY:-}" = topology ]; then
  exec hyperfine --warmup 1 --runs "${RUNS:-10}" -N \
    "$zonelist build --sysroot $snapshot --format kernel-log" \
    "$zonelist build --topology $here/Inputs/1024-nodes.yaml --kernel 6.12 --format kernel-log"
fi
(cd "$here" && swift build -c release --product kernel-scan >/dev/null)
scan="$here/.build/release/kernel-scan"
cmp <("$scan" "$snapshot") <("$zonelist" build --sysroot "$snapshot" --format kernel-log | grep '^Fallback order')
if [ "${ONLY:-}" = kernel-log ]; then
  exec hyperfine --warmup 1 --runs "${RUNS:-10}" -N "$scan $snapshot" "$zonelist build --sysroot $snapshot --format kernel-log"
fi
hyperfine --warmup 1 --runs "${RUNS:-10}" -N \
  "$scan $snapshot" \
  "$zonelist build --sysroot $snapshot --format kernel-log" \
  "$zonelist build --sysroot $snapshot --format json" \
  "$zonelist zoneinfo --sysroot $snapshot --format zoneinfo" \
  "$zonelist build --topology $here/Inputs/1024-nodes.yaml --kernel 6.12 --format kernel-log"
