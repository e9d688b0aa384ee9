/*
 * Aqueduct service worker.
 * - This build's css, js and wasm (hashed names, never changed in place): cache first,
 *   precached at install, kept in a cache named by the build; activating a new build's
 *   worker deletes every other build's cache.
 * - Pages: network first (they hold a customer's data and are never cached); offline,
 *   /offline.html.
 * - Everything else: network first, falling back to the precached shell.
 * /api/ and other origins/ports (e.g. live reload on :3001) are never intercepted.
 */
'use strict';

// Replaced by the server with this build's id and files (server/src/site_files.rs), so a
// new build is a new worker.
const BUILD = { id: 'unhashed', files: [] };

const CACHE = 'aqueduct-build-' + BUILD.id;

const PRECACHE_URLS = [
  '/offline.html',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/favicon.ico',
  ...BUILD.files,
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // Add each URL on its own: one missing asset (common in development)
      // must not make the whole installation fail, as cache.addAll would.
      Promise.allSettled(PRECACHE_URLS.map((url) => cache.add(url))).then((results) => {
        results.forEach((result, i) => {
          if (result.status === 'rejected') {
            console.warn('[sw] could not precache', PRECACHE_URLS[i], result.reason);
          }
        });
      })
    )
  );
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('aqueduct-') && name !== CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;

  // Only GET requests are ever handled.
  if (request.method !== 'GET') {
    return;
  }

  const url = new URL(request.url);

  // Same origin only. The origin includes the port, so this also excludes the
  // cargo-leptos live-reload websocket on :3001 and any other port.
  if (url.origin !== self.location.origin) {
    return;
  }

  // Never intercept server functions.
  if (url.pathname.startsWith('/api/')) {
    return;
  }

  if (request.mode === 'navigate') {
    // Pages: network first, offline page when the network is gone.
    event.respondWith(
      fetch(request).catch(() =>
        caches.match('/offline.html').then(
          (cached) =>
            cached ||
            new Response('You are offline / Sin conexión', {
              status: 503,
              headers: { 'Content-Type': 'text/plain; charset=utf-8' },
            })
        )
      )
    );
    return;
  }

  if (BUILD.files.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
    return;
  }

  // Everything else: network first, fall back to the precached shell. These responses
  // are not written to the cache: their names do not change when their content does.
  event.respondWith(
    fetch(request).catch(() =>
      caches.match(request).then((cached) => cached || Response.error())
    )
  );
});

/** A file of this build: from its cache, or fetched once and kept there. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}
