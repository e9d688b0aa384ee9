//! What the session holds for registration and sign-in, and nothing else touches.

use tower_sessions::Session;

const FOUND_ACCOUNT: &str = "registration.account_id";
const LOGIN: &str = "login_id";

async fn session() -> Result<Session, leptos::prelude::ServerFnError> {
    leptos_axum::extract::<Session>().await.map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}

/// The caller's address, for throttling.
pub async fn client_address() -> String {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".into())
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

/// Signs in with a new session id (no fixation), forgetting the registration state.
pub async fn sign_in(login_id: i64) -> Result<(), leptos::prelude::ServerFnError> {
    let s = session().await?;
    let err = |e: tower_sessions::session::Error| leptos::prelude::ServerFnError::new(e.to_string());
    s.cycle_id().await.map_err(err)?;
    let _ = s.remove::<i64>(FOUND_ACCOUNT).await.map_err(err)?;
    s.insert(LOGIN, login_id).await.map_err(err)
}

pub async fn signed_in() -> Option<i64> {
    session().await.ok()?.get::<i64>(LOGIN).await.ok().flatten()
}

/// Deletes the session on the server, not just the cookie.
pub async fn sign_out() -> Result<(), leptos::prelude::ServerFnError> {
    let s = session().await?;
    s.flush().await.map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}
