#!/usr/bin/env bash
# Boots every topology in Tests/Topologies under each given kernel image and stores the
# boots as fixtures in Tests/ZonelistCoreTests/Fixtures/boot/<topology>-<series>/.
# Usage: Scripts/capture-fixtures.sh KERNEL_IMAGE... (existing fixtures are kept)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib >/dev/null
tool=.build/release/zonelist
out=Tests/ZonelistCoreTests/Fixtures/boot
mkdir -p "$out"
jobs=()
for image in "$@"; do
  release=$(basename "$image" | sed -e 's/^vmlinuz-//')
  # sid's linux-binary package keeps the image at usr/lib/modules/<release>/vmlinuz
  [ "$release" = vmlinuz ] && release=$(basename "$(dirname "$image")")
  series=$(echo "$release" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
  for topology in Tests/Topologies/*.yaml; do
    name=$(basename "$topology" .yaml)
    dest="$out/$name-$series"
    [ -e "$dest" ] && continue
    jobs+=("$tool capture --topology $topology --kernel-image $image --output $dest")
  done
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} sh -c '{} || echo "FAILED: {}"'
