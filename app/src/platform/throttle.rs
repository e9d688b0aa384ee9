//! Attempt counters in the database, so that every server instance sees the same counts:
//! account lookups, sign-ins, registrations, reset requests and new cards, per client
//! address and per what they aim at.
//!
//! An attempt is counted *before* the work it guards, and the decision comes from the count
//! that one statement returns: of any number of attempts sent at once, at most `max` are let
//! through. (Checking first and recording afterwards let every parallel guess pass the check
//! while the count was still low.) An attempt that turns out not to count against the
//! subject (a lookup that found its account) is given back with [`refund`].

use super::db::{now, Db};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    LookupByAddress,
    LookupByAccount,
    SignIn,
    SignInByAddress,
    RegistrationByAddress,
    ResetByEmail,
    ResetByAddress,
    DeliveryEmail,
    NewCardsByCustomerHour,
    NewCardsByCustomerDay,
    NewCardsByAddressHour,
    NewCardsByAddressDay,
    /// Quick Pay: failed look-ups and payment attempts (declines included), per account
    /// number and per client address, in a day.
    QuickPayByAccount,
    QuickPayByAddress,
    /// Staff sign-ins, per email and per client address, limited like customers'.
    StaffSignIn,
    StaffSignInByAddress,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Self::LookupByAddress => "lookup-address",
            Self::LookupByAccount => "lookup-account",
            Self::SignIn => "sign-in",
            Self::SignInByAddress => "sign-in-address",
            Self::RegistrationByAddress => "registration-address",
            Self::ResetByEmail => "reset-email",
            Self::ResetByAddress => "reset-address",
            Self::DeliveryEmail => "delivery-email",
            Self::NewCardsByCustomerHour => "cards-customer-hour",
            Self::NewCardsByCustomerDay => "cards-customer-day",
            Self::NewCardsByAddressHour => "cards-address-hour",
            Self::NewCardsByAddressDay => "cards-address-day",
            Self::QuickPayByAccount => "quick-pay-account",
            Self::QuickPayByAddress => "quick-pay-address",
            Self::StaffSignIn => "staff-sign-in",
            Self::StaffSignInByAddress => "staff-sign-in-address",
        }
    }
}

/// A rule: at most `max` attempts within `window_secs` of the first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

pub const LOOKUP_LIMIT: Limit = Limit { max: 5, window_secs: 15 * MINUTE };
/// Reset emails per address asked for (no inbox flooding) and per client.
pub const RESET_EMAIL_LIMIT: Limit = Limit { max: 3, window_secs: HOUR };
pub const RESET_ADDRESS_LIMIT: Limit = Limit { max: 10, window_secs: HOUR };

/// Who is asking, as the throttles count them, and the limits in force.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The client address's subject ([`address_subject`]).
    pub client: &'a str,
    pub limits: &'a crate::platform::config::LimitsConfig,
}

/// What an attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead; this is attempt `nth` of the window (1-based), which ends in `minutes`.
    Allowed { nth: i64, minutes: i64 },
    /// Over the limit: try again in this many minutes (at least 1).
    Blocked { minutes: i64 },
}

/// Counts one attempt of `subject` and says whether it may go ahead, in one statement: the
/// counter row is created or moved on atomically (SQLite serialises writers; PostgreSQL
/// locks the row for `ON CONFLICT DO UPDATE`), and a window that has ended starts again.
pub async fn attempt(
    db: &Db,
    scope: Scope,
    subject: &str,
    limit: Limit,
) -> Result<Admission, sqlx::Error> {
    let at = now();
    let (hits, window_start): (i64, i64) = sqlx::query_as(
        "INSERT INTO throttle_counters (scope, subject, window_start, window_secs, hits) VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (scope, subject) DO UPDATE SET \
         hits = CASE WHEN throttle_counters.window_start + throttle_counters.window_secs <= $3 THEN 1 ELSE throttle_counters.hits + 1 END, \
         window_start = CASE WHEN throttle_counters.window_start + throttle_counters.window_secs <= $3 THEN $3 ELSE throttle_counters.window_start END, \
         window_secs = $4 \
         RETURNING hits, window_start",
    )
    .bind(scope.name())
    .bind(subject)
    .bind(at)
    .bind(limit.window_secs)
    .fetch_one(&db.pool)
    .await?;
    Ok(admission(hits, window_start, limit, at))
}

fn admission(hits: i64, window_start: i64, limit: Limit, at: i64) -> Admission {
    let window_end = window_start + limit.window_secs;
    let minutes = ((window_end - at + 59) / 60).max(1);
    if hits <= limit.max {
        Admission::Allowed { nth: hits, minutes }
    } else {
        Admission::Blocked { minutes }
    }
}

/// Counts an attempt against several subjects, in order; the first that is over its limit
/// decides (the later ones are not counted).
pub async fn attempt_all(
    db: &Db,
    checks: &[(Scope, &str, Limit)],
) -> Result<Option<i64>, sqlx::Error> {
    for (scope, subject, limit) in checks {
        if let Admission::Blocked { minutes } = attempt(db, *scope, subject, *limit).await? {
            return Ok(Some(minutes));
        }
    }
    Ok(None)
}

/// Gives back one counted attempt that turned out not to count (it succeeded).
pub async fn refund(db: &Db, scope: Scope, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE throttle_counters SET hits = hits - 1 WHERE scope = $1 AND subject = $2 AND hits > 0")
        .bind(scope.name())
        .bind(subject)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Forgets a subject's attempts (a successful sign-in ends its run of failures).
pub async fn clear(db: &Db, scope: Scope, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttle_counters WHERE scope = $1 AND subject = $2")
        .bind(scope.name())
        .bind(subject)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A subject's attempts in a window that has not ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub hits: i64,
    /// Until the window ends (at least 1).
    pub minutes: i64,
}

/// What is counted against a subject now, without counting anything (a staff member
/// looking at a lockout); `None` when nothing is, or its window has ended.
pub async fn current(db: &Db, scope: Scope, subject: &str) -> Result<Option<Counted>, sqlx::Error> {
    let at = now();
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT hits, window_start + window_secs FROM throttle_counters \
         WHERE scope = $1 AND subject = $2 AND window_start + window_secs > $3 AND hits > 0",
    )
    .bind(scope.name())
    .bind(subject)
    .bind(at)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(hits, end)| Counted { hits, minutes: ((end - at + 59) / 60).max(1) }))
}

/// A subject's count of attempts in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Counter {
    pub hits: i64,
    pub window_start: i64,
    pub window_secs: i64,
}

impl Counter {
    /// When the window ends, if a subject at `limit` is refused until then: the next attempt
    /// would be over the limit (`attempt` lets `limit.max` through, refuses the one after).
    pub fn blocked_until(&self, limit: i64, now: i64) -> Option<i64> {
        let ends = self.window_start.saturating_add(self.window_secs);
        (self.hits >= limit && ends > now).then_some(ends)
    }

    /// Attempts counted in a window still running (0 once it has ended).
    pub fn current_hits(&self, now: i64) -> i64 {
        if self.window_start.saturating_add(self.window_secs) > now {
            self.hits
        } else {
            0
        }
    }
}

/// A subject's counter, as it stands (it may belong to a window that has ended).
pub async fn counter(db: &Db, scope: Scope, subject: &str) -> Result<Option<Counter>, sqlx::Error> {
    sqlx::query_as(
        "SELECT hits, window_start, window_secs FROM throttle_counters WHERE scope = $1 AND subject = $2",
    )
    .bind(scope.name())
    .bind(subject)
    .fetch_optional(&db.pool)
    .await
}

/// Deletes counters whose window has ended (they decide nothing any more); returns how many.
pub async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM throttle_counters WHERE window_start + window_secs <= $1")
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// The subject a client address is counted under: an IPv4 address as it is, an IPv6
/// address by its /64 (one household or server gets a whole /64, and would otherwise
/// have 2^64 fresh throttles).
pub fn address_subject(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(address_subject(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(address_subject(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(address_subject(ip("2001:db8:1:2:ffff:1:2:3")), "2001:db8:1:2::/64");
        assert_ne!(address_subject(ip("2001:db8:1:3::1")), "2001:db8:1:2::/64");
        assert_eq!(address_subject(ip("::ffff:198.51.100.7")), "198.51.100.7");
    }

    #[test]
    fn a_subject_at_its_limit_is_blocked_until_its_window_ends() {
        let counter = Counter { hits: 10, window_start: 1_000, window_secs: 15 * MINUTE };
        let ends = 1_000 + 15 * MINUTE;
        assert_eq!(counter.blocked_until(10, 1_000), Some(ends));
        assert_eq!(counter.blocked_until(10, ends - 1), Some(ends));
        assert_eq!(counter.blocked_until(10, ends), None, "the window has ended");
        assert_eq!(counter.blocked_until(11, 1_000), None, "one attempt left");
        assert_eq!(Counter { hits: 12, ..counter }.blocked_until(10, 1_000), Some(ends));
        assert_eq!(counter.current_hits(ends - 1), 10);
        assert_eq!(counter.current_hits(ends), 0);
        // As `attempt` decides: the limit's own attempt goes ahead, the next is refused.
        let limit = Limit { max: 10, window_secs: 15 * MINUTE };
        assert!(matches!(admission(10, 1_000, limit, 1_000), Admission::Allowed { .. }));
        assert!(matches!(admission(11, 1_000, limit, 1_000), Admission::Blocked { .. }));
    }

    #[test]
    fn the_attempt_over_the_limit_waits_until_the_window_ends() {
        let limit = Limit { max: 3, window_secs: 15 * MINUTE };
        assert_eq!(admission(3, 1_000, limit, 1_000), Admission::Allowed { nth: 3, minutes: 15 });
        assert_eq!(admission(4, 1_000, limit, 1_000), Admission::Blocked { minutes: 15 });
        assert_eq!(
            admission(40, 1_000, limit, 1_000 + 14 * MINUTE + 1),
            Admission::Blocked { minutes: 1 }
        );
    }
}
