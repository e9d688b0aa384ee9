//! The Content-Security-Policy of a rendered page: Leptos' own inline scripts run only
//! through the nonce leptos_axum generates for each response.

use leptos::prelude::*;

/// The policy for pages; `nonce` is the one Leptos puts on its hydration scripts.
pub fn page_policy(nonce: &str, dev_reload_port: Option<u32>) -> String {
    // In `cargo leptos watch`, the live-reload script talks to a websocket on another port.
    let reload = dev_reload_port
        .map(|port| format!(" ws://127.0.0.1:{port} ws://localhost:{port}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy for every other response (files, server functions, redirects): no scripts.
pub const DEFAULT_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Where the page shell leaves its policy for the security-headers middleware, which puts it
/// on the response; the middleware adds one to each request's extensions. Not through
/// leptos_axum's `ResponseOptions`: in a trial of lazy routes (docs/benchmarks.md), a page
/// requested while the browser was still loading the previous page's wasm lost that header
/// though the shell had set it, and the browser then blocked the hydration scripts.
#[derive(Clone, Default)]
pub struct PagePolicySlot(std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl PagePolicySlot {
    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut policy| policy.take())
    }

    /// Leaves `policy` for the response (a page's, or a document's own, as a bill's PDF).
    pub fn put(&self, policy: String) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(policy);
        }
    }
}

/// Called while the page shell renders: leaves the nonce-bearing policy for the response.
pub fn set_page_policy(options: &LeptosOptions) {
    let Some(nonce) = use_nonce() else { return };
    let Some(request) = use_context::<http::request::Parts>() else { return };
    let Some(slot) = request.extensions.get::<PagePolicySlot>() else { return };
    let reload = options.reload_port;
    let watching = std::env::var("LEPTOS_WATCH").is_ok_and(|v| v == "true" || v == "ON");
    slot.put(page_policy(&nonce, watching.then_some(reload)));
}
