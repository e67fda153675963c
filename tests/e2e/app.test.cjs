// End-to-end tests of the page in headless Chromium (playwright-core, Debian's /usr/bin/chromium).
//
//   scripts/e2e.sh                 # builds dist/ if needed, serves it, runs this file
//   E2E_URL=http://127.0.0.1:8080/ node --test tests/e2e/app.test.cjs   # against a running server
//
// Without E2E_URL the suite serves dist/ itself (python3 -m http.server on a free port).
// playwright-core comes from NODE_PATH (scripts/tools.sh prints it); no browser is downloaded.
// Helpers shared with the other e2e files: support.cjs.
// Screenshots and timings land in tests/e2e/artifacts/ (gitignored).
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const e2e = require('./support.cjs');
const { ROOT, ART, open, analysed, causes, shot, textareaValue } = e2e;

// What each example must produce. `first` is the top finding's cause id (a contract);
// `calls` the rows of the calls list; `kind`/`result` describe the first call; `resent` the grey
// retransmission row of the ladder.
const SAMPLES = [
  { id: 'register-401', first: 'auth.credentials', calls: 1, kind: 'Registration', result: '401', format: 'Asterisk pjsip logger' },
  { id: 'one-way-audio', first: 'net.nat_private_address', calls: 1, kind: 'Call', result: '200', format: 'sngrep export' },
  { id: 'codec-488', first: 'media.codec_mismatch', calls: 1, kind: 'Call', result: '488', format: 'FreeSWITCH', resent: 'INVITE \u00d71' },
  { id: 'capacity-503', first: 'capacity.concurrent_limit', calls: 2, kind: 'Call', result: '503', format: 'raw SIP' },
  { id: 'transfer-603', first: 'transfer.target_rejected', calls: 1, kind: 'Call', result: '200', format: 'Asterisk pjsip logger' },
  { id: 'healthy-call', first: null, calls: 1, kind: 'Call', result: '200', format: 'sngrep export' },
];

let BASE;
let allowed; // paths the page may request: its own static files

function assertOwnRequestsOnly(requests) {
  e2e.assertOwnRequestsOnly(BASE, allowed, requests);
}

before(async () => {
  ({ base: BASE, allowed } = await e2e.start());
});

after(() => e2e.stop());

describe('first screen', () => {
  test('says what it does, focuses the input, offers examples, and asks nothing of the network', async () => {
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      const tagline = await b.page.textContent('.tagline');
      assert.match(tagline, /Paste a SIP trace or PBX log/);
      assert.match(tagline, /Nothing leaves your browser/);
      assert.equal(await b.page.evaluate(() => document.activeElement && document.activeElement.id), 'trace-input');
      const examples = await b.page.$$eval('[data-sample]', (els) => els.map((e) => e.getAttribute('data-sample')));
      assert.deepEqual(examples, SAMPLES.map((s) => s.id));
      assert.equal(await b.page.$('[role="alert"]'), null, 'no alert on an empty page');
      // accessible names on every control
      const unnamed = await b.page.$$eval('button, select, textarea, input', (els) => els
        .filter((e) => {
          const label = e.getAttribute('aria-label') || e.textContent.trim() || (e.labels && e.labels.length && e.labels[0].textContent.trim());
          return !label;
        })
        .map((e) => e.outerHTML.slice(0, 80)));
      assert.deepEqual(unnamed, []);
      await shot(b.page, '01-first-screen.png');
      await b.page.waitForTimeout(300);
      if (allowed) assertOwnRequestsOnly(b.requests);
      assert.deepEqual(b.errors.filter((e) => !/integrity/.test(e)), []);
    } finally {
      await b.close();
    }
  });
});

describe('examples', () => {
  const timings = {};
  after(() => {
    fs.writeFileSync(path.join(ART, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
    console.log('navigation → diagnosis shown (ms):', JSON.stringify(timings));
  });
  for (const s of SAMPLES) {
    test(`${s.id}: diagnosis, calls and ladder`, async () => {
      const b = await open();
      try {
        const t0 = Date.now();
        await b.page.goto(BASE);
        await b.page.click(`[data-sample="${s.id}"]`);
        await b.page.waitForSelector('#verdict');
        timings[s.id] = Date.now() - t0;
        await analysed(b.page);
        // status line names the format; a well-formed example raises no alert
        assert.match(await b.page.textContent('.status'), new RegExp(s.format));
        const alert = await b.page.$('[role="alert"]');
        assert.equal(alert && (await alert.textContent()), null, 'no alert for a well-formed example');
        // calls
        const rows = await b.page.$$('[data-call-id]');
        assert.equal(rows.length, s.calls, 'calls listed');
        const first = await b.page.$eval('[data-call-id]', (tr) => tr.textContent);
        assert.match(first, new RegExp(s.kind));
        assert.match(first, new RegExp(s.result));
        // ladder: endpoints and arrows, one selected call
        const arrows = await b.page.$$('svg[data-ladder] [data-msg]');
        assert.ok(arrows.length >= 2, 'ladder has arrows');
        const cols = await b.page.$$eval('svg[data-ladder] .col-key', (els) => els.map((e) => e.textContent));
        assert.ok(cols.length >= 2, `ladder has two or more endpoints: ${cols}`);
        assert.ok(!cols.includes('?'), `every endpoint is known: ${cols}`);
        const resent = await b.page.$$eval('svg[data-ladder] .arrow.retx .a-label', (els) => els.map((e) => e.textContent));
        assert.deepEqual(resent.map((t) => t.replace(/[\u266aSDP\u25c6]+$/u, '')), s.resent ? [s.resent] : [], 'retransmissions are one grey row');
        // findings
        const found = await causes(b.page);
        if (s.first) {
          assert.ok(found.length >= 1, `a finding for ${s.id}`);
          assert.equal(found[0], s.first, `top finding for ${s.id} (all: ${found.join(', ')})`);
          assert.equal(await b.page.getAttribute('#verdict', 'data-verdict'), s.first);
          const sev = await b.page.$eval('[data-cause]', (e) => e.className);
          assert.match(sev, /sev-(error|warning)/);
          // the first finding cites evidence that opens and highlights its message
          const chip = await b.page.$('[data-cause] .evidence-chip:not(.static)');
          assert.ok(chip, 'the top finding has evidence chips');
          const line = await chip.getAttribute('data-line');
          await chip.click();
          await b.page.waitForSelector(`#message-view .ln.mark[data-line="${line}"]`);
        } else {
          const sevs = await b.page.$$eval('[data-cause]', (els) => els.map((e) => e.className));
          assert.ok(sevs.every((c) => !/sev-(error|warning)/.test(c)), `no fault on a healthy call: ${found}`);
          assert.match(await b.page.getAttribute('#verdict', 'class'), /sev-expected/);
        }
        await shot(b.page, `10-example-${s.id}.png`);
        if (allowed) assertOwnRequestsOnly(b.requests);
        assert.deepEqual(b.errors.filter((e) => !/integrity/.test(e)), []);
      } finally {
        await b.close();
      }
    });
  }
});

describe('input', () => {
  test('pasting analyses by itself after a pause, and a reload keeps the text', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'www', 'examples', 'capacity-503.txt'), 'utf8');
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.fill('#trace-input', text);
      await analysed(b.page);
      assert.equal((await b.page.$$('[data-call-id]')).length, 2);
      await b.page.reload();
      await analysed(b.page);
      assert.equal(await textareaValue(b.page), text.replace(/\r\n/g, '\n'));
      assert.match(await b.page.textContent('.status'), /Restored/);
      assert.equal((await b.page.$$('[data-call-id]')).length, 2);
    } finally {
      await b.close();
    }
  });

  test('the analysis worker starts with the page and does every analysis; without it the page says so and keeps the text', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'www', 'examples', 'capacity-503.txt'), 'utf8');
    let b = await open();
    try {
      await b.page.goto(BASE);
      // the worker's module is fetched before any input arrives
      for (let i = 0; i < 150 && !b.requests.some((u) => /sipdiag-worker_bg\.wasm$/.test(u)); i++) await b.page.waitForTimeout(100);
      assert.ok(b.requests.some((u) => /sipdiag-worker_bg\.wasm$/.test(u)), `the worker's module was not fetched: ${b.requests.join(' ')}`);
      await b.page.fill('#trace-input', text);
      await analysed(b.page);
      assert.equal((await b.page.$$('[data-call-id]')).length, 2);
      assert.ok(await b.page.evaluate(() => window.sipdiagBoot.workerMemory > 0), 'a small paste is analysed in the worker');
    } finally {
      await b.close();
    }
    b = await open();
    try {
      await b.page.route(/sipdiag-worker/, (r) => r.abort());
      await b.page.goto(BASE);
      await b.page.fill('#trace-input', text);
      const alert = await b.page.waitForSelector('[data-notice="failed"][role="alert"]', { timeout: 15000 });
      assert.match(await alert.textContent(), /web worker.*sipdiag/s);
      assert.equal(await textareaValue(b.page), text.replace(/\r\n/g, '\n'));
      // the next input gets the same message at once, and the page still answers
      await b.page.fill('#trace-input', text + '\n');
      await b.page.waitForSelector('[data-notice="failed"][role="alert"]');
      await b.page.click('#symptom-toggle');
      await b.page.waitForSelector('#symptoms');
    } finally {
      await b.close();
    }
  });

  test('dropping a text file loads and analyses it', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'www', 'examples', 'codec-488.txt'), 'utf8');
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      const dt = await b.page.evaluateHandle((t) => {
        const d = new DataTransfer();
        d.items.add(new File([t], 'fs-trace.log', { type: 'text/plain' }));
        return d;
      }, text);
      await b.page.dispatchEvent('#trace-input', 'dragover', { dataTransfer: dt });
      await b.page.dispatchEvent('#trace-input', 'drop', { dataTransfer: dt });
      await analysed(b.page);
      assert.match(await b.page.textContent('.status'), /From fs-trace\.log/);
      assert.equal(await textareaValue(b.page), text);
      assert.ok((await b.page.$$('[data-call-id]')).length >= 1);
      await shot(b.page, '20-dropped-file.png');
    } finally {
      await b.close();
    }
  });

  const bad = [
    { name: 'no SIP', text: 'hi, our phones stopped working this morning, can you help?', notice: 'nosip' },
    {
      name: 'a half message',
      text: 'INVITE sip:447700900123@sip.example.net SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKhalf\nFrom: <sip:201@192.0.2.10>;tag=h1\nTo: <sip:447700900123@sip.example.net>\nCall-ID: half-1\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Type: application/sdp\nContent-Length: 240\n\nv=0\no=- 1 1 IN IP4 192.0.2.10\n',
      notice: 'damaged',
    },
  ];
  for (const c of bad) {
    test(`bad input (${c.name}) gets a kind alert and the text is kept`, async () => {
      const b = await open();
      try {
        await b.page.goto(BASE);
        await b.page.fill('#trace-input', c.text);
        await analysed(b.page);
        const alert = await b.page.waitForSelector('[role="alert"]');
        assert.equal(await alert.getAttribute('data-notice'), c.notice);
        assert.ok((await alert.textContent()).length > 40, 'the alert explains');
        assert.equal(await textareaValue(b.page), c.text);
        await b.page.reload();
        await analysed(b.page);
        assert.equal(await textareaValue(b.page), c.text, 'kept across a reload');
        await b.page.waitForSelector('[role="alert"]');
        await shot(b.page, `30-bad-input-${c.notice}.png`);
      } finally {
        await b.close();
      }
    });
  }

  test('a binary file gets a kind alert', async () => {
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      const dt = await b.page.evaluateHandle(() => {
        const bytes = new Uint8Array(512);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 73 + 11) % 256;
        bytes.set([0x50, 0x4b, 0x03, 0x04], 0); // a zip header
        const d = new DataTransfer();
        d.items.add(new File([bytes], 'archive.zip', { type: 'application/zip' }));
        return d;
      });
      await b.page.dispatchEvent('#trace-input', 'drop', { dataTransfer: dt });
      await analysed(b.page);
      const alert = await b.page.waitForSelector('[role="alert"]');
      assert.equal(await alert.getAttribute('data-notice'), 'binary');
      assert.ok((await textareaValue(b.page)).length > 100, 'the file content is kept in the box');
    } finally {
      await b.close();
    }
  });
});

describe('large input', () => {
  const one = () => fs.readFileSync(path.join(ROOT, 'www', 'examples', 'healthy-call.txt'), 'utf8');
  const results = {};
  after(() => fs.writeFileSync(path.join(ART, 'large-input.json'), JSON.stringify(results, null, 2) + '\n'));

  // Pastes or drops ~5 MB (the healthy call repeated with distinct Call-IDs) and waits for the diagnosis.
  async function big(how) {
    const text1 = one();
    const copies = Math.ceil((5 * 1024 * 1024) / text1.length);
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      const ms = await b.page.evaluate(async ({ one, copies, how }) => {
        const parts = [];
        for (let i = 0; i < copies; i++) parts.push(one.replaceAll('0d6b2e94a1c35f78', 'c' + String(i).padStart(15, '0')));
        const text = parts.join('');
        const area = document.querySelector('#trace-input');
        const dt = new DataTransfer();
        const t0 = performance.now();
        if (how === 'paste') {
          dt.setData('text/plain', text);
          area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        } else {
          dt.items.add(new File([text], 'big.log', { type: 'text/plain' }));
          area.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
        await new Promise((resolve) => {
          const check = () => (document.querySelector('.app[data-analysis="done"] [data-call-id]') ? resolve() : setTimeout(check, 10));
          check();
        });
        return performance.now() - t0;
      }, { one: text1, copies, how });
      const status = await b.page.textContent('.status');
      assert.match(status, new RegExp(`${copies * 10} SIP messages, ${copies} calls`));
      assert.equal(await textareaValue(b.page), '', 'megabytes are not laid out in the box');
      assert.match(await b.page.textContent('.big-note'), /too large to show here/);
      assert.equal((await b.page.$$('[data-call-id]')).length, 200, 'the first 200 calls are listed');
      await b.page.click('.calls .more');
      assert.equal((await b.page.$$('[data-call-id]')).length, copies);
      const analysed = Number((/Analysed in (\d+) ms/.exec(status) || [])[1]);
      results[how] = { bytes: text1.length * copies, calls: copies, ms_to_diagnosis: Math.round(ms), ms_analysis: analysed };
      console.log(`large ${how}: ${(text1.length * copies / 1048576).toFixed(1)} MB, ${copies} calls: diagnosis shown after ${Math.round(ms)} ms (analysis ${analysed} ms)`);
      assert.ok(ms < 20000, `5 MB analysed in ${ms} ms`);
    } finally {
      await b.close();
    }
  }
  test('a 5 MB paste is analysed without laying it out in the box', () => big('paste'));
  test('a 5 MB dropped file is analysed without laying it out in the box', () => big('drop'));
});

describe('symptoms and pickers', () => {
  test('symptom mode without a trace lists ranked causes; with a trace it re-ranks', async () => {
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.click('#symptom-toggle');
      await b.page.waitForSelector('#symptoms');
      const symptoms = await b.page.$$eval('[data-symptom]', (els) => els.map((e) => e.getAttribute('data-symptom')));
      assert.ok(symptoms.length >= 3, `symptoms offered: ${symptoms}`);
      await b.page.click('[data-symptom="cant_register"]');
      const listed = await b.page.$$eval('[data-symptom-cause]', (els) => els.map((e) => e.getAttribute('data-symptom-cause')));
      assert.equal(listed[0], 'auth.credentials', `ranked causes: ${listed}`);
      await shot(b.page, '40-symptom-mode.png');
      // with a trace, the symptom re-ranks the findings
      await b.page.click('[data-sample="register-401"]');
      await analysed(b.page);
      assert.match(await b.page.textContent('.diagnosis'), /Ranked for the symptom/);
      const found = await causes(b.page);
      assert.equal(found[0], 'auth.credentials');
    } finally {
      await b.close();
    }
  });

  test('provider and PBX pickers are remembered, and the PBX drives "how to confirm"', async () => {
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.selectOption('#profile', 'smartalex');
      await b.page.selectOption('#pbx', 'freepbx');
      await b.page.click('[data-sample="register-401"]');
      await analysed(b.page);
      await b.page.reload();
      await analysed(b.page);
      assert.equal(await b.page.$eval('#profile', (s) => s.value), 'smartalex');
      assert.equal(await b.page.$eval('#pbx', (s) => s.value), 'freepbx');
      assert.match(await b.page.textContent('[data-cause] .confirm summary'), /How to confirm on FreePBX/);
    } finally {
      await b.close();
    }
  });
});

describe('keyboard, phone and themes', () => {
  test('keyboard only: load an example, walk the ladder, open a message', async () => {
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      await b.page.focus('[data-sample="transfer-603"]');
      await b.page.keyboard.press('Enter');
      await analysed(b.page);
      const before = await b.page.getAttribute('#message-view', 'data-message');
      const arrows = await b.page.$$('svg[data-ladder] [data-msg]');
      const last = arrows[arrows.length - 1];
      const target = await last.getAttribute('data-msg');
      await last.focus();
      await b.page.keyboard.press('Enter');
      await b.page.waitForSelector(`#message-view[data-message="${target}"]`);
      assert.notEqual(before, target);
      // calls rows are reachable by keyboard too
      await b.page.focus('[data-call-id] .row-button');
      await b.page.keyboard.press('Enter');
    } finally {
      await b.close();
    }
  });

  test('at 360 px the page stacks and only the ladder scrolls sideways', async () => {
    const b = await open({ viewport: { width: 360, height: 780 } });
    try {
      await b.page.goto(BASE);
      await b.page.click('[data-sample="healthy-call"]');
      await analysed(b.page);
      const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(overflow <= 360, `page is ${overflow}px wide at 360px`);
      const ladder = await b.page.$eval('.ladder-scroll', (e) => ({ sw: e.scrollWidth, cw: e.clientWidth }));
      assert.ok(ladder.sw > ladder.cw, 'the ladder scrolls inside its box');
      await shot(b.page, '50-phone-360.png');
    } finally {
      await b.close();
    }
  });

  test('dark theme follows the system', async () => {
    const b = await open({ colorScheme: 'dark' });
    try {
      await b.page.goto(BASE);
      await b.page.click('[data-sample="one-way-audio"]');
      await analysed(b.page);
      const bg = await b.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, bl] = bg.match(/\d+/g).map(Number);
      assert.ok(r + g + bl < 150, `dark background, got ${bg}`);
      await shot(b.page, '60-dark-theme.png');
    } finally {
      await b.close();
    }
  });
});
