// Share and export, end to end in headless Chromium: a link made by the share panel opens in a
// fresh browser with the same findings (same [data-cause] order), provider, PBX and selected call
// and message; opening a link keeps the user's own trace retrievable; a diagnosis-only link opens
// read-only; redaction shows its preview, keeps the findings and leaves none of the original
// public addresses in the link; broken links (cut, edited, future version, garbage) give an alert
// and a usable page; the ticket, ladder (SVG, PNG) and call exports download with the right
// names and contents; the network audit stays clean (nothing but the page's static files).
// Link lengths per example land in tests/e2e/artifacts/link-lengths.json; screenshots of the
// panel, the redaction preview and opened links in tests/e2e/artifacts/8*-share-*.png.
//
//   scripts/e2e.sh                                   # builds, serves and runs every e2e file
//   E2E_URL=http://127.0.0.1:8080/ node --test tests/e2e/share.test.cjs
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const e2e = require('./support.cjs');
const { ROOT, ART, open, analysed, causes, textareaValue } = e2e;

let BASE;
let allowed;

before(async () => {
  ({ base: BASE, allowed } = await e2e.start());
});

after(() => e2e.stop());

function clean(b) {
  if (allowed) e2e.assertOwnRequestsOnly(BASE, allowed, b.requests);
  assert.deepEqual(b.errors.filter((e) => !/integrity/.test(e)), [], 'no page errors');
}

const example = (file) => fs.readFileSync(path.join(ROOT, 'www', 'examples', file), 'utf8');

async function openShare(page) {
  if ((await page.getAttribute('#share', 'aria-expanded')) !== 'true') await page.click('#share');
  await page.waitForSelector('#share-panel[data-ready="true"]');
}

/** Waits until the panel's links are made for what is on screen now. */
async function ready(page) {
  await page.waitForSelector('#share-panel[data-ready="true"]');
}

async function shareUrl(page) {
  return page.$eval('#share-url', (e) => e.value);
}

async function selection(page) {
  return page.evaluate(() => ({
    call: (document.querySelector('[data-call-id].selected') || {}).dataset?.callId ?? null,
    message: (document.querySelector('#message-view') || { getAttribute: () => null }).getAttribute('data-message'),
    profile: document.querySelector('#profile').value,
    pbx: document.querySelector('#pbx').value,
  }));
}

async function shotOf(page, selector, name) {
  fs.mkdirSync(ART, { recursive: true });
  await page.locator(selector).screenshot({ path: path.join(ART, name) });
}

describe('share links', () => {
  test('a trace link reopens the same diagnosis and view in a fresh browser', async () => {
    const a = await open({ viewport: { width: 1400, height: 1000 } });
    const b = await open();
    try {
      await a.page.goto(BASE);
      await a.page.selectOption('#profile', 'smartalex');
      await a.page.selectOption('#pbx', 'freepbx');
      await a.page.click('[data-sample="capacity-503"]');
      await analysed(a.page);
      // pick the second call and a message in it that is not the first
      await a.page.click('[data-call-id]:nth-child(2) .row-button');
      const arrows = await a.page.$$('.col-trace svg[data-ladder] [data-msg]');
      await arrows[2].click();
      const want = await selection(a.page);
      const wantCauses = await causes(a.page);
      assert.ok(wantCauses.length >= 1);
      assert.equal(want.message, await arrows[2].getAttribute('data-msg'));
      await openShare(a.page);
      assert.equal(await a.page.getAttribute('#share-url', 'data-kind'), 'trace', 'a short trace: the whole trace');
      assert.equal(await a.page.$eval('#share-url', (e) => e.readOnly), true);
      const url = await shareUrl(a.page);
      assert.ok(url.startsWith(`${BASE}#v1.`), url);
      const length = await a.page.textContent('.link-length');
      assert.match(length, new RegExp(`^${url.length.toLocaleString('en-US')} characters: short enough`));
      // Copy puts the link on the clipboard
      await a.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
      await a.page.click('#copy-link');
      assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), url);
      await shotOf(a.page, '#share-panel', '80-share-panel.png');

      await b.page.goto(url);
      await analysed(b.page);
      const notice = await b.page.waitForSelector('#link-notice[role="status"]');
      assert.match(await notice.textContent(), /Opened from a shared link/);
      assert.equal(await b.page.$('#restore-previous'), null, 'a fresh browser has nothing to restore');
      assert.deepEqual(await causes(b.page), wantCauses);
      assert.deepEqual(await selection(b.page), want);
      assert.equal(await textareaValue(b.page), example('capacity-503.txt'));
      assert.equal(await b.page.$('[role="alert"]'), null);
      await e2e.shot(b.page, '82-share-link-opened.png');
      // the link's trace is not saved as the user's input; a reload opens the link again
      assert.equal(await b.page.evaluate(() => localStorage.getItem('sipdiag.input')), null);
      assert.equal(b.page.url(), url, 'the address keeps the link while the page shows it');
      await b.page.reload();
      await analysed(b.page);
      assert.deepEqual(await selection(b.page), want);
      // editing the trace makes it the user's own: saved, and the address drops the link
      await b.page.fill('#trace-input', `${example('capacity-503.txt')}\n`);
      await analysed(b.page);
      await b.page.waitForFunction(() => !location.hash);
      assert.equal(b.page.url(), BASE);
      clean(a);
      clean(b);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('opening a link keeps my own trace: "Restore my previous trace" brings it back', async () => {
    const a = await open();
    try {
      await a.page.goto(BASE);
      await a.page.click('[data-sample="codec-488"]');
      await analysed(a.page);
      await openShare(a.page);
      const url = await shareUrl(a.page);
      const mine = example('register-401-loop.txt');
      await a.page.fill('#trace-input', mine);
      await analysed(a.page);
      await a.page.selectOption('#pbx', '3cx');
      // the link arrives while the page is open (the address changes, no reload)
      await a.page.evaluate((u) => { location.hash = new URL(u).hash; }, url);
      await a.page.waitForSelector('#link-notice[data-link="trace"]');
      await analysed(a.page);
      assert.equal(await textareaValue(a.page), example('codec-488.txt'));
      assert.equal((await causes(a.page))[0], 'media.codec_mismatch');
      assert.equal(await a.page.evaluate(() => localStorage.getItem('sipdiag.input')), mine, 'my input is still stored');
      // it survives a reload too
      await a.page.reload();
      await analysed(a.page);
      await a.page.click('#restore-previous');
      await analysed(a.page);
      assert.equal(await textareaValue(a.page), mine);
      assert.equal(await a.page.$eval('#pbx', (s) => s.value), '3cx', 'my PBX choice is back');
      assert.equal((await causes(a.page))[0], 'auth.credentials');
      assert.equal(await a.page.$('#link-notice'), null);
      await a.page.waitForFunction(() => !location.hash);
      assert.equal(await a.page.evaluate(() => localStorage.getItem('sipdiag.input.before-link')), null);
      clean(a);
    } finally {
      await a.close();
    }
  });

  test('a diagnosis-only link opens read-only, findings in the same order', async () => {
    const a = await open();
    const b = await open({ viewport: { width: 1280, height: 1100 } });
    try {
      await a.page.goto(BASE);
      await a.page.click('[data-sample="register-401"]');
      await analysed(a.page);
      const wantCauses = await causes(a.page);
      await openShare(a.page);
      await a.page.check('input[name="share-kind"][value="diagnosis"]');
      await a.page.waitForSelector('#share-url[data-kind="diagnosis"]');
      const url = await shareUrl(a.page);
      assert.ok(url.startsWith(`${BASE}#d1.`), url);

      await b.page.goto(url);
      const notice = await b.page.waitForSelector('#link-notice[data-link="diagnosis"][role="status"]');
      assert.match(await notice.textContent(), /diagnosis only/);
      assert.deepEqual(await causes(b.page), wantCauses);
      assert.equal(await b.page.getAttribute('#verdict', 'data-verdict'), wantCauses[0]);
      const excerpts = await b.page.$$eval('[data-cause] .link-evidence .excerpt', (els) => els.map((e) => e.textContent));
      assert.ok(excerpts.some((x) => /401 Unauthorized/.test(x)), `evidence excerpts: ${excerpts}`);
      assert.equal(await b.page.$('[data-call-id]'), null, 'no trace, no calls');
      assert.ok(await b.page.$('textarea#trace-input'), 'the input box is there');
      await e2e.shot(b.page, '83-share-diagnosis-link.png');
      // typing a trace leaves the read-only view
      await b.page.click('[data-sample="codec-488"]');
      await analysed(b.page);
      assert.equal(await b.page.$('#link-notice'), null);
      assert.equal((await causes(b.page))[0], 'media.codec_mismatch');
      clean(a);
      clean(b);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('broken links get an alert and a usable page', async () => {
    const a = await open();
    try {
      await a.page.goto(BASE);
      await a.page.click('[data-sample="register-401"]');
      await analysed(a.page);
      await openShare(a.page);
      const url = await shareUrl(a.page);
      const frag = url.split('#')[1];
      const mid = Math.floor(frag.length / 2);
      const swap = frag[mid] === 'A' ? 'B' : 'A';
      const cases = [
        { name: 'cut', hash: frag.slice(0, mid), error: /^(truncated|corrupt)$/ },
        { name: 'edited', hash: frag.slice(0, mid) + swap + frag.slice(mid + 1), error: /^(corrupt|truncated)$/ },
        { name: 'future', hash: 'v9.xxx', error: /^future_version$/, words: /newer sipdiag/ },
        { name: 'garbage', hash: 'hello%20world', error: /^not_a_link$/, words: /no sipdiag link/ },
        { name: 'bad characters', hash: 'v1.AAAA*$!', error: /^bad_character$/ },
      ];
      for (const c of cases) {
        // a fresh load with a broken link
        const b = await open();
        try {
          await b.page.goto(`${BASE}#${c.hash}`);
          const alert = await b.page.waitForSelector('#link-notice[role="alert"]');
          assert.match(await alert.getAttribute('data-link-error'), c.error, c.name);
          const text = await alert.textContent();
          assert.match(text, /This link could not be opened/);
          if (c.words) assert.match(text, c.words);
          assert.ok(await b.page.$('textarea#trace-input'), `${c.name}: the input box is there`);
          if (c.name === 'edited') await e2e.shot(b.page, '84-share-broken-link.png');
          // still usable
          await b.page.click('[data-sample="codec-488"]');
          await analysed(b.page);
          assert.equal((await causes(b.page))[0], 'media.codec_mismatch');
          assert.equal(await b.page.$('#link-notice'), null, 'the alert goes once the user moves on');
          clean(b);
        } finally {
          await b.close();
        }
        // the same link pasted into the address bar of an open page keeps its trace
        await a.page.evaluate((h) => { location.hash = h; }, c.hash);
        await a.page.waitForSelector('#link-notice[role="alert"]');
        assert.equal(await textareaValue(a.page), example('register-401-loop.txt'));
        assert.equal((await causes(a.page))[0], 'auth.credentials');
        await a.page.click('#link-notice button');
        await a.page.waitForSelector('#link-notice', { state: 'detached' });
      }
      clean(a);
    } finally {
      await a.close();
    }
  });
});

describe('redaction', () => {
  // one-way audio behind NAT, with real-looking public addresses instead of documentation ones
  const PUBLIC = { '203.0.113.10': '81.2.69.160', '198.51.100.20': '93.184.216.34', '198.51.100.30': '151.101.1.69' };
  let text = example('one-way-audio-nat.txt');
  for (const [doc, pub] of Object.entries(PUBLIC)) text = text.split(doc).join(pub);

  test('the preview shows what is replaced; the redacted link keeps the findings and none of the addresses', async () => {
    const a = await open({ viewport: { width: 1400, height: 1000 } });
    const b = await open();
    try {
      await a.page.goto(BASE);
      await a.page.fill('#trace-input', text);
      await analysed(a.page);
      const wantCauses = await causes(a.page);
      assert.equal(wantCauses[0], 'net.nat_private_address');
      await openShare(a.page);
      const plain = await shareUrl(a.page);
      await a.page.check('#redact');
      await a.page.waitForSelector('pre.redact-preview');
      await ready(a.page);
      const url = await shareUrl(a.page);
      assert.notEqual(url, plain, 'the link changes with redaction');
      // the preview marks the replacements and lists them
      const marks = await a.page.$$eval('pre.redact-preview mark.r', (els) => els.map((e) => e.textContent));
      assert.ok(marks.length >= 5, `marks: ${marks}`);
      const table = await a.page.$$eval('.redact-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
      for (const pub of Object.values(PUBLIC)) {
        assert.ok(table.some((r) => r[0] === pub), `${pub} is in the replacement table`);
      }
      const preview = await a.page.$$eval('pre.redact-preview .ln .tx', (els) => els.map((e) => e.textContent).join('\n'));
      for (const pub of Object.values(PUBLIC)) assert.ok(!preview.includes(pub), `${pub} is hidden in the preview`);
      await shotOf(a.page, '#share-panel', '81-share-redaction-preview.png');

      await b.page.goto(url);
      await analysed(b.page);
      const shared = await textareaValue(b.page);
      for (const pub of Object.values(PUBLIC)) assert.ok(!shared.includes(pub), `${pub} is not in the link's text`);
      assert.ok(shared.includes('192.168.'), 'private addresses stay private');
      assert.equal(shared.replace(/\r?\n$/, ''), preview, 'the link carries exactly the preview');
      assert.deepEqual(await causes(b.page), wantCauses);
      // exports use the redacted text too
      await a.page.fill('#ticket-workspace', 'ws-redacted');
      const [md] = await Promise.all([a.page.waitForEvent('download'), a.page.click('#export-md')]);
      const body = fs.readFileSync(await md.path(), 'utf8');
      for (const pub of Object.values(PUBLIC)) assert.ok(!body.includes(pub), `${pub} is not in the report`);
      assert.match(body, /ws-redacted/);
      const [svg] = await Promise.all([a.page.waitForEvent('download'), a.page.click('#export-svg')]);
      const xml = fs.readFileSync(await svg.path(), 'utf8');
      for (const pub of Object.values(PUBLIC)) assert.ok(!xml.includes(pub), `${pub} is not in the ladder`);
      assert.match(xml, /<svg/);
      clean(a);
      clean(b);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('exports', () => {
  test('ticket, ladder and call downloads', async () => {
    const a = await open({ viewport: { width: 1400, height: 1000 } });
    try {
      await a.page.goto(BASE);
      await a.page.click('[data-sample="capacity-503"]');
      await analysed(a.page);
      const call = (await selection(a.page)).call;
      const other = await a.page.$$eval('[data-call-id]', (rows, c) => rows.map((r) => r.dataset.callId).find((x) => x !== c), call);
      await openShare(a.page);
      await a.page.fill('#ticket-workspace', 'ws-e2e-42');
      await a.page.fill('#ticket-trunk', 'trunk-e2e-7');
      const download = async (button) => {
        const [d] = await Promise.all([a.page.waitForEvent('download'), a.page.click(button)]);
        return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
      };
      const md = await download('#export-md');
      assert.match(md.name, /^sipdiag-ticket-[A-Za-z0-9_-]+\.md$/);
      const mdText = md.bytes.toString('utf8');
      assert.ok(mdText.includes(call), 'the Markdown names the Call-ID');
      for (const label of ['Your workspace ID', 'The SIP trunk ID', 'The call ID of a failing call', 'What went wrong, in plain words']) {
        assert.ok(mdText.includes(label), `checklist field ${label}`);
      }
      assert.match(mdText, /\| Your workspace ID \| ws-e2e-42 \|/);
      assert.match(mdText, /\| The SIP trunk ID \| trunk-e2e-7 \|/);
      assert.match(mdText, /^# SIP trunk problem: /);
      const txt = await download('#export-txt');
      assert.match(txt.name, /^sipdiag-ticket-.*\.txt$/);
      assert.match(txt.bytes.toString('utf8'), /ws-e2e-42/);

      const svg = await download('#export-svg');
      assert.match(svg.name, /^sipdiag-ladder-.*\.svg$/);
      const xml = svg.bytes.toString('utf8');
      const parsed = await a.page.evaluate((x) => {
        const doc = new DOMParser().parseFromString(x, 'image/svg+xml');
        const root = doc.documentElement;
        return {
          error: !!doc.querySelector('parsererror'),
          root: root.nodeName,
          ns: root.namespaceURI,
          styled: doc.querySelectorAll('[fill]').length,
          inline: doc.querySelectorAll('[style], [class]').length,
          texts: [...doc.querySelectorAll('text')].map((t) => t.textContent).join(' '),
        };
      }, xml);
      assert.deepEqual([parsed.error, parsed.root, parsed.ns], [false, 'svg', 'http://www.w3.org/2000/svg']);
      assert.ok(parsed.styled > 20, 'colours written on the elements so it renders alone');
      assert.equal(parsed.inline, 0, 'no style attributes or classes: nothing depends on the page');
      assert.match(parsed.texts, /INVITE/);
      assert.match(parsed.texts, /503/);
      // it renders standalone (as an image, without the page's style sheet)
      const size = await a.page.evaluate(async (x) => {
        const img = new Image();
        img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(x);
        await img.decode();
        return [img.naturalWidth, img.naturalHeight];
      }, xml);
      assert.ok(size[0] > 200 && size[1] > 100, `svg size ${size}`);

      fs.writeFileSync(path.join(ART, '86-share-ladder.svg'), svg.bytes);
      const png = await download('#export-png');
      fs.writeFileSync(path.join(ART, '86-share-ladder.png'), png.bytes);
      assert.match(png.name, /^sipdiag-ladder-.*\.png$/);
      assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG magic');
      assert.ok(png.bytes.length > 5000, `PNG of ${png.bytes.length} bytes`);
      assert.equal(png.bytes.readUInt32BE(16), size[0] * 2, 'drawn at twice the size');

      const lines = await download('#export-call');
      assert.match(lines.name, /^sipdiag-call-.*\.txt$/);
      const callText = lines.bytes.toString('utf8');
      assert.ok(callText.includes(call), 'the selected call');
      assert.ok(!callText.includes(other), 'not the other call');
      clean(a);
    } finally {
      await a.close();
    }
  });
});

describe('phone', () => {
  test('at 360 px the panel and the redaction preview fit the screen', async () => {
    const a = await open({ viewport: { width: 360, height: 780 } });
    try {
      await a.page.goto(BASE);
      await a.page.click('[data-sample="one-way-audio"]');
      await analysed(a.page);
      await openShare(a.page);
      await a.page.check('#redact');
      await a.page.waitForSelector('pre.redact-preview');
      await ready(a.page);
      const width = await a.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `page is ${width}px wide at 360px`);
      await shotOf(a.page, '#share-panel', '87-share-phone-360.png');
      clean(a);
    } finally {
      await a.close();
    }
  });
});

describe('link length', () => {
  const lengths = {};
  after(() => {
    fs.writeFileSync(path.join(ART, 'link-lengths.json'), JSON.stringify(lengths, null, 2) + '\n');
    console.log('link lengths (characters, whole URL):', JSON.stringify(lengths));
  });

  test('every example gets a short link; the panel shows each length', async () => {
    const a = await open();
    try {
      await a.page.goto(BASE);
      const ids = await a.page.$$eval('[data-sample]', (els) => els.map((e) => e.getAttribute('data-sample')));
      for (const id of ids) {
        await a.page.click(`[data-sample="${id}"]`);
        await analysed(a.page);
        await openShare(a.page);
        await ready(a.page);
        const shown = await a.page.$$eval('.share-kind', (els) => els.map((e) => [
          e.querySelector('input').value, e.querySelector('.len').textContent, e.querySelector('.len').dataset.fit,
        ]));
        lengths[id] = Object.fromEntries(shown.map(([k, len]) => [k, Number(len.replace(/[^0-9]/g, ''))]));
        lengths[id].base = BASE.length;
        assert.ok(shown.every(([, , fit]) => fit === 'safe'), `${id}: ${JSON.stringify(shown)}`);
        assert.equal(await a.page.getAttribute('#share-url', 'data-kind'), 'trace');
        assert.equal(Number(await a.page.getAttribute('#share-url', 'data-length')), (await shareUrl(a.page)).length);
        await a.page.click('#share');
      }
      clean(a);
    } finally {
      await a.close();
    }
  });

  test('on a 5 MB trace the panel offers one call or the diagnosis, made in a few seconds', async () => {
    const one = example('healthy-call.txt');
    const copies = Math.ceil((5 * 1024 * 1024) / one.length);
    const a = await open({ viewport: { width: 1400, height: 1000 } });
    try {
      await a.page.goto(BASE);
      await a.page.waitForSelector('#trace-input');
      await a.page.evaluate(({ one, copies }) => {
        const parts = [];
        for (let i = 0; i < copies; i++) parts.push(one.replaceAll('0d6b2e94a1c35f78', 'c' + String(i).padStart(15, '0')));
        const dt = new DataTransfer();
        dt.setData('text/plain', parts.join(''));
        document.querySelector('#trace-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, { one, copies });
      await a.page.waitForSelector('.app[data-analysis="done"] [data-call-id]', { timeout: 60000 });
      const t0 = Date.now();
      await a.page.click('#share');
      await a.page.waitForSelector('#share-panel[data-ready="true"]', { timeout: 60000 });
      const ms = Date.now() - t0;
      const shown = Object.fromEntries(await a.page.$$eval('.share-kind', (els) => els.map((e) => [
        e.querySelector('input').value, [Number(e.querySelector('.len').textContent.replace(/[^0-9]/g, '')), e.querySelector('.len').dataset.fit],
      ])));
      lengths.five_mb = { bytes: one.length * copies, panel_ms: ms, ...Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, v[0]])) };
      console.log(`share panel on ${(one.length * copies / 1048576).toFixed(1)} MB: links made in ${ms} ms`, JSON.stringify(shown));
      assert.equal(shown.trace[1], 'too-long');
      assert.equal(shown.call[1], 'safe');
      assert.equal(await a.page.getAttribute('#share-url', 'data-kind'), 'call');
      assert.ok(ms < 30000, `links made in ${ms} ms`);
      clean(a);
    } finally {
      await a.close();
    }
  });

  test('a link over 2,000 characters is flagged, and one call or the diagnosis is offered', async () => {
    // 40 copies of the capacity example with their own Call-IDs, branches and tags
    const one = example('capacity-503.txt');
    let big = '';
    for (let i = 0; i < 40; i++) big += one.replace(/(Call-ID:\s*)(\S+)/g, `$1$2-${i}`).replace(/branch=z9hG4bK/g, `branch=z9hG4bK${i}x`).replace(/tag=/g, `tag=${i}t`);
    const a = await open({ viewport: { width: 1400, height: 1000 } });
    try {
      await a.page.goto(BASE);
      await a.page.waitForSelector('#trace-input');
      await a.page.evaluate((t) => {
        const area = document.querySelector('#trace-input');
        area.value = t;
        area.dispatchEvent(new InputEvent('input', { bubbles: true }));
      }, big);
      await analysed(a.page);
      await openShare(a.page);
      const fits = Object.fromEntries(await a.page.$$eval('.share-kind', (els) => els.map((e) => [e.querySelector('input').value, e.querySelector('.len').dataset.fit])));
      assert.notEqual(fits.trace, 'safe', 'the whole trace is long');
      assert.equal(fits.call, 'safe');
      assert.equal(await a.page.getAttribute('#share-url', 'data-kind'), 'call', 'the recommended link is the call');
      await a.page.check('input[name="share-kind"][value="trace"]');
      const warning = await a.page.waitForSelector('.share-warning');
      assert.match(await warning.textContent(), /over 2,000 characters/);
      lengths.big = { trace: Number(await a.page.getAttribute('#share-url', 'data-length')) };
      await shotOf(a.page, '#share-panel', '85-share-long-link-warning.png');
      await a.page.click('.share-warning [data-share-kind="diagnosis"]');
      await a.page.waitForSelector('#share-url[data-kind="diagnosis"]');
      assert.equal(await a.page.$('.share-warning'), null);
      clean(a);
    } finally {
      await a.close();
    }
  });
});
