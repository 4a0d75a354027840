#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Fuzz/ (one per input format; see Docs/fuzzing.md).
#
#   Scripts/fuzz.sh build                 build every target into .build-fuzz/bin/
#   Scripts/fuzz.sh list                  name the targets
#   Scripts/fuzz.sh run TARGET [OPTIONS]  fuzz TARGET; the corpus grows in .build-fuzz/corpus/TARGET,
#                                         seeded from Fuzz/seeds/TARGET; OPTIONS go to libFuzzer
#   Scripts/fuzz.sh ci [SECONDS]          build, replay every seed, then fuzz each target SECONDS (30),
#                                         two targets at a time, each on a fresh corpus
#   Scripts/fuzz.sh campaign SECONDS [TARGET…]  fuzz each target (all by default) SECONDS, one at a
#                                         time, logging to .build-fuzz/logs/TARGET-HHMMSS.log
#                                         (RUNS=N: stop a target after N executions)
#
# The package's libraries are built by SwiftPM with `-sanitize=fuzzer,address` (coverage and
# AddressSanitizer; the C of Yams's libyaml too) in their own scratch path; each target's entry
# file is then compiled and linked against their objects with swiftc, whose libFuzzer gives `main`.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-fuzz
timeout_seconds=30   # one input taking longer is a hang (a 1024-node snapshot takes seconds under ASan on a busy machine)
rss_limit_mb=2048    # a run holding more is unbounded memory

# Swift's ARC and runtime caches read as leaks to LeakSanitizer; memory is bounded by the limits above.
# Reports are symbolized when replayed (a symbolizer on a loaded machine can take minutes), and
# allocation stacks are not recorded (a tenth of each run; replay an artifact with
# ASAN_OPTIONS=malloc_context_size=30 to see where a bad block came from).
export ASAN_OPTIONS="detect_leaks=0:symbolize=0:malloc_context_size=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-interactive=no}"

targets() { for file in Fuzz/*.swift; do name=$(basename "$file" .swift); [ "$name" = FuzzSupport ] || echo "$name"; done; }

build() {
  local flags=(-c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
    -Xcc -fsanitize=fuzzer-no-link,address)
  local log="$scratch/build.log"
  mkdir -p "$scratch"
  if ! swift build "${flags[@]}" --target ZonelistHarness >"$log" 2>&1; then
    grep -E 'error' "$log" | head -40
    echo "the fuzz build failed: see $log"
    exit 1
  fi
  local bin; bin=$(swift build "${flags[@]}" --show-bin-path)
  local objects=()
  while IFS= read -r object; do objects+=("$object"); done < <(
    find "$bin/ZonelistCore.build" "$bin/ZonelistHarness.build" "$bin/Yams.build" "$bin/CYaml.build" -name '*.o' | sort)
  mkdir -p "$scratch/bin"
  for target in $(targets); do
    local out="$scratch/bin/$target"
    if [ -x "$out" ] && [ -z "$(find Fuzz/FuzzSupport.swift "Fuzz/$target.swift" "${objects[@]}" -newer "$out" -print -quit)" ]; then continue; fi
    echo "linking $out"
    # Linked beside and renamed: a campaign may be running the old binary.
    swiftc -O -parse-as-library -sanitize=fuzzer,address -use-ld=lld -module-name "Fuzz_$target" -I "$bin/Modules" \
      -Xcc -fmodule-map-file="$scratch/checkouts/Yams/Sources/CYaml/include/module.modulemap" \
      Fuzz/FuzzSupport.swift "Fuzz/$target.swift" "${objects[@]}" -o "$out.new"
    mv -f "$out.new" "$out"
  done
}

run() {
  local target=$1; shift
  [ -x "$scratch/bin/$target" ] || { echo "no target $target (Scripts/fuzz.sh list)"; return 64; }
  local corpus="$scratch/corpus/${corpus_name:-$target}"
  mkdir -p "$corpus"
  local options=(-timeout="$timeout_seconds" -rss_limit_mb="$rss_limit_mb" -malloc_limit_mb="$rss_limit_mb" -detect_leaks=0 -artifact_prefix="$scratch/artifacts/$target-")
  [ -f "Fuzz/dictionaries/$target.dict" ] && options+=(-dict="Fuzz/dictionaries/$target.dict")
  mkdir -p "$scratch/artifacts"
  # The targets that go through the CLI's file reading write each input there (in memory if possible).
  local status=0 folder
  folder=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/zonelist-fuzz.XXXXXX")
  ZONELIST_FUZZ_FOLDER=$folder "$scratch/bin/$target" "${options[@]}" "$@" "$corpus" "Fuzz/seeds/$target" || status=$?
  rm -rf "$folder"
  return $status
}

case "${1:-}" in
  build) build ;;
  list) targets ;;
  run) shift; [ $# -ge 1 ] || { echo "usage: $0 run TARGET [libFuzzer options]"; exit 64; }; run "$@" || exit $? ;;
  ci)
    seconds=${2:-30}
    build
    mkdir -p "$scratch/logs"
    # Two targets at a time (this machine has two cores); each on a fresh corpus: the seeds
    # first (each must pass), then new inputs.
    ci_one() {
      local target=$1 log="$scratch/logs/ci-$1.log" status=0
      rm -rf "$scratch/corpus/ci-$target"
      corpus_name="ci-$target" run "$target" -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
      {
        echo "== fuzz $target for ${seconds}s"
        grep -E '^#[0-9]+.*(INITED|DONE)|^stat::number_of_executed_units' "$log" || true
        if [ "$status" -ne 0 ]; then
          grep -v -E '^(#[0-9]+|INFO:|\s+NEW_FUNC)' "$log" | head -60
          echo "fuzz target $target failed (exit $status): the input is in $scratch/artifacts/, the log in $log"
        fi
      } >"$log.summary"
      return "$status"
    }
    failed=0
    pids=() names=()
    for target in $(targets); do
      if [ "${#pids[@]}" -ge 2 ]; then
        wait "${pids[0]}" || failed=1
        cat "$scratch/logs/ci-${names[0]}.log.summary" || true
        pids=("${pids[@]:1}") names=("${names[@]:1}")
      fi
      ci_one "$target" & pids+=($!) names+=("$target")
    done
    for index in "${!pids[@]}"; do
      wait "${pids[$index]}" || failed=1
      cat "$scratch/logs/ci-${names[$index]}.log.summary" || true
    done
    [ "$failed" -eq 0 ] || exit 1 ;;
  campaign)
    seconds=${2:?usage: $0 campaign SECONDS [TARGET…]}; shift 2
    mkdir -p "$scratch/logs"
    for target in ${*:-$(targets)}; do
      echo "$(date +%T) fuzz $target for ${seconds}s"
      log="$scratch/logs/$target-$(date +%H%M%S).log"
      run "$target" -max_total_time="$seconds" -runs="${RUNS:--1}" -print_final_stats=1 -reload=0 >"$log" 2>&1 ||
        echo "$(date +%T) $target stopped: see $log"
    done ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 64 ;;
esac
