// Reads the JSON lines of `cargo run --example linklen` on stdin, compresses the same text with
// lz-string's compressToEncodedURIComponent and prints a table: bytes, our payload length (the
// fragment after "#v1."), lz-string's length, and our length as a fraction of lz-string's.
"use strict";
const LZString = require("lz-string");
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.startsWith("{"));
const root = process.argv[2] || "";
const rows = lines.map((l) => {
  const r = JSON.parse(l);
  const lz = LZString.compressToEncodedURIComponent(r.text).length;
  const ours = r.ours - "#v1.".length;
  return { path: r.path.startsWith(root) ? r.path.slice(root.length) : r.path, bytes: r.bytes, ours, plain: r.plain - 4, lz };
});
const pad = (s, n) => String(s).padStart(n);
console.log(`${"bytes".padStart(8)} ${"ours".padStart(7)} ${"lz".padStart(7)} ${"ours/lz".padStart(7)}  file`);
for (const r of rows) {
  console.log(`${pad(r.bytes, 8)} ${pad(r.ours, 7)} ${pad(r.lz, 7)} ${pad((r.ours / r.lz).toFixed(2), 7)}  ${r.path}`);
}
const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
const ratios = rows.map((r) => r.ours / r.lz).sort((a, b) => a - b);
const median = ratios.length ? ratios[Math.floor(ratios.length / 2)] : NaN;
const geo = Math.exp(ratios.reduce((a, x) => a + Math.log(x), 0) / Math.max(ratios.length, 1));
const wins = rows.filter((r) => r.ours < r.lz).length;
console.log("");
console.log(`files: ${rows.length}; input bytes: ${sum("bytes")}`);
console.log(`total chars: ours ${sum("ours")}, lz-string ${sum("lz")}, plain DEFLATE without our dictionary ${sum("plain")}`);
console.log(`ours/lz-string: total ${(sum("ours") / sum("lz")).toFixed(3)}, median ${median.toFixed(3)}, geometric mean ${geo.toFixed(3)}; shorter on ${wins} of ${rows.length}`);
