//! SQL for the CIS export (`payments::export`): claiming the lines of a new export, reading
//! an export's lines back one page at a time, and marking it written. Each payment, and
//! each reversal of a returned payment, joins one export only: `cis_export_lines` is unique
//! on (payment_id, kind), so runs claiming at once each get different lines.

use crate::domain::PaymentId;
use crate::platform::db::{is_unique_violation, now, Db};

/// An export as recorded.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub path: String,
    pub line_count: i64,
    pub total_cents: i64,
    pub written_at: Option<i64>,
}

/// One line of an export, as it was when claimed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportLine {
    pub payment_id: PaymentId,
    /// `payment` or `reversal`.
    pub kind: String,
    pub account_number: String,
    pub customer_number: String,
    pub amount_cents: i64,
    pub fee_cents: i64,
    pub method_kind: String,
    pub effective_date: Option<String>,
    pub returned_at: Option<i64>,
    pub status: String,
    pub return_code: Option<String>,
}

/// What a claim could not do.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// Another export already goes to that path.
    #[error("another export already goes to {0}")]
    PathTaken(String),
}

/// The payments the CIS receives: e-checks once their NACHA file is written (they can no
/// longer be withdrawn from it), cards and wallets once paid; a returned payment was one of
/// these before it came back.
const SENT: &str = "p.status IN ('submitted', 'paid', 'returned') \
     AND (m.kind <> 'echeck' OR (p.nacha_file_id IS NOT NULL AND f.written_at IS NOT NULL))";

const FROM: &str = "FROM payments p JOIN accounts a ON a.id = p.account_id \
     JOIN customers c ON c.id = a.customer_id JOIN payment_methods m ON m.id = p.payment_method_id \
     LEFT JOIN nacha_files f ON f.id = p.nacha_file_id";

const COLUMNS: &str =
    "(export_id, payment_id, kind, account_number, customer_number, amount_cents, \
     fee_cents, method_kind, effective_date, returned_at, status, return_code)";

/// Records a new export with every payment line and reversal line no export holds yet, in
/// one transaction; its path is `path_of(export id)`. None when there is nothing new (the
/// export is not recorded then).
pub async fn claim(
    db: &Db,
    path_of: impl Fn(i64) -> String,
) -> Result<Option<ExportRow>, ClaimError> {
    let mut tx = db.pool.begin().await?;
    let placeholder = format!("claiming-{}", crate::platform::tokens::random_token());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cis_exports (path, line_count, total_cents, created_at) VALUES ($1, 0, 0, $2) RETURNING id",
    )
    .bind(&placeholder)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    // A payment's line says what was sent; a returned payment's line says it was sent too
    // (its reversal, claimed next in the same transaction when it is not yet exported,
    // takes it back).
    sqlx::query(&format!(
        "INSERT INTO cis_export_lines {COLUMNS} \
         SELECT $1, p.id, 'payment', a.account_number, c.customer_number, p.amount_cents, p.fee_cents, m.kind, \
         COALESCE(p.effective_date, f.effective_date, f.run_date, p.draft_date), NULL, \
         CASE WHEN p.status = 'returned' THEN 'submitted' ELSE p.status END, NULL {FROM} \
         WHERE {SENT} AND NOT EXISTS (SELECT 1 FROM cis_export_lines l WHERE l.payment_id = p.id AND l.kind = 'payment') \
         ORDER BY p.id ON CONFLICT (payment_id, kind) DO NOTHING"
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO cis_export_lines {COLUMNS} \
         SELECT $1, p.id, 'reversal', a.account_number, c.customer_number, -p.amount_cents, -p.fee_cents, m.kind, \
         NULL, COALESCE(p.returned_at, p.updated_at), 'returned', p.return_code {FROM} \
         WHERE p.status = 'returned' AND {SENT} \
         AND NOT EXISTS (SELECT 1 FROM cis_export_lines l WHERE l.payment_id = p.id AND l.kind = 'reversal') \
         ORDER BY p.id ON CONFLICT (payment_id, kind) DO NOTHING"
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let (count, total): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM cis_export_lines WHERE export_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if count == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let path = path_of(id);
    let named = sqlx::query(
        "UPDATE cis_exports SET path = $1, line_count = $2, total_cents = $3 WHERE id = $4",
    )
    .bind(&path)
    .bind(count)
    .bind(total)
    .bind(id)
    .execute(&mut *tx)
    .await;
    match named {
        Err(e) if is_unique_violation(&e) => return Err(ClaimError::PathTaken(path)),
        other => other?,
    };
    tx.commit().await?;
    Ok(Some(ExportRow { id, path, line_count: count, total_cents: total, written_at: None }))
}

/// Exports recorded but not yet written (a run stopped between the two), oldest first.
pub async fn unwritten(db: &Db) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, path, line_count, total_cents, written_at FROM cis_exports \
         WHERE written_at IS NULL AND path NOT LIKE 'claiming-%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

/// Whether a path is already some export's.
pub async fn path_taken(db: &Db, path: &str) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM cis_exports WHERE path = $1")
        .bind(path)
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// The export's lines after `after` (payment id, kind), in file order: by payment, its
/// payment line before its reversal. At most `limit`.
pub async fn lines_after(
    db: &Db,
    export_id: i64,
    after: Option<(PaymentId, &str)>,
    limit: i64,
) -> Result<Vec<ExportLine>, sqlx::Error> {
    let (id, kind) = after.unwrap_or((PaymentId(0), ""));
    sqlx::query_as(
        "SELECT payment_id, kind, account_number, customer_number, amount_cents, fee_cents, method_kind, \
         effective_date, returned_at, status, return_code FROM cis_export_lines \
         WHERE export_id = $1 AND (payment_id > $2 OR (payment_id = $2 AND kind > $3)) \
         ORDER BY payment_id, kind LIMIT $4",
    )
    .bind(export_id)
    .bind(id)
    .bind(kind)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

pub async fn mark_written(db: &Db, export_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cis_exports SET written_at = $1 WHERE id = $2 AND written_at IS NULL")
        .bind(now())
        .bind(export_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
