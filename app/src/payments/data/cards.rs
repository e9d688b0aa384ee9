//! SQL for card and wallet payments: which are waiting, the lease a run takes on them
//! before charging (so that two runs never charge one payment), and the processor's answer.

use crate::domain::{BillId, PaymentId};
use crate::email::Composed;
use crate::platform::db::{now, Db, IsoDate};

/// A card or wallet payment waiting to be charged, with what its emails say and to whom.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CardPayment {
    pub id: PaymentId,
    pub bill_id: BillId,
    pub amount_cents: i64,
    /// The convenience fee charged with it (Pay Now by card, when the utility has one).
    pub fee_cents: i64,
    /// `autopay`, or `one_time` for a scheduled Pay Now payment whose date has come.
    pub channel: String,
    pub gateway_token: Option<String>,
    pub number: String,
    pub email: Option<String>,
    pub locale: Option<String>,
    pub kind: String,
    pub card_brand: Option<String>,
    pub last4: String,
    #[sqlx(try_from = "IsoDate")]
    pub draft_date: time::Date,
    #[sqlx(try_from = "IsoDate")]
    pub due_date: time::Date,
}

pub async fn pending_card_payments(
    db: &Db,
    after: PaymentId,
    limit: i64,
) -> Result<Vec<CardPayment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.bill_id, p.amount_cents, p.fee_cents, p.channel, m.gateway_token, c.customer_number || '-' || a.account_number AS number, \
         l.email, l.locale, m.kind, m.card_brand, m.last4, p.draft_date, b.due_date FROM payments p \
         JOIN bills b ON b.id = p.bill_id JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id \
         JOIN payment_methods m ON m.id = p.payment_method_id AND m.customer_id = a.customer_id AND m.removed_at IS NULL \
         LEFT JOIN logins l ON l.customer_id = a.customer_id \
         WHERE p.status = 'pending' AND m.kind <> 'echeck' AND p.id > $1 AND (p.claimed_until IS NULL OR p.claimed_until < $2) \
         ORDER BY p.id LIMIT $3",
    )
    .bind(after)
    .bind(now())
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Takes the pending card and wallet payments with ids in `(after, last]` for charging, for
/// `lease_secs`, in one statement; returns the ids this run got (another run holds the rest,
/// or they are no longer pending).
pub async fn claim_card_payments(
    db: &Db,
    after: PaymentId,
    last: PaymentId,
    lease_secs: i64,
) -> Result<Vec<PaymentId>, sqlx::Error> {
    let at = now();
    let rows: Vec<(PaymentId,)> = sqlx::query_as(
        "UPDATE payments SET claimed_until = $1 WHERE id > $2 AND id <= $3 AND status = 'pending' \
         AND (claimed_until IS NULL OR claimed_until < $4) \
         AND EXISTS (SELECT 1 FROM payment_methods m JOIN accounts a ON a.id = payments.account_id \
         WHERE m.id = payments.payment_method_id AND m.kind <> 'echeck' AND m.customer_id = a.customer_id AND m.removed_at IS NULL) \
         RETURNING id",
    )
    .bind(at + lease_secs)
    .bind(after)
    .bind(last)
    .bind(at)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The processor's answer to one charge.
pub enum CardAnswer {
    Approved(String),
    Declined(String),
    /// Not reached: the payment stays pending for the next run.
    Retry,
}

/// Records a page of the processor's answers in one transaction: each payment's state, the
/// bill's new balance when approved, and the email that tells the customer.
pub async fn finish_card_payments(
    db: &Db,
    answers: &[(&CardPayment, CardAnswer, Option<Composed>)],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let mut emails = Vec::new();
    for (payment, answer, email) in answers {
        let (status, reference, reason) = match answer {
            CardAnswer::Approved(r) => ("paid", Some(r.as_str()), None),
            CardAnswer::Declined(r) => ("failed", None, Some(r.as_str())),
            CardAnswer::Retry => {
                sqlx::query(
                    "UPDATE payments SET claimed_until = NULL WHERE id = $1 AND status = 'pending'",
                )
                .bind(payment.id)
                .execute(&mut *tx)
                .await?;
                continue;
            }
        };
        let done = sqlx::query(
            "UPDATE payments SET status = $1, gateway_reference = $2, failure_reason = $3, claimed_until = NULL, \
             receipt_sent_at = $4, updated_at = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(reference)
        .bind(reason)
        .bind(at)
        .bind(payment.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            continue;
        }
        if reference.is_some() {
            sqlx::query("UPDATE bills SET balance_cents = balance_cents - $1, updated_at = $2 WHERE id = $3")
                .bind(payment.amount_cents)
                .bind(at)
                .bind(payment.bill_id)
                .execute(&mut *tx)
                .await?;
        }
        emails.extend(email.as_ref());
    }
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok(())
}
