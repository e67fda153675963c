#!/usr/bin/env python3
"""Trunk post-build hook (Trunk.toml [[hooks]]): finishes the page in Trunk's staging folder.

1. Fills in the service worker (sw.js): the list of the page's files to keep for offline use and
   a cache version made from their contents, so every build gets its own cache.
2. Checks index.html against the Content-Security-Policy: no inline <script>, no inline event
   handler attribute (onclick=...), no style attribute. The policy would block them in the
   browser; the build fails here instead, with the place to look.

Runs with TRUNK_STAGING_DIR set by Trunk; `python3 scripts/page-postbuild.py DIR` runs it on a
built folder by hand.
"""
import hashlib
import json
import os
import re
import sys


def fail(msg):
    print(f"page-postbuild: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUNK_STAGING_DIR")
    if not root or not os.path.isdir(root):
        fail("no build folder (set TRUNK_STAGING_DIR or pass a folder)")
    files = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/")
            if rel != "sw.js" and not rel.startswith("."):
                files.append(rel)
    files.sort()

    html_path = os.path.join(root, "index.html")
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        if "src=" not in m.group(1) or m.group(2).strip():
            fail(f"index.html has an inline script, which the Content-Security-Policy blocks:\n{m.group(0)[:300]}")
    for m in re.finditer(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", html, re.I):
        fail(f"index.html has an inline `{m.group(1)}` attribute, which the Content-Security-Policy blocks")
    if 'name="sipdiag-app"' not in html:
        fail("index.html lacks <meta name=\"sipdiag-app\">: check pattern_script in Trunk.toml")

    digest = hashlib.sha256()
    for rel in files:
        with open(os.path.join(root, rel), "rb") as f:
            digest.update(rel.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    version = digest.hexdigest()[:16]

    sw_path = os.path.join(root, "sw.js")
    if not os.path.exists(sw_path):
        fail("sw.js is missing from the build (index.html copies www/sw.js)")
    with open(sw_path, encoding="utf-8") as f:
        sw = f.read()
    precache = ["./"] + files
    sw, n1 = re.subn(r"^const VERSION = '[^']*';", f"const VERSION = '{version}';", sw, count=1, flags=re.M)
    sw, n2 = re.subn(r"^const PRECACHE = \[\];", "const PRECACHE = " + json.dumps(precache) + ";", sw, count=1, flags=re.M)
    if n1 != 1 or n2 != 1:
        fail("sw.js lacks the VERSION or PRECACHE line to fill in")
    with open(sw_path, "w", encoding="utf-8") as f:
        f.write(sw)
    print(f"page-postbuild: service worker cache sipdiag-{version}, {len(precache)} files; no inline script")


if __name__ == "__main__":
    main()
