// Shared helpers of the browser end-to-end tests (every tests/e2e/*.test.cjs): the static server,
// a fresh Chromium profile with request and error recording, the network audit and small page
// helpers. playwright-core comes from NODE_PATH (scripts/tools.sh prints it); Debian's
// /usr/bin/chromium is used and no browser is downloaded.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = process.env.E2E_DIST || path.join(ROOT, 'dist');
const ART = path.join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

let server;

/** Paths the page may request: its own static files. */
function distFiles() {
  const set = new Set(['/', '/index.html']);
  const walk = (dir, prefix) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
      else set.add(`/${prefix}${e.name}`);
    }
  };
  walk(DIST, '');
  return set;
}

/** dist/ served on a free port of 127.0.0.1: `{ server, base }`; the caller stops `server`. */
async function serve() {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no build in ${DIST}: run scripts/e2e.sh (it builds first)`);
  const proc = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', DIST, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('http.server did not start')), 10000);
    proc.stdout.on('data', (d) => {
      const m = /port (\d+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (c) => reject(new Error(`http.server exited with ${c}`)));
  });
  return { server: proc, base: `http://127.0.0.1:${port}/` };
}

/** The page's address: E2E_URL, or dist/ served here (stopped by `stop`). */
async function startServer() {
  if (process.env.E2E_URL) return process.env.E2E_URL.replace(/\/?$/, '/');
  let base;
  ({ server, base } = await serve());
  return base;
}

/** Starts serving; `allowed` is null when the static files are unknown (E2E_URL without E2E_DIST). */
async function start() {
  const base = await startServer();
  const allowed = process.env.E2E_URL && !process.env.E2E_DIST ? null : distFiles();
  fs.mkdirSync(ART, { recursive: true });
  return { base, allowed };
}

function stop() {
  if (server) server.kill();
  server = undefined;
}

/** A fresh browser profile (clean storage) with request and error recording. */
async function open({ viewport = { width: 1280, height: 900 }, colorScheme = 'light', dir, acceptDownloads } = {}) {
  const userDataDir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'sipdiag-e2e-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport, colorScheme, acceptDownloads,
  });
  const requests = [];
  const errors = [];
  ctx.on('request', (r) => requests.push(r.url()));
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return {
    ctx, page, requests, errors, userDataDir,
    async close({ keep = false } = {}) {
      await ctx.close();
      if (!keep) fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Every request went to the page's own origin, for one of its static files (data: and blob: URLs stay in the page). */
function assertOwnRequestsOnly(base, allowed, requests) {
  const origin = new URL(base).origin;
  const basePath = new URL(base).pathname.replace(/\/$/, '');
  for (const u of requests) {
    if (/^(data|blob):/.test(u)) continue;
    const url = new URL(u);
    assert.equal(url.origin, origin, `request left the page's origin: ${u}`);
    const p = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
    assert.ok(allowed.has(p), `request for something that is not one of the page's static files: ${u}`);
  }
}

async function analysed(page) {
  await page.waitForSelector('.app[data-analysis="done"]', { timeout: 15000 });
}

/** Cause ids of the findings shown, in rank order. */
async function causes(page) {
  return page.$$eval('[data-cause]', (els) => els.map((e) => e.getAttribute('data-cause')));
}

async function shot(page, name) {
  fs.mkdirSync(ART, { recursive: true });
  const file = path.join(ART, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function textareaValue(page) {
  return page.$eval('#trace-input', (t) => t.value);
}

module.exports = {
  ROOT, DIST, ART, CHROMIUM, ARGS,
  start, stop, serve, startServer, distFiles, open, assertOwnRequestsOnly, analysed, causes, shot, textareaValue,
};
