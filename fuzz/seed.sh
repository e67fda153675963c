#!/usr/bin/env bash
# Seeds the fuzz corpora from the outside corpus (../shared/corpus beside the checkout) and the
# project's fixtures, plus the small committed seeds of fuzz/seeds/<target>.
#
#   fuzz/seed.sh [corpus dir] [destination]     # destination: fuzz/corpus (one folder per target)
#
# Only files under 64 KB are copied (larger ones slow every execution and are cut to -max_len
# anyway). Permalink and capture seeds are made by `examples/seeds.rs`: valid links built from
# every text trace, and captures cut into windows of packets. The copies are not committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$here/../../shared/corpus}"
dest="${2:-$here/corpus}"
fixtures="$here/../tests/fixtures"
if [ ! -d "$src" ]; then
  echo "seed.sh: no corpus at $src (pass its path as the first argument)" >&2
  exit 1
fi
targets="ingest parse_message parse_sdp permalink_decode capture"
for t in $targets; do
  mkdir -p "$dest/$t"
  [ -d "$here/seeds/$t" ] && cp "$here/seeds/$t"/* "$dest/$t/"
done
small() { find "$@" -type f -size -64k ! -name SOURCES.md ! -name '*.pcap' ! -name '*.pcapng' ! -name '*.tsv' -print0; }
# ingest: every text trace, whatever its format
while IFS= read -r -d '' f; do
  cp "$f" "$dest/ingest/$(basename "$f")"
done < <(small "$src" "$fixtures")
# parse_message: the RFC 4475 messages and the raw SIP of the other traces
cp "$src"/rfc4475/*.dat "$dest/parse_message/"
for f in "$src"/other/*raw* "$src"/callflows/*; do
  [ -f "$f" ] && cp "$f" "$dest/parse_message/$(basename "$f")"
done
# parse_sdp: the bodies of the RFC 4475 messages that carry one (everything after the first empty line)
for f in "$src"/rfc4475/*.dat; do
  body="$(sed -n '/^\r\{0,1\}$/,$p' "$f" | tail -n +2 | tr -d '\000')"
  if printf '%s' "$body" | grep -q '^v=0'; then
    printf '%s\n' "$body" > "$dest/parse_sdp/$(basename "$f" .dat).sdp"
  fi
done
# permalink_decode and capture: made by the seed example (a normal build, not instrumented)
seeds_bin() {
  (cd "$here" && env -u RUSTC_BOOTSTRAP cargo run --quiet --example seeds -- "$@")
}
seeds_bin permalink "$src" "$fixtures" "$dest/permalink_decode" >/dev/null
seeds_bin capture "$src" "$dest/capture" >/dev/null
for t in $targets; do
  printf '%s: %s seeds\n' "$t" "$(find "$dest/$t" -type f | wc -l)"
done
