#!/bin/sh
# Captures every rebuild fixture. Usage (from anywhere):
#   Scripts/rebuild-capture/cases.sh [CASE...]      (default: all cases)
# Env: K61, K612 = kernel images; WORK = scratch dir for runs (default /tmp/rebuild-capture).
# Runs at most 2 QEMU at once (the 6.1 and 6.12 boot of one case in parallel), then writes
# Tests/ZonelistCoreTests/Fixtures/rebuild/<fixture>-<series>/ with extract.py.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
DEST=$repo/Tests/ZonelistCoreTests/Fixtures/rebuild
WORK=${WORK:-/tmp/rebuild-capture}
K61=${K61:-/tmp/kernels/x/linux-image-6.1.0-56-amd64-unsigned/boot/vmlinuz-6.1.0-56-amd64}
K612=${K612:-/tmp/kernels/x/linux-image-6.12.117+deb12-amd64-unsigned/boot/vmlinuz-6.12.117+deb12-amd64}
"$here/build-initrd.sh" "$WORK" >/dev/null
INITRD=$WORK/initrd.gz
BASE="-m 768M,slots=4,maxmem=8G"
# hot-add HMP commands: add ID NODE [SIZE]
add() { echo "object_add memory-backend-ram,id=hp$1,size=${3:-256M};device_add pc-dimm,id=d$1,memdev=hp$1,node=$2"; }

# run CASE 'append' 'qemu args' 'fixture names' ROUND...
run() {
  c=$1; app=$2; qx=$3; names=$4; shift 4
  for k in 6.1:$K61 6.12:$K612; do
    "$here/run.py" "$WORK/runs/$c-${k%%:*}" "${k#*:}" "$INITRD" "memhp_default_state=offline $app" "$qx" "$@" &
  done
  wait
  for s in 6.1 6.12; do "$here/extract.py" "$WORK/runs/$c-$s" "$DEST" $names; done
}

# (1) 3 nodes: 0,1 CPUs+256M, 2 CPU-less 256M, all distances 20. First Movable block on node 0:
#     the runtime build applies the CPU penalty (0 2 1), the boot build did not (0 1 2).
case_movable_first() {
  run movable-first "hpmode=online_movable" "$BASE -smp 4 \
-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M -object memory-backend-ram,id=m2,size=256M \
-numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2,memdev=m2 \
-numa dist,src=0,dst=1,val=20 -numa dist,src=0,dst=2,val=20 -numa dist,src=1,dst=2,val=20" \
    "movable-first" "$(add 0 0)"
}
# (2) 3 nodes, only DMA32 at boot; hot-add on node 1 + online_kernel: first Normal zone -> Policy zone: Normal.
case_normal_first() {
  run normal-first "hpmode=online_kernel" "$BASE -smp 4 \
-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M -object memory-backend-ram,id=m2,size=256M \
-numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2,memdev=m2 \
-numa dist,src=0,dst=1,val=20 -numa dist,src=0,dst=2,val=30 -numa dist,src=1,dst=2,val=20" \
    "normal-first" "$(add 0 1)"
}
# (3) node 2 has CPUs but no memory at boot (online, memoryless); hot-add on node 2 + online -> full rebuild.
case_memoryless() {
  run memoryless-gains-memory "hpmode=online" "$BASE -smp 6 \
-object memory-backend-ram,id=m0,size=384M -object memory-backend-ram,id=m1,size=384M \
-numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2,cpus=4-5 \
-numa dist,src=0,dst=1,val=20 -numa dist,src=0,dst=2,val=25 -numa dist,src=1,dst=2,val=15" \
    "memoryless-gains-memory" "$(add 0 2)"
}
# (4) node 2 possible but offline at boot (no CPUs, no memory). Round 1: device_add on node 2 (single-node
#     build: event hot-add), then online_movable of its first block (full rebuild). Round 2: online_kernel
#     of more memory on node 2 (first Normal zone there).
case_offline_node() {
  run offline-node "hpmode=online_movable,online_kernel" "$BASE -smp 4 \
-object memory-backend-ram,id=m0,size=384M -object memory-backend-ram,id=m1,size=384M \
-numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1 -numa node,nodeid=2 \
-numa dist,src=0,dst=1,val=20 -numa dist,src=0,dst=2,val=30 -numa dist,src=1,dst=2,val=25" \
    "offline-node-hotadd offline-node-online-movable offline-node-online-normal" "$(add 0 2)" "$(add 1 2)"
}
# (5) 4 nodes, one CPU each, node 3 memoryless, distance 1-3 = 15 else 20 (the researcher's c4).
#     Leftover boot node_load [2,2,1,0] would give node 0 '0 2 1'; the kernel resets it.
#     Round 1: node 0 online_movable; round 2: node 1 online_kernel; round 3: node 3 online.
case_node_load() {
  run node-load "hpmode=online_movable,online_kernel,online" "$BASE -smp 4 \
-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M -object memory-backend-ram,id=m2,size=256M \
-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 -numa node,nodeid=2,cpus=2,memdev=m2 -numa node,nodeid=3,cpus=3 \
-numa dist,src=0,dst=1,val=20 -numa dist,src=0,dst=2,val=20 -numa dist,src=0,dst=3,val=20 \
-numa dist,src=1,dst=2,val=20 -numa dist,src=1,dst=3,val=15 -numa dist,src=2,dst=3,val=20" \
    "node-load-movable node-load-normal node-load-memoryless" "$(add 0 0)" "$(add 1 1)" "$(add 2 3)"
}
# (6) 5 nodes with an asymmetric distance matrix: 0..3 one CPU each, node 3 memoryless, node 4 CPU-less.
#     Round 1: node 2 online_movable; round 2: node 3 (memoryless) online_movable.
case_asym() {
  run asym-5n "hpmode=online_movable,online_movable" "$BASE -smp 4 \
-object memory-backend-ram,id=m0,size=192M -object memory-backend-ram,id=m1,size=192M -object memory-backend-ram,id=m2,size=128M -object memory-backend-ram,id=m4,size=256M \
-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 -numa node,nodeid=2,cpus=2,memdev=m2 -numa node,nodeid=3,cpus=3 -numa node,nodeid=4,memdev=m4 \
-numa dist,src=0,dst=1,val=20 -numa dist,src=1,dst=0,val=30 -numa dist,src=0,dst=2,val=25 -numa dist,src=2,dst=0,val=25 \
-numa dist,src=0,dst=3,val=30 -numa dist,src=3,dst=0,val=20 -numa dist,src=0,dst=4,val=40 -numa dist,src=4,dst=0,val=35 \
-numa dist,src=1,dst=2,val=15 -numa dist,src=2,dst=1,val=20 -numa dist,src=1,dst=3,val=25 -numa dist,src=3,dst=1,val=25 \
-numa dist,src=1,dst=4,val=20 -numa dist,src=4,dst=1,val=30 -numa dist,src=2,dst=3,val=20 -numa dist,src=3,dst=2,val=30 \
-numa dist,src=2,dst=4,val=30 -numa dist,src=4,dst=2,val=15 -numa dist,src=3,dst=4,val=25 -numa dist,src=4,dst=3,val=20" \
    "asym-5n-movable asym-5n-movable-memoryless" "$(add 0 2)" "$(add 1 3)"
}

[ $# -eq 0 ] && set -- movable_first normal_first memoryless offline_node node_load asym
for c in "$@"; do "case_$c"; done
