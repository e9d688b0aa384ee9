//! The two files of the site that name the build's hashed files: the service worker (which
//! keeps exactly this build's css, js and wasm) and the offline page (which links the
//! stylesheet). Both are the site's copies with this build's names written in, read once.

use app::platform::assets::Build;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// The line of `public/sw.js` the server replaces with the build's id and files.
const SW_BUILD_LINE: &str = "const BUILD = { id: 'unhashed', files: [] };";
/// The stylesheet as `public/offline.html` links it.
const UNHASHED_CSS: &str = "/pkg/aqueduct.css";

/// The rewritten files; `None` where the site has no such file (the Rust tests' router).
#[derive(Clone, Default)]
pub struct SiteFiles {
    service_worker: Option<Arc<str>>,
    offline_page: Option<Arc<str>>,
}

impl SiteFiles {
    pub fn load(options: &LeptosOptions, build: &Build) -> Self {
        let read = |name: &str| {
            std::fs::read_to_string(std::path::Path::new(options.site_root.as_ref()).join(name))
                .ok()
        };
        // Debug's quoting is a JavaScript string literal for these (ASCII) names.
        let build_line = format!(
            "const BUILD = {{ id: {:?}, files: {:?} }};",
            build.id(),
            build.immutable_files()
        );
        Self {
            service_worker: read("sw.js")
                .map(|text| text.replacen(SW_BUILD_LINE, &build_line, 1).into()),
            offline_page: read("offline.html")
                .map(|text| text.replacen(UNHASHED_CSS, &build.css, 1).into()),
        }
    }
}

pub async fn service_worker(State(files): State<SiteFiles>) -> Response {
    answer(files.service_worker, "text/javascript; charset=utf-8")
}

pub async fn offline_page(State(files): State<SiteFiles>) -> Response {
    answer(files.offline_page, "text/html; charset=utf-8")
}

fn answer(text: Option<Arc<str>>, content_type: &'static str) -> Response {
    match text {
        Some(text) => ([(header::CONTENT_TYPE, content_type)], text.to_string()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server rewrites these exact texts: an edit of either file must keep them.
    #[test]
    fn the_site_files_hold_what_is_rewritten() {
        assert!(include_str!("../../public/sw.js").contains(SW_BUILD_LINE));
        assert!(include_str!("../../public/offline.html").contains(UNHASHED_CSS));
    }
}
