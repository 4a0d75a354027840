#!/usr/bin/env bash
# Downloads Debian's kernel images without touching the system's apt sources and prints
# "SERIES PATH" for each: 6.1 (bookworm), 6.12 (bookworm-backports), and with --all also
# 5.10 (bullseye) and the newest (sid). Package versions are resolved at run time.
# With --cached it prints what the cache already holds, without the network (exit 1 if a series
# is missing); the capture scripts ask this way first.
# With --arch i386 (6.1 686-pae only: Debian builds no 32-bit kernel after bookworm) or --arch arm64
# (6.1, 6.12, and with --all the newest) it fetches that architecture's kernels into $dir/ARCH/SERIES and
# its busybox-static (the guest's init) into $dir/ARCH/busybox, naming the architecture only in the
# private apt configuration (the system's dpkg architectures are never touched); it then prints
# "busybox PATH" too.
# Usage: Scripts/fetch-kernels.sh [--all] [--cached] [--arch amd64|i386|arm64]   (cache: $ZONELIST_KERNEL_DIR, default ~/.cache/zonelist/kernels)
set -euo pipefail
dir=${ZONELIST_KERNEL_DIR:-$HOME/.cache/zonelist/kernels}
all=0 cached=0 arch=amd64
usage() { echo "usage: $0 [--all] [--cached] [--arch amd64|i386|arm64]" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case $1 in
    --all) all=1 ;; --cached) cached=1 ;;
    --arch) [ $# -ge 2 ] || usage; arch=$2; shift ;;
    --arch=*) arch=${1#--arch=} ;;
    *) usage ;;
  esac
  shift
done
case $arch in
  amd64) kdir=$dir; series="6.1 6.12"; [ $all = 1 ] && series="$series 5.10 newest" ;;
  i386) kdir=$dir/i386; series="6.1" ;;
  arm64) kdir=$dir/arm64; series="6.1 6.12"; [ $all = 1 ] && series="$series newest" ;;
  *) echo "$0: --arch $arch: expected amd64, i386 or arm64" >&2; exit 64 ;;
esac
image() { find "$kdir/$1/x" -name 'vmlinuz*' -type f 2>/dev/null | head -1; }
busybox_path() { # bookworm's package has bin/busybox, sid's (usrmerge) usr/bin/busybox
  local b
  for b in "$kdir/busybox/x/bin/busybox" "$kdir/busybox/x/usr/bin/busybox"; do [ -x "$b" ] && echo "$b" && return 0; done
  return 1
}
if [ $cached = 1 ]; then
  if [ $arch != amd64 ]; then
    b=$(busybox_path) || { echo "no $arch busybox-static in $kdir: run $0 --arch $arch without --cached" >&2; exit 1; }
    echo "busybox $b"
  fi
  for s in $series; do
    i=$(image "$s")
    [ -n "$i" ] && ls "$kdir/$s"/*.done >/dev/null 2>&1 || { echo "no $arch $s kernel in $kdir: run $0 without --cached" >&2; exit 1; }
    echo "$s $i"
  done
  exit 0
fi
apt=$dir/apt; [ $arch = amd64 ] || apt=$dir/apt-$arch
mkdir -p "$apt/lists/partial" "$apt/parts" "$apt/cache"
suites="bookworm bookworm-backports"
[ $all = 1 ] && suites="$suites bullseye sid"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$suites" > "$apt/parts/zonelist.sources"
o=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts" -o "Dir::State::Lists=$apt/lists" -o Debug::NoLocking=1)
[ $arch = amd64 ] || o+=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o "Dir::Cache=$apt/cache")
apt-get "${o[@]}" -qq update >&2 || echo "$0: some package indexes failed to download (mirror sync?); going on with those that did" >&2
newest() { apt-cache "${o[@]}" search --names-only "$1" | awk '{print $1}' | grep -v -e cloud -e -rt- | sort -V | tail -1; }
unpack() { # folder package: downloads and extracts the package once into $kdir/folder/x
  local package=$2 target="$kdir/$1"
  if [ ! -f "$target/$package.done" ]; then
    rm -rf "$target" && mkdir -p "$target"
    (cd "$target" && apt-get "${o[@]}" -qq download "$package" >&2 2>/dev/null || apt-get "${o[@]}" -qq download "$package" >&2)
    dpkg-deb -x "$target"/*.deb "$target/x" && rm -f "$target"/*.deb && touch "$target/$package.done"
  fi
}
fetch() { # series package
  [ -n "$2" ] || { echo "no $arch kernel package for $1 in the registry" >&2; exit 1; }
  unpack "$1" "$2"
  local found
  found=$(image "$1")
  [ -n "$found" ] || { echo "no vmlinuz in $2" >&2; exit 1; }
  echo "$1 $found"
}
dax_modules() { # series: sid's image package holds no modules; take drivers/dax/ (tiers captures load them) from linux-modules-<release>
  local target="$kdir/$1" release
  [ -n "$(find "$target/x" -path '*/drivers/dax/kmem.ko*' | head -1)" ] && return 0
  release=$(basename "$(dirname "$(find "$target/x" -name vmlinuz -type f | head -1)")")
  (cd "$target" && apt-get "${o[@]}" -qq download "linux-modules-$release" >&2)
  dpkg-deb --fsys-tarfile "$target"/linux-modules-*.deb | tar -x -C "$target/x" --wildcards '*/kernel/drivers/dax/*'
  rm -f "$target"/linux-modules-*.deb
}
case $arch in
i386)
  fetch 6.1 "$(newest '^linux-image-6\.1\.0-[0-9]*-686-pae-unsigned$')"
  unpack busybox busybox-static; echo "busybox $(busybox_path)"; exit 0 ;;
arm64)
  fetch 6.1 "$(newest '^linux-image-6\.1\.0-[0-9]*-arm64-unsigned$')"
  fetch 6.12 "$(newest '^linux-image-6\.12\.[0-9]*.deb12-arm64-unsigned$')"
  [ $all = 1 ] && fetch newest "$(newest '^linux-binary-[0-9.]*.deb[0-9]*-arm64$')"
  unpack busybox busybox-static; echo "busybox $(busybox_path)"; exit 0 ;;
esac
fetch 6.1 "$(newest '^linux-image-6\.1\.0-[0-9]*-amd64-unsigned$')"
fetch 6.12 "$(newest '^linux-image-6\.12\.[0-9]*.deb12-amd64-unsigned$')"
if [ $all = 1 ]; then
  fetch 5.10 "$(newest '^linux-image-5\.10\.0-[0-9]*-amd64-unsigned$')"
  fetch newest "$(newest '^linux-binary-[0-9.]*.deb[0-9]*-amd64$')"
  dax_modules newest
fi
