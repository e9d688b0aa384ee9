//! The door to the server functions. Before a function runs, its input is checked for what
//! no form of the portal ever sends (a body or a field far too big, control characters,
//! bidirectional overrides); after it, leptos' answer to arguments it could not read (a
//! 500 naming the serde error) becomes a 400 with a clear message in the customer's
//! language. A browser without JavaScript gets that message as a small page, a script gets
//! it as a server function error, which the pages show as their usual error notice.

use app::email::Lang;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::{header, HeaderMap, HeaderValue, StatusCode};

/// The biggest form of the portal (adding a bank account) is well under 2 KiB.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// No field is longer than an email address (254) or a long passphrase.
const MAX_FIELD_CHARS: usize = 1_000;
/// leptos' error answers are a line of text; a bigger one is passed on without a look.
const MAX_ERROR_BYTES: usize = 16 * 1024;
/// A busy portal (a full password-hashing queue) frees up within seconds.
const BUSY_RETRY_AFTER_SECS: &str = "5";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    TooLarge,
    TooLong,
    Unreadable,
    /// The portal is too busy to take the request now (`app::forms::BUSY_ERROR`).
    Busy,
    /// A form another site's page sent (see `middleware::same_origin_only`).
    CrossSite,
    /// A staff function called by a customer or a visitor (`app::auth::session::STAFF_ONLY`).
    StaffOnly,
    /// An address under `/api/` that names no server function of the portal.
    NotFound,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooLong | Self::Unreadable => StatusCode::BAD_REQUEST,
            Self::Busy => StatusCode::TOO_MANY_REQUESTS,
            Self::CrossSite | Self::StaffOnly => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
        }
    }

    fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::TooLarge, Lang::En) => "This form sent more than the portal accepts. Please go back, check what you entered, and try again.",
            (Self::TooLarge, Lang::Es) => "Este formulario envió más de lo que el portal acepta. Regrese, revise lo que escribió e inténtelo de nuevo.",
            (Self::TooLong, Lang::En) => "One of the fields is longer than the portal accepts. Please go back, shorten it, and try again.",
            (Self::TooLong, Lang::Es) => "Uno de los campos es más largo de lo que el portal acepta. Regrese, acórtelo e inténtelo de nuevo.",
            (Self::Unreadable, Lang::En) => "We could not read this form: a field is missing, holds the wrong kind of value, or contains characters that cannot be used. Please go back and try again.",
            (Self::Unreadable, Lang::Es) => "No pudimos leer este formulario: falta un campo, tiene un valor del tipo equivocado o contiene caracteres que no se pueden usar. Regrese e inténtelo de nuevo.",
            (Self::Busy, Lang::En) => "The portal is busy right now. Please go back and try again in a moment.",
            (Self::Busy, Lang::Es) => "El portal está ocupado en este momento. Regrese e inténtelo de nuevo en un momento.",
            (Self::CrossSite, Lang::En) => "This form was sent from another website, so the portal did not accept it. If you meant to use the portal, open it yourself and try again.",
            (Self::CrossSite, Lang::Es) => "Este formulario se envió desde otro sitio web, por eso el portal no lo aceptó. Si quería usar el portal, ábralo usted mismo e inténtelo de nuevo.",
            (Self::StaffOnly, Lang::En) => "This is for the utility's staff, signed in to the back office.",
            (Self::StaffOnly, Lang::Es) => "Esto es para el personal de la empresa, con sesión iniciada en la oficina administrativa.",
            (Self::NotFound, Lang::En) => "The portal has no such page or action. Please go back and try again.",
            (Self::NotFound, Lang::Es) => "El portal no tiene esa página ni esa acción. Regrese e inténtelo de nuevo.",
        }
    }
}

/// The wildcard behind the server functions' own routes: an unknown path gets a 404 in the
/// asker's language (leptos_axum's own answer, a 400 explaining how server functions are
/// registered, is for developers).
pub async fn unknown_function(headers: HeaderMap) -> Response {
    Asker::of(&headers).refuse(Refusal::NotFound)
}

/// The refusal of a request another site's page sent, as a page or a server function
/// error in the customer's language, like every other refusal.
pub fn refuse_cross_site(headers: &HeaderMap) -> Response {
    Asker::of(headers).refuse(Refusal::CrossSite)
}

/// Middleware around every server function (leptos_axum routes each one itself).
pub async fn guard(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    call_function(req, next).await
}

/// One server function call, checked on the way in and explained on the way out. The span
/// names the function by its path only: the query and the body hold what was typed.
#[tracing::instrument(skip_all, fields(function = %req.uri().path()))]
async fn call_function(req: Request, next: Next) -> Response {
    let asker = Asker::of(req.headers());
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return asker.refuse(Refusal::TooLarge);
    };
    let query = parts.uri.query().unwrap_or("").as_bytes().to_vec();
    if let Some(refusal) = check_fields(&body).or_else(|| check_fields(&query)) {
        return asker.refuse(refusal);
    }
    let mut response = next.run(Request::from_parts(parts, Body::from(body))).await;
    drop_empty_query(&mut response);
    asker.unless_unreadable(response).await
}

/// server_fn sends a form back to its page with the query rebuilt (to remove an earlier
/// error), which leaves a bare `?` on a page that had none: `/account?`. Not worth showing.
fn drop_empty_query(response: &mut Response) {
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok())
    else {
        return;
    };
    if let Some(bare) = location.strip_suffix('?') {
        if let Ok(value) = HeaderValue::from_str(bare) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
}

/// Every field, decoded: none may be too long or hold characters no form sends.
fn check_fields(encoded: &[u8]) -> Option<Refusal> {
    for (name, value) in form_urlencoded::parse(encoded) {
        for text in [&name, &value] {
            if text.chars().count() > MAX_FIELD_CHARS {
                return Some(Refusal::TooLong);
            }
            if text.chars().any(forbidden) {
                return Some(Refusal::Unreadable);
            }
        }
    }
    None
}

/// Control characters (NUL and the like; tab and line breaks are fine), the bidirectional
/// marks, embeddings, overrides and isolates that make text display other than it reads,
/// and U+FFFD, which is what bytes that are not UTF-8 decode to.
fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFFD}')
}

/// Who is asking: a form posted by a browser (it wants a page) or a script (it wants a
/// server function answer), in which language, and from which page of ours.
struct Asker {
    lang: Lang,
    wants_page: bool,
    back: String,
}

impl Asker {
    fn of(headers: &HeaderMap) -> Self {
        let text =
            |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).unwrap_or("");
        // The `lang` cookie has already become Accept-Language (middleware::locale_from_cookie).
        let lang = Lang::from_locale(text(header::ACCEPT_LANGUAGE).trim_start());
        let wants_page = text(header::ACCEPT).contains("text/html");
        Self { lang, wants_page, back: back_path(text(header::REFERER), text(header::HOST)) }
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        let message = refusal.message(self.lang);
        if !self.wants_page {
            // The encoding leptos' client reads back as `ServerFnError::ServerError(message)`.
            return (refusal.status(), format!("ServerError|{message}")).into_response();
        }
        let (title, back) = match self.lang {
            Lang::En => ("There is a problem", "Go back"),
            Lang::Es => ("Hay un problema", "Regresar"),
        };
        let page = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
             <body><main class=\"page\"><h1>{title}</h1><p role=\"alert\">{message}</p>\
             <p><a href=\"{href}\">{back}</a></p></main></body></html>",
            lang = self.lang.code(),
            css = app::platform::assets::Build::current().css,
            href = html_escape::encode_double_quoted_attribute(&self.back),
        );
        (refusal.status(), [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page)
            .into_response()
    }

    /// The refusal, with Retry-After when it is "busy".
    fn refuse_with_retry(&self, refusal: Refusal) -> Response {
        let mut response = self.refuse(refusal);
        if refusal == Refusal::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(BUSY_RETRY_AFTER_SECS));
        }
        response
    }

    /// leptos answers arguments it could not read with a 500 (to a script) or a redirect
    /// carrying the error (to a form); both become the clear refusal. Any other answer,
    /// including a real failure's generic 500, passes unchanged.
    async fn unless_unreadable(&self, response: Response) -> Response {
        if let Some(error) = redirected_error(&response) {
            return match refusal_for(&error) {
                Some(refusal) => self.refuse_with_retry(refusal),
                None => response,
            };
        }
        if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "ServerError|internal error")
                .into_response();
        };
        match refusal_for(&bytes) {
            Some(refusal) => self.refuse_with_retry(refusal),
            None => Response::from_parts(parts, Body::from(bytes)),
        }
    }
}

/// The error leptos put in a no-JavaScript redirect (`__err`, base64 of the encoded error).
fn redirected_error(response: &Response) -> Option<Bytes> {
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    let query = location.split_once('?')?.1;
    let (_, encoded) = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "__err")?;
    let engine = base64::engine::general_purpose::STANDARD;
    let url_safe = base64::engine::general_purpose::URL_SAFE;
    engine
        .decode(encoded.as_bytes())
        .or_else(|_| url_safe.decode(encoded.as_bytes()))
        .ok()
        .map(Bytes::from)
}

/// What a server function's error answer means for the asker, if it is one we explain.
fn refusal_for(encoded: &[u8]) -> Option<Refusal> {
    if is_argument_error(encoded) {
        Some(Refusal::Unreadable)
    } else if encoded == format!("ServerError|{}", app::forms::BUSY_ERROR).as_bytes() {
        Some(Refusal::Busy)
    } else if encoded == format!("ServerError|{}", app::auth::session::STAFF_ONLY).as_bytes() {
        Some(Refusal::StaffOnly)
    } else {
        None
    }
}

/// `Args|…` and `Deserialization|…`: the request's arguments did not fit the function.
fn is_argument_error(encoded: &[u8]) -> bool {
    encoded.starts_with(b"Args|") || encoded.starts_with(b"Deserialization|")
}

/// The page to go back to: the referring page's path when it is one of ours (and a path a
/// browser cannot read as another site, see `app::domain::local_path`), else home.
fn back_path(referer: &str, host: &str) -> String {
    let rest =
        referer.strip_prefix("https://").or_else(|| referer.strip_prefix("http://")).unwrap_or("");
    let path = match rest.split_once('/') {
        Some((referer_host, path)) if !host.is_empty() && referer_host == host => {
            format!("/{path}")
        }
        _ => return "/".into(),
    };
    app::domain::local_path(&path).map_or_else(|| "/".into(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_comes_back_to_its_page_without_a_bare_question_mark() {
        let back = |location: &str| {
            let mut response = Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, location)
                .body(Body::empty())
                .unwrap();
            drop_empty_query(&mut response);
            response.headers()[header::LOCATION].to_str().unwrap().to_string()
        };
        assert_eq!(back("http://portal.example/account?"), "http://portal.example/account");
        assert_eq!(
            back("/billing/settings/wallet?done=added"),
            "/billing/settings/wallet?done=added"
        );
    }

    #[test]
    fn fields_with_control_or_bidi_characters_or_too_long_are_refused() {
        assert_eq!(check_fields(b"number=12345678-1234567&zip=97501"), None);
        assert_eq!(
            check_fields("name=Jos%C3%A9+%F0%9F%92%A7+e%CC%81".as_bytes()),
            None,
            "accents, emoji, combining marks"
        );
        assert_eq!(check_fields(b"name=a%00b"), Some(Refusal::Unreadable));
        assert_eq!(
            check_fields(b"name=%E2%80%AEevil"),
            Some(Refusal::Unreadable),
            "right-to-left override"
        );
        assert_eq!(
            check_fields(b"name=%E2%80%8F1"),
            Some(Refusal::Unreadable),
            "right-to-left mark"
        );
        assert_eq!(check_fields(b"name=%FF%FE"), Some(Refusal::Unreadable), "not UTF-8");
        assert_eq!(
            check_fields(format!("name={}", "a".repeat(1_001)).as_bytes()),
            Some(Refusal::TooLong)
        );
        assert_eq!(
            check_fields(format!("{}=1", "a".repeat(1_001)).as_bytes()),
            Some(Refusal::TooLong)
        );
        assert_eq!(check_fields(b"note=line+one%0D%0Aline+two%09tab"), None);
    }

    #[test]
    fn only_our_own_pages_are_gone_back_to() {
        assert_eq!(back_path("http://portal.test/register?x=1", "portal.test"), "/register?x=1");
        assert_eq!(back_path("https://evil.example/phish", "portal.test"), "/");
        assert_eq!(back_path("", "portal.test"), "/");
        assert_eq!(back_path("http://portal.test/", ""), "/");
        // A path of ours that a browser would read as another host.
        assert_eq!(back_path("http://portal.test//evil.example", "portal.test"), "/");
        assert_eq!(back_path("http://portal.test/\\evil.example", "portal.test"), "/");
        assert_eq!(back_path("http://portal.test/\t/evil.example", "portal.test"), "/");
    }

    #[test]
    fn argument_errors_are_told_from_failures() {
        assert!(is_argument_error(b"Args|invalid digit found in string"));
        assert!(is_argument_error(b"Deserialization|length limit exceeded"));
        assert!(!is_argument_error(b"ServerError|internal error"));
        assert_eq!(refusal_for(b"ServerError|aqueduct:busy"), Some(Refusal::Busy));
        assert_eq!(refusal_for(b"ServerError|internal error"), None);
    }
}
