//! The hydrate entry: the browser half of the portal, and nothing else. Pages are
//! rendered on the server; the browser hydrates only the islands (`#[island]`) in them.

// The islands are exported from `app` by wasm-bindgen; naming the crate links it in.
#[allow(unused_extern_crates)]
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
