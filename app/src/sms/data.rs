//! SQL of the text messages, the numbers that replied STOP, and the development outbox.

use crate::domain::Phone;
use crate::platform::db::now;
use crate::platform::Db;

/// How long an instance holds a text it is sending before another may try it.
const LEASE_SECONDS: i64 = 120;
/// The wait before trying a failed text again.
const RETRY_SECONDS: i64 = 300;

pub struct QueuedText {
    pub to: Phone,
    pub body: String,
    /// The answer to a STOP, sent even though the number stopped.
    pub stop_reply: bool,
}

/// Queues a text; `stop_reply` for the confirmation of a STOP only.
pub async fn queue(db: &Db, to: &Phone, body: &str, stop_reply: bool) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query(
        "INSERT INTO text_messages (to_phone, body, stop_reply, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(to.digits())
    .bind(body)
    .bind(i64::from(stop_reply))
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn due(db: &Db, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM text_messages WHERE sent_at IS NULL AND dropped_at IS NULL \
         AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Reserves a text for this instance; `None` when another instance got it first.
pub async fn claim(db: &Db, id: i64) -> Result<Option<QueuedText>, sqlx::Error> {
    let at = now();
    let claimed = sqlx::query(
        "UPDATE text_messages SET next_attempt_at = $1, attempts = attempts + 1 \
         WHERE id = $2 AND sent_at IS NULL AND dropped_at IS NULL AND next_attempt_at <= $3",
    )
    .bind(at + LEASE_SECONDS)
    .bind(id)
    .bind(at)
    .execute(&db.pool)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(None);
    }
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT to_phone, body, stop_reply FROM text_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    // Only parsed numbers are ever queued.
    Ok(row.and_then(|(to, body, stop_reply)| {
        Some(QueuedText { to: Phone::parse(&to).ok()?, body, stop_reply: stop_reply == 1 })
    }))
}

pub async fn mark_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE text_messages SET sent_at = $1, last_error = NULL WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A failed attempt: tried again later, or given up after `max_attempts`.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    max_attempts: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query(
        "UPDATE text_messages SET last_error = $1, next_attempt_at = $2, \
         dropped_at = CASE WHEN attempts >= $3 THEN $4 ELSE NULL END WHERE id = $5",
    )
    .bind(error)
    .bind(at + RETRY_SECONDS)
    .bind(max_attempts)
    .bind(at)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Gives a text up for good, saying why.
pub async fn drop_text(db: &Db, id: i64, why: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE text_messages SET dropped_at = $1, last_error = $2 WHERE id = $3")
        .bind(now())
        .bind(why)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn stopped(db: &Db, phone: &Phone) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT stopped_at FROM text_opt_outs WHERE phone = $1")
            .bind(phone.digits())
            .fetch_optional(&db.pool)
            .await?;
    Ok(found.is_some())
}

pub async fn stop(db: &Db, phone: &Phone) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO text_opt_outs (phone, stopped_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING",
    )
    .bind(phone.digits())
    .bind(now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn restart(db: &Db, phone: &Phone) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM text_opt_outs WHERE phone = $1")
        .bind(phone.digits())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn into_dev_outbox(db: &Db, to: &Phone, body: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO text_dev_outbox (to_phone, body, sent_at) VALUES ($1, $2, $3)")
        .bind(to.digits())
        .bind(body)
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// What the development outbox holds for a number, oldest first.
pub async fn dev_outbox(db: &Db, to: &Phone) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT body FROM text_dev_outbox WHERE to_phone = $1 ORDER BY id")
            .bind(to.digits())
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(b,)| b).collect())
}
