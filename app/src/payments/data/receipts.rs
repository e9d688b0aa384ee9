//! SQL for receipts: the e-check payments of written bank files whose receipt is not yet
//! queued, and queueing each at most once.

use crate::domain::{NachaFileId, PaymentId};
use crate::email::Composed;
use crate::platform::db::{now, Db};

/// An e-check payment sent to the bank whose receipt is not yet queued.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceiptDue {
    pub id: PaymentId,
    pub amount_cents: i64,
    /// The day the bank account is debited: the effective entry date of its file.
    pub effective_date: String,
    pub last4: String,
    pub bank_account_type: Option<String>,
    pub number: String,
    pub email: Option<String>,
    pub locale: Option<String>,
}

/// Bank files with payments whose receipt is not yet queued.
pub async fn files_owing_receipts(db: &Db) -> Result<Vec<NachaFileId>, sqlx::Error> {
    let rows: Vec<(NachaFileId,)> = sqlx::query_as(
        "SELECT f.id FROM nacha_files f WHERE f.written_at IS NOT NULL AND EXISTS \
         (SELECT 1 FROM payments p WHERE p.nacha_file_id = f.id AND p.status = 'submitted' AND p.receipt_sent_at IS NULL) ORDER BY f.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn receipts_due(
    db: &Db,
    file_id: NachaFileId,
    after: PaymentId,
    limit: i64,
) -> Result<Vec<ReceiptDue>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.amount_cents, COALESCE(p.effective_date, p.draft_date) AS effective_date, m.last4, m.bank_account_type, \
         c.customer_number || '-' || a.account_number AS number, l.email, l.locale FROM payments p \
         JOIN payment_methods m ON m.id = p.payment_method_id \
         JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id \
         LEFT JOIN logins l ON l.customer_id = a.customer_id \
         WHERE p.nacha_file_id = $1 AND p.id > $2 AND p.status = 'submitted' AND p.receipt_sent_at IS NULL \
         ORDER BY p.id LIMIT $3",
    )
    .bind(file_id)
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Queues the receipts of one page of a file, each payment's at most once: the page is
/// marked in one statement, and only what this run marked gets its email.
pub async fn queue_receipts(
    db: &Db,
    file_id: NachaFileId,
    after: PaymentId,
    last: PaymentId,
    receipts: &[(PaymentId, Option<Composed>)],
) -> Result<usize, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let marked: Vec<(PaymentId,)> = sqlx::query_as(
        "UPDATE payments SET receipt_sent_at = $1 WHERE nacha_file_id = $2 AND id > $3 AND id <= $4 \
         AND status = 'submitted' AND receipt_sent_at IS NULL RETURNING id",
    )
    .bind(now())
    .bind(file_id)
    .bind(after)
    .bind(last)
    .fetch_all(&mut *tx)
    .await?;
    let marked: std::collections::HashSet<PaymentId> = marked.into_iter().map(|r| r.0).collect();
    let emails: Vec<&Composed> = receipts
        .iter()
        .filter(|(id, _)| marked.contains(id))
        .filter_map(|(_, m)| m.as_ref())
        .collect();
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok(emails.len())
}
