//! SQL for the email outbox.

use crate::domain::{BillId, EmailId};
use crate::email::Composed;
use crate::platform::db::{now, Backend, Db};

/// Delivery gives up after this many failed attempts; the row keeps its last error.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a claimed message is reserved for the instance that claimed it.
const LEASE_SECONDS: i64 = 120;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEmail {
    pub id: EmailId,
    pub to_address: String,
    pub locale: String,
    pub kind: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The columns a queued message fills, eight of them.
const COLUMNS: &str =
    "(to_address, locale, kind, subject, body_text, body_html, secret, created_at)";

/// The placeholders of `rows` messages, a group of eight each.
fn placeholders(backend: Backend, rows: usize) -> String {
    crate::platform::db::placeholders(backend, rows, 8)
}

type Insert<'q, O> = sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>;

/// Binds a message's columns, in `COLUMNS`' order.
fn bind_message<'q, O>(insert: Insert<'q, O>, m: &'q Composed, at: i64) -> Insert<'q, O> {
    insert
        .bind(&m.to)
        .bind(m.locale)
        .bind(m.kind)
        .bind(&m.subject)
        .bind(&m.text)
        .bind(&m.html)
        .bind(m.secret.as_deref())
        .bind(at)
}

/// Queues a message, with the token of its link if it carries one (`emails.secret`).
pub async fn insert(db: &Db, m: &Composed) -> Result<EmailId, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    insert_with(&mut conn, m).await
}

/// Queues inside the caller's transaction, so that the email exists exactly when the
/// change it announces does.
pub async fn insert_with(
    conn: &mut sqlx::AnyConnection,
    m: &Composed,
) -> Result<EmailId, sqlx::Error> {
    let values = placeholders(Backend::of(conn), 1);
    let sql = format!("INSERT INTO emails {COLUMNS} VALUES {values} RETURNING id");
    let (id,): (EmailId,) = bind_message(sqlx::query_as(&sql), m, now()).fetch_one(conn).await?;
    Ok(id)
}

/// A bill's message that goes out at most once, and the table that records it was queued
/// (`bill_id` unique, `sent_at`, `email_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OncePerBill {
    /// "AutoPay will pay your bill on …".
    AutopayReminder,
    /// "Your bill is ready".
    BillReady,
}

impl OncePerBill {
    fn table(self) -> &'static str {
        match self {
            Self::AutopayReminder => "autopay_reminders",
            Self::BillReady => "bill_notifications",
        }
    }
}

/// Queues the bill's one message of a kind: the claim (the bill's row in the kind's table)
/// and the email are written in one transaction, so two runs at once queue it once.
/// False when it was queued before.
pub async fn queue_once(
    db: &Db,
    once: OncePerBill,
    bill_id: BillId,
    m: &Composed,
) -> Result<bool, sqlx::Error> {
    let table = once.table();
    let mut tx = db.pool.begin().await?;
    let claimed = sqlx::query(&format!(
        "INSERT INTO {table} (bill_id, sent_at) VALUES ($1, $2) ON CONFLICT (bill_id) DO NOTHING"
    ))
    .bind(bill_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let email_id = insert_with(&mut tx, m).await?;
    sqlx::query(&format!("UPDATE {table} SET email_id = $1 WHERE bill_id = $2"))
        .bind(email_id)
        .bind(bill_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Queues many messages inside the caller's transaction, several rows per statement: a
/// big AutoPay run queues a receipt per payment, and one statement each would be most of
/// its time.
pub async fn insert_many_with(
    conn: &mut sqlx::AnyConnection,
    messages: &[&Composed],
) -> Result<(), sqlx::Error> {
    const ROWS_PER_STATEMENT: usize = 50;
    let at = now();
    let backend = Backend::of(conn);
    for chunk in messages.chunks(ROWS_PER_STATEMENT) {
        let sql =
            format!("INSERT INTO emails {COLUMNS} VALUES {}", placeholders(backend, chunk.len()));
        let mut insert: Insert<'_, (i64,)> = sqlx::query_as(&sql);
        for m in chunk {
            insert = bind_message(insert, m, at);
        }
        sqlx::Executor::execute(&mut *conn, insert).await?;
    }
    Ok(())
}

/// Ids of messages waiting for delivery, the longest due first: in the order of the index
/// of unsent messages, so a queue of a million receipts is not sorted again for each batch.
pub async fn due(db: &Db, limit: i64) -> Result<Vec<EmailId>, sqlx::Error> {
    let rows: Vec<(EmailId,)> = sqlx::query_as(
        "SELECT id FROM emails WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2 \
         ORDER BY next_attempt_at, id LIMIT $3",
    )
    .bind(MAX_ATTEMPTS)
    .bind(now())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Reserves a message for this instance; `None` when another instance got it first.
pub async fn claim(db: &Db, id: EmailId) -> Result<Option<StoredEmail>, sqlx::Error> {
    let at = now();
    let claimed = sqlx::query(
        "UPDATE emails SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3",
    )
    .bind(at + LEASE_SECONDS)
    .bind(id)
    .bind(at)
    .execute(&db.pool)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(None);
    }
    by_id(db, id).await
}

pub async fn by_id(db: &Db, id: EmailId) -> Result<Option<StoredEmail>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_address, locale, kind, subject, body_text, body_html, created_at, sent_at, attempts, last_error \
         FROM emails WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn mark_sent(db: &Db, id: EmailId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE emails SET sent_at = $1, last_error = NULL WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Replaces the message's secret (its link's token) with `marker` in the stored subject and
/// bodies, and forgets it: for a message delivered or given up for good, whose stored copy
/// must open nothing. A message without a secret is left as it is (REPLACE with NULL is
/// NULL, so COALESCE keeps the text).
pub async fn forget_secret(db: &Db, id: EmailId, marker: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE emails SET subject = COALESCE(REPLACE(subject, secret, $1), subject), \
         body_text = COALESCE(REPLACE(body_text, secret, $1), body_text), \
         body_html = COALESCE(REPLACE(body_html, secret, $1), body_html), secret = NULL \
         WHERE id = $2 AND secret IS NOT NULL",
    )
    .bind(marker)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a failed attempt; the next one waits longer (30 s, 1 min, 2 min, … 4 h).
pub async fn mark_failed(
    db: &Db,
    id: EmailId,
    error: &str,
    permanent: bool,
) -> Result<(), sqlx::Error> {
    let Some(email) = by_id(db, id).await? else { return Ok(()) };
    let attempts = if permanent { MAX_ATTEMPTS } else { email.attempts + 1 };
    let pause = 30_i64 << attempts.clamp(0, 9);
    sqlx::query(
        "UPDATE emails SET attempts = $1, last_error = $2, next_attempt_at = $3 WHERE id = $4",
    )
    .bind(attempts)
    .bind(error)
    .bind(now() + pause)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The newest messages, for the development outbox page.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<StoredEmail>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_address, locale, kind, subject, body_text, body_html, created_at, sent_at, attempts, last_error \
         FROM emails ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// A message as the back office lists it: what, to whom, when, how its delivery went;
/// never its body (a link's token lives there until delivery).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmailSummary {
    pub id: EmailId,
    pub to_address: String,
    pub kind: String,
    /// With a link's token, should one be in it, replaced by `marker`.
    pub subject: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The newest `limit` messages to any of `addresses`, newest first.
pub async fn sent_to(
    db: &Db,
    addresses: &[String],
    marker: &str,
    limit: i64,
) -> Result<Vec<EmailSummary>, sqlx::Error> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (0..addresses.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT id, to_address, kind, COALESCE(REPLACE(subject, secret, $1), subject) AS subject, \
         created_at, sent_at, attempts, last_error FROM emails WHERE to_address IN ({}) \
         ORDER BY id DESC LIMIT $2",
        list.join(", ")
    );
    let mut query = sqlx::query_as(&sql).bind(marker).bind(limit);
    for address in addresses {
        query = query.bind(address.as_str());
    }
    query.fetch_all(&db.pool).await
}

/// Messages to one address, oldest first (tests and the outbox page).
pub async fn to_address(db: &Db, to: &str) -> Result<Vec<StoredEmail>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_address, locale, kind, subject, body_text, body_html, created_at, sent_at, attempts, last_error \
         FROM emails WHERE to_address = $1 ORDER BY id",
    )
    .bind(to)
    .fetch_all(&db.pool)
    .await
}
