#!/usr/bin/env bash
# Link length benchmark: for each trace, the length of sipdiag's permalink payload (#v1.…) against
# lz-string's compressToEncodedURIComponent on the very same text (the usual choice for
# "data in the URL" apps). Prints a table and the ratio.
#
#   benches/linklen/run.sh [PATH...]     (default: tests/fixtures and ../shared/corpus if present)
#
# Needs cargo and node; installs lz-string (npm, pinned in package.json) into
# benches/linklen/node_modules on first run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ ! -d "$here/node_modules/lz-string" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent >/dev/null)
fi
if [ "$#" -gt 0 ]; then
  paths=("$@")
else
  paths=("$root/tests/fixtures")
  if [ -d "$root/../shared/corpus" ]; then
    paths+=("$(cd "$root/../shared/corpus" && pwd)")
  else
    echo "note: ../shared/corpus not found; measuring the fixtures only" >&2
  fi
fi
cd "$root"
cargo run -q --example linklen -- "${paths[@]}" | node "$here/join.js" "$(dirname "$root")/"
