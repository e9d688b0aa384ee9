//! What starts the page's islands in the browser (`islands_loader.js`), in place of Leptos'
//! `HydrationScripts`, whose loader does all of it in one long task.

use leptos::prelude::*;

/// Hints that fetch the build's js and wasm while the page renders, and the loader, run
/// with the page's nonce.
#[component]
pub fn IslandScripts() -> impl IntoView {
    // The page is rendered as islands: only they are hydrated (as `HydrationScripts`
    // tells the renderer in islands mode).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    let (js, wasm) = {
        let build = crate::platform::assets::Build::current();
        (build.js.clone(), build.wasm.clone())
    };
    #[cfg(not(feature = "ssr"))]
    let (js, wasm) = (String::new(), String::new());
    let script = format!("{}({js:?}, {wasm:?});", include_str!("islands_loader.js"));
    view! {
        <link rel="modulepreload" href=js crossorigin=""/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=use_nonce()>{script}</script>
    }
}
