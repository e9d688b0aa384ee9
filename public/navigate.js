// Single-page navigation over the server's pages. A link or form of the portal is fetched
// and its answer (the page the server renders, as it would for a full load) replaces the
// changed parts of this one: <main>, and those children of <header> and of <body> whose
// server markup differs. The header element, the WebAssembly and its islands stay; the new
// page's islands are hydrated in place. Without JavaScript, or with a link or form this
// leaves alone, the browser navigates as usual.
//
// Written here rather than with Leptos' `islands-router` because that one leaves islands'
// server-rendered children unchanged (every form of the portal sits in one), moves neither
// focus nor scroll, announces nothing, posts every form url-encoded, and never removes an
// attribute. Loaded with the page's nonce; it never runs the fetched page's scripts, so the
// Content-Security-Policy of the first load holds for every page shown after it.
(function () {
  'use strict';
  if (!window.fetch || !window.DOMParser || !history.pushState || !window.FormData) {
    return;
  }

  var SENT = 'data-sent';
  // Each page's server markup, to tell what the next page changes.
  var served = new WeakMap();
  // Scroll positions by history entry: an entry's own, restored by Back and Forward.
  var positions = {};
  var entry = (history.state && history.state.entry) || newEntryKey();
  var shown = address(location);
  // The page asked for last: the one shown, or one on its way (null for a form's answer).
  var wanted = shown;
  var latest = 0;

  history.scrollRestoration = 'manual';
  history.replaceState(state(entry), '');
  remember(document);

  function newEntryKey() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function state(key) {
    return Object.assign({}, history.state, { entry: key });
  }

  function address(url) {
    return url.pathname + url.search;
  }

  // The build a page was made by: its stylesheet's and script's hashed names.
  function build(doc) {
    var files = doc.head ? doc.head.querySelectorAll('link#leptos, link[rel="modulepreload"]') : [];
    return [].map.call(files, function (l) { return l.getAttribute('href'); }).join(' ');
  }

  function regions(doc) {
    var body = doc.body;
    var header = body && body.querySelector(':scope > header');
    return { body: body, header: header, main: doc.getElementById('main') };
  }

  // An element's children that show something: not the scripts and templates Leptos
  // leaves after the page (their number changes from page to page; none is ever run).
  function visible(el) {
    return [].filter.call(el ? el.children : [], function (child) {
      return child.tagName !== 'SCRIPT' && child.tagName !== 'TEMPLATE';
    });
  }

  function remember(doc) {
    var parts = regions(doc);
    var all = visible(parts.body).concat(visible(parts.header));
    all.forEach(function (el) {
      served.set(el, el.outerHTML);
    });
  }

  // A page of the portal: same origin, not a server function, a file or the language switch.
  function isPage(url) {
    return (
      url.origin === location.origin &&
      !/^\/(api|pkg|lang|dev)\//.test(url.pathname) &&
      !/(\.[a-z0-9]+|\/pdf)$/i.test(url.pathname)
    );
  }

  function linkRequest(ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) {
      return null;
    }
    var a = ev.target instanceof Element ? ev.target.closest('a[href]') : null;
    if (!a || a.target || a.hasAttribute('download') || /\bexternal\b/.test(a.rel)) return null;
    var url = new URL(a.href, location.href);
    if (!isPage(url)) return null;
    // A link to a place on this page: the browser scrolls there itself.
    if (url.hash && address(url) === shown) return null;
    return { url: url, init: { headers: { Accept: 'text/html' } } };
  }

  function formRequest(ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !(form instanceof HTMLFormElement)) return null;
    var submitter = ev.submitter;
    var attr = function (name, fallback) {
      var own = submitter && submitter.getAttribute('form' + name);
      return own || form.getAttribute(name) || fallback;
    };
    var method = attr('method', 'get').toLowerCase();
    var enctype = attr('enctype', 'application/x-www-form-urlencoded');
    var url = new URL(attr('action', location.href), location.href);
    var target = submitter && submitter.getAttribute('formtarget') || form.target;
    // File uploads keep their own path (the import page shows the upload's progress).
    if (target || enctype === 'multipart/form-data' || (method !== 'get' && method !== 'post')) return null;
    if (url.origin !== location.origin || (method === 'get' && !isPage(url))) return null;
    var data = new URLSearchParams(new FormData(form, submitter || undefined));
    var init = { headers: { Accept: 'text/html' } };
    if (method === 'get') {
      url.search = data.toString();
    } else {
      init.method = 'POST';
      init.body = data;
    }
    return { url: url, init: init, form: form, submitter: submitter };
  }

  window.addEventListener('click', function (ev) {
    var req = linkRequest(ev);
    if (!req) return;
    ev.preventDefault();
    go(req, address(req.url) === shown ? 'replace' : 'push');
  });

  window.addEventListener('submit', function (ev) {
    var req = formRequest(ev);
    if (!req) return;
    ev.preventDefault();
    // Each form is sent once: a second press while the answer is on its way does nothing.
    if (req.form.hasAttribute(SENT)) return;
    req.form.setAttribute(SENT, '');
    go(req, 'push');
  });

  window.addEventListener('popstate', function (ev) {
    var url = new URL(location.href);
    // Only the fragment changed (a skip link, an error summary's link): same page.
    if (address(url) === wanted) return;
    if (wanted === shown) positions[entry] = window.scrollY;
    entry = (ev.state && ev.state.entry) || newEntryKey();
    go({ url: url, init: { headers: { Accept: 'text/html' } } }, 'pop');
  });

  function go(req, how) {
    var mine = ++latest;
    wanted = req.form && req.init.method === 'POST' ? null : address(req.url);
    var main = document.getElementById('main');
    if (main) main.setAttribute('aria-busy', 'true');
    fetch(req.url.href, req.init)
      .then(function (resp) {
        var page = (resp.headers.get('Content-Type') || '').indexOf('text/html') === 0;
        // A link to something else (a file): the browser opens it. A form's answer is
        // shown as the browser would, as text: posting it again could pay twice.
        if (!page && !req.form) throw new Error('not a page');
        return resp.text().then(function (text) {
          if (mine !== latest) return;
          var doc = page ? new DOMParser().parseFromString(text, 'text/html') : textPage(text);
          var url = new URL(resp.url || req.url.href);
          url.hash = resp.redirected ? '' : req.url.hash;
          // An answer the browser could not ask for again (a post not redirected) is shown here.
          var again = !(req.init.method === 'POST' && !resp.redirected);
          arrive(doc, url, how, again);
        });
      })
      .catch(function (err) {
        if (mine !== latest) return;
        wanted = shown;
        console.warn('[navigate] left to the browser:', req.url.href, String(err));
        if (main) main.removeAttribute('aria-busy');
        fallBack(req, how);
      });
  }

  function textPage(text) {
    var doc = document.implementation.createHTMLDocument('');
    var pre = doc.createElement('pre');
    pre.textContent = text;
    doc.body.appendChild(pre);
    return doc;
  }

  // No answer (the network, a file): what the browser would have done. A form is posted by
  // the browser itself; the first post may have arrived, which money forms' keys cover.
  function fallBack(req, how) {
    if (how === 'pop') {
      location.reload();
      return;
    }
    if (!req.form) {
      location.assign(req.url.href);
      return;
    }
    req.form.removeAttribute(SENT);
    if (req.submitter && req.submitter.name) {
      var pressed = document.createElement('input');
      pressed.type = 'hidden';
      pressed.name = req.submitter.name;
      pressed.value = req.submitter.value;
      req.form.appendChild(pressed);
    }
    req.form.submit();
  }

  function arrive(doc, url, how, again) {
    if (how === 'push') {
      positions[entry] = window.scrollY;
      history.replaceState(Object.assign(state(entry), { scrollY: window.scrollY }), '');
      entry = newEntryKey();
      history.pushState(state(entry), '', url.href);
    } else if (how === 'replace') {
      history.replaceState(state(entry), '', url.href);
    }
    // From a page without the shell back into it, or to a page of another build (the
    // portal was updated): a whole load brings the islands and the build's files.
    var started = document.body.hasAttribute('data-hydrated');
    var updated = again && build(doc) && build(doc) !== build(document);
    var fresh = updated ? false : swap(doc);
    if (fresh === false && again) {
      location.replace(url.href);
      return;
    }
    if (fresh === false) {
      document.body.replaceWith(document.adoptNode(doc.body));
      fresh = [document.body];
    }
    shown = wanted = address(url);
    document.title = doc.title;
    var lang = doc.documentElement.getAttribute('lang');
    if (lang) document.documentElement.setAttribute('lang', lang);
    if (started) document.body.setAttribute('data-hydrated', 'true');
    hydrate(fresh);
    var main = document.getElementById('main');
    if (main) main.removeAttribute('aria-busy');
    place(url, how);
    announce(doc.title);
  }

  // Replaces what changed; returns the nodes put in, whose islands are new. False when
  // this page is not of the shell (a refusal page): the next is then loaded whole.
  function swap(doc) {
    var now = regions(document);
    var next = regions(doc);
    if (!next.header || !next.main) {
      // Not a page of the shell (a refusal, a plain error page; no islands): its body.
      document.body.replaceWith(document.adoptNode(next.body));
      return [];
    }
    if (!now.header || !now.main) return false;
    var fresh = replaceChanged(now.body, next.body, now.main);
    if (fresh === false) return false;
    var inHeader = replaceChanged(now.header, next.header, null);
    if (inHeader === false) {
      now.header.replaceChildren.apply(now.header, [].slice.call(next.header.childNodes));
      inHeader = [now.header];
    }
    now.main.replaceChildren.apply(now.main, [].slice.call(next.main.childNodes));
    return fresh.concat(inHeader, [now.main]);
  }

  // Children of `el` whose server markup changed, replaced by the next page's; false when
  // the two differ in number. `keep` and the header are left for the caller.
  function replaceChanged(el, nextEl, keep) {
    var old = visible(el);
    var neu = visible(nextEl);
    if (old.length !== neu.length) return false;
    var fresh = [];
    old.forEach(function (o, i) {
      var n = neu[i];
      var markup = n.outerHTML;
      if (o === keep || o.tagName === 'HEADER') return;
      // Unchanged markup keeps its islands' state (an open menu), unless that state belongs
      // to one page (`data-renew`: the session's timers, which each page starts again).
      if (served.get(o) === markup && !o.hasAttribute('data-renew')) return;
      var adopted = document.adoptNode(n);
      o.replaceWith(adopted);
      served.set(adopted, markup);
      fresh.push(adopted);
    });
    return fresh;
  }

  // The islands of the nodes put in, once the islands' loader (app/src/islands_loader.js)
  // has started Leptos: until then, it will find these itself when it walks the page.
  function hydrate(nodes) {
    if (!window.__hydrateIsland) return;
    nodes.forEach(function (node) {
      window.__hydrateIsland(node);
    });
  }

  // Back and Forward return to where the page was; a new page opens at its top (or at the
  // place its address names), with focus on its error summary or its heading.
  function place(url, how) {
    if (how === 'pop') {
      window.scrollTo(0, positions[entry] || (history.state && history.state.scrollY) || 0);
    } else {
      var spot = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (spot) spot.scrollIntoView();
      else window.scrollTo(0, 0);
    }
    var main = document.getElementById('main') || document.body;
    var target = main.querySelector('.error-summary') || main.querySelector('h1') || main;
    if (!target.hasAttribute('tabindex') && !target.matches('a, button, input, select, textarea')) {
      target.setAttribute('tabindex', '-1');
    }
    target.focus({ preventScroll: true });
  }

  // The polite live region of the shell says the new page's title.
  function announce(title) {
    var region = document.getElementById('page-announcer');
    if (!region) return;
    region.textContent = '';
    setTimeout(function () {
      region.textContent = title;
    }, 100);
  }

  // A page brought back from another document (Back after a file or another site):
  // its place, which this page keeps in its history entry.
  window.addEventListener('load', function () {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    if (nav && nav.type === 'back_forward' && history.state && history.state.scrollY) {
      window.scrollTo(0, history.state.scrollY);
    }
  });
})();
