// Registers the Aqueduct service worker (see /sw.js) once the page has loaded,
// so registration never competes with the initial page and wasm download.
// Loaded as an external script because the Content-Security-Policy forbids
// inline scripts. Failures are harmless: the portal works without it.
(function () {
  'use strict';
  if (!('serviceWorker' in navigator)) {
    return;
  }
  window.addEventListener('load', function () {
    try {
      navigator.serviceWorker
        .register('/sw.js', { scope: '/' })
        .catch(function (err) {
          console.warn('Service worker registration failed:', err);
        });
    } catch (err) {
      console.warn('Service worker registration failed:', err);
    }
  });
})();
