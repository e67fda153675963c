#!/usr/bin/env bash
# Runs every test of the project: native (unit + integration + CLI), the wasm tests in headless
# Chromium, and the end-to-end suite against the built page. Installs the pinned tools it needs
# (scripts/tools.sh) when they are missing. This is the README's test command; .ci/run calls it.
#
#   scripts/test.sh            # everything
#   scripts/test.sh native     # only the native tests (no browser, no tools to install)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

step() { printf '\n==> %s\n' "$*"; }

step "native tests (cargo test)"
cargo test --locked 2>&1 | tee /tmp/sipdiag-native-test.log
summary=$(grep -E '^test result:' /tmp/sipdiag-native-test.log | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')

[ "$what" = native ] && { echo "native: $summary"; exit 0; }

step "tools (installed only when missing)"
eval "$(bash scripts/tools.sh all | tail -1)"

if [ -f tests/web.rs ]; then
  step "wasm tests in headless Chromium (wasm-bindgen-test)"
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --locked --target wasm32-unknown-unknown --features in-page --test web
fi

if [ -f scripts/e2e.sh ]; then
  step "end-to-end tests in headless Chromium (playwright-core)"
  bash scripts/e2e.sh
fi

if [ -f dist/index.html ]; then
  step "download sizes of the built page (budget: first load <= 300 KB gzip)"
  bash scripts/size.sh dist
fi

if [ -f scripts/fuzz-smoke.sh ]; then
  step "fuzz smoke run"
  bash scripts/fuzz-smoke.sh
fi

echo
echo "native: $summary"
