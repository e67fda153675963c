#!/usr/bin/env bash
# A short fuzz run of every target (fuzz/README.md): builds them, seeds them, fuzzes each one for
# FUZZ_SECONDS (20) and fails when any of them crashed, naming the input and how to replay it.
# scripts/test.sh runs it at the end of `scripts/test.sh all`; about 5-6 minutes on two cores.
#
#   scripts/fuzz-smoke.sh              # all five targets
#   scripts/fuzz-smoke.sh capture      # some of them
#
# Seeds: from ../shared/corpus beside the checkout (or $SIPDIAG_CORPUS) when it is there
# (fuzz/seed.sh), else only the small committed seeds of fuzz/seeds/<target>. Needs cargo-fuzz
# (installed when missing, pinned) and runs it on the pinned stable compiler with
# RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags to rustc).
set -euo pipefail
CARGO_FUZZ_VERSION=0.13.2
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-20}"
targets="${*:-ingest parse_message parse_sdp permalink_decode capture}"
log() { printf '[fuzz-smoke] %s\n' "$*" >&2; }

TOOLS="${SIPDIAG_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/sipdiag-tools}"
export PATH="$TOOLS/bin:$PATH"
if ! cargo fuzz --version 2>/dev/null | grep -q "cargo-fuzz $CARGO_FUZZ_VERSION"; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS (cold: ~2 min)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$TOOLS" >&2
fi

export RUSTC_BOOTSTRAP=1
target_dir="${FUZZ_TARGET_DIR:-$root/fuzz/target}"
# Safe Rust: no sanitizer (faster, and no sanitizer runtime needed); debug assertions and
# overflow checks on, so arithmetic overflows fail the run too.
flags=(-O -a -s none --target-dir "$target_dir")
start=$(date +%s)
log "building the fuzz targets"
cargo fuzz build "${flags[@]}" >&2

work="$root/fuzz/corpus/smoke"
rm -rf "$work"
mkdir -p "$work"
corpus="${SIPDIAG_CORPUS:-$root/../shared/corpus}"
if [ -d "$corpus" ]; then
  log "seeding from $corpus"
  CARGO_TARGET_DIR="$target_dir/seeds" bash fuzz/seed.sh "$corpus" "$work" >&2
else
  log "no corpus at $corpus: fuzzing from the committed seeds in fuzz/seeds only"
  for t in $targets; do
    mkdir -p "$work/$t"
    cp fuzz/seeds/"$t"/* "$work/$t/"
  done
fi

failed=""
for t in $targets; do
  case "$t" in parse_message) len=16384 ;; *) len=4096 ;; esac
  mkdir -p "$work/artifacts/$t"
  log "$t: ${seconds}s"
  if ! cargo fuzz run "${flags[@]}" "$t" "$work/$t" -- -max_total_time="$seconds" -max_len="$len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" \
    >"$work/$t.log" 2>&1; then
    log "$t FAILED: $(grep -m1 -E 'panicked at|ERROR: libFuzzer' "$work/$t.log" || true)"
    grep -A2 'panicked at' "$work/$t.log" >&2 || tail -n 20 "$work/$t.log" >&2
    for a in "$work/artifacts/$t"/*; do
      [ -f "$a" ] && log "input: $a  (replay: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run ${flags[*]} $t $a)"
    done
    failed="$failed $t"
    continue
  fi
  log "$t: $(grep -E '^stat::number_of_executed_units' "$work/$t.log" | awk '{print $2}') runs, no crash"
done
log "done in $(( $(date +%s) - start ))s"
if [ -n "$failed" ]; then
  log "crashes in:$failed"
  exit 1
fi
