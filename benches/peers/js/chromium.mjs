// sipdiag's parse work as wasm in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): the same parse_all as in node, on the same corpus, timed in the page.
// `node chromium.mjs [OUT_DIR] [ITERS]` appends to OUT_DIR/chromium.json for report.mjs.
//
// Nothing is served over the network: the page and its files are answered from disk by
// page.route() for a made-up origin.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, '..', 'out'));
const iters = Number(process.argv[3] ?? 5);

function playwright() {
  const roots = [...(process.env.NODE_PATH ?? '').split(':').filter(Boolean),
    path.join(process.env.HOME ?? '', '.cache/sipdiag-tools/npm/node_modules')];
  for (const r of roots) {
    const p = path.join(r, 'playwright-core');
    if (existsSync(p)) return require(p);
  }
  throw new Error('playwright-core not found (scripts/tools.sh browser installs it)');
}

const page = `<!doctype html><meta charset="utf-8"><title>sipdiag wasm bench</title>
<script type="module">
import init, { parse_all, Corpus } from './pkg/sipdiag_peers_wasm.js';
await init();
const text = await (await fetch('/corpus.sip')).text();
const offsets = new Uint32Array((await (await fetch('/corpus.idx')).text()).trim().split('\\n')
  .flatMap((l) => l.split('\\t').map(Number)));
const iters = ${iters};
function measure(fn) {
  fn(); fn();
  const t = [];
  for (let i = 0; i < iters; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b);
  return { median: t[t.length >> 1], min: t[0] };
}
let st;
const copied = measure(() => { st = parse_all(text, offsets); });
const d1 = st.digest;
const c = new Corpus(text, offsets);
const kept = measure(() => { st = c.parse_all(); });
window.result = { copied, kept, digest: d1, digestKept: st.digest, messages: st.messages, ua: navigator.userAgent };
</script>`;

const files = {
  '/index.html': [page, 'text/html'],
  '/corpus.sip': [readFileSync(path.join(dir, 'corpus.sip')), 'text/plain; charset=utf-8'],
  '/corpus.idx': [readFileSync(path.join(dir, 'corpus.idx')), 'text/plain'],
  '/pkg/sipdiag_peers_wasm.js': [readFileSync(path.join(dir, 'wasm-web', 'sipdiag_peers_wasm.js')), 'text/javascript'],
  '/pkg/sipdiag_peers_wasm_bg.wasm': [readFileSync(path.join(dir, 'wasm-web', 'sipdiag_peers_wasm_bg.wasm')), 'application/wasm'],
};

const { chromium } = playwright();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const p = await browser.newPage();
  await p.route('http://bench.invalid/**', (route) => {
    const f = files[new URL(route.request().url()).pathname];
    if (!f) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, body: f[0], contentType: f[1] });
  });
  await p.goto('http://bench.invalid/index.html');
  await p.waitForFunction(() => window.result, null, { timeout: 300_000 });
  const r = await p.evaluate(() => window.result);
  const bytes = files['/corpus.sip'][0].length;
  const version = browser.version();
  const rows = [
    ['copied', `sipdiag wasm/Chromium ${version.split('.')[0]} O3 (text copied in)`, 'parse_all(text, offsets) in the page; wall time (no CPU clock in a page)'],
    ['kept', `sipdiag wasm/Chromium ${version.split('.')[0]} O3 (text in wasm)`, 'Corpus.parse_all() in the page; wall time'],
  ].map(([k, name, note]) => {
    const ms = r[k].median;
    return {
      name, kind: 'wasm', note, typed: true, mbps: bytes / 1e6 / (ms / 1000), msgs_per_s: r.messages / (ms / 1000),
      wall_ms: ms, min_ms: r[k].min, cpu_ms: null, messages: r.messages, bytes, correct: null, unparsed: null, wrong: '',
      digest52: k === 'copied' ? r.digest : r.digestKept,
    };
  });
  console.log(`Chromium ${version}, ${r.messages} messages, ${(bytes / 1e6).toFixed(2)} MB (median of ${iters} after 2 warm-ups; wall time)`);
  for (const x of rows) {
    console.log(`${x.name.padEnd(52)} ${x.mbps.toFixed(1).padStart(8)} MB/s  (best run ${(bytes / 1e6 / (x.min_ms / 1000)).toFixed(1)} MB/s)`);
  }
  writeFileSync(path.join(dir, 'chromium.json'), JSON.stringify(rows, null, 1));
} finally {
  await browser.close();
}
