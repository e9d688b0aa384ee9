/*
 * Aqueduct service worker. Strategy: network first for every request, so a new
 * build's /pkg/*.wasm and *.js are always fetched fresh while online. Only a small
 * precached shell (offline page, CSS, manifest, icons) is cached, never anything at
 * run time. Offline: pages get /offline.html, other requests the shell cache.
 * /api/ and other origins/ports (e.g. live reload on :3001) are never intercepted.
 */
'use strict';

const CACHE = 'aqueduct-shell-v1';

const PRECACHE_URLS = [
  '/offline.html',
  '/pkg/aqueduct.css',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/favicon.ico',
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

  // Everything else: network first, fall back to the precached shell.
  // Responses are deliberately NOT written to the cache, so /pkg/ files are
  // never served stale while online.
  event.respondWith(
    fetch(request).catch(() =>
      caches.match(request).then((cached) => cached || Response.error())
    )
  );
});
