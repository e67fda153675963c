#!/usr/bin/env bash
# Records what tshark (Wireshark) sees in every capture of the corpus, so that tests/it/pcap.rs
# can check that sipdiag reads the same: SIP messages per file (several per frame counted, TCP
# and fragments reassembled), RTP and RTCP packets (RTP found by SDP and by the rtp_udp
# heuristic, ICMP-quoted copies left out) and each RTP stream's numbers (-z rtp,streams).
#
# Usage: scripts/pcap-expected.sh [CORPUS_PCAP_DIR]   (default ../shared/corpus/pcap)
# Needs tshark (Debian: apt-get install tshark). Writes tests/fixtures/pcap/expected.tsv and
# tests/fixtures/pcap/streams.tsv. Re-run when the corpus changes and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/corpus/pcap}"
out=tests/fixtures/pcap
mkdir -p "$out"
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install tshark)" >&2; exit 1; }
ts() { tshark -n -2 --enable-heuristic rtp_udp "$@" 2>/dev/null; }

{
  printf 'file\tsip_messages\trtp_packets\trtcp_packets\trtp_streams\n'
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    # every Request-Line / Status-Line occurrence is one SIP message
    sip=$(ts -r "$f" -Y sip -T fields -e sip.Request-Line -e sip.Status-Line -E occurrence=a -E aggregator='\n' \
      | grep -c 'SIP/2.0' || true)
    rtp=$(ts -r "$f" -Y 'rtp.ssrc && !icmp && !icmpv6' -T fields -e frame.number | wc -l)
    rtcp=$(ts -r "$f" -Y 'rtcp && !icmp && !icmpv6' -T fields -e frame.number | wc -l)
    streams=$(ts -r "$f" -q -z rtp,streams | grep -cE '^ +[0-9.]+ +[0-9.]+ +[0-9a-fA-F:.]+ +[0-9]+ ' || true)
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$sip" "$rtp" "$rtcp" "$streams"
  done
} > "$out/expected.tsv"

{
  printf 'file\tsrc\tdst\tssrc\tpackets\tlost\tmax_delta_ms\tmean_jitter_ms\tmax_jitter_ms\n'
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    # Start End SrcIP SrcPort DstIP DstPort SSRC Payload Pkts Lost (pct) MinDelta MeanDelta MaxDelta MinJit MeanJit MaxJit
    ts -r "$f" -q -z rtp,streams | awk -v f="$name" '
      $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ && NF >= 17 {
        src = ($3 ~ /:/) ? "[" $3 "]:" $4 : $3 ":" $4
        dst = ($5 ~ /:/) ? "[" $5 "]:" $6 : $5 ":" $6
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f, src, dst, tolower($7), $9, $10, $14, $16, $17
      }'
  done
} > "$out/streams.tsv"
echo "wrote $out/expected.tsv and $out/streams.tsv" >&2
