#!/usr/bin/env bash
# The test command: sets up, runs the test suite (real-kernel fixtures included), fuzzes every parser
# briefly (Scripts/fuzz.sh), then boots three topologies live on Debian's 6.1 and 6.12 kernels, and
# one HighMem topology on the 32-bit 686-pae 6.1 kernel and one NUMA topology on arm64's 6.1, and runs
# `zonelist verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
kernels=$(Scripts/fetch-kernels.sh)
echo "$kernels"
k61=$(echo "$kernels" | awk '$1=="6.1"{print $2}')
k612=$(echo "$kernels" | awk '$1=="6.12"{print $2}')
export ZONELIST_KERNEL_6_1="$k61" ZONELIST_KERNEL_6_12="$k612"
swift test 2>&1 | tee /tmp/zonelist-test.log | grep -v -E '^(\[|Building|Compiling|Write|Linking|Emitting)' | grep -v -E '✔ Test [^r].*passed' || true
grep -q -E 'Test run with [0-9]+ tests? in [0-9]+ suites? passed' /tmp/zonelist-test.log || { echo "swift test failed"; exit 1; }
# Every parser under libFuzzer (address sanitizer on) for a few seconds each: seeds, then new inputs.
Scripts/fuzz.sh ci 30 || { echo "fuzzing found a crash: see above and Docs/fuzzing.md"; exit 1; }
status=0
for topology in Examples/two-sockets-cxl.yaml Examples/memoryless-and-expanders.yaml Examples/two-sockets-two-cxl.yaml; do
  for image in "$k61" "$k612"; do
    echo "== zonelist verify --topology $topology --kernel-image $image"
    .build/release/zonelist verify --topology "$topology" --kernel-image "$image" || status=1
  done
done
# i386 (qemu-system-i386, its own busybox-static): HighMem, ZONE_MOVABLE carved out of it, no NUMA.
k386=$(Scripts/fetch-kernels.sh --arch i386 | awk '$1=="6.1"{print $2}')
echo "== zonelist verify --topology Tests/Topologies/i386/22-movablecore-256m.yaml --kernel-image $k386"
.build/release/zonelist verify --topology Tests/Topologies/i386/22-movablecore-256m.yaml --kernel-image "$k386" || status=1
# arm64 (qemu-system-aarch64 -machine virt): device-tree NUMA; a CPU-less node that ties with a CPU node.
ka64=$(Scripts/fetch-kernels.sh --arch arm64 | awk '$1=="6.1"{print $2}')
echo "== zonelist verify --topology Tests/Topologies/arm64/07-cpu-penalty-tie.yaml --kernel-image $ka64"
.build/release/zonelist verify --topology Tests/Topologies/arm64/07-cpu-penalty-tie.yaml --kernel-image "$ka64" || status=1
exit $status
