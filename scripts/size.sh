#!/usr/bin/env bash
# The page's download sizes, per file and in all (gzip -9, as a server sends them), in three
# parts:
# - first load: what the browser fetches before the page is there and takes input (the HTML and
#   every file it links or preloads, plus the wasm module and glue boot.js starts). Budget 300 KB.
# - analysis worker: its module (sipdiag-worker.js + sipdiag-worker_bg.wasm), which the page
#   starts once it is up, so it loads while the user pastes; the first diagnosis needs it.
# - later, on need: the examples when one is picked, the service worker and icons.
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
worker = {"sipdiag-worker.js", "sipdiag-worker_bg.wasm"}
rows = []
for base, _, files in os.walk(dist):
    for f in files:
        rel = os.path.relpath(os.path.join(base, f), dist)
        if rel.startswith(".stage"):
            continue
        data = open(os.path.join(dist, rel), "rb").read()
        part = 0 if rel in first else 1 if rel in worker else 2
        rows.append((part, rel, len(data), len(gzip.compress(data, 9, mtime=0))))
rows.sort(key=lambda r: (r[0], -r[3]))
kb = lambda n: f"{n / 1024:.1f}"
names = ["first load", "analysis worker", "later"]
print(f"{'file':<44} {'bytes':>10} {'gzip KB':>8}  when")
for part, rel, raw, gz in rows:
    print(f"{rel:<44} {raw:>10} {kb(gz):>8}  {names[part]}")
gz = [sum(r[3] for r in rows if r[0] == p) for p in range(3)]
f_raw = sum(r[2] for r in rows if r[0] == 0)
print(f"\nfirst load: {len([r for r in rows if r[0] == 0])} files, {f_raw} bytes, {kb(gz[0])} KB gzip (budget 300 KB: "
      f"{'within' if gz[0] <= 300 * 1024 else 'over by ' + kb(gz[0] - 300 * 1024) + ' KB'})")
print(f"analysis worker (started once the page is up): {kb(gz[1])} KB gzip; "
      f"until the first diagnosis: {kb(gz[0] + gz[1])} KB gzip")
print(f"later, on need: {kb(gz[2])} KB gzip")
PY
