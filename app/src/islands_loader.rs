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
/// (The browser never renders the shell: there it names no files.)
fn loader() -> &'static Loader {
    static LOADER: std::sync::OnceLock<Loader> = std::sync::OnceLock::new();
    LOADER.get_or_init(|| {
        #[cfg(feature = "ssr")]
        let (js, wasm) = {
            let build = crate::platform::assets::Build::current();
            (build.js.clone(), build.wasm.clone())
        };
        #[cfg(not(feature = "ssr"))]
        let (js, wasm) = (String::new(), String::new());
        Loader::of(js, wasm)
    })
}

impl Loader {
    fn of(js: String, wasm: String) -> Self {
        let script = format!("{}({js:?}, {wasm:?});", include_str!("islands_loader.js"));
        Self { js, wasm, script }
    }
}
