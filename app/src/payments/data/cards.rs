//! SQL for card and wallet payments: which are waiting, the lease a run takes on them
//! before charging (so that two runs never charge one payment), and the processor's answer.

use crate::domain::{BillId, PaymentId};
use crate::email::Composed;
use crate::platform::db::{now, numbered, Backend, Db, IsoDate};

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
/// bills' new balances for the approved ones, and the emails that tell the customers. A
/// statement per chunk of answers, not per payment (a big day charges 100,000 cards), and
/// only a payment still pending is finished: one another run finished keeps its answer.
pub async fn finish_card_payments(
    db: &Db,
    answers: &[(&CardPayment, CardAnswer, Option<Composed>)],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let mut decided = Vec::with_capacity(answers.len());
    for (payment, answer, _) in answers {
        let (status, reference, reason) = match answer {
            CardAnswer::Approved(r) => ("paid", Some(r.as_str()), None),
            CardAnswer::Declined(r) => ("failed", None, Some(r.as_str())),
            CardAnswer::Retry => {
                release_lease(&mut tx, payment.id).await?;
                continue;
            }
        };
        decided.push(Decided { id: payment.id, status, reference, reason });
    }
    let finished = record_answers(&mut tx, db.backend, &decided, at).await?;
    let is_finished = |p: &CardPayment| finished.contains(&p.id);
    // The approved amounts come off their bills: given back as negative amounts.
    let mut taken = std::collections::BTreeMap::new();
    for (payment, answer, _) in answers {
        if matches!(answer, CardAnswer::Approved(_)) && is_finished(payment) {
            *taken.entry(payment.bill_id).or_insert(0) -= payment.amount_cents;
        }
    }
    super::give_back_many(&mut tx, &taken, at).await?;
    let emails: Vec<&Composed> = answers
        .iter()
        .filter(|(payment, _, _)| is_finished(payment))
        .filter_map(|(_, _, email)| email.as_ref())
        .collect();
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok(())
}

/// The processor was not reached: the payment stays pending, free for the next run.
async fn release_lease(conn: &mut sqlx::AnyConnection, id: PaymentId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET claimed_until = NULL WHERE id = $1 AND status = 'pending'")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A charge's answer as its payment records it.
struct Decided<'a> {
    id: PaymentId,
    status: &'static str,
    reference: Option<&'a str>,
    reason: Option<&'a str>,
}

/// Records the answers of payments still pending; returns those it recorded.
async fn record_answers(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    decided: &[Decided<'_>],
    at: i64,
) -> Result<std::collections::HashSet<PaymentId>, sqlx::Error> {
    const ROWS_PER_STATEMENT: usize = 100;
    let mut finished = std::collections::HashSet::new();
    for chunk in decided.chunks(ROWS_PER_STATEMENT) {
        let all = numbered(backend, chunk.len() * 4 + 2);
        let (values, times) = all.split_at(chunk.len() * 4);
        let rows: Vec<String> =
            values.chunks(4).map(|row| format!("({})", row.join(", "))).collect();
        let of_v = |column: &str| format!("(SELECT v.{column} FROM v WHERE v.id = payments.id)");
        let sql = format!(
            "WITH v (id, status, reference, reason) AS (VALUES {}) \
             UPDATE payments SET status = {}, gateway_reference = {}, failure_reason = {}, claimed_until = NULL, \
             receipt_sent_at = {}, updated_at = {} WHERE id IN (SELECT v.id FROM v) AND status = 'pending' RETURNING id",
            rows.join(", "),
            of_v("status"),
            of_v("reference"),
            of_v("reason"),
            times[0],
            times[1],
        );
        // A full chunk's text is always the same: only that one is kept prepared.
        let full = chunk.len() == ROWS_PER_STATEMENT;
        let mut update = sqlx::query_as::<_, (PaymentId,)>(&sql).persistent(full);
        for d in chunk {
            update = update.bind(d.id).bind(d.status).bind(d.reference).bind(d.reason);
        }
        let recorded = update.bind(at).bind(at).fetch_all(&mut *conn).await?;
        finished.extend(recorded.into_iter().map(|(id,)| id));
    }
    Ok(finished)
}
