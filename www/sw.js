// sipdiag's service worker: the page works offline and installs as an app.
//
// - The page's files (hashed names from Trunk, listed below by scripts/page-postbuild.py at
//   build time) are cached on install, in a cache named after the build, and served cache-first.
// - The page itself (navigations, index.html) is fetched from the network first, so a new build
//   is picked up, and from the cache when there is no network.
// - Older caches are dropped when a new build takes over. Nothing but the page's own files is
//   ever fetched or stored; traces never pass through here (they never leave the page).
'use strict';

const VERSION = 'dev'; // replaced at build time
const PRECACHE = []; // replaced at build time
const CACHE = 'sipdiag-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // no-cache: asked of the server every time, but a file the page just downloaded comes
      // back as "not modified" instead of a second copy of its bytes
      .then((c) => c.addAll(PRECACHE.map((p) => new Request(p, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('sipdiag-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function isPage(req) {
  const url = new URL(req.url);
  return req.mode === 'navigate' || url.pathname.endsWith('/') || url.pathname.endsWith('/index.html');
}

async function pageFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) cache.put(req, res.clone());
    return res;
  } catch (e) {
    const hit = (await cache.match(req, { ignoreSearch: true })) || (await cache.match('./')) || (await cache.match('index.html'));
    if (hit) return hit;
    throw e;
  }
}

async function fileFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') cache.put(req, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(isPage(req) ? pageFirst(req) : fileFirst(req));
});
