// Capture files in the page, end to end in headless Chromium: dropping each corpus pcap shows
// the SIP message count tshark sees (tests/fixtures/pcap/expected.tsv); a generated one-way-audio
// capture leads with net.rtp_blocked and a one-way media badge; a TLS-only capture raises an
// alert naming port 5061; a generated 50 MB capture is read (MB/s measured) and the page stays
// usable. Screenshots of capture ladders with RTP lanes and timings go to tests/e2e/artifacts/.
//
//   scripts/e2e.sh                                   # builds, serves and runs every e2e file
//   E2E_URL=http://127.0.0.1:8080/ node --test tests/e2e/capture.test.cjs
//
// Helpers from support.cjs (the static server, a fresh Chromium profile, the network audit). The corpus is read from ../shared/corpus/pcap (E2E_CORPUS to
// override); tests that need it skip with a message when it is absent.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const e2e = require('./support.cjs');

const { ROOT, ART } = e2e;
const CORPUS = process.env.E2E_CORPUS || path.join(ROOT, '..', 'shared', 'corpus', 'pcap');
const EXPECTED = path.join(ROOT, 'tests', 'fixtures', 'pcap', 'expected.tsv');
const BIG_MB = Number(process.env.E2E_CAPTURE_MB || 50);

let BASE;
let allowed;

/** A fresh browser profile, a little wider than the default so the ladder and the media table fit. */
const open = () => e2e.open({ viewport: { width: 1400, height: 900 } });

/** Screenshot of a page or of one element. */
async function shot(target, name) {
  fs.mkdirSync(ART, { recursive: true });
  await target.screenshot({ path: path.join(ART, name) });
}

/** Drops a file (given by its path) on the input box the way a user does. */
async function dropPath(page, file) {
  await page.waitForSelector('#trace-input');
  await page.evaluate(() => {
    if (!document.querySelector('#e2e-file')) {
      const i = document.createElement('input');
      i.type = 'file';
      i.id = 'e2e-file';
      i.style.display = 'none';
      document.body.appendChild(i);
    }
  });
  await page.setInputFiles('#e2e-file', file);
  // returns when the drop was dispatched; the page reads the file afterwards
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(document.querySelector('#e2e-file').files[0]);
    const area = document.querySelector('#trace-input');
    area.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    area.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
}

/** Waits until the analysis of the file `name` is shown (status line names it, or an alert). */
async function shown(page, name, timeout = 30000) {
  await page.waitForFunction((n) => {
    const app = document.querySelector('.app[data-analysis="done"]');
    const status = document.querySelector('.status');
    return app && ((status && status.textContent.includes(`From ${n}:`)) || document.querySelector('[role="alert"]'));
  }, name, { timeout });
}

async function statusText(page) {
  return page.textContent('.status');
}

function tmpFile(name, bytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipdiag-pcap-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

// ---- a pcap writer (classic pcap, Ethernet, IPv4, UDP/TCP), the same shapes as the core's tests

function ipv4(src, dst, proto, seg) {
  const [sip, dip] = [src, dst].map((a) => a.split(':')[0].split('.').map(Number));
  const h = Buffer.alloc(34);
  h.writeUInt16BE(0x0800, 12);
  h[14] = 0x45;
  h.writeUInt16BE(20 + seg.length, 16);
  h.writeUInt16BE(1, 18);
  h[22] = 64;
  h[23] = proto;
  Buffer.from(sip).copy(h, 26);
  Buffer.from(dip).copy(h, 30);
  return Buffer.concat([h, seg]);
}

function udp(src, dst, payload) {
  const u = Buffer.alloc(8);
  u.writeUInt16BE(Number(src.split(':')[1]), 0);
  u.writeUInt16BE(Number(dst.split(':')[1]), 2);
  u.writeUInt16BE(8 + payload.length, 4);
  return ipv4(src, dst, 17, Buffer.concat([u, payload]));
}

function tcp(src, dst, seq, payload) {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(Number(src.split(':')[1]), 0);
  t.writeUInt16BE(Number(dst.split(':')[1]), 2);
  t.writeUInt32BE(seq >>> 0, 4);
  t[12] = 0x50;
  t[13] = 0x18;
  t.writeUInt16BE(0xffff, 14);
  return ipv4(src, dst, 6, Buffer.concat([t, payload]));
}

function rtp(seq, ssrc, pt = 8) {
  const p = Buffer.alloc(12 + 160, 0xd5);
  p[0] = 0x80;
  p[1] = pt;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc >>> 0, 8);
  return p;
}

/** frames: [{ us, frame }] in time order → a pcap file. */
function pcapFile(frames) {
  const parts = [];
  const head = Buffer.alloc(24);
  [0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1].forEach((v, i) => head.writeUInt32LE(v, i * 4));
  parts.push(head);
  for (const { us, frame } of frames) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(us / 1e6), 0);
    h.writeUInt32LE(us % 1e6, 4);
    h.writeUInt32LE(frame.length, 8);
    h.writeUInt32LE(frame.length, 12);
    parts.push(h, frame);
  }
  return Buffer.concat(parts);
}

function sipMsg(start, { call, cseq, toTag, body = '', from = '198.51.100.10' }) {
  // the Contact is the sender's: the trunk's in responses
  const contact = start.startsWith('SIP/') ? '200@203.0.113.5' : `100@${from}`;
  return Buffer.from(
    `${start}\r\nVia: SIP/2.0/UDP ${from}:5060;branch=z9hG4bK${call}x${cseq.length}\r\n` +
    `From: <sip:100@${from}>;tag=f${call}\r\nTo: <sip:200@203.0.113.5>${toTag ? `;tag=t${call}` : ''}\r\n` +
    `Call-ID: ${call}@pbx\r\nCSeq: ${cseq}\r\nMax-Forwards: 70\r\nContact: <sip:${contact}:5060>\r\n` +
    `${body ? 'Content-Type: application/sdp\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function sdp(ip, port) {
  return `v=0\r\no=- 1 1 IN IP4 ${ip}\r\ns=-\r\nc=IN IP4 ${ip}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8 101\r\n` +
    'a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n';
}

/**
 * One call between `a` (caller, 198.51.100.x) and the trunk 203.0.113.5: INVITE, 100, 200, ACK,
 * `seconds` of RTP (caller → trunk always; trunk → caller unless `oneWay`; every `lossEvery`-th
 * packet of the way back missing), BYE, 200. TCP when `overTcp` (each message in two segments).
 */
function callFrames({ call, n = 1, t0, host = '198.51.100.10', mediaPort = 20000, trunkPort = 30000, seconds = 20, oneWay = false, lossEvery = 0, overTcp = false }) {
  const a = `${host}:5060`;
  const b = '203.0.113.5:5060';
  const am = `${host}:${mediaPort}`;
  const bm = `203.0.113.5:${trunkPort}`;
  const o = { call, from: host };
  const msgs = [
    [t0, a, b, sipMsg('INVITE sip:200@203.0.113.5 SIP/2.0', { ...o, cseq: '1 INVITE', body: sdp(host, mediaPort) })],
    [t0 + 50000, b, a, sipMsg('SIP/2.0 100 Trying', { ...o, cseq: '1 INVITE' })],
    [t0 + 800000, b, a, sipMsg('SIP/2.0 200 OK', { ...o, cseq: '1 INVITE', toTag: true, body: sdp('203.0.113.5', trunkPort) })],
    [t0 + 810000, a, b, sipMsg('ACK sip:200@203.0.113.5 SIP/2.0', { ...o, cseq: '1 ACK', toTag: true })],
    [t0 + 820000 + seconds * 1e6, a, b, sipMsg('BYE sip:200@203.0.113.5 SIP/2.0', { ...o, cseq: '2 BYE', toTag: true })],
    [t0 + 830000 + seconds * 1e6, b, a, sipMsg('SIP/2.0 200 OK', { ...o, cseq: '2 BYE', toTag: true })],
  ];
  const frames = [];
  const seq = { [a]: 1000, [b]: 9000 };
  for (const [us, s, d, m] of msgs) {
    if (overTcp) {
      const half = m.length >> 1;
      frames.push({ us, frame: tcp(s, d, seq[s], m.subarray(0, half)) });
      frames.push({ us: us + 100, frame: tcp(s, d, seq[s] + half, m.subarray(half)) });
      seq[s] += m.length;
    } else {
      frames.push({ us, frame: udp(s, d, m) });
    }
  }
  const count = seconds * 50;
  for (let k = 0; k < count; k++) {
    const us = t0 + 820000 + k * 20000;
    frames.push({ us, frame: udp(am, bm, rtp(k, 0x10000000 + n)) });
    if (!oneWay && !(lossEvery && k % lossEvery === lossEvery - 1)) {
      frames.push({ us: us + 3000 + (k % 7) * 400, frame: udp(bm, am, rtp(k, 0x20000000 + n)) });
    }
  }
  return frames;
}

const byTime = (a, b) => a.us - b.us;
const T0 = 1_700_000_000_000_000 / 1000; // ms → keep microseconds within 2^53: 1.7e15 µs is safe

before(async () => ({ base: BASE, allowed } = await e2e.start()));
after(() => e2e.stop());

describe('corpus captures', () => {
  const rows = fs.readFileSync(EXPECTED, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  for (const [file, sipMessages] of rows) {
    const full = path.join(CORPUS, file);
    const skip = fs.existsSync(full) ? false : `corpus capture ${full} is absent (needs ../shared/corpus)`;
    test(`${file}: the page shows ${sipMessages} SIP messages`, { skip }, async () => {
      const b = await open();
      try {
        await b.page.goto(BASE);
        await dropPath(b.page, full);
        await shown(b.page, file);
        const n = Number(sipMessages);
        if (n === 0) {
          const alert = await b.page.waitForSelector('[role="alert"]');
          const text = await alert.textContent();
          assert.match(text, /5061/, `the alert names the TLS port: ${text}`);
          assert.match(text, /SIP log/, 'and says what to do instead');
          await shot(b.page, `72-capture-tls-${file}.png`);
          return;
        }
        const status = await statusText(b.page);
        const m = /From .*?: (\d+) SIP messages?/.exec(status);
        assert.ok(m, `status names the count: ${status}`);
        assert.equal(Number(m[1]), n, `SIP messages shown for ${file}`);
        assert.match(status, /packet capture/);
        // the box shows a summary, not bytes
        const value = await b.page.$eval('#trace-input', (t) => t.value);
        assert.match(value, new RegExp(`^${file.replace(/[.]/g, '\\.')} \u2014 [\\d,]+ packets?, `));
        assert.match(value, /not shown as text/);
        // positions are packets everywhere
        const chips = await b.page.$$eval('[data-cause] .evidence-chip', (els) => els.map((e) => e.textContent));
        assert.ok(chips.every((c) => /^packet \d+/.test(c)), `evidence chips name packets: ${chips.slice(0, 5)}`);
        const notes = await b.page.$$eval('.notes .line-no', (els) => els.map((e) => e.textContent));
        assert.ok(notes.every((c) => /^(packet \d+|whole capture)$/.test(c)), `parse notes name packets: ${notes.slice(0, 5)}`);
        // capture times in the calls list and the ladder gutter
        const time = await b.page.$eval('[data-call-id] .row-button', (e) => e.textContent);
        assert.match(time, /^\d\d:\d\d:\d\d\.\d\d\d$/);
        assert.equal(await b.page.$('.capture-note') !== null, true);
        const badges = await b.page.$$eval('[data-call-id] [data-media]', (els) => els.map((e) => e.getAttribute('data-media')));
        const lanes = await b.page.$$('svg[data-ladder] .media-lane');
        if (lanes.length) await shot(await b.page.$('section.ladder'), `71-capture-ladder-${file}.png`);
        console.log(`${file}: ${m[1]} SIP messages; media badges ${badges.join(', ') || 'none'}; ${lanes.length} RTP lanes in the ladder`);
        if (allowed) e2e.assertOwnRequestsOnly(BASE, allowed, b.requests);
        assert.deepEqual(b.errors, []);
      } finally {
        await b.close();
      }
    });
  }
});

describe('generated captures', () => {
  test('one-way audio: net.rtp_blocked on top, a one-way badge, the stream in the ladder and the Media section', async () => {
    const frames = callFrames({ call: 'oneway-1', t0: T0 * 1000, oneWay: true }).sort(byTime);
    const file = tmpFile('one-way.pcap', pcapFile(frames));
    const b = await open();
    try {
      await b.page.goto(BASE);
      await dropPath(b.page, file);
      await shown(b.page, 'one-way.pcap');
      const causes = await b.page.$$eval('[data-cause]', (els) => els.map((e) => e.getAttribute('data-cause')));
      assert.deepEqual(causes, ['net.rtp_blocked'], 'one-way audio, and nothing else wrong');
      assert.equal(await b.page.getAttribute('#verdict', 'data-verdict'), 'net.rtp_blocked');
      const badge = await b.page.$('[data-call-id="oneway-1@pbx"] .media-badge');
      assert.equal(await badge.getAttribute('data-media'), 'one-way');
      assert.match(await badge.textContent(), /one-way/);
      assert.equal(await b.page.$eval('#media', (e) => e.getAttribute('data-media')), 'one-way');
      const streams = await b.page.$$eval('#media tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
      assert.equal(streams.length, 1);
      assert.deepEqual(streams[0].slice(0, 4), ['198.51.100.10:20000 \u2192 203.0.113.5:30000', '0x10000001', 'PCMA', '1,000 #5\u20131004 \u00b7 19 s']);
      const lanes = await b.page.$$eval('svg[data-ladder] .media-lane .m-label', (els) => els.map((e) => e.textContent));
      assert.deepEqual(lanes, ['RTP PCMA \u00b7 1,000 pkts', 'no RTP back'], 'the stream, and the way back that stayed silent');
      // the stream's chip cites a packet; the answer's chip opens the message at its packet
      const chips = await b.page.$$eval('[data-cause="net.rtp_blocked"] .evidence-chip', (els) => els.map((e) => e.textContent));
      assert.match(chips[0], /^packet 5 \u00b7 RTP /);
      const open = await b.page.$('[data-cause="net.rtp_blocked"] .evidence-chip:not(.static)');
      if (open) {
        await open.click();
        await b.page.waitForSelector('#message-view .ln.mark');
        assert.match(await b.page.textContent('#message-title'), /packet \d+/);
      }
      await shot(await b.page.$('section.ladder'), '70-capture-one-way-ladder.png');
      await b.page.emulateMedia({ colorScheme: 'dark' });
      await shot(await b.page.$('section.ladder'), '70-capture-one-way-ladder-dark.png');
      await b.page.emulateMedia({ colorScheme: 'light' });
      await b.page.screenshot({ path: path.join(ART, '70-capture-one-way-page.png'), fullPage: true });
      // small captures are kept for a reload
      await b.page.reload();
      await b.page.waitForSelector('.app[data-analysis="done"]');
      assert.match(await b.page.$eval('#trace-input', (t) => t.value), /^one-way\.pcap \u2014 [\d,]+ packets, 1 call/);
      assert.match(await statusText(b.page), /Restored/);
      assert.equal(await b.page.getAttribute('[data-call-id="oneway-1@pbx"] .media-badge', 'data-media'), 'one-way');
      // typing replaces the capture
      await b.page.fill('#trace-input', 'hello');
      await b.page.waitForSelector('[role="alert"][data-notice="nosip"]');
      assert.equal(await b.page.$('[data-call-id]'), null);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  test('a TLS-only capture raises an alert naming port 5061', async () => {
    const hello = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40]), Buffer.alloc(0x40, 7)]);
    const frames = [
      { us: T0 * 1000, frame: tcp('10.0.0.1:40000', '10.0.0.2:5061', 1, hello) },
      { us: T0 * 1000 + 1000, frame: tcp('10.0.0.2:5061', '10.0.0.1:40000', 1, hello) },
    ];
    const file = tmpFile('tls-only.pcapng.pcap', pcapFile(frames));
    const b = await open();
    try {
      await b.page.goto(BASE);
      await dropPath(b.page, file);
      const alert = await b.page.waitForSelector('[role="alert"]');
      const text = await alert.textContent();
      assert.match(text, /encrypted/i);
      assert.match(text, /port 5061/);
      assert.equal(await alert.getAttribute('data-notice'), 'nosip');
      assert.match(await b.page.$eval('#trace-input', (t) => t.value), /^tls-only\.pcapng\.pcap \u2014 2 packets, 0 calls/);
      await shot(b.page, '72-capture-tls-only.png');
    } finally {
      await b.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  test(`a ${BIG_MB} MB capture: read speed, and the page stays usable`, async () => {
    // calls of 30 s each, 1 in 4 over TCP, one with 5% loss on the way back, every 3rd one-way
    const frames = [];
    let bytes = 24;
    let calls = 0;
    while (bytes < BIG_MB * 1e6) {
      const f = callFrames({
        call: `big-${calls}`, n: calls, t0: (T0 + calls * 2000) * 1000, host: `198.51.${100 + (calls >> 8)}.${(calls % 250) + 1}`,
        mediaPort: 20000 + (calls % 1000) * 2, trunkPort: 30000 + (calls % 1000) * 2, seconds: 30,
        oneWay: calls % 3 === 2, lossEvery: calls === 1 ? 20 : 0, overTcp: calls % 4 === 3,
      });
      for (const x of f) { frames.push(x); bytes += 16 + x.frame.length; }
      calls++;
    }
    frames.sort(byTime);
    const data = pcapFile(frames);
    const file = tmpFile('big-capture.pcap', data);
    if (process.env.E2E_CAPTURE_OUT) fs.copyFileSync(file, process.env.E2E_CAPTURE_OUT); // to time the CLI on it
    const mb = data.length / 1e6;
    const b = await open();
    try {
      await b.page.goto(BASE);
      await b.page.waitForSelector('#trace-input');
      await b.page.evaluate(() => { window.__t0 = performance.now(); });
      await dropPath(b.page, file);
      await shown(b.page, 'big-capture.pcap', 120000);
      const alert = await b.page.$('[role="alert"]');
      assert.equal(alert && (await alert.textContent()), null, 'no alert for a readable capture');
      await b.page.waitForSelector('#verdict');
      const ms = await b.page.evaluate(() => performance.now() - window.__t0);
      const status = await statusText(b.page);
      const analysed = Number((/Analysed in (\d+) ms/.exec(status) || [])[1]);
      assert.match(status, new RegExp(`${calls * 6} SIP messages`), status);
      // the lists and the ladder render
      const rows = await b.page.$$('[data-call-id]');
      assert.equal(rows.length, Math.min(calls, 200));
      assert.ok((await b.page.$$('svg[data-ladder] [data-msg]')).length >= 6);
      const badges = await b.page.$$eval('[data-call-id] .media-badge', (els) => els.map((e) => e.getAttribute('data-media')));
      assert.equal(badges.filter((x) => x === 'one-way').length, Math.floor((calls + 0) / 3));
      assert.equal(badges[1], 'poor', `the call with 5% loss is poor: ${badges.slice(0, 4)}`);
      // a click responds: select another call and wait for its ladder
      const target = await rows[4].getAttribute('data-call-id');
      const clickMs = await b.page.evaluate(async (id) => {
        const t = performance.now();
        document.querySelector(`[data-call-id="${id}"] .row-button`).click();
        await new Promise((resolve) => {
          const check = () => (document.querySelector(`svg[data-ladder="${id}"]`) ? resolve() : requestAnimationFrame(check));
          check();
        });
        return performance.now() - t;
      }, target);
      // the message view has the message's text (it came back from the analysis worker)
      await b.page.waitForSelector('#message-view .ln');
      assert.match(await b.page.textContent('#message-title'), /packet \d+/);
      await shot(await b.page.$('section.ladder'), '73-capture-big-ladder.png');
      await shot(await b.page.$('#media'), '74-capture-big-media.png');
      // the call with 5% loss on the way back: a poor badge, its lane and table row marked
      const poor = await rows[1].getAttribute('data-call-id');
      await b.page.click(`[data-call-id="${poor}"] .row-button`);
      await b.page.waitForSelector(`svg[data-ladder="${poor}"]`);
      assert.equal(await b.page.getAttribute('#media', 'data-media'), 'poor');
      assert.equal((await b.page.$$('#media tbody tr.poor')).length, 1);
      assert.equal((await b.page.$$('svg[data-ladder] .media-lane.poor')).length, 1);
      assert.match(await b.page.textContent('#media tbody tr.poor'), /74 \(4\.9%\)/, 'every 20th packet lost (the last one too, so 74 of 1,499 expected)');
      await shot(await b.page.$('section.ladder'), '75-capture-poor-ladder.png');
      await shot(await b.page.$('#media'), '75-capture-poor-media.png');
      const res = {
        capture_mb: Number(mb.toFixed(1)), packets: frames.length, calls,
        ms_drop_to_findings: Math.round(ms), ms_analysis: analysed,
        mb_per_s_end_to_end: Number((mb / (ms / 1000)).toFixed(1)),
        mb_per_s_analysis: Number((mb / (analysed / 1000)).toFixed(1)),
        ms_click_to_ladder: Math.round(clickMs),
      };
      fs.writeFileSync(path.join(ART, 'capture-bench.json'), JSON.stringify(res, null, 2) + '\n');
      console.log(`capture ${res.capture_mb} MB, ${frames.length} packets, ${calls} calls: findings shown ${res.ms_drop_to_findings} ms after the drop (${res.mb_per_s_end_to_end} MB/s; analysis ${analysed} ms = ${res.mb_per_s_analysis} MB/s); click → ladder ${res.ms_click_to_ladder} ms`);
      assert.ok(clickMs < 1000, `a click on a call answers in ${clickMs} ms`);
      assert.ok(ms < 60000, `${mb} MB read in ${ms} ms`);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
