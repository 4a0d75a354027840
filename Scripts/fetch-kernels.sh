#!/usr/bin/env bash
# Downloads Debian's kernel images without touching the system's apt sources and prints
# "SERIES PATH" for each: 6.1 (bookworm), 6.12 (bookworm-backports), and with --all also
# 5.10 (bullseye) and the newest (sid). Package versions are resolved at run time.
# With --cached it prints what the cache already holds, without the network (exit 1 if a series
# is missing); the capture scripts ask this way first.
# Usage: Scripts/fetch-kernels.sh [--all] [--cached]   (cache: $ZONELIST_KERNEL_DIR, default ~/.cache/zonelist/kernels)
set -euo pipefail
dir=${ZONELIST_KERNEL_DIR:-$HOME/.cache/zonelist/kernels}
all=0 cached=0
for arg in "$@"; do
  case $arg in --all) all=1 ;; --cached) cached=1 ;; *) echo "usage: $0 [--all] [--cached]" >&2; exit 64 ;; esac
done
image() { find "$dir/$1/x" -name 'vmlinuz*' -type f 2>/dev/null | head -1; }
if [ $cached = 1 ]; then
  series="6.1 6.12"
  [ $all = 1 ] && series="$series 5.10 newest"
  for s in $series; do
    i=$(image "$s")
    [ -n "$i" ] && ls "$dir/$s"/*.done >/dev/null 2>&1 || { echo "no $s kernel in $dir: run $0 without --cached" >&2; exit 1; }
    echo "$s $i"
  done
  exit 0
fi
mkdir -p "$dir/apt/lists/partial" "$dir/apt/parts"
suites="bookworm bookworm-backports"
[ $all = 1 ] && suites="$suites bullseye sid"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$suites" > "$dir/apt/parts/zonelist.sources"
o=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$dir/apt/parts" -o "Dir::State::Lists=$dir/apt/lists" -o Debug::NoLocking=1)
apt-get "${o[@]}" -qq update >&2
newest() { apt-cache "${o[@]}" search --names-only "$1" | awk '{print $1}' | grep -v -e cloud -e -rt- | sort -V | tail -1; }
fetch() { # series package
  local series=$1 package=$2 target="$dir/$1"
  if [ ! -f "$target/$package.done" ]; then
    rm -rf "$target" && mkdir -p "$target"
    (cd "$target" && apt-get "${o[@]}" -qq download "$package" >&2 2>/dev/null || apt-get "${o[@]}" -qq download "$package" >&2)
    dpkg-deb -x "$target"/*.deb "$target/x" && rm -f "$target"/*.deb && touch "$target/$package.done"
  fi
  local found
  found=$(image "$series")
  [ -n "$found" ] || { echo "no vmlinuz in $package" >&2; exit 1; }
  echo "$series $found"
}
dax_modules() { # series: sid's image package holds no modules; take drivers/dax/ (tiers captures load them) from linux-modules-<release>
  local target="$dir/$1" release
  [ -n "$(find "$target/x" -path '*/drivers/dax/kmem.ko*' | head -1)" ] && return 0
  release=$(basename "$(dirname "$(find "$target/x" -name vmlinuz -type f | head -1)")")
  (cd "$target" && apt-get "${o[@]}" -qq download "linux-modules-$release" >&2)
  dpkg-deb --fsys-tarfile "$target"/linux-modules-*.deb | tar -x -C "$target/x" --wildcards '*/kernel/drivers/dax/*'
  rm -f "$target"/linux-modules-*.deb
}
fetch 6.1 "$(newest '^linux-image-6\.1\.0-[0-9]*-amd64-unsigned$')"
fetch 6.12 "$(newest '^linux-image-6\.12\.[0-9]*.deb12-amd64-unsigned$')"
if [ $all = 1 ]; then
  fetch 5.10 "$(newest '^linux-image-5\.10\.0-[0-9]*-amd64-unsigned$')"
  fetch newest "$(newest '^linux-binary-[0-9.]*.deb[0-9]*-amd64$')"
  dax_modules newest
fi
