//! What the session holds for registration and sign-in, and nothing else touches.

use tower_sessions::Session;

const FOUND_ACCOUNT: &str = "registration.account_id";
const LOGIN: &str = "login_id";
const EPOCH: &str = "login_epoch";
/// When the session signed in (epoch seconds): it ends `session_max_hours` later.
pub const SIGNED_IN_AT: &str = "signed_in_at";

async fn session() -> Result<Session, leptos::prelude::ServerFnError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}

/// The caller's address as throttles count it (an IPv6 address by its /64), seen through
/// the trusted proxies (see the configuration).
pub async fn client_address() -> String {
    let Ok(info) = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await
    else {
        return "unknown".into();
    };
    let trusted = leptos::prelude::use_context::<crate::platform::Config>()
        .map(|c| c.trusted_proxies)
        .unwrap_or_default();
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let forwarded = parts
        .as_ref()
        .map(|p| crate::platform::config::forwarded_for(&p.headers))
        .unwrap_or_default();
    let peer = info.0.ip();
    crate::platform::config::warn_once_if_one_throttle_for_all(peer, &trusted);
    crate::platform::throttle::address_subject(crate::platform::config::client_address(
        peer,
        Some(&forwarded),
        &trusted,
    ))
}

/// The locale the page was shown in ("en" or "es").
pub fn request_locale() -> String {
    let locale: crate::i18n::Locale = leptos_i18n::locale::resolve_locale();
    locale.to_string()
}

pub async fn remember_found_account(account_id: i64) -> Result<(), leptos::prelude::ServerFnError> {
    let s = session().await?;
    s.insert(FOUND_ACCOUNT, account_id)
        .await
        .map_err(|e| leptos::prelude::ServerFnError::new(e.to_string()))
}

pub async fn found_account() -> Option<i64> {
    session().await.ok()?.get::<i64>(FOUND_ACCOUNT).await.ok().flatten()
}

/// Signs in with a new session id (no fixation), forgetting the registration state. The
/// session remembers the login's epoch (a password reset moves it on and so ends it) and
/// when it signed in (it ends `session_max_hours` later).
pub async fn sign_in(login_id: i64) -> Result<(), leptos::prelude::ServerFnError> {
    let db = leptos::prelude::expect_context::<crate::platform::Db>();
    let internal = |e: String| leptos::prelude::ServerFnError::new(e);
    let epoch = super::data::session_epoch(&db, login_id)
        .await
        .map_err(|e| internal(e.to_string()))?
        .unwrap_or(0);
    let s = session().await?;
    let err = |e: tower_sessions::session::Error| internal(e.to_string());
    s.cycle_id().await.map_err(err)?;
    let _ = s.remove::<i64>(FOUND_ACCOUNT).await.map_err(err)?;
    s.insert(LOGIN, login_id).await.map_err(err)?;
    s.insert(EPOCH, epoch).await.map_err(err)?;
    s.insert(SIGNED_IN_AT, crate::platform::db::now()).await.map_err(err)
}

/// The absolute lifetime of a signed-in session, in seconds, as configured.
fn max_secs() -> i64 {
    leptos::prelude::use_context::<crate::platform::Config>().unwrap_or_default().session_max_secs()
}

/// Seconds until a session signed in at `signed_in_at` reaches the cap (0 or less: over).
/// A session without the time signed in before there was a cap: it is over.
pub fn seconds_left(signed_in_at: Option<i64>, now: i64, max_secs: i64) -> i64 {
    signed_in_at.map_or(0, |at| at.saturating_add(max_secs).saturating_sub(now))
}

/// The signed-in login, if the session is still valid for it.
pub async fn signed_in() -> Option<i64> {
    let s = session().await.ok()?;
    let login_id = s.get::<i64>(LOGIN).await.ok().flatten()?;
    let epoch = s.get::<i64>(EPOCH).await.ok().flatten();
    let signed_in_at = s.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
    let db = leptos::prelude::use_context::<crate::platform::Db>()?;
    let current = super::data::session_epoch(&db, login_id).await.ok().flatten();
    let in_time = seconds_left(signed_in_at, crate::platform::db::now(), max_secs()) > 0;
    if current.is_some() && current == epoch && in_time {
        Some(login_id)
    } else {
        // Ended by a password reset, by its age (or the login is gone): forget it for good.
        let _ = s.flush().await;
        None
    }
}

/// Seconds until the signed-in session reaches its absolute end; `None` when not signed in.
pub async fn seconds_until_end() -> Option<i64> {
    signed_in().await?;
    let signed_in_at = session().await.ok()?.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
    Some(seconds_left(signed_in_at, crate::platform::db::now(), max_secs()))
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

#[cfg(test)]
mod tests {
    use super::seconds_left;

    #[test]
    fn a_session_ends_its_lifetime_after_signing_in_whatever_happens_between() {
        let hours_12 = 12 * 3600;
        assert_eq!(seconds_left(Some(1_000), 1_000, hours_12), hours_12);
        assert_eq!(seconds_left(Some(1_000), 1_000 + hours_12 - 1, hours_12), 1);
        assert_eq!(seconds_left(Some(1_000), 1_000 + hours_12, hours_12), 0, "over at the cap");
        assert!(seconds_left(Some(1_000), 1_000 + hours_12 + 60, hours_12) < 0);
        assert_eq!(seconds_left(None, 1_000, hours_12), 0, "no time recorded: over");
        assert!(seconds_left(Some(i64::MIN), 0, hours_12) <= 0);
    }
}
