//! The signed-in session: what it holds, starting and ending it, and who it is for. Only
//! this module reads or writes the session's identity keys.

use super::data;
use super::{CustomerLogin, Principal};
use crate::domain::{CustomerId, LoginId};
use leptos::prelude::ServerFnError;
use tower_sessions::Session;

const LOGIN: &str = "login_id";
const EPOCH: &str = "login_epoch";
/// When the session signed in (epoch seconds): it ends `session_max_hours` later.
pub const SIGNED_IN_AT: &str = "signed_in_at";

/// The request's session.
pub async fn session() -> Result<Session, ServerFnError> {
    leptos_axum::extract::<Session>().await.map_err(|e| ServerFnError::new(e.to_string()))
}

/// Signs in with a new session id (no fixation). The session remembers the login's epoch
/// (a password reset moves it on and so ends it) and when it signed in (it ends
/// `session_max_hours` later); the login remembers it signed in (the back office shows when).
pub async fn sign_in(login: LoginId) -> Result<(), ServerFnError> {
    let db = leptos::prelude::expect_context::<crate::platform::Db>();
    let internal = |e: String| ServerFnError::new(e);
    let epoch = data::login_session(&db, login)
        .await
        .map_err(|e| internal(e.to_string()))?
        .map_or(0, |l| l.epoch);
    data::record_sign_in(&db, login).await.map_err(|e| internal(e.to_string()))?;
    let s = session().await?;
    let err = |e: tower_sessions::session::Error| internal(e.to_string());
    s.cycle_id().await.map_err(err)?;
    s.insert(LOGIN, login).await.map_err(err)?;
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

/// A session still valid: who it is for, and when it reaches its absolute end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub principal: Principal,
    /// Epoch seconds.
    pub ends_at: i64,
}

/// The signed-in session, checked once against the login: its epoch, its age, and that
/// the login still exists. A session that fails the check is forgotten for good.
pub async fn signed_in() -> Option<SignedIn> {
    let s = session().await.ok()?;
    let login = s.get::<LoginId>(LOGIN).await.ok().flatten()?;
    let epoch = s.get::<i64>(EPOCH).await.ok().flatten();
    let signed_in_at = s.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
    let db = leptos::prelude::use_context::<crate::platform::Db>()?;
    let current = data::login_session(&db, login).await.ok().flatten();
    let max = max_secs();
    let in_time = seconds_left(signed_in_at, crate::platform::db::now(), max) > 0;
    match (current, signed_in_at) {
        (Some(current), Some(at)) if Some(current.epoch) == epoch && in_time => {
            let customer = CustomerLogin { login, customer: current.customer_id };
            let ends_at = at.saturating_add(max);
            Some(SignedIn { principal: Principal::Customer(customer), ends_at })
        }
        _ => {
            // Ended by a password reset, by its age (or the login is gone): forget it for good.
            let _ = s.flush().await;
            None
        }
    }
}

/// Who is signed in, if anyone.
pub async fn current_principal() -> Option<Principal> {
    signed_in().await.map(|s| s.principal)
}

/// The signed-in customer with their login; `None` when nobody is, or not a customer.
pub async fn current_customer_login() -> Option<CustomerLogin> {
    current_principal().await?.customer()
}

/// The signed-in customer; `None` when nobody is, or not a customer.
pub async fn current_customer() -> Option<CustomerId> {
    current_customer_login().await.map(|c| c.customer)
}

/// Deletes the session on the server, not just the cookie.
pub async fn sign_out() -> Result<(), ServerFnError> {
    let s = session().await?;
    s.flush().await.map_err(|e| ServerFnError::new(e.to_string()))
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
