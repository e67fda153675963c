// Hostile and odd input: traces whose headers carry markup and script, very long lines, NUL
// bytes, binary files, other text encodings and inputs over the size limit. Nothing may run
// (a global flag the payloads would set stays unset, no dialog opens, no Content-Security-Policy
// violation happens), the layout holds, and the pasted text is kept.
//
//   scripts/e2e.sh      (runs every tests/e2e/*.test.cjs)
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const e2e = require('./support.cjs');

const { ROOT, open } = e2e;
let BASE;
let allowed;

before(async () => ({ base: BASE, allowed } = await e2e.start()));
after(() => e2e.stop());

/** Opens the page with traps: payloads set window.__pwned, dialogs and CSP violations are recorded. */
async function trapped(opts) {
  const b = await open(opts);
  b.dialogs = [];
  b.page.on('dialog', (d) => { b.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await b.page.addInitScript(() => {
    window.__pwned = 0;
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
  });
  await b.page.goto(BASE);
  await b.page.waitForSelector('#trace-input');
  return b;
}

async function assertNothingRan(b) {
  await b.page.waitForTimeout(300);
  assert.equal(await b.page.evaluate(() => window.__pwned), 0, 'a payload ran');
  assert.deepEqual(b.dialogs, [], 'a dialog opened');
  assert.deepEqual(await b.page.evaluate(() => window.__csp), [], 'Content-Security-Policy violations');
  assert.equal(await b.page.$('body script:not([src]), [onerror], [onload], [onclick], iframe, object, embed'), null, 'markup from the input reached the DOM');
  if (allowed) e2e.assertOwnRequestsOnly(BASE, allowed, b.requests);
}

/** The page is no wider than the window: only the ladder and tables scroll sideways inside their boxes. */
async function assertLayoutHolds(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  // on failure: the elements that stick out, outside the boxes that scroll on their own
  const out = w <= width ? [] : await page.evaluate((width) => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.ladder-scroll, .table-scroll, pre.raw'))
    .slice(0, 8).map((el) => `${el.tagName.toLowerCase()}.${typeof el.className === 'string' ? el.className : ''}`), width);
  assert.ok(w <= width, `page is ${w}px wide in a ${width}px window: ${out.join(', ')}`);
}

const PAYLOADS = [
  '<script>window.__pwned=1;alert(1)</script>',
  '<img src=x onerror="window.__pwned=2;alert(2)">',
  '"><svg onload="window.__pwned=3">',
  'javascript:window.__pwned=4',
  '<iframe src="javascript:parent.__pwned=5"></iframe>',
  '{{constructor.constructor(\'window.__pwned=6\')()}}',
];

function hostileTrace(long) {
  const p = PAYLOADS;
  const sdp = `v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=${p[0]}\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  const invite = [
    `INVITE sip:${encodeURIComponent(p[1])}@sip.example.net SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKhostile1',
    'Max-Forwards: 70',
    `From: "${p[1]}" <sip:201@sip.example.net>;tag=${p[2]}`,
    `To: <${p[3]}>`,
    'Call-ID: hostile-1@192.0.2.10',
    'CSeq: 1 INVITE',
    `Contact: <${p[3]}>`,
    `User-Agent: ${p[2]} ${p[5]}`,
    `Subject: ${p[4]}`,
    `X-Long: ${long}`,
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n');
  const reply = [
    `SIP/2.0 403 ${p[0]}`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKhostile1',
    `From: "${p[1]}" <sip:201@sip.example.net>;tag=${p[2]}`,
    `To: <${p[3]}>;tag=evil`,
    'Call-ID: hostile-1@192.0.2.10',
    'CSeq: 1 INVITE',
    `Warning: 399 ${p[1]} "${p[0]}"`,
    `Reason: Q.850;cause=21;text="${p[2]}"`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return invite + reply;
}

describe('markup and script in a trace', () => {
  for (const width of [1280, 360]) {
    test(`nothing runs, the text is kept and the layout holds (${width} px)`, async () => {
      const b = await trapped({ viewport: { width, height: 900 } });
      try {
        const text = hostileTrace('A'.repeat(2000) + PAYLOADS.join(' '));
        await b.page.fill('#trace-input', text);
        await e2e.analysed(b.page);
        assert.equal((await b.page.$$('[data-call-id]')).length, 1, 'the call is listed');
        // open the message and its header table: every value is shown as text
        await b.page.click('svg[data-ladder] [data-msg]');
        await b.page.waitForSelector('#message-view');
        await b.page.click('#message-view details.headers summary');
        const shown = await b.page.textContent('#message-view');
        assert.ok(shown.includes('<img src=x onerror='), 'the payload is shown as text');
        // every finding opened, its evidence chips used
        for (const chip of await b.page.$$('[data-cause] .evidence-chip:not(.static)')) await chip.click();
        await assertNothingRan(b);
        await assertLayoutHolds(b.page, width);
        assert.equal(await e2e.textareaValue(b.page), text.replace(/\r\n/g, '\n'), 'the text is kept');
        await e2e.shot(b.page, `80-hostile-${width}.png`);
      } finally {
        await b.close();
      }
    });
  }

  test('a 1 MB line neither freezes nor widens the page', async () => {
    const b = await trapped();
    try {
      const text = hostileTrace('x'.repeat(1024 * 1024));
      const t0 = Date.now();
      await b.page.fill('#trace-input', text);
      await e2e.analysed(b.page);
      const ms = Date.now() - t0;
      assert.ok(ms < 60000, `analysed in ${ms} ms`);
      await b.page.click('svg[data-ladder] [data-msg]');
      await b.page.waitForSelector('#message-view');
      await assertNothingRan(b);
      await assertLayoutHolds(b.page, 1280);
    } finally {
      await b.close();
    }
  });
});

describe('odd bytes and sizes', () => {
  const sample = () => fs.readFileSync(path.join(ROOT, 'www', 'examples', 'capacity-503.txt'), 'utf8');

  async function drop(page, name, bytes) {
    const dt = await page.evaluateHandle(({ name, bytes }) => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/plain' }));
      return d;
    }, { name, bytes: [...bytes] });
    await page.dispatchEvent('#trace-input', 'drop', { dataTransfer: dt });
  }

  test('UTF-16 with a byte order mark and Latin-1 files are decoded', async () => {
    const b = await trapped();
    try {
      const text = sample().replace('Call-ID:', 'Subject: M\u00fcller \u00e0 Z\u00fcrich\r\nCall-ID:');
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      await drop(b.page, 'trace-utf16.txt', utf16);
      await e2e.analysed(b.page);
      assert.equal((await b.page.$$('[data-call-id]')).length, 2, 'UTF-16 read as text');
      assert.match(await e2e.textareaValue(b.page), /M\u00fcller \u00e0 Z\u00fcrich/);
      await drop(b.page, 'trace-latin1.txt', Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1'));
      await b.page.waitForFunction(() => /latin1/.test(document.querySelector('.status').textContent));
      await e2e.analysed(b.page);
      assert.equal((await b.page.$$('[data-call-id]')).length, 2, 'Latin-1 read as text');
      assert.match(await e2e.textareaValue(b.page), /M\u00fcller \u00e0 Z\u00fcrich/, 'Latin-1 letters kept');
      await assertNothingRan(b);
    } finally {
      await b.close();
    }
  });

  test('NUL bytes and control characters do not break anything; the text is kept', async () => {
    const b = await trapped();
    try {
      const text = sample().replace('Max-Forwards: 70', 'Max-Forwards: 70\u0000\u0001\u001b[31m');
      await b.page.evaluate((t) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', t);
        const area = document.querySelector('#trace-input');
        area.focus();
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        if (!area.value) { area.value = t; area.dispatchEvent(new InputEvent('input', { bubbles: true })); }
      }, text);
      await e2e.analysed(b.page);
      assert.ok((await e2e.textareaValue(b.page)).includes('\u0000'), 'the NUL byte is kept in the box');
      assert.ok((await b.page.$$('[data-call-id]')).length >= 1 || (await b.page.$('[role="alert"]')), 'analysed or explained');
      await assertNothingRan(b);
    } finally {
      await b.close();
    }
  });

  test('an input over the limit is refused kindly and the current input stays', async () => {
    const b = await trapped();
    try {
      await b.page.click('[data-sample="capacity-503"]');
      await e2e.analysed(b.page);
      const before = await e2e.textareaValue(b.page);
      // a 201 MB file: refused from its size before a byte is read
      await b.page.evaluate(() => {
        const big = new File([new Uint8Array(201 * 1024 * 1024)], 'huge.log', { type: 'text/plain' });
        const d = new DataTransfer();
        d.items.add(big);
        document.querySelector('#trace-input').dispatchEvent(new DragEvent('drop', { dataTransfer: d, bubbles: true, cancelable: true }));
      });
      const note = await b.page.waitForFunction(() => {
        const t = document.body.innerText;
        return /analyses up to 200 MB/.test(t) && t;
      }, null, { timeout: 20000 });
      assert.match(await note.jsonValue(), /201 MB/);
      assert.equal(await e2e.textareaValue(b.page), before, 'the input is unchanged');
      assert.equal((await b.page.$$('[data-call-id]')).length, 2, 'the diagnosis is still shown');
      await assertNothingRan(b);
    } finally {
      await b.close();
    }
  });
});

describe('Content-Security-Policy', () => {
  test('the page runs under a strict policy through its main flows without one violation', async () => {
    const b = await trapped();
    try {
      const csp = await b.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self'/);
      assert.equal(await b.page.$('script:not([src])'), null, 'no inline script');
      for (const id of ['register-401', 'one-way-audio', 'codec-488', 'capacity-503', 'transfer-603', 'healthy-call']) {
        await b.page.click(`[data-sample="${id}"]`);
        await e2e.analysed(b.page);
        const arrows = await b.page.$$('svg[data-ladder] [data-msg]');
        if (arrows.length) await arrows[arrows.length - 1].click();
      }
      await b.page.click('#symptom-toggle');
      await b.page.waitForSelector('#symptoms');
      // a large input goes through the worker
      await b.page.fill('#trace-input', ''); // a paste into an empty box takes a large input whole
      await b.page.evaluate((one) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', Array.from({ length: 300 }, (_, i) => one.replaceAll('0d6b2e94a1c35f78', 'k' + i)).join(''));
        document.querySelector('#trace-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, fs.readFileSync(path.join(ROOT, 'www', 'examples', 'healthy-call.txt'), 'utf8'));
      await b.page.waitForFunction(() => /300 calls/.test(document.querySelector('.status').textContent), null, { timeout: 60000 });
      assert.ok(await b.page.evaluate(() => window.sipdiagBoot.workerMemory > 0), 'the worker did the analysis');
      await assertNothingRan(b);
      assert.deepEqual(b.errors.filter((e) => !/integrity/.test(e)), []);
    } finally {
      await b.close();
    }
  });
});
