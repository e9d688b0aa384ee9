// Starts the page's islands: loads the wasm when the browser is idle, starts Leptos, and
// hydrates each `leptos-island` element. Leptos' own loader (`HydrationScripts`) does the same
// in a single task: some 30 ms on a laptop, four times that on a phone, while a tap waits
// (Lighthouse's Total Blocking Time). Here compiling, starting Leptos and each island are
// tasks of their own, so the browser can answer input between them.
//
// An island is started once, where it is still in the page. `window.__hydrateIsland(el)`
// starts the islands of an element single-page navigation put in (public/navigate.js): at
// once, before the page is shown, since the wasm is compiled by then and they are few.
((js, wasm) => {
  const started = new WeakSet();
  // Ends this task: the rest runs in a new one.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
  const idle = (run) =>
    'requestIdleCallback' in window ? window.requestIdleCallback(run) : setTimeout(run, 0);

  // `enclosing`: the `$$on_hydrate` of the nearest `leptos-children` element around the
  // island, which it calls first (it ties an island inside another's children to the
  // outer one's owner).
  async function start(island, mod, paced, enclosing) {
    if (started.has(island) || !island.isConnected) return;
    started.add(island);
    const hydrate = mod[island.dataset.component];
    if (!hydrate) {
      console.warn(`No WebAssembly function for the island ${island.dataset.component}.`);
      return;
    }
    if (enclosing) enclosing();
    await hydrate(island);
    if (paced) await pause();
  }

  // The islands in `node` and below, in document order (an island before those inside it).
  async function visit(node, mod, paced, enclosing) {
    if (node.tagName === 'LEPTOS-ISLAND') await start(node, mod, paced, enclosing);
    const inner = node.tagName === 'LEPTOS-CHILDREN' ? node.$$on_hydrate : enclosing;
    for (const child of [...node.children]) await visit(child, mod, paced, inner);
  }

  idle(async () => {
    const mod = await import(js);
    await mod.default({ module_or_path: wasm });
    await pause();
    mod.hydrate();
    window.__hydrateIsland = (el) => visit(el, mod, false);
    await pause();
    await visit(document.body, mod, true);
  });
})
