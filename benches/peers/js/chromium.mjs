// sipdiag's parse work as wasm in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): the same parse_all as in node, on the same corpus, timed in the page.
// `node chromium.mjs [OUT_DIR] [ITERS]` writes OUT_DIR/chromium.json for report.mjs.
//
// Nothing is served over the network: the page and its files are answered from disk by
// page.route() for a made-up origin.

import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
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

// CPU time (ms) of every process under this one (the browser, its renderer and helpers), from
// /proc: a page has no CPU clock, and the wall clock measures the neighbours on a busy machine.
function treeCpuMs() {
  const hz = 100; // USER_HZ
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * 1000 / hz });
    } catch { /* gone */ }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of procs) if (!mine.has(pid) && mine.has(p.ppid)) { mine.add(pid); grew = true; }
  }
  mine.delete(process.pid);
  let ms = 0;
  for (const pid of mine) ms += procs.get(pid).cpu;
  return ms;
}

// one page per build: `pkg` is the folder of its wasm-bindgen output
const pageFor = (pkg) => `<!doctype html><meta charset="utf-8"><title>sipdiag wasm bench</title>
<script type="module">
import init, { parse_all, Corpus } from './${pkg}/sipdiag_peers_wasm.js';
await init();
const text = await (await fetch('/corpus.sip')).text();
const offsets = new Uint32Array((await (await fetch('/corpus.idx')).text()).trim().split('\\n')
  .flatMap((l) => l.split('\\t').map(Number)));
const corpus = new Corpus(text, offsets);
// one pass each; node times them (wall in the page, CPU time of the browser's processes outside)
window.pass = (kind) => {
  const t0 = performance.now();
  const st = kind === 'copied' ? parse_all(text, offsets) : corpus.parse_all();
  return { ms: performance.now() - t0, digest: st.digest, messages: st.messages };
};
window.ready = true;
</script>`;

// the build the analysis worker ships (opt-level 3) and a smaller one (opt-level s)
const builds = [['wasm-web', 'O3'], ['wasm-web-s', 's']].filter(([pkg]) => existsSync(path.join(dir, pkg)));
const files = {
  '/corpus.sip': [readFileSync(path.join(dir, 'corpus.sip')), 'text/plain; charset=utf-8'],
  '/corpus.idx': [readFileSync(path.join(dir, 'corpus.idx')), 'text/plain'],
};
for (const [pkg] of builds) {
  files[`/${pkg}.html`] = [pageFor(pkg), 'text/html'];
  files[`/${pkg}/sipdiag_peers_wasm.js`] = [readFileSync(path.join(dir, pkg, 'sipdiag_peers_wasm.js')), 'text/javascript'];
  files[`/${pkg}/sipdiag_peers_wasm_bg.wasm`] = [readFileSync(path.join(dir, pkg, 'sipdiag_peers_wasm_bg.wasm')), 'application/wasm'];
}

const { chromium } = playwright();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const bytes = files['/corpus.sip'][0].length;
  const version = browser.version();
  const rows = [];
  for (const [pkg, opt] of builds) {
    const p = await browser.newPage();
    await p.route('http://bench.invalid/**', (route) => {
      const f = files[new URL(route.request().url()).pathname];
      if (!f) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ status: 200, body: f[0], contentType: f[1] });
    });
    await p.goto(`http://bench.invalid/${pkg}.html`);
    await p.waitForFunction(() => window.ready, null, { timeout: 300_000 });
    for (const [kind, label, note] of [
      ['copied', 'text copied in', 'parse_all(text, offsets) in the page'],
      ['kept', 'text in wasm', 'Corpus.parse_all() in the page, text already in wasm memory'],
    ]) {
      let r;
      for (let i = 0; i < 2; i++) r = await p.evaluate((k) => window.pass(k), kind); // warm-up
      const walls = [];
      const c0 = treeCpuMs();
      for (let i = 0; i < iters; i++) {
        r = await p.evaluate((k) => window.pass(k), kind);
        walls.push(r.ms);
      }
      const cpu = (treeCpuMs() - c0) / iters;
      walls.sort((a, b) => a - b);
      const wall = walls[walls.length >> 1];
      const ms = cpu > 0 ? cpu : wall;
      rows.push({
        name: `sipdiag wasm/Chromium ${version.split('.')[0]} ${opt} (${label})`, kind: 'wasm',
        note: `${note}; opt-level ${opt === 'O3' ? '3 (as the analysis worker ships)' : 's'}; CPU time of Chromium's processes (mean of ${iters}), wall time in the page ${wall.toFixed(1)} ms (median)`,
        typed: true, mbps: bytes / 1e6 / (ms / 1000), msgs_per_s: r.messages / (ms / 1000), cpu_ms: cpu, wall_ms: wall,
        messages: r.messages, bytes, correct: null, unparsed: null, wrong: '', digest52: r.digest,
      });
    }
    await p.close();
  }
  console.log(`Chromium ${version}, ${rows[0].messages} messages, ${(bytes / 1e6).toFixed(2)} MB (${iters} runs after 2 warm-ups; CPU time of the browser's processes, mean)`);
  for (const x of rows) {
    console.log(`${x.name.padEnd(52)} ${x.mbps.toFixed(1).padStart(8)} MB/s  (load ${(x.wall_ms / x.cpu_ms).toFixed(2)}; by wall time ${(bytes / 1e6 / (x.wall_ms / 1000)).toFixed(1)} MB/s)`);
  }
  writeFileSync(path.join(dir, 'chromium.json'), JSON.stringify(rows, null, 1));
} finally {
  await browser.close();
}
