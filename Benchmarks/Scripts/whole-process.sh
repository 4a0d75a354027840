#!/usr/bin/env bash
# Whole-process timings of issue 14's rows with hyperfine: zonelist (release) against the C
# transcription of the kernel's build (`kernel-scan`, built by this package) on the same
# 1024-node snapshot, written from Inputs/1024-nodes.yaml by write-snapshot.py.
# Usage: Benchmarks/Scripts/whole-process.sh [SNAPSHOT_DIR]   (needs hyperfine, python3)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
snapshot="${1:-${TMPDIR:-/tmp}/zonelist-1024-snapshot}"
(cd "$root" && swift build -c release --static-swift-stdlib --product zonelist >/dev/null)
(cd "$here" && swift build -c release --product kernel-scan >/dev/null)
zonelist="$root/.build/release/zonelist"
scan="$here/.build/release/kernel-scan"
[ -d "$snapshot" ] || python3 "$here/Scripts/write-snapshot.py" "$zonelist" "$here/Inputs/1024-nodes.yaml" "$snapshot"
cmp <("$scan" "$snapshot") <("$zonelist" build --sysroot "$snapshot" --format kernel-log | grep '^Fallback order')
hyperfine --warmup 1 --runs "${RUNS:-10}" -N \
  "$scan $snapshot" \
  "$zonelist build --sysroot $snapshot --format kernel-log" \
  "$zonelist build --sysroot $snapshot --format json" \
  "$zonelist zoneinfo --sysroot $snapshot --format zoneinfo" \
  "$zonelist build --topology $here/Inputs/1024-nodes.yaml --kernel 6.12 --format kernel-log"
