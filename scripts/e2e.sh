#!/usr/bin/env bash
# Browser end-to-end tests: builds dist/ when the sources are newer, serves it on a free port of
# 127.0.0.1, runs tests/e2e with node's test runner (headless Debian chromium through
# playwright-core), then stops the server. Screenshots and timings: tests/e2e/artifacts/.
#
#   scripts/e2e.sh            # build if needed, test
#   scripts/e2e.sh tests/e2e/big.test.cjs    # only some test files
#   E2E_REBUILD=1 scripts/e2e.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
eval "$(bash scripts/tools.sh | tail -1)"
export NODE_PATH

stale=0
if [ ! -f dist/index.html ] || [ -n "${E2E_REBUILD:-}" ]; then
  stale=1
elif [ -n "$(find src www kb index.html Trunk.toml Cargo.toml Cargo.lock build.rs -newer dist/index.html -print -quit 2>/dev/null)" ]; then
  stale=1
fi
if [ $stale = 1 ]; then
  cargo fetch --locked >&2 || cargo fetch >&2
  trunk build --release >&2
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server --bind 127.0.0.1 --directory dist "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done

if [ $# -gt 0 ]; then files=("$@"); else files=(tests/e2e/*.test.cjs); fi
E2E_URL="http://127.0.0.1:$port/" E2E_DIST="$root/dist" node --test "${files[@]}"
