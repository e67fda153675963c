// Times the JavaScript SIP parsers a web tool would otherwise use (JsSIP, SIP.js, npm "sip") and
// sipdiag compiled to wasm, on the same messages as the Rust run, and counts what each reads
// right. `node bench.mjs [OUT_DIR] [ITERS]` reads the corpus gen-corpus wrote and writes
// OUT_DIR/js.json for report.mjs.
//
// Every parser fills the same fields from its own API: top Via branch and sent-by host, From/To
// tags, Call-ID, CSeq, first Contact host, the first m= line's port and connection address.
// JsSIP and SIP.js have no SDP reader of their own (they hand SDP to the browser): they get
// sdp-transform, the SDP parser JsSIP itself depends on. npm "sip" ships sip/sdp.js.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, '..', 'out'));
const iters = Number(process.argv[3] ?? 5);

const text = readFileSync(path.join(dir, 'corpus.sip'), 'latin1');
const offsets = readFileSync(path.join(dir, 'corpus.idx'), 'utf8').trim().split('\n')
  .flatMap((l) => l.split('\t').map(Number));
const msgs = [];
for (let i = 0; i < offsets.length; i += 2) msgs.push(text.substring(offsets[i], offsets[i] + offsets[i + 1]));
const bytes = msgs.reduce((n, m) => n + m.length, 0);
const truth = readFileSync(path.join(dir, 'truth.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const c = l.split('\t');
  return {
    via_branch: c[0], via_host: c[1], from_tag: c[2], to_tag: c[3], call_id: c[4],
    cseq_num: Number(c[5]), cseq_method: c[6], contact_host: c[7], sdp_c: c[8], sdp_port: Number(c[9]),
  };
});

// ---------------------------------------------------------------- fields and checking

function newFields() {
  return { parsed: false, via_branch: '', via_host: '', from_tag: '', to_tag: '', call_id: '', cseq_num: 0,
    cseq_method: '', contact_host: '', sdp_c: '', sdp_port: 0 };
}
function clear(f) {
  f.parsed = false; f.via_branch = ''; f.via_host = ''; f.from_tag = ''; f.to_tag = ''; f.call_id = '';
  f.cseq_num = 0; f.cseq_method = ''; f.contact_host = ''; f.sdp_c = ''; f.sdp_port = 0;
}
const s = (x) => (x === undefined || x === null ? '' : String(x));
function digest(f) {
  return f.via_branch.length + 3 * f.via_host.length + 5 * f.from_tag.length + 7 * f.to_tag.length
    + 11 * f.call_id.length + 13 * f.cseq_num + 17 * f.cseq_method.length + 19 * f.contact_host.length
    + 23 * f.sdp_c.length + 29 * f.sdp_port + (f.parsed ? 1 : 0);
}
function normHost(h) {
  h = s(h).trim().replace(/^\[/, '').replace(/\]$/, '');
  if (h.includes(':')) {
    try { return new URL(`http://[${h}]/`).hostname; } catch { return h.toLowerCase(); }
  }
  return h.toLowerCase();
}
const FIELDS = ['via_branch', 'via_host', 'from_tag', 'to_tag', 'call_id', 'cseq', 'contact', 'sdp_c', 'sdp_m'];
function check(errs, got, want) {
  if (!got.parsed) { errs.unparsed++; return; }
  const ok = [
    got.via_branch === want.via_branch,
    normHost(got.via_host) === normHost(want.via_host),
    got.from_tag === want.from_tag,
    got.to_tag === want.to_tag,
    got.call_id === want.call_id,
    got.cseq_num === want.cseq_num && got.cseq_method === want.cseq_method,
    normHost(got.contact_host) === normHost(want.contact_host),
    normHost(got.sdp_c) === normHost(want.sdp_c),
    got.sdp_port === want.sdp_port,
  ];
  ok.forEach((v, i) => { if (!v) errs.wrong[i]++; });
  if (ok.every(Boolean)) errs.correct++;
}
function summary(errs) {
  const parts = [];
  if (errs.unparsed) parts.push(`unparsed ${errs.unparsed}`);
  errs.wrong.forEach((w, i) => { if (w) parts.push(`${FIELDS[i]} ${w}`); });
  return parts.join(', ');
}

// ---------------------------------------------------------------- the parsers

const sdpTransform = require('sdp-transform');
function sdpFromTransform(body, f) {
  if (!body) return;
  const sdp = sdpTransform.parse(body);
  const md = sdp.media && sdp.media[0];
  if (!md) return;
  f.sdp_port = Number(md.port) || 0;
  const c = md.connection || sdp.connection;
  if (c) f.sdp_c = s(c.ip);
}

const JsSIPParser = require('jssip/lib/Parser');
function jssip(msg, f) {
  const m = JsSIPParser.parseMessage(msg, undefined);
  if (!m) return;
  f.parsed = true;
  if (m.via) { f.via_branch = s(m.via.branch); f.via_host = s(m.via.host); }
  f.from_tag = s(m.from_tag);
  f.to_tag = s(m.to_tag);
  f.call_id = s(m.call_id);
  const cseq = m.parseHeader('cseq');
  if (cseq) { f.cseq_num = Number(cseq.value); f.cseq_method = s(cseq.method); }
  const contact = m.headers.Contact && m.headers.Contact[0] && m.headers.Contact[0].parsed;
  if (contact && contact.uri) f.contact_host = s(contact.uri.host);
  sdpFromTransform(m.body, f);
}

const { Parser: SipJsParser } = await import('sip.js/lib/core/messages/parser.js');
const quiet = { warn() {}, error() {}, log() {}, debug() {} };
function sipjs(msg, f) {
  const m = SipJsParser.parseMessage(msg, quiet);
  if (!m) return;
  f.parsed = true;
  if (m.via) { f.via_branch = s(m.via.branch); f.via_host = s(m.via.host); }
  f.from_tag = s(m.fromTag);
  f.to_tag = s(m.toTag);
  f.call_id = s(m.callId);
  const cseq = m.parseHeader('cseq');
  if (cseq) { f.cseq_num = Number(cseq.value); f.cseq_method = s(cseq.method); }
  const contact = m.headers.Contact && m.headers.Contact[0] && m.headers.Contact[0].parsed;
  if (contact && contact.uri) f.contact_host = s(contact.uri.host);
  sdpFromTransform(m.body, f);
}

const npmSip = require('sip');
const npmSdp = require('sip/sdp');
function npmsip(msg, f) {
  const m = npmSip.parse(msg);
  if (!m) return;
  f.parsed = true;
  const h = m.headers;
  const via = h.via && h.via[0];
  if (via) { f.via_branch = s(via.params && via.params.branch); f.via_host = s(via.host); }
  if (h.from && h.from.params) f.from_tag = s(h.from.params.tag);
  if (h.to && h.to.params) f.to_tag = s(h.to.params.tag);
  f.call_id = s(h['call-id']);
  if (h.cseq) { f.cseq_num = Number(h.cseq.seq); f.cseq_method = s(h.cseq.method); }
  const contact = Array.isArray(h.contact) ? h.contact[0] : undefined;
  if (contact) { const u = npmSip.parseUri(contact.uri); if (u) f.contact_host = s(u.host); }
  if (m.content) {
    const sdp = npmSdp.parse(m.content);
    const md = sdp.m && sdp.m[0];
    if (md) { f.sdp_port = Number(md.port) || 0; const c = md.c || sdp.c; if (c) f.sdp_c = s(c.address); }
  }
}

// ---------------------------------------------------------------- timing

function cpuMs() { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
function measure(fn) {
  // warm-up: let the JIT settle (a parser that needs seconds per pass gets one warm-up and one timed run)
  const w0 = performance.now();
  fn();
  const slow = performance.now() - w0 > 3000;
  if (!slow) fn();
  const wall = []; const cpu = [];
  for (let i = 0; i < (slow ? 1 : iters); i++) {
    const c0 = cpuMs(); const w0 = performance.now();
    fn();
    wall.push(performance.now() - w0); cpu.push(cpuMs() - c0);
  }
  wall.sort((a, b) => a - b); cpu.sort((a, b) => a - b);
  return { wall: wall[wall.length >> 1], cpu: cpu[cpu.length >> 1] };
}
function runAll(parse) {
  const f = newFields();
  let d = 0;
  for (let i = 0; i < msgs.length; i++) {
    clear(f);
    try { parse(msgs[i], f); } catch { clear(f); }
    d += digest(f);
  }
  return d;
}

const results = [];
function report(name, note, t, errs, extra = {}) {
  const ms = t.cpu > 0 ? t.cpu : t.wall;
  const mbps = bytes / 1e6 / (ms / 1000);
  const r = {
    name, kind: extra.kind ?? 'js', note, typed: true, mbps, msgs_per_s: msgs.length / (ms / 1000), cpu_ms: t.cpu,
    wall_ms: t.wall, messages: msgs.length, bytes, correct: errs ? errs.correct : null,
    unparsed: errs ? errs.unparsed : null, wrong: errs ? summary(errs) : '', ...extra,
  };
  results.push(r);
  const correct = errs ? `${(100 * errs.correct / msgs.length).toFixed(1)}%` : 'n/a';
  console.log(`${name.padEnd(36)} ${mbps.toFixed(1).padStart(9)} ${r.msgs_per_s.toFixed(0).padStart(10)} ${(t.wall / ms).toFixed(2).padStart(6)} | ${correct.padStart(8)} | ${r.wrong}`);
}

console.log(`JavaScript on node ${process.version}, ${msgs.length} messages, ${(bytes / 1e6).toFixed(2)} MB (median of ${iters} runs after 2 warm-ups; process CPU time)`);
console.log(`${'parser'.padEnd(36)} ${'MB/s'.padStart(9)} ${'msg/s'.padStart(10)} ${'load'.padStart(6)} | ${'correct'.padStart(8)} | wrong fields`);

const js = [
  ['JsSIP 3.13 + sdp-transform', 'Parser.parseMessage (PEG grammar per header) + parseHeader', jssip],
  ['SIP.js 0.21 + sdp-transform', 'core Parser.parseMessage + parseHeader', sipjs],
  ['npm sip 0.0.6 (+ sip/sdp)', 'sip.parse (regexes) + parseUri', npmsip],
];
// PEERS_ONLY=<name prefix> runs only the matching parsers (while working on one)
const only = process.env.PEERS_ONLY;
const wanted = (name) => !only || name.startsWith(only);
for (const [name, note, parse] of js.filter(([name]) => wanted(name))) {
  const t = measure(() => runAll(parse));
  const errs = { unparsed: 0, wrong: new Array(9).fill(0), correct: 0 };
  const f = newFields();
  for (let i = 0; i < msgs.length; i++) {
    clear(f);
    try { parse(msgs[i], f); } catch { clear(f); }
    check(errs, f, truth[i]);
  }
  report(name, note, t, errs);
}

// sipdiag as wasm, in node
const variants = [
  ['wasm-node', 'O3', 'opt-level 3 (as the analysis worker ships)'],
  ['wasm-node-simd', 'O3+simd128', 'opt-level 3, -C target-feature=+simd128'],
  ['wasm-node-z', 'z', 'opt-level z (size first)'],
  ['wasm-node-s', 's', 'opt-level s (between size and speed)'],
];
for (const [variant, short, label] of variants) {
  if (!wanted('sipdiag wasm')) continue;
  const glue = path.join(dir, variant, 'sipdiag_peers_wasm.js');
  if (!existsSync(glue)) { console.log(`(no ${variant} build in ${dir}; skipped)`); continue; }
  const w = require(glue);
  const offs = new Uint32Array(offsets);
  let st;
  const t1 = measure(() => { st = w.parse_all(text, offs); return st.digest; });
  report(`sipdiag wasm/node ${short} (text copied in)`, `parse_all(text, offsets), ${label}; includes the copy of the text into wasm memory`, t1, null,
    { kind: 'wasm', typed: true, digest52: st.digest });
  const corpus = new w.Corpus(text, offs);
  const t2 = measure(() => { st = corpus.parse_all(); return st.digest; });
  report(`sipdiag wasm/node ${short} (text in wasm)`, `Corpus.parse_all(), ${label}; text already in wasm memory`, t2, null,
    { kind: 'wasm', typed: true, digest52: st.digest });
  corpus.free();
}

if (!only) writeFileSync(path.join(dir, 'js.json'), JSON.stringify(results, null, 1));
