//! Middleware: security headers on every response, the refusal of forms sent from other
//! sites, and the language choice.

use app::platform::assets::Build;
use app::platform::security::{PagePolicySlot, DEFAULT_POLICY};
use app::platform::Config;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

/// Headers every response carries. A rendered page gets its own CSP (with the nonce of its
/// inline scripts, left by the page shell in the request's `PagePolicySlot`); everything
/// else gets a policy that allows no script.
/// Pages and server function answers hold a customer's data: no cache keeps them, so
/// Back after signing out on a shared computer shows nothing of it.
pub async fn security_headers(
    State(config): State<Config>,
    mut request: Request,
    next: Next,
) -> Response {
    let personal = request.uri().path().starts_with("/api/");
    // Static files: this build's hashed ones for ever, the others briefly.
    let file_policy = Build::current().cache_control(request.uri().path());
    let page_policy = PagePolicySlot::default();
    request.extensions_mut().insert(page_policy.clone());
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let cacheable = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    let policy = page_policy.take().and_then(|policy| HeaderValue::from_str(&policy).ok());
    add_security_headers(headers, &config, policy);
    if personal || is_page {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if let Some(policy) = file_policy.filter(|_| cacheable) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// The headers of every answer: its content security policy (a page's own, or one that
/// allows no script), and the rest, the same for all. Also used for the static files held
/// in memory, which get theirs once, at start.
pub fn add_security_headers(headers: &mut HeaderMap, config: &Config, policy: Option<HeaderValue>) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        policy.unwrap_or(HeaderValue::from_static(DEFAULT_POLICY)),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        http::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(self)"),
    );
    headers.insert(
        http::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        http::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if config.cookies_secure() {
        // Only a portal served over HTTPS says so: HSTS on plain HTTP would lock out a
        // development or test address.
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// Refuses a request that changes something (POST, PUT, PATCH, DELETE) sent by another
/// site's page. SameSite=Lax keeps the session cookie off such a request, but not the
/// request itself: a hidden form on another site could sign the visitor in as the
/// attacker (login CSRF). A browser names the sending page's origin in `Origin` (or at
/// least in `Referer`); a request with neither comes from a script or a tool, not a page,
/// and carries no victim's cookies, so it passes.
pub async fn same_origin_only(
    State(config): State<Config>,
    request: Request,
    next: Next,
) -> Response {
    let changes_state =
        matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if changes_state && sent_from_another_site(request.headers(), &config.public_base_url) {
        return crate::server_fns::refuse_cross_site(request.headers());
    }
    next.run(request).await
}

fn sent_from_another_site(headers: &HeaderMap, public_base_url: &str) -> bool {
    let text = |name| headers.get(name).map(|v: &HeaderValue| v.to_str().unwrap_or("\u{FFFD}"));
    let Some(claimed) = text(header::ORIGIN).or_else(|| text(header::REFERER)) else {
        return false;
    };
    !is_portal_origin(claimed, public_base_url, text(header::HOST).unwrap_or(""))
}

/// Whether the page at `claimed` (an Origin or a Referer) is the portal: the origin of its
/// public base URL, or of the Host the request was sent to, over http or https (the
/// address the browser used, e.g. behind a proxy or in development). `null` and anything
/// unreadable are another site.
fn is_portal_origin(claimed: &str, public_base_url: &str, host: &str) -> bool {
    let origin = |address: &str| {
        url::Url::parse(address).ok().map(|u| u.origin()).filter(url::Origin::is_tuple)
    };
    let Some(claimed) = origin(claimed) else { return false };
    let mut ours = vec![origin(public_base_url)];
    if !host.is_empty() {
        ours.push(origin(&format!("http://{host}")));
        ours.push(origin(&format!("https://{host}")));
    }
    ours.into_iter().flatten().any(|o| o == claimed)
}

pub const LANG_COOKIE: &str = "lang";

fn chosen_language(request: &Request) -> Option<&'static str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| match value {
            "en" => Some("en"),
            "es" => Some("es"),
            _ => None,
        })
}

/// leptos_i18n picks the locale from Accept-Language on the server; a saved choice in the
/// `lang` cookie takes precedence, so it becomes the request's Accept-Language.
pub async fn locale_from_cookie(mut request: Request, next: Next) -> Response {
    if let Some(lang) = chosen_language(&request) {
        request.headers_mut().insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(lang));
    }
    next.run(request).await
}

/// `/lang/es?next=/faq`: remember the language for a year and go back to the page.
#[tracing::instrument(skip_all, fields(lang = %code))]
pub async fn set_language(
    State(config): State<Config>,
    Path(code): Path<String>,
    Query(query): Query<NextPage>,
) -> Response {
    let lang = match code.as_str() {
        "en" => "en",
        "es" => "es",
        _ => {
            return (http::StatusCode::NOT_FOUND, "Unknown language. / Idioma desconocido.")
                .into_response()
        }
    };
    // Only a local path: never an open redirect to another site.
    let next = query.next.as_deref().and_then(app::domain::local_path).unwrap_or("/");
    let secure = if config.cookies_secure() { "; Secure" } else { "" };
    let cookie = format!("{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax{secure}");
    let mut response = Redirect::to(next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(serde::Deserialize)]
pub struct NextPage {
    next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::is_portal_origin;

    #[test]
    fn only_the_portal_itself_is_the_portals_origin() {
        let base = "https://portal.example-water.org";
        assert!(is_portal_origin("https://portal.example-water.org", base, "10.0.0.5:3000"));
        assert!(
            is_portal_origin("https://portal.example-water.org:443", base, ""),
            "default port implied"
        );
        assert!(
            is_portal_origin("https://portal.example-water.org/billing/settings?x=1", base, ""),
            "a Referer"
        );
        assert!(
            is_portal_origin("http://127.0.0.1:3000", base, "127.0.0.1:3000"),
            "the Host asked for"
        );
        assert!(is_portal_origin("https://127.0.0.1:3000", base, "127.0.0.1:3000"));
        assert!(
            !is_portal_origin("http://portal.example-water.org", base, ""),
            "another scheme is another origin"
        );
        assert!(!is_portal_origin("https://evil.example", base, "portal.example-water.org"));
        assert!(!is_portal_origin("https://portal.example-water.org.evil.example", base, ""));
        assert!(!is_portal_origin(
            "https://evil.example/https://portal.example-water.org",
            base,
            ""
        ));
        assert!(!is_portal_origin("http://127.0.0.1:3001", base, "127.0.0.1:3000"), "another port");
        assert!(!is_portal_origin("null", base, "portal.example-water.org"), "an opaque origin");
        assert!(!is_portal_origin("", base, "portal.example-water.org"));
        assert!(!is_portal_origin("file:///tmp/form.html", base, ""));
    }
}
