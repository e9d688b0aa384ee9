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

/// Called while the page shell renders: puts the nonce-bearing policy on the response.
pub fn set_page_policy(options: &LeptosOptions) {
    let Some(nonce) = use_nonce() else { return };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let reload = options.reload_port;
    let watching = std::env::var("LEPTOS_WATCH").is_ok_and(|v| v == "true" || v == "ON");
    let policy = page_policy(&nonce, watching.then_some(reload));
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
