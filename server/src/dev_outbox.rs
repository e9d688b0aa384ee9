//! `/dev/outbox`: the emails the portal composed, newest first. Mounted only in
//! development mode, so that every journey works on a machine with no mail server.

use crate::AppState;
use app::email::data;
use axum::extract::{ConnectInfo, State};
use axum::response::{Html, IntoResponse};
use html_escape::encode_safe as esc;

/// Only a browser on this machine, reaching the portal directly, may read the outbox: it
/// holds every email, reset links included. A request through a proxy (which would come
/// from loopback too) names its client in a forwarding header and is refused.
fn asked_from_this_machine(peer: std::net::SocketAddr, headers: &http::HeaderMap) -> bool {
    let forwarded =
        ["x-forwarded-for", "forwarded", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
    peer.ip().is_loopback() && !forwarded
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: http::HeaderMap,
) -> axum::response::Response {
    if !asked_from_this_machine(peer, &headers) {
        return (http::StatusCode::NOT_FOUND, "Not found").into_response();
    }
    listing(&state).await.into_response()
}

async fn listing(state: &AppState) -> impl IntoResponse {
    let emails = match data::recent(&state.db, 50).await {
        Ok(emails) => emails,
        Err(e) => {
            tracing::error!(error = %e, "reading the development outbox");
            return (
                http::StatusCode::SERVICE_UNAVAILABLE,
                Html("<p>The outbox could not be read.</p>".to_string()),
            );
        }
    };
    let mut body = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Development outbox</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>\
         <h1>Development outbox</h1><p>Emails the portal sent while no SMTP server is configured. \
         This page exists only in development mode.</p>",
    );
    if emails.is_empty() {
        body.push_str("<p>No email yet.</p>");
    }
    for e in emails {
        let state = match (e.sent_at, &e.last_error) {
            (Some(_), _) => "delivered".to_string(),
            (None, Some(err)) => format!("not delivered: {err}"),
            (None, None) => "waiting".to_string(),
        };
        body.push_str(&format!(
            "<article><h2>{}</h2><p>To <strong>{}</strong> · {} · {} · {}</p><pre style=\"white-space: pre-wrap\">{}</pre>{}</article><hr>",
            esc(&e.subject),
            esc(&e.to_address),
            esc(&e.kind),
            esc(&e.locale),
            esc(&state),
            esc(&e.body_text),
            links(&e.body_text),
        ));
    }
    body.push_str("</body></html>");
    (http::StatusCode::OK, Html(body))
}

/// The text's links, clickable.
fn links(text: &str) -> String {
    let found: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|url| format!("<li><a href=\"{0}\">{0}</a></li>", esc(url)))
        .collect();
    if found.is_empty() {
        String::new()
    } else {
        format!("<ul>{}</ul>", found.join(""))
    }
}
