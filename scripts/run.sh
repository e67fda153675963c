#!/usr/bin/env bash
# Builds the page and serves it on this machine only: http://127.0.0.1:8080/ (PORT=… to change).
# Installs the pinned build tools first if they are missing (scripts/tools.sh web; cold ~20 min).
# Everything runs locally: the page is static files, and what you paste never leaves the browser.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
eval "$(bash scripts/tools.sh web | tail -1)"
cargo fetch --locked >&2 || cargo fetch >&2   # trunk builds offline
trunk build --release
port="${PORT:-8080}"
echo "sipdiag is at http://127.0.0.1:$port/  (Ctrl-C to stop)"
exec python3 -m http.server --bind 127.0.0.1 --directory dist "$port"
