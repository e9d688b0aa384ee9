//! SQL for one-time payments (Pay Now): the accounts a customer can pay and what is already
//! on its way, a submitted form with its payments (exactly once per form key), the card
//! processor's answer, the confirmation, and cancelling a scheduled payment. Every query
//! names the customer.

use crate::domain::payment::{check_amount, AmountProblem};
use crate::domain::{AccountId, BillId, Cents, CustomerId, MethodId, PaymentId, SubmissionId};
use crate::email::Composed;
use crate::platform::db::{now, Db, WriteLock};
use crate::platform::vault::{Binding, Sealed};

/// How long a payment being charged in a request is held from the daily run, which
/// charges it under the same reference if the request stopped half-way.
pub const CHARGE_LEASE_SECS: i64 = 300;
/// A debit sent to the bank is shown as on its way for this long.
const SENT_SHOWN_SECS: i64 = 10 * 86_400;

/// The newest bill of account `a`: the one the Pay page offers to pay.
const NEWEST_BILL: &str = "(SELECT b2.id FROM bills b2 WHERE b2.account_id = a.id \
     ORDER BY b2.bill_date DESC, b2.id DESC LIMIT 1)";

/// What is on its way to account `a` but not yet taken off its bill: scheduled and pending
/// payments (a debit sent to the bank and a paid charge are taken off the balance then).
const UNAPPLIED: &str =
    "CAST(COALESCE((SELECT SUM(p.amount_cents) FROM payments p WHERE p.account_id = a.id \
     AND p.status IN ('scheduled', 'pending')), 0) AS BIGINT)";

/// An account of the customer as the Pay page offers it: its newest bill and what is
/// already on its way but not yet taken off that bill's balance.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayableRow {
    pub account_id: AccountId,
    pub number: String,
    pub service_address: String,
    pub bill_id: Option<BillId>,
    pub due_date: Option<String>,
    pub balance_cents: Option<Cents>,
    /// Scheduled and pending payments: they come off the balance when they are sent.
    pub unapplied_cents: Cents,
}

/// The accounts as the payment forms offer them, chosen by `filter` (a WHERE and ORDER BY).
fn payable(filter: &str) -> String {
    format!(
        "SELECT a.id AS account_id, c.customer_number || '-' || a.account_number AS number, \
         a.service_address || ', ' || a.service_city AS service_address, \
         b.id AS bill_id, b.due_date, b.balance_cents, {UNAPPLIED} AS unapplied_cents \
         FROM accounts a JOIN customers c ON c.id = a.customer_id \
         LEFT JOIN bills b ON b.id = {NEWEST_BILL} {filter}"
    )
}

pub async fn payable_accounts(
    db: &Db,
    customer_id: CustomerId,
) -> Result<Vec<PayableRow>, sqlx::Error> {
    sqlx::query_as(&payable("WHERE a.customer_id = $1 ORDER BY a.account_number"))
        .bind(customer_id)
        .fetch_all(&db.pool)
        .await
}

/// One account as Quick Pay offers it, whoever owns it.
pub async fn payable_account(
    db: &Db,
    account_id: AccountId,
) -> Result<Option<PayableRow>, sqlx::Error> {
    sqlx::query_as(&payable("WHERE a.id = $1")).bind(account_id).fetch_optional(&db.pool).await
}

/// A payment of the customer's that is still on its way.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OnItsWayRow {
    pub account_id: AccountId,
    pub amount_cents: Cents,
    pub draft_date: String,
    pub status: String,
    pub created_at: i64,
}

impl OnItsWayRow {
    /// As the pages show it (a row with an unreadable date is left out).
    pub fn shown(&self) -> Option<crate::payments::OnItsWay> {
        Some(crate::payments::OnItsWay {
            amount: self.amount_cents,
            date: crate::domain::autopay::calendar::parse_iso(&self.draft_date)?,
            state: crate::domain::payment::PaymentState::from_status(&self.status),
        })
    }
}

/// The customer's payments on their way, by account.
pub async fn on_its_way_by_account(
    db: &Db,
    customer_id: CustomerId,
) -> Result<std::collections::HashMap<AccountId, Vec<crate::payments::OnItsWay>>, sqlx::Error> {
    let mut by_account: std::collections::HashMap<_, Vec<_>> = Default::default();
    for row in on_its_way(db, customer_id).await? {
        if let Some(shown) = row.shown() {
            by_account.entry(row.account_id).or_default().push(shown);
        }
    }
    Ok(by_account)
}

/// Scheduled and pending payments, and debits sent to the bank in the last days, each dated
/// the day its money moves (an e-check's effective entry date once it has one).
pub async fn on_its_way(db: &Db, customer_id: CustomerId) -> Result<Vec<OnItsWayRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.account_id, p.amount_cents, COALESCE(p.effective_date, p.draft_date) AS draft_date, p.status, p.created_at \
         FROM payments p JOIN accounts a ON a.id = p.account_id WHERE a.customer_id = $1 \
         AND (p.status IN ('scheduled', 'pending') OR (p.status = 'submitted' AND p.updated_at > $2)) \
         ORDER BY 3, p.id",
    )
    .bind(customer_id)
    .bind(now() - SENT_SHOWN_SECS)
    .fetch_all(&db.pool)
    .await
}

/// One account's payment of a submitted form.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub account_id: AccountId,
    pub bill_id: BillId,
    pub amount: Cents,
    pub fee: Cents,
}

/// Composes a submission's email from the ids of its payments.
pub type ReceiptOf<'a> = &'a (dyn Fn(&[PaymentId]) -> Composed + Sync);

/// A submitted payment form, as it is recorded.
pub struct NewSubmission<'a> {
    pub form_key: &'a str,
    pub customer_id: CustomerId,
    pub channel: &'a str,
    pub receipt_email: Option<&'a str>,
    pub locale: &'a str,
    pub method_id: MethodId,
    pub draft_date: &'a str,
    /// An e-check's effective entry date (`banking_days::effective_entry_date`); none for a
    /// card or wallet.
    pub effective_date: Option<&'a str>,
    /// `scheduled` for a later date; `pending` for today.
    pub status: &'a str,
    /// Card payments are charged in the request: held from the daily run meanwhile.
    pub charging_now: bool,
    /// How much more than an account owes a line may pay (`payments.overpayment_limit`).
    pub overpayment_limit: Cents,
    pub lines: Vec<NewLine>,
    /// The email that confirms it, made from its payments' ids, when it is not a card
    /// charged now (whose answer decides what the email says).
    pub receipt: Option<ReceiptOf<'a>>,
}

/// What recording a submission found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// This request made it: its payments, in the order of the lines.
    New(SubmissionId, Vec<PaymentId>),
    /// The form key was used before (a double click, Back, a refresh, another tab): that
    /// submission, and whose it is.
    Existing(SubmissionId, CustomerId),
    /// Nothing recorded: the line of this account no longer fits what the account owes
    /// less what is on its way (another form paid it meanwhile).
    TooMuch(AccountId, AmountProblem),
}

/// Records a submission and its payments in one transaction, once per form key: the key is
/// unique, so of two requests with one key (even on two instances) one makes the payments
/// and the other finds them. Each line is checked again against what its account owes
/// once the customer's lock is held, so two forms of different keys at once cannot pay
/// more than the balance plus the overpayment limit together.
pub async fn record_submission(db: &Db, s: &NewSubmission<'_>) -> Result<Recorded, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(s.customer_id)).await?;
    let at = now();
    let made: Option<(SubmissionId,)> = sqlx::query_as(
        "INSERT INTO payment_submissions (form_key, customer_id, channel, receipt_email, locale, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (form_key) DO NOTHING RETURNING id",
    )
    .bind(s.form_key)
    .bind(s.customer_id)
    .bind(s.channel)
    .bind(s.receipt_email)
    .bind(s.locale)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((submission_id,)) = made else {
        let (id, customer): (SubmissionId, CustomerId) =
            sqlx::query_as("SELECT id, customer_id FROM payment_submissions WHERE form_key = $1")
                .bind(s.form_key)
                .fetch_one(&mut *tx)
                .await?;
        return Ok(Recorded::Existing(id, customer));
    };
    let lease = s.charging_now.then_some(at + CHARGE_LEASE_SECS);
    let receipt_sent = s.receipt.as_ref().map(|_| at);
    let mut ids = Vec::with_capacity(s.lines.len());
    for line in &s.lines {
        let owed = owed_now(&mut tx, s.customer_id, line.account_id).await?;
        if let Err(problem) = check_amount(line.amount, owed, s.overpayment_limit) {
            // Dropping the transaction rolls back the submission and its earlier lines.
            return Ok(Recorded::TooMuch(line.account_id, problem));
        }
        let (id,): (PaymentId,) = sqlx::query_as(
            "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, fee_cents, draft_date, status, \
             channel, submission_id, claimed_until, receipt_sent_at, created_at, updated_at, effective_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id",
        )
        .bind(line.bill_id)
        .bind(line.account_id)
        .bind(s.method_id)
        .bind(line.amount)
        .bind(line.fee)
        .bind(s.draft_date)
        .bind(s.status)
        .bind(s.channel)
        .bind(submission_id)
        .bind(lease)
        .bind(receipt_sent)
        .bind(at)
        .bind(s.effective_date)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    if let Some(receipt) = s.receipt {
        crate::email::data::insert_with(&mut tx, &receipt(&ids)).await?;
    }
    tx.commit().await?;
    Ok(Recorded::New(submission_id, ids))
}

/// What the customer's account owes now, less what is on its way: as `payable_accounts`
/// reads it, inside the transaction that records a payment of it.
async fn owed_now(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Cents, sqlx::Error> {
    let row: Option<(Option<Cents>, Cents)> = sqlx::query_as(&format!(
        "SELECT b.balance_cents, {UNAPPLIED} FROM accounts a \
         LEFT JOIN bills b ON b.id = {NEWEST_BILL} WHERE a.id = $1 AND a.customer_id = $2",
    ))
    .bind(account_id)
    .bind(customer_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map_or(Cents(0), |(balance, unapplied)| {
        Cents((balance.unwrap_or_default().0 - unapplied.0).max(0))
    }))
}

/// The submission a form key was used for, and whose it is.
pub async fn submission_of_key(
    db: &Db,
    form_key: &str,
) -> Result<Option<(SubmissionId, CustomerId)>, sqlx::Error> {
    sqlx::query_as("SELECT id, customer_id FROM payment_submissions WHERE form_key = $1")
        .bind(form_key)
        .fetch_optional(&db.pool)
        .await
}

/// The processor's answer to one payment charged in the request.
#[derive(Debug, Clone)]
pub enum ChargeAnswer {
    Approved(String),
    Declined(String),
}

/// Records the answers of a submission's charges and its one email, in one transaction:
/// an approved payment is paid and comes off its bill's balance; a declined one (or one the
/// processor could not take) is failed, and nothing comes off.
pub async fn record_charges(
    db: &Db,
    answers: &[(PaymentId, ChargeAnswer)],
    email: Option<&Composed>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    for (id, answer) in answers {
        let (status, reference, reason) = match answer {
            ChargeAnswer::Approved(r) => ("paid", Some(r.as_str()), None),
            ChargeAnswer::Declined(r) => ("failed", None, Some(r.as_str())),
        };
        let paid: Option<(BillId, Cents)> = sqlx::query_as(
            "UPDATE payments SET status = $1, gateway_reference = $2, failure_reason = $3, claimed_until = NULL, \
             receipt_sent_at = $4, updated_at = $4 WHERE id = $5 AND status = 'pending' RETURNING bill_id, amount_cents",
        )
        .bind(status)
        .bind(reference)
        .bind(reason)
        .bind(at)
        .bind(*id)
        .fetch_optional(&mut *tx)
        .await?;
        if let (Some((bill_id, amount)), Some(_)) = (paid, reference) {
            sqlx::query("UPDATE bills SET balance_cents = balance_cents - $1, updated_at = $2 WHERE id = $3")
                .bind(amount)
                .bind(at)
                .bind(bill_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    if let Some(email) = email {
        crate::email::data::insert_with(&mut tx, email).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One payment of a submission, as its confirmation shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmittedRow {
    pub payment_id: PaymentId,
    pub account_id: AccountId,
    pub number: String,
    pub amount_cents: Cents,
    pub fee_cents: Cents,
    pub draft_date: String,
    pub status: String,
    pub failure_reason: Option<String>,
    pub kind: String,
    pub bank_account_type: Option<String>,
    pub card_brand: Option<String>,
    pub last4: String,
    pub created_at: i64,
}

/// The payments of the customer's submission (none when it is not theirs).
pub async fn submission(
    db: &Db,
    customer_id: CustomerId,
    submission_id: SubmissionId,
) -> Result<Vec<SubmittedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id AS payment_id, p.account_id, c.customer_number || '-' || a.account_number AS number, \
         p.amount_cents, p.fee_cents, p.draft_date, p.status, p.failure_reason, m.kind, m.bank_account_type, \
         m.card_brand, m.last4, s.created_at FROM payment_submissions s \
         JOIN payments p ON p.submission_id = s.id JOIN accounts a ON a.id = p.account_id \
         JOIN customers c ON c.id = a.customer_id JOIN payment_methods m ON m.id = p.payment_method_id \
         WHERE s.id = $1 AND s.customer_id = $2 ORDER BY p.id",
    )
    .bind(submission_id)
    .bind(customer_id)
    .fetch_all(&db.pool)
    .await
}

/// Cancels the customer's scheduled payment; false when it is not theirs or no longer
/// scheduled (it was sent meanwhile).
pub async fn cancel_scheduled(
    db: &Db,
    customer_id: CustomerId,
    payment_id: PaymentId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE payments SET status = 'cancelled', failure_reason = 'cancelled by the customer', updated_at = $1 \
         WHERE id = $2 AND status = 'scheduled' \
         AND account_id IN (SELECT id FROM accounts WHERE customer_id = $3)",
    )
    .bind(now())
    .bind(payment_id)
    .bind(customer_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Scheduled payments whose date has come become pending: the run then sends or charges
/// them like any other. E-checks dated before `echecks_before` (the next banking day: the
/// days between are not banking days) come too, to go in today's files with the effective
/// date they were given. Returns how many.
pub async fn release_scheduled(
    db: &Db,
    today: &str,
    echecks_before: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE payments SET status = 'pending', updated_at = $1 WHERE status = 'scheduled' AND (draft_date <= $2 \
         OR (draft_date < $3 AND EXISTS (SELECT 1 FROM payment_methods m \
         WHERE m.id = payments.payment_method_id AND m.kind = 'echeck')))",
    )
    .bind(now())
    .bind(today)
    .bind(echecks_before)
    .execute(&db.pool)
    .await?
    .rows_affected())
}

/// The customer's method with what charging or debiting it needs, if it is theirs, not
/// removed, and saved in My Wallet or one of `entered` (the methods this browser session
/// entered for one payment: nobody else may pay with those).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodToPay {
    pub id: MethodId,
    pub kind: String,
    pub last4: String,
    pub bank_account_type: Option<String>,
    pub card_brand: Option<String>,
    pub gateway_token: Option<String>,
    /// 0 for a method entered for one payment.
    pub kept: i64,
    /// Set when the bank returned a debit from this bank account as closed, invalid or not
    /// authorized: it pays nothing until the customer acts (`one_time::pay` refuses it).
    pub unusable_code: Option<String>,
}

pub async fn method_to_pay(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
    entered: &[MethodId],
) -> Result<Option<MethodToPay>, sqlx::Error> {
    let found: Option<MethodToPay> = sqlx::query_as(
        "SELECT id, kind, last4, bank_account_type, card_brand, gateway_token, kept, unusable_code FROM payment_methods \
         WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL",
    )
    .bind(method_id)
    .bind(customer_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.filter(|m| m.kept == 1 || entered.contains(&m.id)))
}

/// A bank account of the customer's that the portal has not seen debited: it needs account
/// validation before a WEB debit from it is accepted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnseenBankAccount {
    pub id: MethodId,
    pub customer_id: CustomerId,
    pub routing_number: String,
    pub bank_account_type: String,
    pub account_ciphertext: Vec<u8>,
    pub account_key_id: String,
    pub account_bound: i64,
}

impl UnseenBankAccount {
    pub fn sealed(&self) -> Sealed {
        Sealed::stored(&self.account_key_id, &self.account_ciphertext, self.account_bound)
    }

    pub fn binding(&self) -> Binding {
        Binding { method_id: self.id, customer_id: self.customer_id }
    }
}

/// The customer's bank account `method_id` when it still needs validation. An account is
/// seen once it passed validation, had its prenote sent (AutoPay), or had a debit go to the
/// bank or be paid: NACHA asks for validation before the first debit only.
pub async fn unseen_bank_account(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Option<UnseenBankAccount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.customer_id, m.routing_number, m.bank_account_type, m.account_ciphertext, \
         m.account_key_id, m.account_bound FROM payment_methods m \
         WHERE m.id = $1 AND m.customer_id = $2 AND m.removed_at IS NULL AND m.kind = 'echeck' \
         AND m.validated_at IS NULL AND m.prenote_sent_at IS NULL \
         AND m.routing_number IS NOT NULL AND m.bank_account_type IS NOT NULL \
         AND m.account_ciphertext IS NOT NULL AND m.account_key_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_method_id = m.id \
           AND p.status IN ('submitted', 'paid'))",
    )
    .bind(method_id)
    .bind(customer_id)
    .fetch_optional(&db.pool)
    .await
}

/// Records that the bank account passed validation.
pub async fn record_validated(db: &Db, method_id: MethodId) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payment_methods SET validated_at = $1 WHERE id = $2 AND validated_at IS NULL",
    )
    .bind(now())
    .bind(method_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}
