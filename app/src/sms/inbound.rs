//! The SMS vendor's inbound webhook, `POST /sms/inbound`: what a number answered, as form
//! fields `From` and `Body` (the names vendors' webhooks commonly use), with
//! `Authorization: Bearer <texts.inbound_token>`. A STOP is honoured at once (`reply`).

use super::{reply, Texter};
use crate::domain::Phone;
use crate::platform::{Config, Db};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Deserialize)]
pub struct Inbound {
    #[serde(rename = "From")]
    pub from: String,
    #[serde(rename = "Body", default)]
    pub body: String,
}

/// Whether the request carries the configured token. Digests are compared, so the time
/// taken says nothing about how much of a guess was right.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    !token.is_empty() && Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes())
}

#[tracing::instrument(skip_all)]
pub async fn serve(
    db: &Db,
    texter: &Texter,
    config: &Config,
    headers: &HeaderMap,
    inbound: Inbound,
) -> Response {
    let token = config.texts.inbound_token.as_deref().unwrap_or_default();
    if !authorized(headers, token) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(from) = Phone::parse(&inbound.from) else {
        return (StatusCode::BAD_REQUEST, "From: a US phone number").into_response();
    };
    let utility = &config.utility.short_name;
    match reply(db, texter, &from, &inbound.body, utility).await {
        Ok(keyword) => {
            tracing::info!(?keyword, "inbound text");
            // The confirmation goes out now, not at the next minute's pass.
            if let Err(e) = texter.deliver_pending(db).await {
                tracing::warn!(error = %e, "confirmation text left queued");
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "inbound text not recorded");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
