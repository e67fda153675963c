// Offline and installable: after one visit the service worker has the page's files; with the
// network cut and the server stopped, a reload opens the app and it analyses a pasted trace.
// The web manifest names the app and its icons.
//
//   scripts/e2e.sh      (runs every tests/e2e/*.test.cjs)
'use strict';

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const e2e = require('./support.cjs');

const { ROOT, DIST, open, serve } = e2e;

describe('offline', () => {
  test('a second visit works with the network cut and the server gone', async (t) => {
    if (!fs.existsSync(path.join(DIST, 'sw.js'))) {
      t.skip(`no build with a service worker in ${DIST}`);
      return;
    }
    const { server, base } = await serve();
    const b = await open();
    try {
      await b.page.goto(base);
      await b.page.waitForSelector('#trace-input');
      // the service worker takes over and has every file of the page
      await b.page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 20000 })
        .catch(async () => { await b.page.reload(); await b.page.waitForFunction(() => navigator.serviceWorker.controller, null, { timeout: 20000 }); });
      const cached = await b.page.evaluate(async () => {
        const keys = await caches.keys();
        const names = [];
        for (const k of keys) for (const r of await (await caches.open(k)).keys()) names.push(new URL(r.url).pathname);
        return { keys, names };
      });
      assert.equal(cached.keys.length, 1, `one versioned cache: ${cached.keys}`);
      assert.match(cached.keys[0], /^sipdiag-[0-9a-f]{16}$/);
      for (const f of fs.readdirSync(DIST).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js')) {
        assert.ok(cached.names.some((n) => n.endsWith('/' + f)), `${f} is kept for offline use`);
      }
      // installable: a manifest with a name, a start URL and 192/512 px icons
      const manifest = await b.page.evaluate(async () => {
        const href = document.querySelector('link[rel="manifest"]').href;
        return (await fetch(href)).json();
      });
      assert.equal(manifest.short_name, 'sipdiag');
      assert.equal(manifest.display, 'standalone');
      assert.ok(['192x192', '512x512'].every((s) => manifest.icons.some((i) => i.sizes === s)), 'icons');
      for (const i of manifest.icons) assert.ok(fs.existsSync(path.join(DIST, i.src)), `icon ${i.src} is built`);

      // cut the network and stop the server
      server.kill();
      await new Promise((r) => server.once('exit', r));
      await b.ctx.setOffline(true);
      await b.page.reload();
      await b.page.waitForSelector('#trace-input', { timeout: 20000 });
      const text = fs.readFileSync(path.join(ROOT, 'www', 'examples', 'capacity-503.txt'), 'utf8');
      await b.page.fill('#trace-input', text);
      await e2e.analysed(b.page);
      assert.equal((await b.page.$$('[data-call-id]')).length, 2, 'analysed offline');
      assert.ok(await b.page.evaluate(() => window.sipdiagBoot.workerMemory > 0), 'by the worker, its module from the cache');
      const found = await e2e.causes(b.page);
      assert.equal(found[0], 'capacity.concurrent_limit');
      // the examples are fetched beside the page: the cache has them too
      await b.page.click('[data-sample="codec-488"]');
      await b.page.waitForSelector('[data-sample="codec-488"][aria-pressed="true"]', { timeout: 20000 });
      await e2e.analysed(b.page);
      assert.equal((await e2e.causes(b.page))[0], 'media.codec_mismatch', 'an example opens offline');
      // a large input, taken whole from a paste, too
      await b.page.fill('#trace-input', ''); // a paste into an empty box takes a large input whole
      await b.page.evaluate((one) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', Array.from({ length: 200 }, (_, i) => one.replaceAll('0d6b2e94a1c35f78', 'o' + i)).join(''));
        document.querySelector('#trace-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, fs.readFileSync(path.join(ROOT, 'www', 'examples', 'healthy-call.txt'), 'utf8'));
      await b.page.waitForFunction(() => /200 calls/.test(document.querySelector('.status').textContent), null, { timeout: 60000 })
        .catch(async (e) => { throw new Error(`${e.message}; status: ${await b.page.textContent('.status')}; page: ${(await b.page.textContent('main')).slice(0, 300)}`); });
      assert.deepEqual(b.errors.filter((e) => !/integrity|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
      await e2e.shot(b.page, '90-offline.png');
    } finally {
      await b.close();
      server.kill();
    }
  });
});
