//! What identity does for whoever asks, the customer's journeys (registration) and the
//! utility's staff alike: a login's sign-in lockout (its failures are counted in
//! `platform::throttle` under the login's address), and the password reset link emailed to
//! a login's own address.

use super::data::LoginContact;
use crate::email::{compose, Lang, Mailer};
use crate::platform::throttle::{self, Counted, Scope};
use crate::platform::tokens::{self, Purpose};
use crate::platform::Db;

pub use crate::platform::ServiceError;

/// How long a password reset link works.
pub const RESET_LINK_SECS: i64 = 60 * 60;

/// The subject a login's failed sign-ins are counted under: its address as typed, trimmed
/// and in lower case (as logins store it).
pub fn sign_in_subject(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A login's failed sign-ins in the current window, and whether they lock it: at
/// `max_failures` (`limits.sign_in_failures_per_email`) every further attempt is refused
/// until the window ends. `None` when none are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub failures: i64,
    /// Minutes until the window ends.
    pub minutes: i64,
    pub locked: bool,
}

pub async fn lockout(
    db: &Db,
    email: &str,
    max_failures: i64,
) -> Result<Option<Lockout>, sqlx::Error> {
    let counted = throttle::current(db, Scope::SignIn, &sign_in_subject(email)).await?;
    Ok(counted.map(|Counted { hits, minutes }| Lockout {
        failures: hits,
        minutes,
        locked: hits >= max_failures,
    }))
}

/// Forgets a login's failed sign-ins, which ends its lockout: a successful sign-in, a new
/// password, or the utility's staff at the owner's request.
pub async fn unlock(db: &Db, email: &str) -> Result<(), sqlx::Error> {
    throttle::clear(db, Scope::SignIn, &sign_in_subject(email)).await
}

/// Emails a single-use reset link (one hour) to the login's own address, in its language;
/// a newer link replaces any earlier one. Whoever asks never sees the link: only the
/// owner's mailbox does.
#[tracing::instrument(skip_all, fields(login_id = %login.id))]
pub async fn send_reset_link(
    db: &Db,
    mailer: &Mailer,
    login: &LoginContact,
) -> Result<(), ServiceError> {
    tokens::revoke_earlier(db, Purpose::PasswordReset, login.id, None).await?;
    let token =
        tokens::issue(db, Purpose::PasswordReset, login.id, None, None, RESET_LINK_SECS).await?;
    let link = mailer.letterhead().link(&format!("{}?token={token}", crate::paths::RESET_PASSWORD));
    let m = compose::password_reset(
        mailer.letterhead(),
        Lang::from_locale(&login.locale),
        &login.email,
        &link,
    )
    .with_secret(&token);
    mailer.queue(db, &m).await?;
    Ok(())
}
