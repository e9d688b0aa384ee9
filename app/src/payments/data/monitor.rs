//! SQL for the ACH return-rate monitoring (`payments::monitor`): the debits sent to the
//! bank since a day, by how they came back, and the one alert a day.

use crate::email::Composed;
use crate::platform::db::{now, Db};

/// Debits of written NACHA files, grouped by their state and return code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DebitGroup {
    pub status: String,
    pub return_code: Option<String>,
    pub debits: i64,
    pub amount_cents: i64,
}

/// The e-check debits of every NACHA file written whose effective date (or, for a file
/// recorded before effective dates, its run date) is from `from` to `to`: prenotes carry no
/// payment and are not counted.
pub async fn debits_between(db: &Db, from: &str, to: &str) -> Result<Vec<DebitGroup>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.status, p.return_code, COUNT(*) AS debits, \
         CAST(COALESCE(SUM(p.amount_cents + p.fee_cents), 0) AS BIGINT) AS amount_cents \
         FROM payments p JOIN nacha_files f ON f.id = p.nacha_file_id \
         WHERE f.written_at IS NOT NULL AND COALESCE(f.effective_date, f.run_date) BETWEEN $1 AND $2 \
         GROUP BY p.status, p.return_code ORDER BY p.status, p.return_code",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await
}

/// Queues the day's alert with its record, in one transaction: false when the day already
/// has one (`ach_rate_alerts.day` is the key), whatever the instance that sent it.
pub async fn queue_alert_once(db: &Db, day: &str, email: &Composed) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let claimed = sqlx::query(
        "INSERT INTO ach_rate_alerts (day, sent_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
    )
    .bind(day)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let email_id = crate::email::data::insert_with(&mut tx, email).await?;
    sqlx::query("UPDATE ach_rate_alerts SET email_id = $1 WHERE day = $2")
        .bind(email_id)
        .bind(day)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
