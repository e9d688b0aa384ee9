//! SQL of the audit log: appending a row to the chain, reading rows, and verifying the
//! chain. A row's hash is the SHA-256 of its fields and the hash before it, serialised as
//! one JSON array (unambiguous whatever the fields contain). `prev_hash` is unique, so two
//! instances appending at once cannot both extend the same row: the loser reads the new
//! end of the chain and tries again.

use super::{AuditFilter, AuditRow, NewAuditRow};
use crate::domain::{AuditId, CustomerId, StaffId};
use crate::platform::db::{is_unique_violation, now, Db};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const ATTEMPTS: usize = 20;
/// Rows read per statement while verifying, so that memory stays flat however long the log.
const VERIFY_PAGE: i64 = 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
struct StoredRow {
    id: AuditId,
    at: i64,
    staff_id: Option<StaffId>,
    actor: String,
    action: String,
    address: String,
    customer_id: Option<CustomerId>,
    reason: Option<String>,
    details: String,
    prev_hash: String,
    hash: String,
}

#[allow(clippy::too_many_arguments)]
fn row_hash(
    prev: &str,
    at: i64,
    staff: Option<StaffId>,
    actor: &str,
    action: &str,
    address: &str,
    customer: Option<CustomerId>,
    reason: Option<&str>,
    details: &str,
) -> String {
    let fields = serde_json::json!([
        prev,
        at,
        staff.map(|s| s.0),
        actor,
        action,
        address,
        customer.map(|c| c.0),
        reason,
        details
    ]);
    Sha256::digest(fields.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends a row at the end of the chain.
pub async fn append(db: &Db, row: &NewAuditRow<'_>) -> Result<AuditId, sqlx::Error> {
    let at = now();
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        let prev: Option<(String,)> =
            sqlx::query_as("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(&db.pool)
                .await?;
        let prev = prev.map_or_else(|| GENESIS.to_string(), |p| p.0);
        let action = row.action.as_str();
        let hash = row_hash(
            &prev,
            at,
            row.staff,
            row.actor,
            action,
            row.address,
            row.customer,
            row.reason,
            &row.details,
        );
        let inserted: Result<(AuditId,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO audit_log (at, staff_id, actor, action, address, customer_id, reason, details, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(at)
        .bind(row.staff)
        .bind(row.actor)
        .bind(action)
        .bind(row.address)
        .bind(row.customer)
        .bind(row.reason)
        .bind(&row.details)
        .bind(&prev)
        .bind(&hash)
        .fetch_one(&db.pool)
        .await;
        match inserted {
            Ok((id,)) => return Ok(id),
            // Another instance extended the chain first: read its new end and try again.
            Err(e) if is_unique_violation(&e) => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or(sqlx::Error::RowNotFound))
}

/// Where the chain breaks: the first row whose stored hash is not its own (edited), or
/// whose `prev_hash` is not the hash of the row before it (a row removed or inserted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    Edited(AuditId),
    Unlinked(AuditId),
}

/// Walks the whole chain in id order; `Ok(rows)` when it is unbroken.
pub async fn verify(db: &Db) -> Result<Result<u64, ChainBreak>, sqlx::Error> {
    let (mut prev, mut after, mut rows) = (GENESIS.to_string(), 0i64, 0u64);
    loop {
        let page: Vec<StoredRow> = sqlx::query_as(
            "SELECT id, at, staff_id, actor, action, address, customer_id, reason, details, prev_hash, hash \
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(VERIFY_PAGE)
        .fetch_all(&db.pool)
        .await?;
        let Some(last) = page.last() else { return Ok(Ok(rows)) };
        after = last.id.0;
        for r in &page {
            if r.prev_hash != prev {
                return Ok(Err(ChainBreak::Unlinked(r.id)));
            }
            let own = row_hash(
                &r.prev_hash,
                r.at,
                r.staff_id,
                &r.actor,
                &r.action,
                &r.address,
                r.customer_id,
                r.reason.as_deref(),
                &r.details,
            );
            if own != r.hash {
                return Ok(Err(ChainBreak::Edited(r.id)));
            }
            prev = r.hash.clone();
            rows += 1;
        }
    }
}

/// Rows matching `filter`, newest first, at most `limit`.
pub async fn rows(db: &Db, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut sql = String::from(
        "SELECT id, at, actor, action, address, customer_id, reason, details FROM audit_log WHERE 1 = 1",
    );
    let mut n = 0;
    let mut next = |column: &str, op: &str| {
        n += 1;
        format!(" AND {column} {op} ${n}")
    };
    if filter.actor.is_some() {
        sql += &next("actor", "=");
    }
    if filter.action.is_some() {
        sql += &next("action", "=");
    }
    if filter.customer.is_some() {
        sql += &next("customer_id", "=");
    }
    if filter.from.is_some() {
        sql += &next("at", ">=");
    }
    if filter.until.is_some() {
        sql += &next("at", "<");
    }
    if filter.before.is_some() {
        sql += &next("id", "<");
    }
    sql += &format!(" ORDER BY id DESC LIMIT ${}", n + 1);
    let mut query = sqlx::query_as::<_, AuditRow>(&sql);
    if let Some(actor) = &filter.actor {
        query = query.bind(actor.trim().to_lowercase());
    }
    if let Some(action) = filter.action {
        query = query.bind(action.as_str());
    }
    if let Some(customer) = filter.customer {
        query = query.bind(customer);
    }
    if let Some(from) = filter.from {
        query = query.bind(from);
    }
    if let Some(until) = filter.until {
        query = query.bind(until);
    }
    if let Some(before) = filter.before {
        query = query.bind(before);
    }
    query.bind(limit).fetch_all(&db.pool).await
}
