#!/usr/bin/env bash
# Installs, only when missing, the pinned tools the web build and the browser tests need.
# Everything lands in one fixed folder outside the checkout so that a second clone (or CI on the
# same machine) reuses it. Registries only: crates.io, npm and Debian packages.
#
#   scripts/tools.sh            # all tools
#   scripts/tools.sh web        # trunk, wasm-bindgen, wasm-opt (to build the app)
#   scripts/tools.sh browser    # chromium, chromedriver, playwright-core (to test the app)
#
# Prints the PATH to export on its last line: `eval "$(scripts/tools.sh web | tail -1)"`.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pin in Cargo.toml
BINARYEN_VERSION=132.0.0
PLAYWRIGHT_VERSION=1.65.1

TOOLS="${SIPDIAG_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/sipdiag-tools}"
mkdir -p "$TOOLS/bin" "$TOOLS/npm"
export PATH="$TOOLS/bin:$TOOLS/npm/node_modules/.bin:$PATH"
root="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf '[tools] %s\n' "$*" >&2; }

want_web=0; want_browser=0
case "${1:-all}" in
  web) want_web=1 ;;
  browser) want_browser=1 ;;
  all) want_web=1; want_browser=1 ;;
  *) echo "usage: $0 [web|browser|all]" >&2; exit 2 ;;
esac

has_version() { # tool expected-version
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}

if [ $want_web = 1 ]; then
  (cd "$root" && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown) \
    || { log "adding the wasm32 target"; (cd "$root" && rustup target add wasm32-unknown-unknown >&2); }
  if ! has_version trunk "$TRUNK_VERSION"; then
    log "installing trunk $TRUNK_VERSION (cold: ~15 min)"
    cargo install --locked trunk --version "$TRUNK_VERSION" --root "$TOOLS" >&2
  fi
  if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cold: ~6 min)"
    # not --locked: its lockfile pins a webpki-roots release the registry no longer serves
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$TOOLS" >&2
  fi
  if ! has_version wasm-opt "version 132"; then
    log "installing wasm-opt (binaryen@$BINARYEN_VERSION from npm)"
    (cd "$TOOLS/npm" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >&2)
  fi
fi

if [ $want_browser = 1 ]; then
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    log "installing chromium and chromium-driver (Debian)"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >&2
  fi
  if ! [ -f "$TOOLS/npm/node_modules/playwright-core/package.json" ] \
     || ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$TOOLS/npm/node_modules/playwright-core/package.json"; then
    log "installing playwright-core $PLAYWRIGHT_VERSION (npm; uses Debian's chromium, downloads no browser)"
    (cd "$TOOLS/npm" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
      "playwright-core@$PLAYWRIGHT_VERSION" >&2)
  fi
fi

echo "export PATH=\"$TOOLS/bin:$TOOLS/npm/node_modules/.bin:\$PATH\" NODE_PATH=\"$TOOLS/npm/node_modules\""
