//! The signed-in session: what it holds, starting and ending it, and who it is for. Only
//! this module reads or writes the session's identity keys.

use super::{data, staff_data};
use super::{CustomerLogin, Principal, StaffMember};
use crate::domain::staff::StaffRole;
use crate::domain::{CustomerId, LoginId, StaffId};
use crate::platform::db::now;
use leptos::prelude::ServerFnError;
use tower_sessions::Session;

const LOGIN: &str = "login_id";
const EPOCH: &str = "login_epoch";
const STAFF: &str = "staff_id";
const STAFF_EPOCH: &str = "staff_epoch";
/// When a staff session last made a request: it ends `staff.idle_minutes` later.
const STAFF_SEEN: &str = "staff_seen_at";
/// When the session signed in (epoch seconds): it ends `session_max_hours` later.
pub const SIGNED_IN_AT: &str = "signed_in_at";
/// When a customer's session last marked itself active (epoch seconds). Marking writes the
/// session, which restarts its idle timeout; once a minute is enough for a timeout counted
/// in minutes, and spares every other page a write.
const LAST_ACTIVE: &str = "last_active";
pub const ACTIVITY_MARK_SECS: i64 = 60;

/// The request's answer to "who is signed in", worked out once. The header, the page and
/// the page's data all ask; each used to read the session and the login again. Provided
/// per request by the router; sign-in and sign-out forget it, so the rest of that request
/// sees the change.
#[derive(Clone, Default)]
pub struct RequestIdentity(std::sync::Arc<tokio::sync::Mutex<Option<Option<SignedIn>>>>);

impl RequestIdentity {
    async fn forget(&self) {
        *self.0.lock().await = None;
    }
}

/// Empties this request's remembered identity, after the session changed hands.
async fn forget_identity() {
    if let Some(identity) = leptos::prelude::use_context::<RequestIdentity>() {
        identity.forget().await;
    }
}

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
    s.remove_value(STAFF).await.map_err(err)?;
    s.insert(LOGIN, login).await.map_err(err)?;
    s.insert(EPOCH, epoch).await.map_err(err)?;
    let at = now();
    s.insert(SIGNED_IN_AT, at).await.map_err(err)?;
    s.insert(LAST_ACTIVE, at).await.map_err(err)?;
    forget_identity().await;
    Ok(())
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

/// A session still valid: who it is for, their name as the header shows it (a staff
/// member's email), and when it reaches its absolute end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub principal: Principal,
    pub name: String,
    /// Epoch seconds.
    pub ends_at: i64,
}

/// Signs a staff member in with a new session id, which holds no customer: the staff
/// member's epoch (disabling moves it on), when they signed in and when last seen.
pub async fn sign_in_staff(staff: StaffId, epoch: i64) -> Result<(), ServerFnError> {
    let s = session().await?;
    let err = |e: tower_sessions::session::Error| ServerFnError::new(e.to_string());
    s.cycle_id().await.map_err(err)?;
    s.remove_value(LOGIN).await.map_err(err)?;
    s.remove_value(EPOCH).await.map_err(err)?;
    let at = now();
    s.insert(STAFF, staff).await.map_err(err)?;
    s.insert(STAFF_EPOCH, epoch).await.map_err(err)?;
    s.insert(SIGNED_IN_AT, at).await.map_err(err)?;
    s.insert(STAFF_SEEN, at).await.map_err(err)?;
    forget_identity().await;
    Ok(())
}

/// The signed-in session, checked against the login once per request (see
/// `RequestIdentity`; without one, as in a download's handler, every call checks).
pub async fn signed_in() -> Option<SignedIn> {
    let Some(identity) = leptos::prelude::use_context::<RequestIdentity>() else {
        return check_session().await;
    };
    let mut known = identity.0.lock().await;
    if let Some(answer) = known.as_ref() {
        return answer.clone();
    }
    let answer = check_session().await;
    *known = Some(answer.clone());
    answer
}

/// The session checked against the login: its epoch, its age, and that the login still
/// exists. A session that fails the check is forgotten for good.
async fn check_session() -> Option<SignedIn> {
    let s = session().await.ok()?;
    if let Some(staff) = s.get::<StaffId>(STAFF).await.ok().flatten() {
        return staff_signed_in(&s, staff).await;
    }
    let login = s.get::<LoginId>(LOGIN).await.ok().flatten()?;
    let epoch = s.get::<i64>(EPOCH).await.ok().flatten();
    let signed_in_at = s.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
    let db = leptos::prelude::use_context::<crate::platform::Db>()?;
    let current = data::login_session(&db, login).await.ok().flatten();
    let max = max_secs();
    let at = now();
    let in_time = seconds_left(signed_in_at, at, max) > 0;
    match (current, signed_in_at) {
        (Some(current), Some(since)) if Some(current.epoch) == epoch && in_time => {
            mark_active(&s, at).await;
            let customer = CustomerLogin { login, customer: current.customer_id };
            let ends_at = since.saturating_add(max);
            Some(SignedIn { principal: Principal::Customer(customer), name: current.name, ends_at })
        }
        _ => {
            // Ended by a password reset, by its age (or the login is gone): forget it for good.
            let _ = s.flush().await;
            None
        }
    }
}

/// Restarts the idle timeout of a session in use, at most once a minute (`LAST_ACTIVE`).
async fn mark_active(s: &Session, at: i64) {
    let last = s.get::<i64>(LAST_ACTIVE).await.ok().flatten();
    if needs_activity_mark(last, at) {
        let _ = s.insert(LAST_ACTIVE, at).await;
    }
}

/// Whether a session last marked active at `last` should be marked again at `at`.
pub fn needs_activity_mark(last: Option<i64>, at: i64) -> bool {
    last.is_none_or(|last| at - last >= ACTIVITY_MARK_SECS || at < last)
}

/// A staff session, checked against the staff member (enrolled, not disabled, the same
/// epoch) and against the staff limits: `staff.max_hours` since signing in, and
/// `staff.idle_minutes` since the last request, which this request then becomes.
async fn staff_signed_in(s: &Session, staff: StaffId) -> Option<SignedIn> {
    let epoch = s.get::<i64>(STAFF_EPOCH).await.ok().flatten();
    let signed_in_at = s.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
    let seen = s.get::<i64>(STAFF_SEEN).await.ok().flatten();
    let db = leptos::prelude::use_context::<crate::platform::Db>()?;
    let limits =
        leptos::prelude::use_context::<crate::platform::Config>().unwrap_or_default().staff;
    let row = staff_data::by_id(&db, staff).await.ok().flatten();
    let at = now();
    let (max, idle) = (limits.max_hours.max(1) * 3600, limits.idle_minutes.max(1) * 60);
    let member = row
        .filter(|r| r.disabled_at.is_none() && r.enrolled_at.is_some() && Some(r.epoch) == epoch);
    match (member, signed_in_at) {
        (Some(member), Some(since)) if staff_session_open(at, since, seen, max, idle) => {
            let _ = s.insert(STAFF_SEEN, at).await;
            let role: StaffRole = member.role();
            let principal = Principal::Staff(StaffMember { id: staff, role });
            let ends_at = since.saturating_add(max);
            Some(SignedIn { principal, name: member.email, ends_at })
        }
        _ => {
            let _ = s.flush().await;
            None
        }
    }
}

/// Whether a staff session signed in at `since` and last seen at `seen` is still open at
/// `at`: under `max_secs` since signing in, and under `idle_secs` since the last request.
pub fn staff_session_open(
    at: i64,
    since: i64,
    seen: Option<i64>,
    max_secs: i64,
    idle_secs: i64,
) -> bool {
    seconds_left(Some(since), at, max_secs) > 0 && seen.is_some_and(|seen| at - seen < idle_secs)
}

/// Who is signed in, if anyone.
pub async fn current_principal() -> Option<Principal> {
    signed_in().await.map(|s| s.principal)
}

/// The signed-in customer with their login; `None` when nobody is, or not a customer.
pub async fn current_customer_login() -> Option<CustomerLogin> {
    current_principal().await?.customer()
}

/// The signed-in customer with their login and name; `None` when nobody is, or not a
/// customer.
pub async fn current_customer_named() -> Option<(CustomerLogin, String)> {
    let signed_in = signed_in().await?;
    Some((signed_in.principal.customer()?, signed_in.name))
}

/// The signed-in customer; `None` when nobody is, or not a customer.
pub async fn current_customer() -> Option<CustomerId> {
    current_customer_login().await.map(|c| c.customer)
}

/// The signed-in customer of a request that an axum handler serves outside Leptos' routes
/// (a download): the session is read in a reactive owner that carries the request, the
/// database and the configuration, as a page's would be. Also the request's language.
pub async fn customer_of_request(
    db: &crate::platform::Db,
    config: crate::platform::Config,
    parts: http::request::Parts,
) -> (Option<CustomerId>, String) {
    use leptos::prelude::*;
    let owner = Owner::new();
    let (signed_in, locale) = owner.with(|| {
        provide_context(parts);
        provide_context(db.clone());
        provide_context(config);
        let locale = crate::platform::request::request_locale();
        (ScopedFuture::new(current_customer()), locale)
    });
    (signed_in.await, locale)
}

/// The signed-in staff member; `None` when nobody is, or a customer is.
pub async fn current_staff() -> Option<StaffMember> {
    current_principal().await?.staff()
}

/// The signed-in staff member, or the error every staff server function answers a
/// customer or a visitor with.
pub async fn require_staff() -> Result<StaffMember, ServerFnError> {
    current_staff().await.ok_or_else(|| ServerFnError::new(STAFF_ONLY))
}

/// The signed-in admin, or that same error for anyone else (an agent too).
pub async fn require_admin() -> Result<StaffMember, ServerFnError> {
    match current_staff().await {
        Some(m) if m.role == StaffRole::Admin => Ok(m),
        _ => Err(ServerFnError::new(STAFF_ONLY)),
    }
}

/// What a staff server function answers anyone it is not for: no detail of why.
pub const STAFF_ONLY: &str = "staff only";

/// Deletes the session on the server, not just the cookie.
pub async fn sign_out() -> Result<(), ServerFnError> {
    let s = session().await?;
    s.flush().await.map_err(|e| ServerFnError::new(e.to_string()))?;
    forget_identity().await;
    Ok(())
}

/// Marks a signed-in session as active, so that its idle timeout starts again.
pub async fn touch() -> bool {
    let Some(_) = signed_in().await else { return false };
    let Ok(s) = session().await else { return false };
    s.insert(LAST_ACTIVE, now()).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::{needs_activity_mark, seconds_left, staff_session_open, ACTIVITY_MARK_SECS};

    #[test]
    fn a_session_in_use_is_marked_active_once_a_minute_not_on_every_page() {
        assert!(needs_activity_mark(None, 1_000), "never marked");
        assert!(!needs_activity_mark(Some(1_000), 1_000));
        assert!(!needs_activity_mark(Some(1_000), 1_000 + ACTIVITY_MARK_SECS - 1));
        assert!(needs_activity_mark(Some(1_000), 1_000 + ACTIVITY_MARK_SECS));
        assert!(needs_activity_mark(Some(1_000), 900), "a clock that went back");
    }

    #[test]
    fn a_staff_session_ends_after_15_idle_minutes_or_8_hours_whichever_first() {
        let (max, idle) = (8 * 3600, 15 * 60);
        let since = 1_000;
        assert!(staff_session_open(since + 60, since, Some(since), max, idle));
        assert!(staff_session_open(since + idle - 1, since, Some(since), max, idle));
        assert!(
            !staff_session_open(since + idle, since, Some(since), max, idle),
            "idle 15 minutes"
        );
        let busy = since + max - 60;
        assert!(staff_session_open(busy + 30, since, Some(busy), max, idle));
        assert!(
            !staff_session_open(since + max, since, Some(since + max - 1), max, idle),
            "8 hours"
        );
        assert!(!staff_session_open(since, since, None, max, idle), "never seen: closed");
    }

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
