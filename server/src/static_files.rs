//! The site's files (css, js, wasm, icons, manifest) answered from memory, for a release
//! build whose files are named by hash: read once at start with the brotli and gzip copies
//! `cargo leptos build --precompress` wrote beside them, then each request is a lookup and
//! one write, ahead of the router and all its middleware (`front_door`): every header a
//! file's answer carries, the security headers included, is computed once, at start.
//!
//! tower-http's `ServeDir` opens and reads the file on every request; that is right while
//! `cargo leptos watch` rewrites the files (so it still serves them then), but a release's
//! files never change while it runs.

use app::platform::assets::Build;
use app::platform::Config;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One file, its compressed copies, and the headers of its answer.
struct File {
    headers: HeaderMap,
    etag: HeaderValue,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// The files by URL path ("/pkg/aqueduct.1a2b.css"); empty when not serving from memory.
#[derive(Clone, Default)]
pub struct StaticFiles(Arc<HashMap<String, File>>);

/// Files the router answers itself, with the build's names written in (`site_files`).
const REWRITTEN: [&str; 2] = ["/sw.js", "/offline.html"];

impl StaticFiles {
    /// Every file under the site root, when the build's files are hashed; none otherwise.
    pub fn load(site_root: &str, build: &Build, config: &Config) -> Self {
        if !build.is_hashed() {
            return Self::default();
        }
        let mut files = HashMap::new();
        let root = Path::new(site_root);
        for path in walk(root) {
            let name = path.to_string_lossy();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let Ok(relative) = path.strip_prefix(root) else { continue };
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            if REWRITTEN.contains(&url.as_str()) {
                continue;
            }
            let Ok(identity) = std::fs::read(&path) else { continue };
            let copy = |ext: &str| std::fs::read(format!("{name}.{ext}")).ok().map(Bytes::from);
            let etag = etag(&identity);
            let file = File {
                headers: headers(&path, &etag, build.cache_control(&url), config),
                etag,
                brotli: copy("br"),
                gzip: copy("gz"),
                identity: Bytes::from(identity),
            };
            files.insert(url, file);
        }
        tracing::info!(files = files.len(), "static files held in memory");
        Self(Arc::new(files))
    }
}

/// Every file below `dir`, depth first.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// What every answer of this file says besides its encoding and length: the security
/// headers every response of the portal carries, its type, tag and cache policy.
fn headers(
    path: &Path,
    etag: &HeaderValue,
    cache: Option<&'static str>,
    config: &Config,
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    crate::middleware::add_security_headers(&mut headers, config, None);
    headers.insert(header::CONTENT_TYPE, content_type(path));
    headers.insert(header::ETAG, etag.clone());
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(cache) = cache {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    headers
}

fn content_type(path: &Path) -> HeaderValue {
    if path.extension().is_some_and(|e| e == "webmanifest") {
        return HeaderValue::from_static("application/manifest+json");
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    let text = if mime.type_() == mime_guess::mime::TEXT || essence.ends_with("javascript") {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    };
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// A strong validator from the content. std's SipHash with its fixed keys gives every
/// instance running this binary the same tag for the same file.
fn etag(content: &[u8]) -> HeaderValue {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    content.hash(&mut hasher);
    HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
        .unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The encodings the client accepts, as (brotli, gzip): a coding named with `q=0` is
/// refused; `*` accepts both.
fn accepted(headers: &HeaderMap) -> (bool, bool) {
    let (mut brotli, mut gzip) = (false, false);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let coding = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = pieces.any(|p| {
                p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0)
            });
            match coding.as_str() {
                "br" => brotli = !refused,
                "gzip" => gzip = !refused,
                "*" if !refused => (brotli, gzip) = (true, true),
                _ => {}
            }
        }
    }
    (brotli, gzip)
}

impl StaticFiles {
    /// The answer to a GET or HEAD of a file held in memory; `None` for anything else.
    pub fn answer(&self, request: &Request) -> Option<Response> {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let file = self.0.get(request.uri().path())?;
        let asked = request.headers();
        let mut response = Response::new(Body::empty());
        *response.headers_mut() = file.headers.clone();
        if asked.get(header::IF_NONE_MATCH).is_some_and(|tags| matches_tag(tags, &file.etag)) {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response.headers_mut().remove(header::CONTENT_TYPE);
            return Some(response);
        }
        let (brotli, gzip) = accepted(asked);
        let (body, coding) = match (&file.brotli, &file.gzip) {
            (Some(b), _) if brotli => (b.clone(), Some("br")),
            (_, Some(g)) if gzip => (g.clone(), Some("gzip")),
            _ => (file.identity.clone(), None),
        };
        let out = response.headers_mut();
        if let Some(coding) = coding {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        if method != Method::HEAD {
            *response.body_mut() = Body::from(body);
        }
        Some(response)
    }
}

/// Whether an If-None-Match header names the tag (or is `*`).
fn matches_tag(tags: &HeaderValue, etag: &HeaderValue) -> bool {
    let (Ok(tags), Ok(etag)) = (tags.to_str(), etag.to_str()) else { return false };
    tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == etag || t == "*")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    fn encodings(value: &str) -> (bool, bool) {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        accepted(&headers)
    }

    #[test]
    fn a_refused_coding_is_not_sent() {
        assert_eq!(encodings("gzip, deflate, br, zstd"), (true, true));
        assert_eq!(encodings("gzip"), (false, true));
        assert_eq!(encodings("br;q=0, gzip;q=0.5"), (false, true));
        assert_eq!(encodings("*"), (true, true));
        assert_eq!(encodings("identity"), (false, false));
        assert_eq!(accepted(&HeaderMap::new()), (false, false));
    }

    #[test]
    fn a_matching_tag_is_not_sent_again() {
        let tag = etag(b"body { color: navy }");
        assert!(matches_tag(&tag, &tag));
        let listed = HeaderValue::from_str(&format!("\"other\", W/{}", tag.to_str().unwrap()));
        assert!(matches_tag(&listed.unwrap(), &tag));
        assert!(!matches_tag(&HeaderValue::from_static("\"other\""), &tag));
        assert_ne!(etag(b"a"), etag(b"b"));
    }

    async fn ask(files: &StaticFiles, request: http::Request<Body>) -> Response {
        files.answer(&request).unwrap_or_else(|| (StatusCode::IM_A_TEAPOT, "inner").into_response())
    }

    fn load(site: &Path, hashed: bool) -> StaticFiles {
        let build = if hashed {
            Build::from_hashes("pkg", "a", "css: 1f\njs: 2a\nwasm: 3b", "hash.txt").unwrap()
        } else {
            Build::unhashed("pkg", "a")
        };
        StaticFiles::load(&site.to_string_lossy(), &build, &Config::default())
    }

    fn get(path: &str, header: Option<(header::HeaderName, &str)>) -> http::Request<Body> {
        let mut request = http::Request::get(path);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        request.body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_file_is_answered_from_memory_compressed_as_asked_and_not_again_when_unchanged() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg/a.1f.css"), "body{}").unwrap();
        std::fs::write(site.path().join("pkg/a.1f.css.br"), "brotli bytes").unwrap();
        std::fs::write(site.path().join("sw.js"), "the worker").unwrap();
        let files = load(site.path(), true);
        let encoding = Some((header::ACCEPT_ENCODING, "gzip, br"));

        let plain = ask(&files, get("/pkg/a.1f.css", None)).await;
        assert_eq!(plain.headers()[header::CONTENT_TYPE], "text/css; charset=utf-8");
        assert_eq!(plain.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(plain.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert!(plain.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("script-src"));
        let tag = plain.headers()[header::ETAG].to_str().unwrap().to_string();
        assert_eq!(axum::body::to_bytes(plain.into_body(), 100).await.unwrap(), "body{}");
        let brotli = ask(&files, get("/pkg/a.1f.css", encoding)).await;
        assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(axum::body::to_bytes(brotli.into_body(), 100).await.unwrap(), "brotli bytes");
        let again = ask(&files, get("/pkg/a.1f.css", Some((header::IF_NONE_MATCH, &tag)))).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        let rewritten = ask(&files, get("/sw.js", None)).await;
        assert_eq!(rewritten.status(), StatusCode::IM_A_TEAPOT, "the router's own answer");
        let unknown = ask(&files, get("/pkg/a.1f.css.br", None)).await;
        assert_eq!(unknown.status(), StatusCode::IM_A_TEAPOT, "a copy is no file of its own");
        let post = http::Request::post("/pkg/a.1f.css").body(Body::empty()).unwrap();
        assert_eq!(ask(&files, post).await.status(), StatusCode::IM_A_TEAPOT);
        let unhashed = load(site.path(), false);
        assert_eq!(
            ask(&unhashed, get("/pkg/a.1f.css", None)).await.status(),
            StatusCode::IM_A_TEAPOT
        );
    }

    #[test]
    fn types_name_their_text_encoding() {
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("a.js")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("icon.png")), "image/png");
        assert_eq!(content_type(Path::new("manifest.webmanifest")), "application/manifest+json");
    }
}
