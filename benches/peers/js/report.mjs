// The combined side-by-side table of one run: reads OUT_DIR/{rust,js,chromium}.json and prints
// every parser on the same corpus, the ratios and the targets. `node report.mjs [OUT_DIR]`.

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, '..', 'out'));
const load = (f) => (existsSync(path.join(dir, f)) ? JSON.parse(readFileSync(path.join(dir, f), 'utf8')) : []);
const rows = [...load('rust.json'), ...load('js.json'), ...load('chromium.json')].filter((r) => !r.panicked);
if (!rows.length) { console.error(`no results in ${dir}`); process.exit(1); }

const n = rows[0].messages;
const pct = (r) => (r.correct === null || r.correct === undefined ? null : (100 * r.correct) / n);
const fmtPct = (r) => { const p = pct(r); return p === null ? (r.kind === 'wasm' ? 'as native' : 'n/a') : `${p.toFixed(1)}%`; };

console.log(`\nSide by side: ${n} messages, ${(rows[0].bytes / 1e6).toFixed(2)} MB, the same bytes for every parser`);
console.log(`${'parser'.padEnd(44)} ${'kind'.padEnd(9)} ${'MB/s'.padStart(8)} ${'msg/s'.padStart(9)} ${'correct'.padStart(9)}  wrong fields`);
for (const r of [...rows].sort((a, b) => b.mbps - a.mbps)) {
  console.log(`${r.name.padEnd(44)} ${r.kind.padEnd(9)} ${r.mbps.toFixed(1).padStart(8)} ${r.msgs_per_s.toFixed(0).padStart(9)} ${fmtPct(r).padStart(9)}  ${r.wrong || ''}`);
}

const find = (name) => rows.find((r) => r.name === name);
const sd = find('sipdiag');
const floor = find('memchr floor');
const best = (xs) => xs.sort((a, b) => b.mbps - a.mbps)[0];
const bestJs = best(rows.filter((r) => r.kind === 'js'));
const others = rows.filter((r) => r.kind === 'rust' && r.typed && !r.name.startsWith('sipdiag'));
const bestRust = best([...others]);
const correctRust = best(others.filter((r) => pct(r) !== null && pct(r) >= 99.9));
const wasm = rows.filter((r) => r.kind === 'wasm');
const wasmNode = best(wasm.filter((r) => r.name.includes('node') && r.name.includes('copied in')));
const wasmBrowser = best(wasm.filter((r) => r.name.toLowerCase().includes('chromium') && r.name.includes('copied in')));
const correctJs = best(rows.filter((r) => r.kind === 'js' && pct(r) !== null && pct(r) >= 99.9));
const x = (a, b) => (a && b ? `${(a.mbps / b.mbps).toFixed(2)}x` : 'n/a');

console.log('\nRatios (MB/s over MB/s)');
if (sd) {
  console.log(`  sipdiag vs fastest JS (${bestJs ? bestJs.name : '-'}, correct ${bestJs ? fmtPct(bestJs) : '-'}): ${x(sd, bestJs)}`);
  console.log(`  sipdiag vs best fully correct JS (${correctJs ? correctJs.name : 'none'}): ${x(sd, correctJs)}`);
  console.log(`  sipdiag vs best fully correct Rust peer (${correctRust ? correctRust.name : 'none'}): ${x(sd, correctRust)}`);
  const mostCorrect = [...others].sort((a, b) => (pct(b) ?? 0) - (pct(a) ?? 0) || b.mbps - a.mbps)[0];
  if (mostCorrect) console.log(`  sipdiag vs most correct Rust peer (${mostCorrect.name}, correct ${fmtPct(mostCorrect)}): ${x(sd, mostCorrect)}`);
  console.log(`  sipdiag vs fastest Rust peer (${bestRust ? bestRust.name : '-'}, correct ${bestRust ? fmtPct(bestRust) : '-'}): ${x(sd, bestRust)}`);
  console.log(`  sipdiag vs memchr floor: ${x(sd, floor)} (the floor is ${x(floor, sd)} sipdiag)`);
  if (wasmNode) console.log(`  sipdiag wasm in node (${wasmNode.name}) vs native: ${x(wasmNode, sd)}; vs best JS: ${x(wasmNode, bestJs)}`);
  if (wasmBrowser) console.log(`  sipdiag wasm in Chromium (${wasmBrowser.name}) vs native: ${x(wasmBrowser, sd)}`);
  for (const w of wasm) {
    if (w.digest52 !== undefined && sd.digest52 !== undefined && w.digest52 !== sd.digest52) {
      console.log(`  WARNING: ${w.name} read different fields than native (digest ${w.digest52} vs ${sd.digest52})`);
    }
  }
  console.log('\nTargets');
  const mark = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`  native >= 350 MB/s with typed fields: ${sd.mbps.toFixed(1)} MB/s, ${mark(sd.mbps >= 350)}`);
  for (const w of [wasmNode, wasmBrowser].filter(Boolean)) {
    console.log(`  wasm >= 150 MB/s: ${w.mbps.toFixed(1)} MB/s (${w.name}), ${mark(w.mbps >= 150)}`);
  }
}
