//! What the session holds for registration and sign-in, and nothing else touches.

use tower_sessions::Session;

const FOUND_ACCOUNT: &str = "registration.account_id";
const LOGIN: &str = "login_id";
const EPOCH: &str = "login_epoch";

async fn session() -> Result<Session, leptos::prelude::ServerFnError> {
    leptos_axum::extract::<Session>().await.map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}

/// The caller's address as throttles count it (an IPv6 address by its /64), seen through
/// the trusted proxies (see the configuration).
pub async fn client_address() -> String {
    let Ok(info) = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await else {
        return "unknown".into();
    };
    let trusted = leptos::prelude::use_context::<crate::platform::Config>().map(|c| c.trusted_proxies).unwrap_or_default();
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let forwarded = parts.as_ref().map(|p| crate::platform::config::forwarded_for(&p.headers)).unwrap_or_default();
    let peer = info.0.ip();
    crate::platform::config::warn_once_if_one_throttle_for_all(peer, &trusted);
    crate::platform::throttle::address_subject(crate::platform::config::client_address(peer, Some(&forwarded), &trusted))
}

/// The locale the page was shown in ("en" or "es").
pub fn request_locale() -> String {
    let locale: crate::i18n::Locale = leptos_i18n::locale::resolve_locale();
    locale.to_string()
}

pub async fn remember_found_account(account_id: i64) -> Result<(), leptos::prelude::ServerFnError> {
    let s = session().await?;
    s.insert(FOUND_ACCOUNT, account_id).await.map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}

pub async fn found_account() -> Option<i64> {
    session().await.ok()?.get::<i64>(FOUND_ACCOUNT).await.ok().flatten()
}

/// Signs in with a new session id (no fixation), forgetting the registration state. The
/// session remembers the login's epoch: a password reset moves it on and so ends it.
pub async fn sign_in(login_id: i64) -> Result<(), leptos::prelude::ServerFnError> {
    let db = leptos::prelude::expect_context::<crate::platform::Db>();
    let internal = |e: String| leptos::prelude::ServerFnError::new(e);
    let epoch = super::data::session_epoch(&db, login_id).await.map_err(|e| internal(e.to_string()))?.unwrap_or(0);
    let s = session().await?;
    let err = |e: tower_sessions::session::Error| internal(e.to_string());
    s.cycle_id().await.map_err(err)?;
    let _ = s.remove::<i64>(FOUND_ACCOUNT).await.map_err(err)?;
    s.insert(LOGIN, login_id).await.map_err(err)?;
    s.insert(EPOCH, epoch).await.map_err(err)
}

/// The signed-in login, if the session is still valid for it.
pub async fn signed_in() -> Option<i64> {
    let s = session().await.ok()?;
    let login_id = s.get::<i64>(LOGIN).await.ok().flatten()?;
    let epoch = s.get::<i64>(EPOCH).await.ok().flatten();
    let db = leptos::prelude::use_context::<crate::platform::Db>()?;
    let current = super::data::session_epoch(&db, login_id).await.ok().flatten();
    if current.is_some() && current == epoch {
        Some(login_id)
    } else {
        // Ended by a password reset (or the login is gone): forget it for good.
        let _ = s.flush().await;
        None
    }
}

/// Deletes the session on the server, not just the cookie.
pub async fn sign_out() -> Result<(), leptos::prelude::ServerFnError> {
    let s = session().await?;
    s.flush().await.map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}

/// Marks a signed-in session as active, so that its idle timeout starts again.
pub async fn touch() -> bool {
    let Some(_) = signed_in().await else { return false };
    let Ok(s) = session().await else { return false };
    s.insert("last_active", crate::platform::db::now()).await.is_ok()
}
