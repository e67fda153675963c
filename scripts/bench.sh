#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (docs/PERFORMANCE.md records one run).
#
#   scripts/bench.sh             # everything: pipeline, then the side-by-side peers
#   scripts/bench.sh pipeline    # ingest + parse + diagnose on 1/10/100 MB traces, 4 log shapes
#   scripts/bench.sh peers       # sipdiag vs Rust crates, JS packages, memchr floor, wasm (node, Chromium)
#
# BENCH_SIZES=1,10 shortens the pipeline run. The peers live in benches/peers, a cargo workspace
# and npm folder of their own: nothing there enters sipdiag's dependencies. Needs node and npm;
# the wasm part needs wasm-bindgen/wasm-opt (scripts/tools.sh web installs them when missing),
# the browser part /usr/bin/chromium and playwright-core (scripts/tools.sh browser).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
what="${1:-all}"
sizes="${BENCH_SIZES:-1,10,100}"
peers="$root/benches/peers"
out="$peers/out"
target="${CARGO_TARGET_DIR:-$peers/target}"

step() { printf '\n==> %s\n' "$*"; }

step "machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rustc: $(rustc --version)"
command -v node >/dev/null && echo "node: $(node --version)"

if [ "$what" = all ] || [ "$what" = pipeline ]; then
  step "pipeline: cargo bench --profile fast --bench pipeline -- --sizes $sizes"
  cargo bench --profile fast --bench pipeline -- --sizes "$sizes"
fi

[ "$what" = all ] || [ "$what" = peers ] || exit 0

step "peers: corpus and Rust parsers (benches/peers, cargo build --release)"
(cd "$peers" && cargo build --release --bins)
"$target/release/gen-corpus" "$out" 20000
"$target/release/rust-peers" "$out" 7

step "peers: sipdiag as wasm (wasm-bindgen, wasm-opt)"
eval "$(bash scripts/tools.sh web | tail -1)"
wasm_ok=1
for variant in release wasm-z wasm-s; do
  (cd "$peers" && cargo build -p sipdiag-peers-wasm --profile "$variant" --target wasm32-unknown-unknown) || wasm_ok=0
done
if [ $wasm_ok = 1 ]; then
  w="$target/wasm32-unknown-unknown"
  rm -rf "$out/wasm-node" "$out/wasm-node-z" "$out/wasm-node-s" "$out/wasm-web" "$out/wasm-web-s"
  wasm-bindgen --target nodejs --out-dir "$out/wasm-node" "$w/release/sipdiag_peers_wasm.wasm"
  wasm-bindgen --target nodejs --out-dir "$out/wasm-node-z" "$w/wasm-z/sipdiag_peers_wasm.wasm"
  wasm-bindgen --target nodejs --out-dir "$out/wasm-node-s" "$w/wasm-s/sipdiag_peers_wasm.wasm"
  wasm-bindgen --target web --out-dir "$out/wasm-web" "$w/release/sipdiag_peers_wasm.wasm"
  wasm-bindgen --target web --out-dir "$out/wasm-web-s" "$w/wasm-s/sipdiag_peers_wasm.wasm"
  # as Trunk does: -Oz for a size-first build, -O3 for the others (the worker ships opt-level 3 + -O3)
  wasm-opt -O3 "$out/wasm-node/sipdiag_peers_wasm_bg.wasm" -o "$out/wasm-node/sipdiag_peers_wasm_bg.wasm"
  wasm-opt -O3 "$out/wasm-web/sipdiag_peers_wasm_bg.wasm" -o "$out/wasm-web/sipdiag_peers_wasm_bg.wasm"
  wasm-opt -Oz "$out/wasm-node-z/sipdiag_peers_wasm_bg.wasm" -o "$out/wasm-node-z/sipdiag_peers_wasm_bg.wasm"
  wasm-opt -O3 "$out/wasm-node-s/sipdiag_peers_wasm_bg.wasm" -o "$out/wasm-node-s/sipdiag_peers_wasm_bg.wasm"
  wasm-opt -O3 "$out/wasm-web-s/sipdiag_peers_wasm_bg.wasm" -o "$out/wasm-web-s/sipdiag_peers_wasm_bg.wasm"
  # wasm SIMD (memchr's simd128 path): other RUSTFLAGS, so its own target folder
  if (cd "$peers" && RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$target/simd128" \
      cargo build -p sipdiag-peers-wasm --release --target wasm32-unknown-unknown); then
    rm -rf "$out/wasm-node-simd"
    wasm-bindgen --target nodejs --out-dir "$out/wasm-node-simd" \
      "$target/simd128/wasm32-unknown-unknown/release/sipdiag_peers_wasm.wasm"
    wasm-opt -O3 --enable-simd "$out/wasm-node-simd/sipdiag_peers_wasm_bg.wasm" -o "$out/wasm-node-simd/sipdiag_peers_wasm_bg.wasm"
  fi
fi

step "peers: JavaScript parsers and sipdiag wasm in node"
if [ ! -d "$peers/js/node_modules/jssip" ]; then
  (cd "$peers/js" && npm ci --no-audit --no-fund --silent)
fi
node "$peers/js/bench.mjs" "$out" 5

if [ -x /usr/bin/chromium ] && [ -d "$out/wasm-web" ]; then
  step "peers: sipdiag wasm in headless Chromium"
  eval "$(bash scripts/tools.sh browser | tail -1)"
  node "$peers/js/chromium.mjs" "$out" 9 || echo "(Chromium run failed; the table goes on without it)"
fi

step "side by side"
node "$peers/js/report.mjs" "$out"
