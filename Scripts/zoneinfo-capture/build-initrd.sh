#!/bin/sh
# Builds the guest initramfs: busybox-static + guest/init -> $WORK/initrd.gz
# Usage: build-initrd.sh [WORK]   (default WORK=/tmp/zoneinfo-capture)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-/tmp/zoneinfo-capture}
BUSYBOX=${BUSYBOX:-/bin/busybox}   # must be the static one (Debian: busybox-static)
mkdir -p "$WORK"
ir=$(mktemp -d)
mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/sys"
cp "$BUSYBOX" "$ir/bin/busybox"
cp "$here/guest/init" "$ir/init"
chmod 755 "$ir/init" "$ir/bin/busybox"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -9 > "$WORK/initrd.gz")
rm -rf "$ir"
echo "$WORK/initrd.gz"
