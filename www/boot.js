// Starts sipdiag. This one file plays two parts, so the page needs no inline script (the
// Content-Security-Policy allows only the page's own files):
//
// - In the page: reads the names of the wasm-bindgen glue and the wasm module from
//   <meta name="sipdiag-app"> (Trunk writes it, see Trunk.toml `pattern_script`), starts the app,
//   tells the app where this file is (it becomes the analysis worker), and registers the service
//   worker (sw.js) that keeps the page working offline, once the analysis worker is ready.
// - In a dedicated worker (`new Worker(thisFile, { type: 'module' })`): waits for
//   `{ boot: { js, wasm } }`, loads the worker's own glue and module (sipdiag-worker.js and
//   sipdiag-worker_bg.wasm, src/bin/worker.rs), says `{ ready: true }`, then
//   runs each job
//   `{ id, text | bytes, profile, symptom, pbx }` through `sipdiag_worker_job` (src/bin/worker.rs)
//   and posts `{ id, stage }` while working and `{ id, report, refs, ms, mem }` or `{ id, error }`
//   at the end; a share panel question `{ id, text, share }` goes through `sipdiag_worker_share`
//   and is answered `{ id, prepared }` or `{ id, error }`. When the module cannot be loaded, every
//   job is answered `{ id, unavailable: true, error }`. The page starts this worker as soon as it
//   is up, so the module is ready when the first input arrives.
'use strict';

if (typeof document === 'undefined') {
  let ready = null;
  let broken = false;
  self.onmessage = (e) => {
    const d = e.data || {};
    if (d.boot) {
      ready = import(d.boot.js).then(async (m) => {
        const exports = await m.default({ module_or_path: d.boot.wasm });
        return { job: m.sipdiag_worker_job, share: m.sipdiag_worker_share, memory: exports.memory };
      });
      ready.then(() => self.postMessage({ ready: true }), () => {});
      return;
    }
    if (!ready) return;
    ready.then((m) => {
      if (broken) throw new Error('the analysis module stopped earlier');
      if (d.share) {
        const prepared = m.share(d.text, d.share);
        self.postMessage({ id: d.id, prepared }, [prepared.buffer]);
        return;
      }
      const stage = (s) => self.postMessage({ id: d.id, stage: s });
      const t0 = performance.now();
      const out = m.job(d.text ?? null, d.bytes ?? null, d.profile || '', d.symptom || '', d.pbx || '', stage);
      const report = out[0];
      const refs = out[1];
      // mem: the worker's wasm memory after the job (it only grows: the peak), for measuring.
      const mem = m.memory.buffer.byteLength;
      self.postMessage({ id: d.id, report, refs, ms: performance.now() - t0, mem }, [report.buffer, refs.buffer]);
    }, (err) => {
      // The module could not be loaded (offline before the first visit cached it, blocked):
      // the page stops using workers and says so.
      self.postMessage({ id: d.id, unavailable: true, error: String((err && err.message) || err) });
    }).catch((err) => {
      // A trap (out of memory) leaves the module unusable: say so; the page starts a new worker.
      broken = true;
      self.postMessage({ id: d.id, error: String((err && err.message) || err) });
    });
  };
} else {
  const meta = document.querySelector('meta[name="sipdiag-app"]');
  const abs = (u) => new URL(u, document.baseURI).href;
  const boot = {
    js: abs(meta.dataset.js),
    wasm: abs(meta.dataset.wasm),
    worker: import.meta.url,
    // The worker's module: Trunk names a worker's files after its binary (no hash).
    module: { js: abs('sipdiag-worker.js'), wasm: abs('sipdiag-worker_bg.wasm') },
  };
  // The service worker copies every file of the page into its cache when it installs. On a first
  // visit over a slow link that copy must not compete with the analysis worker's module, which
  // the first diagnosis waits for: the app calls boot.offline() once the worker has its module
  // (or could not load it); 30 s is the latest.
  let registered = false;
  boot.offline = () => {
    if (registered) return;
    registered = true;
    if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
      navigator.serviceWorker.register(abs('sw.js')).catch(() => {});
    }
  };
  setTimeout(boot.offline, 30000);
  window.sipdiagBoot = boot;
  import(boot.js).then((m) => m.default({ module_or_path: boot.wasm })).then((exports) => {
    // The page's wasm memory, for measuring (tests/e2e/big.test.cjs); the worker's peak is
    // left in boot.workerMemory after each job.
    boot.memory = exports.memory;
  });
}
