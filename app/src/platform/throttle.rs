//! Failure counters in the database, so that every server instance sees the same counts:
//! account lookups per client address and per account number, sign-ins per login.

use super::db::{now, Db};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    LookupByAddress,
    LookupByAccount,
    SignIn,
    ResetByEmail,
    ResetByAddress,
    DeliveryEmail,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Self::LookupByAddress => "lookup-address",
            Self::LookupByAccount => "lookup-account",
            Self::SignIn => "sign-in",
            Self::ResetByEmail => "reset-email",
            Self::ResetByAddress => "reset-address",
            Self::DeliveryEmail => "delivery-email",
        }
    }
}

/// A rule: at most `max` failures within `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

pub const LOOKUP_LIMIT: Limit = Limit { max: 5, window_secs: 15 * 60 };
pub const SIGN_IN_LIMIT: Limit = Limit { max: 10, window_secs: 15 * 60 };
/// Reset emails per address asked for (no inbox flooding) and per client.
pub const RESET_EMAIL_LIMIT: Limit = Limit { max: 3, window_secs: 60 * 60 };
pub const RESET_ADDRESS_LIMIT: Limit = Limit { max: 10, window_secs: 60 * 60 };

/// `Some(minutes)` to wait when the subject is over its limit, else `None`.
pub async fn blocked_for(db: &Db, scope: Scope, subject: &str, limit: Limit) -> Result<Option<i64>, sqlx::Error> {
    let since = now() - limit.window_secs;
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM throttle_events WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(scope.name())
    .bind(subject)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    if count < limit.max {
        return Ok(None);
    }
    let free_at = oldest.unwrap_or(now()) + limit.window_secs;
    Ok(Some(((free_at - now() + 59) / 60).max(1)))
}

pub async fn record_failure(db: &Db, scope: Scope, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO throttle_events (scope, subject, at) VALUES ($1, $2, $3)")
        .bind(scope.name())
        .bind(subject)
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn clear(db: &Db, scope: Scope, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttle_events WHERE scope = $1 AND subject = $2")
        .bind(scope.name())
        .bind(subject)
        .execute(&db.pool)
        .await?;
    Ok(())
}
