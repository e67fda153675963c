#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> from the outside corpus (../shared/corpus beside the checkout).
# The seeds are copies made at run time; fuzz/corpus is not committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$here/../../shared/corpus}"
if [ ! -d "$src" ]; then
  echo "seed.sh: no corpus at $src (pass its path as the first argument)" >&2
  exit 1
fi
mkdir -p "$here/corpus/ingest" "$here/corpus/parse_message" "$here/corpus/parse_sdp"
n=0
# ingest: every trace, whatever its format (pcaps too: decoded like the CLI decodes them)
while IFS= read -r -d '' f; do
  cp "$f" "$here/corpus/ingest/$(basename "$f")"
  n=$((n + 1))
done < <(find "$src" -type f ! -name SOURCES.md -print0)
# parse_message: the RFC 4475 messages and the raw SIP of the other traces
cp "$src"/rfc4475/*.dat "$here/corpus/parse_message/"
for f in "$src"/other/*raw* "$src"/callflows/*; do
  [ -f "$f" ] && cp "$f" "$here/corpus/parse_message/$(basename "$f")"
done
# parse_sdp: the bodies of the RFC 4475 messages that carry one (everything after the first empty line)
for f in "$src"/rfc4475/*.dat; do
  body="$(sed -n '/^\r\{0,1\}$/,$p' "$f" | tail -n +2 | tr -d '\000')"
  if printf '%s' "$body" | grep -q '^v=0'; then
    printf '%s\n' "$body" > "$here/corpus/parse_sdp/$(basename "$f" .dat).sdp"
  fi
done
echo "seeded: $n ingest, $(ls "$here/corpus/parse_message" | wc -l) parse_message, $(ls "$here/corpus/parse_sdp" | wc -l) parse_sdp"
