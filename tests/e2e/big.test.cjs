// Traces in the page: a small one pasted at once or later (time to the first finding, all in the
// analysis worker), and big ones: a 20 MB log is analysed in the worker while the page stays usable, the
// first finding appears, the calls list is windowed and a 20,000-message call is drawn a page of
// rows at a time. Records time to first finding, click latency while analysing, event-loop
// gaps and wasm memory in tests/e2e/artifacts/big.json (printed too).
//
//   scripts/e2e.sh      (runs every tests/e2e/*.test.cjs)
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const e2e = require('./support.cjs');

const { ROOT, ART, open } = e2e;
let BASE;
let allowed;
const results = {};

before(async () => ({ base: BASE, allowed } = await e2e.start()));
after(() => {
  e2e.stop();
  fs.writeFileSync(path.join(ART, 'big.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('big traces:', JSON.stringify(results));
});

const example = (name) => fs.readFileSync(path.join(ROOT, 'www', 'examples', name), 'utf8');

describe('a small trace', () => {
  test('is diagnosed by the worker the page started on load, pasted at once or later', async () => {
    const text = example('register-401-loop.txt');
    // the text arrives as a paste does in the box (the page analyses after its 250 ms typing pause)
    const paste = (page) => page.evaluate((t) => {
      const t0 = performance.now();
      const area = document.querySelector('#trace-input');
      area.value = t;
      area.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
      return new Promise((resolve, reject) => {
        const check = () => (document.querySelector('[data-cause]') ? resolve(performance.now() - t0)
          : performance.now() - t0 > 20000 ? reject(new Error('no finding after 20 s')) : setTimeout(check, 2));
        check();
      });
    }, text);
    const b = await open();
    try {
      // at once: the paste arrives while the worker's module may still be loading
      const t0 = Date.now();
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      const ready = Date.now() - t0;
      const cold = await paste(b.page);
      assert.equal(await b.page.getAttribute('[data-cause]', 'data-cause'), 'auth.credentials');
      // later: the worker is up
      const warm = [];
      for (let i = 0; i < 5; i++) {
        await b.page.fill('#trace-input', '');
        await b.page.waitForSelector('.app[data-analysis="empty"]');
        warm.push(Math.round(await paste(b.page)));
      }
      Object.assign(results, {
        small_input_bytes: text.length,
        ms_load_to_input: ready,
        ms_paste_at_once_to_first_finding: Math.round(cold),
        ms_paste_later_to_first_finding: warm,
        typing_pause_ms: 250,
      });
    } finally {
      await b.close();
    }
  });
});

describe('a 20 MB log', () => {
  test('is diagnosed off the page thread, with progress, while clicks are still handled', async () => {
    const b = await open();
    try {
      await b.page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      const r = await b.page.evaluate(async ({ healthy, fault }) => {
        // ~20 MB: the healthy call with a fresh Call-ID per copy, and a failing registration last.
        const target = 20 * 1024 * 1024;
        const parts = [];
        let size = 0;
        for (let i = 0; size < target; i++) {
          const p = healthy.replaceAll('0d6b2e94a1c35f78', 'c' + String(i).padStart(15, '0'));
          parts.push(p);
          size += p.length;
        }
        parts.push(fault);
        const text = parts.join('');
        const area = document.querySelector('#trace-input');
        const dt = new DataTransfer();
        dt.setData('text/plain', text);
        const wait = (cond, ms = 120000) => new Promise((resolve, reject) => {
          const t0 = performance.now();
          const check = () => (cond() ? resolve(performance.now()) : performance.now() - t0 > ms ? reject(new Error('timed out')) : setTimeout(check, 2));
          check();
        });
        // event-loop gaps: how long the page thread was ever busy in one go
        let last = performance.now();
        let maxGap = 0;
        let ticking = true;
        const tick = () => {
          const now = performance.now();
          maxGap = Math.max(maxGap, now - last);
          last = now;
          if (ticking) setTimeout(tick, 4);
        };
        const t0 = performance.now();
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        await wait(() => document.querySelector('.job-progress[data-stage="analysing"]'));
        const tProgress = performance.now() - t0;
        last = performance.now();
        tick();
        // clicks while the worker analyses: the symptom panel opens and closes at once
        const clicks = [];
        for (let i = 0; i < 3; i++) {
          if (!document.querySelector('.job-progress')) break;
          const open = !!document.querySelector('#symptoms');
          const c0 = performance.now();
          document.querySelector('#symptom-toggle').click();
          const c1 = await wait(() => !!document.querySelector('#symptoms') !== open, 10000);
          clicks.push(c1 - c0);
          await new Promise((res) => setTimeout(res, 50));
        }
        const stillAnalysing = !!document.querySelector('.app[data-analysis="pending"]');
        const gapWhileAnalysing = maxGap;
        const tFirst = (await wait(() => document.querySelector('[data-cause]'))) - t0;
        ticking = false;
        const boot = window.sipdiagBoot || {};
        return {
          bytes: text.length, tProgress, tFirst, clicks, stillAnalysing, gapWhileAnalysing,
          pageMemory: boot.memory ? boot.memory.buffer.byteLength : null,
          workerMemory: boot.workerMemory ?? null,
          workerMs: boot.workerMs ?? null,
          readBackMs: boot.readBackMs ?? null,
          status: document.querySelector('.status').textContent,
        };
      }, { healthy: example('healthy-call.txt'), fault: example('register-401-loop.txt') });
      const mb = (x) => Math.round((x / 1048576) * 10) / 10;
      Object.assign(results, {
        input_mb: mb(r.bytes),
        ms_to_progress: Math.round(r.tProgress),
        ms_to_first_finding: Math.round(r.tFirst),
        // the worker's job (input arrives → packed report posted) and the page's read-back of it
        worker_job_ms: r.workerMs && Math.round(r.workerMs),
        page_read_back_ms: r.readBackMs && Math.round(r.readBackMs),
        click_ms: r.clicks.map(Math.round),
        max_event_loop_gap_while_analysing_ms: Math.round(r.gapWhileAnalysing),
        page_wasm_memory_mb: r.pageMemory && mb(r.pageMemory),
        worker_wasm_memory_mb: r.workerMemory && mb(r.workerMemory),
        worker_memory_per_input: r.workerMemory && Math.round((r.workerMemory / r.bytes) * 10) / 10,
        page_memory_per_input: r.pageMemory && Math.round((r.pageMemory / r.bytes) * 10) / 10,
      });
      assert.ok(r.clicks.length >= 1 && r.stillAnalysing, `clicks were made while the worker analysed: ${JSON.stringify(r)}`);
      const sorted = [...r.clicks].sort((a, b) => a - b);
      assert.ok(sorted[Math.floor(sorted.length / 2)] < 200, `a click is handled within 200 ms while analysing: ${r.clicks}`);
      assert.ok(r.workerMemory > r.bytes, 'the analysis ran in the worker (its memory holds the input)');
      // the diagnosis: the failing registration at the end is found among thousands of calls
      await e2e.analysed(b.page);
      const found = await e2e.causes(b.page);
      assert.ok(found.includes('auth.credentials'), `findings: ${found}`);
      assert.match(r.status, /SIP messages, \d+ calls/);
      // the calls list is windowed: thousands of calls, a screenful of rows in the page
      const total = Number((/Calls \((\d+)\)/.exec(await b.page.textContent('#calls-title')) || [])[1]);
      assert.ok(total > 3000, `calls: ${total}`);
      if (await b.page.$('.calls .more')) await b.page.click('.calls .more');
      const rows = await b.page.$$eval('[data-call-id]', (els) => els.length);
      assert.ok(rows > 5 && rows < 200, `${rows} rows in the page for ${total} calls`);
      await b.page.$eval('.table-scroll.windowed', (el) => { el.scrollTop = el.scrollHeight; });
      // the end of the list comes into the page: its last row is a call, no spacer after it
      await b.page.waitForFunction(() => {
        const last = document.querySelector('.calls-table tbody tr:last-child');
        return last && last.hasAttribute('data-call-id');
      }, null, { timeout: 10000 });
      assert.ok((await b.page.$$('[data-call-id]')).length < 200, 'still a window of rows');
      assert.deepEqual(await b.page.evaluate(() => window.__csp), [], 'no Content-Security-Policy violation');
      if (allowed) e2e.assertOwnRequestsOnly(BASE, allowed, b.requests);
      assert.deepEqual(b.errors.filter((e) => !/integrity/.test(e)), []);
      await e2e.shot(b.page, '70-big-20mb.png');
    } finally {
      await b.close();
    }
  });
});

describe('one call of 20,000 messages', () => {
  test('the ladder draws a page of rows at a time and pages on', async () => {
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      await b.page.evaluate(() => {
        // a registration refreshed 10,000 times on one Call-ID: 20,000 messages in one dialog
        const parts = [];
        for (let i = 1; i <= 10000; i++) {
          const s = String(i).padStart(6, '0');
          parts.push(`REGISTER sip:sip.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${s}\r\nMax-Forwards: 70\r\nFrom: <sip:201@sip.example.net>;tag=reg1\r\nTo: <sip:201@sip.example.net>\r\nCall-ID: one-long-registration\r\nCSeq: ${i} REGISTER\r\nContact: <sip:201@192.0.2.10:5060>\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n`);
          parts.push(`SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${s}\r\nFrom: <sip:201@sip.example.net>;tag=reg1\r\nTo: <sip:201@sip.example.net>;tag=srv\r\nCall-ID: one-long-registration\r\nCSeq: ${i} REGISTER\r\nContact: <sip:201@192.0.2.10:5060>;expires=60\r\nContent-Length: 0\r\n\r\n`);
        }
        const dt = new DataTransfer();
        dt.setData('text/plain', parts.join(''));
        document.querySelector('#trace-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      });
      await b.page.waitForSelector('.app[data-analysis="done"] svg[data-ladder]', { timeout: 120000 });
      assert.match(await b.page.textContent('.status'), /20,?000 SIP messages/);
      const arrows = () => b.page.$$eval('svg[data-ladder] [data-msg]', (els) => els.map((e) => Number(e.getAttribute('data-msg'))));
      const first = await arrows();
      assert.ok(first.length > 100 && first.length <= 300, `${first.length} ladder rows drawn`);
      // the page holding the selected message is drawn; the label says which rows
      const label = await b.page.textContent('.ladder-page');
      const [, from, to] = /Rows (\d+)\u2013(\d+) of 20000/.exec(label).map(Number);
      assert.equal(to - from + 1, first.length, label);
      // another page: other messages, as many rows; a click on one opens it quickly
      const later = await b.page.$('.ladder-page button:last-of-type:not([disabled])');
      const t0 = Date.now();
      await (later || (await b.page.$('.ladder-page button:first-of-type'))).click();
      await b.page.waitForFunction((f) => document.querySelector('svg[data-ladder] [data-msg]').getAttribute('data-msg') !== String(f), first[0]);
      results.ladder_page_ms = Date.now() - t0;
      const second = await arrows();
      if (later) assert.ok(second[0] > first[first.length - 1], 'the next page starts after this one');
      else assert.ok(second[second.length - 1] < first[0], 'the page before ends before this one');
      const t1 = Date.now();
      await b.page.click(`svg[data-ladder] [data-msg="${second[5]}"]`);
      await b.page.waitForSelector(`#message-view[data-message="${second[5]}"]`);
      results.ladder_click_ms = Date.now() - t1;
      const height = await b.page.$eval('svg[data-ladder]', (s) => Number(s.getAttribute('height')));
      assert.ok(height < 300 * 40, `svg height ${height}`);
      await e2e.shot(b.page, '71-big-ladder.png');
    } finally {
      await b.close();
    }
  });
});
