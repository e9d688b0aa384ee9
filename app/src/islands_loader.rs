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
    let Loader { js, wasm, script } = loader();
    view! {
        <link rel="modulepreload" href=js.as_str() crossorigin=""/>
        <link rel="preload" href=wasm.as_str() r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=use_nonce()>{script.as_str()}</script>
    }
}

/// This build's js and wasm, and the loader's text calling them.
struct Loader {
    js: String,
    wasm: String,
    script: String,
}

/// Made once: every page renders it, and the build does not change while the server runs.
#[cfg(feature = "ssr")]
fn loader() -> &'static Loader {
    static LOADER: std::sync::OnceLock<Loader> = std::sync::OnceLock::new();
    LOADER.get_or_init(|| {
        let build = crate::platform::assets::Build::current();
        Loader::of(build.js.clone(), build.wasm.clone())
    })
}

/// In the browser the shell is never rendered: nothing to load.
#[cfg(not(feature = "ssr"))]
fn loader() -> &'static Loader {
    static LOADER: std::sync::OnceLock<Loader> = std::sync::OnceLock::new();
    LOADER.get_or_init(|| Loader::of(String::new(), String::new()))
}

impl Loader {
    fn of(js: String, wasm: String) -> Self {
        let script = format!("{}({js:?}, {wasm:?});", include_str!("islands_loader.js"));
        Self { js, wasm, script }
    }
}
