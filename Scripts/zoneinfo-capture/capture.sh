#!/bin/sh
# Captures the zoneinfo sysctl fixtures. Usage (from anywhere):
#   Scripts/zoneinfo-capture/capture.sh [TOPOLOGY-NAME...]   (default: the eight listed below)
# Env: K61, K612 = kernel images; WORK = scratch dir (default /tmp/zoneinfo-capture);
#      TIMEOUT = seconds per boot (default 600).
# For each topology the 6.1 and the 6.12 boot run in parallel (at most 2 QEMU at once); the raw
# serial console goes to $WORK/runs/<topology>-<series>/console.log and extract.py turns it into
# Tests/ZonelistCoreTests/Fixtures/zoneinfo/<topology>-<series>/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
DEST=$repo/Tests/ZonelistCoreTests/Fixtures/zoneinfo
WORK=${WORK:-/tmp/zoneinfo-capture}
TIMEOUT=${TIMEOUT:-600}
K61=${K61:-/tmp/kernels/x/linux-image-6.1.0-56-amd64-unsigned/boot/vmlinuz-6.1.0-56-amd64}
K612=${K612:-/tmp/kernels/x/linux-image-6.12.117+deb12-amd64-unsigned/boot/vmlinuz-6.12.117+deb12-amd64}
"$here/build-initrd.sh" "$WORK" >/dev/null
INITRD=$WORK/initrd.gz
TOOL=$repo/.build/debug/zonelist
[ -x "$TOOL" ] || (cd "$repo" && swift build >/dev/null)   # only for `zonelist qemu-args`

[ $# -eq 0 ] && set -- 01-one-node-small 02-one-node-normal 04-two-nodes-intel-21 \
  10-three-nodes-memoryless-middle 14-four-nodes-intel-4socket 24-six-nodes-cxl-expanders \
  44-movablecore-one-node 46-movablecore-two-nodes

boot() { # boot TOPO SERIES KERNEL
  run=$WORK/runs/$1-$2
  mkdir -p "$run"
  cp "$repo/Tests/Topologies/$1.yaml" "$run/topology.yaml"
  "$TOOL" qemu-args --topology "$run/topology.yaml" > "$run/zonelist-qemu-args"
  machine=$(sed -n 1p "$run/zonelist-qemu-args")
  # line 2 is: -append '<full append>'
  append=$(sed -n "2s/^-append '\(.*\)'\$/\1/p" "$run/zonelist-qemu-args")
  base="console=ttyS0 panic=-1 quiet loglevel=0 mminit_loglevel=4"
  extra=$(echo "$append" | sed "s/^$base *//")
  printf '%s\nappend: %s\n' "$machine" "$extra" > "$run/qemu-args"
  echo "qemu-system-x86_64 -nographic -no-reboot -kernel $3 -initrd $INITRD -append '$append' $machine" > "$run/command"
  # shellcheck disable=SC2086
  timeout "$TIMEOUT" qemu-system-x86_64 -nographic -no-reboot -kernel "$3" -initrd "$INITRD" \
    -append "$append" $machine < /dev/null > "$run/console.log" 2>&1 || echo "$1-$2: qemu rc $?" >&2
}

for t in "$@"; do
  boot "$t" 6.1 "$K61" &
  boot "$t" 6.12 "$K612" &
  wait
  for s in 6.1 6.12; do
    python3 "$here/extract.py" "$WORK/runs/$t-$s" "$DEST/$t-$s" || echo "$t-$s: extract failed" >&2
  done
done
