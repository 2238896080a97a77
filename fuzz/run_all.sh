#!/usr/bin/env bash
# Seeds and runs every fuzz target for SECONDS each (default 600), one after
# the other, then prints one summary line per target and the distinct panic
# sites of the crashes it found.
#
#   fuzz/run_all.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the
# nightly flags cargo-fuzz passes are allowed by RUSTC_BOOTSTRAP=1, set here.
#
# Environment:
#   KEEP_GOING=1   (default) libFuzzer's fork mode with -ignore_crashes=1: a
#                  crash is saved and fuzzing goes on, so one known bug does not
#                  end the run. KEEP_GOING=0 stops at the first crash.
#   SANITIZER=address (default) | none   (none: faster, no ASan)
#   MAX_LEN=65536  largest input tried
#
# Logs: fuzz/logs/<target>.log; crashes: fuzz/artifacts/<target>/crash-*.
set -euo pipefail

SECONDS_PER_TARGET="${1:-600}"
shift || true
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
ALL=(frontmatter page links slug tokenize site_toml)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
SANITIZER="${SANITIZER:-address}"
MAX_LEN="${MAX_LEN:-65536}"
KEEP_GOING="${KEEP_GOING:-1}"

export RUSTC_BOOTSTRAP=1
python3 seed.py >&2
# Build once, then run the binaries directly: `cargo fuzz run` rebuilds
# whenever src/ changes under it.
cargo fuzz build --sanitizer "$SANITIZER" >&2
BIN="$HERE/target/x86_64-unknown-linux-gnu/release"
mkdir -p logs

crashes() {
  find "artifacts/$1" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort
}

summary=()
sites=()
for target in "${TARGETS[@]}"; do
  mkdir -p "artifacts/$target" "corpus/$target"
  crashes "$target" >"logs/$target.before"
  dict=()
  case "$target" in
    page | links | frontmatter) dict=(-dict=dicts/markdown.dict) ;;
    site_toml) dict=(-dict=dicts/site_toml.dict) ;;
  esac
  mode=()
  if [ "$KEEP_GOING" = 1 ]; then mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1); fi
  echo "== $target: ${SECONDS_PER_TARGET}s" >&2
  set +e
  "$BIN/$target" "corpus/$target" \
    -artifact_prefix="artifacts/$target/" \
    -max_total_time="$SECONDS_PER_TARGET" \
    -max_len="$MAX_LEN" \
    -rss_limit_mb=2048 \
    -timeout=30 \
    -print_final_stats=1 \
    "${mode[@]}" \
    "${dict[@]}" \
    >"logs/$target.log" 2>&1
  code=$?
  set -e
  new=$(comm -13 "logs/$target.before" <(crashes "$target"))
  count=$(grep -c . <<<"$new" || true)
  # Status lines: `#N  DONE cov: … exec/s: …` (single process) or
  # `#N: cov: … exec/s: …` (fork mode; per-interval exec/s, averaged below).
  last=$(grep -E '^#[0-9]+' "logs/$target.log" | tail -1)
  runs=$(grep -oE '^#[0-9]+' <<<"$last" | tr -d '#' || true)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  elapsed=$(grep -oE 'time: [0-9]+s' <<<"$last" | grep -oE '[0-9]+' || echo "$SECONDS_PER_TARGET")
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "logs/$target.log" | grep -oE '[0-9]+$' | tail -1 || true)
  if [ -z "$speed" ] && [ -n "$runs" ]; then speed=$((runs / (elapsed > 0 ? elapsed : 1))); fi
  line=$(printf '%-12s runs=%-10s exec/s=%-6s cov=%-6s ft=%-7s new_crashes=%-4s exit=%s' \
    "$target" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$count" "$code")
  echo "$line" >&2
  summary+=("$line")
  # Where each new crash panics (replaying it is quick), counted.
  if [ "$count" -gt 0 ]; then
    while read -r site; do
      sites+=("$target: $site")
    done < <(head -200 <<<"$new" | while read -r crash; do
        out=$("$BIN/$target" "$crash" 2>&1 || true)
        grep -m1 -oE "panicked at [^ ]+|ERROR: (AddressSanitizer|libFuzzer): [a-z-]+( [a-z-]+)*" <<<"$out" || echo "no panic on replay"
      done | sort | uniq -c | sort -rn | sed 's/^ *//')
  fi
done
echo
printf '%s\n' "${summary[@]}"
if [ "${#sites[@]}" -gt 0 ]; then
  echo
  echo "new crashes by site (count, up to 200 replayed per target):"
  printf '  %s\n' "${sites[@]}"
fi
