#!/usr/bin/env bash
# The page's download sizes, per file and in all (gzip -9, as a server sends them), split into
# the first load (what the browser fetches before the page is usable: the HTML and every file
# it links or preloads, plus the wasm module and glue boot.js starts) and what is fetched only
# later (the analysis worker's module on the first large input or capture, the examples when one
# is picked, the service worker and icons in the background). Budget: first load <= 300 KB.
#
#   scripts/size.sh          # measure dist/ (build it first: trunk build --release)
#   scripts/size.sh DIR      # measure another build
set -euo pipefail
dist="${1:-$(cd "$(dirname "$0")/.." && pwd)/dist}"
[ -f "$dist/index.html" ] || { echo "size.sh: no build in $dist (run: trunk build --release)" >&2; exit 1; }
python3 - "$dist" <<'PY'
import gzip, os, re, sys
dist = sys.argv[1]
html = open(os.path.join(dist, "index.html"), encoding="utf-8").read()
first = {"index.html"}
for m in re.finditer(r'(?:href|src|data-js|data-wasm)="(?:\./)?([^"#?]+)"', html):
    if os.path.isfile(os.path.join(dist, m.group(1))):
        first.add(m.group(1))
rows = []
for base, _, files in os.walk(dist):
    for f in files:
        rel = os.path.relpath(os.path.join(base, f), dist)
        if rel.startswith(".stage"):
            continue
        data = open(os.path.join(dist, rel), "rb").read()
        rows.append((rel in first, rel, len(data), len(gzip.compress(data, 9, mtime=0))))
rows.sort(key=lambda r: (not r[0], -r[3]))
kb = lambda n: f"{n / 1024:.1f}"
print(f"{'file':<44} {'bytes':>10} {'gzip KB':>8}  when")
for is_first, rel, raw, gz in rows:
    print(f"{rel:<44} {raw:>10} {kb(gz):>8}  {'first load' if is_first else 'later'}")
f_raw = sum(r[2] for r in rows if r[0]); f_gz = sum(r[3] for r in rows if r[0])
l_gz = sum(r[3] for r in rows if not r[0])
print(f"\nfirst load: {len([r for r in rows if r[0]])} files, {f_raw} bytes, {kb(f_gz)} KB gzip (budget 300 KB: "
      f"{'within' if f_gz <= 300 * 1024 else 'over by ' + kb(f_gz - 300 * 1024) + ' KB'})")
print(f"later, on need: {kb(l_gz)} KB gzip")
PY
