// First visit over a slow link: how long until the input box is there and until the first
// finding of a trace pasted as soon as the box is there. A measurement for docs/PERFORMANCE.md,
// not a test: it prints one JSON line per run.
//
//   eval "$(bash scripts/tools.sh browser | tail -1)"     # playwright-core on NODE_PATH
//   node scripts/slow-net.cjs [DIST] [KB/s] [latency ms] [runs]
//
// The build is served here as a static host serves it (gzip -9, cacheable for 10 minutes, ETag)
// through one shared link of KB/s with `latency` ms before each response, so the page's files,
// its worker's module and the service worker's copy all share it. Each run is a first visit
// (a fresh browser profile).
// Needs /usr/bin/chromium.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const e2e = require('../tests/e2e/support.cjs');

const dist = path.resolve(process.argv[2] || e2e.DIST);
const kbps = Number(process.argv[3] || 200);
const latency = Number(process.argv[4] || 150);
const runs = Number(process.argv[5] || 3);
const text = fs.readFileSync(path.join(e2e.ROOT, 'www', 'examples', 'register-401-loop.txt'), 'utf8');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain', '.webmanifest': 'application/manifest+json' };

// one link for every response: bytes leave in 16 KB slices at the link's rate
let linkFree = 0;
function send(res, body) {
  const slice = 16 * 1024;
  let at = 0;
  const next = () => {
    if (at >= body.length) return res.end();
    const chunk = body.subarray(at, at + slice);
    at += chunk.length;
    const now = Date.now();
    linkFree = Math.max(linkFree, now) + (chunk.length / (kbps * 1024)) * 1000;
    setTimeout(() => { res.write(chunk); next(); }, linkFree - now);
  };
  next();
}

const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(dist, p);
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    return res.end();
  }
  const raw = fs.readFileSync(file);
  const etag = `"${require('node:crypto').createHash('sha1').update(raw).digest('hex').slice(0, 16)}"`;
  setTimeout(() => {
    // as a static host answers: cacheable for a while, revalidated by ETag
    const head = { 'Cache-Control': 'max-age=600', ETag: etag };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, head);
      return res.end();
    }
    const body = zlib.gzipSync(raw, { level: 9 });
    res.writeHead(200, { ...head, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Content-Encoding': 'gzip', 'Content-Length': body.length });
    send(res, body);
  }, latency);
});

(async () => {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  try {
    for (let r = 0; r < runs; r++) {
      const b = await e2e.open();
      try {
        linkFree = 0;
        const t0 = Date.now();
        await b.page.goto(base);
        await b.page.waitForSelector('#trace-input', { timeout: 120000 });
        const box = Date.now() - t0;
        await b.page.evaluate((t) => {
          const area = document.querySelector('#trace-input');
          area.value = t;
          area.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
        }, text);
        await b.page.waitForSelector('[data-cause]', { timeout: 120000 });
        const finding = Date.now() - t0;
        console.log(JSON.stringify({ dist, kbps, latency, ms_to_input_box: box, ms_to_first_finding: finding }));
      } finally {
        await b.close();
      }
    }
  } finally {
    server.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
