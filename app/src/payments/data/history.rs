//! SQL of Payment History: every payment of the accounts a customer owns now, whatever
//! made it (AutoPay, Pay Now, Quick Pay), newest first. Every query names the customer:
//! another customer's payment is not found, exactly as one that does not exist.

use crate::domain::{AccountId, Cents, CustomerId, PaymentId, SubmissionId};
use crate::platform::Db;

/// Which payments to list: all of the customer's, or one account's, one year's, one payment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub account: Option<AccountId>,
    pub year: Option<i32>,
    pub payment: Option<PaymentId>,
}

/// One payment with what its line in the history shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub payment_id: PaymentId,
    pub account_id: AccountId,
    /// `customer-account`, as on the bill.
    pub number: String,
    pub amount_cents: Cents,
    pub fee_cents: Cents,
    /// The date the history shows: an e-check's effective entry date (the day the bank
    /// account is debited), a card's or wallet's draft date.
    pub date: String,
    /// The date the payment was made for (ISO), as its emails name it.
    pub draft_date: String,
    pub status: String,
    /// `autopay`, `one_time` or `quick_pay`.
    pub channel: String,
    pub submission_id: Option<SubmissionId>,
    pub kind: String,
    pub bank_account_type: Option<String>,
    pub card_brand: Option<String>,
    pub last4: String,
    /// The bank's return reason code of a returned payment.
    pub return_code: Option<String>,
    /// The payment this one retries (after an insufficient-funds return).
    pub retry_of: Option<PaymentId>,
    /// Why it was declined or skipped, as the server recorded it (for the back office).
    pub failure_reason: Option<String>,
}

/// A payment's date in the history: an e-check's effective entry date once it has one
/// (only e-checks do), otherwise its draft date.
const SHOWN_DATE: &str = "COALESCE(p.effective_date, p.draft_date)";

/// The customer's payments that `filter` keeps, newest first: of the accounts they own now,
/// made with their own methods (an account that changed hands keeps its former owner's
/// payments from the new one). Draft dates are ISO text, so a year is a range of text, the
/// same on SQLite and PostgreSQL.
pub async fn payments(
    db: &Db,
    customer: CustomerId,
    filter: HistoryFilter,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    let mut sql = format!(
        "SELECT p.id AS payment_id, p.account_id, c.customer_number || '-' || a.account_number AS number, \
         p.amount_cents, p.fee_cents, {SHOWN_DATE} AS date, p.draft_date, p.status, p.channel, p.submission_id, m.kind, \
         m.bank_account_type, m.card_brand, m.last4, p.return_code, p.retry_of, p.failure_reason FROM payments p \
         JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id \
         JOIN payment_methods m ON m.id = p.payment_method_id \
         WHERE a.customer_id = $1 AND m.customer_id = a.customer_id"
    );
    let mut n = 1;
    let mut next = |clause: &str| {
        n += 1;
        clause.replace('?', &format!("${n}"))
    };
    if filter.account.is_some() {
        sql.push_str(&next(" AND p.account_id = ?"));
    }
    if filter.year.is_some() {
        sql.push_str(&next(&format!(" AND {SHOWN_DATE} >= ?")));
        sql.push_str(&next(&format!(" AND {SHOWN_DATE} < ?")));
    }
    if filter.payment.is_some() {
        sql.push_str(&next(" AND p.id = ?"));
    }
    sql.push_str(&format!(" ORDER BY {SHOWN_DATE} DESC, p.id DESC"));
    let mut query = sqlx::query_as::<_, HistoryRow>(&sql).bind(customer);
    if let Some(account) = filter.account {
        query = query.bind(account);
    }
    if let Some(year) = filter.year {
        query = query.bind(format!("{year:04}-01-01")).bind(format!("{:04}-01-01", year + 1));
    }
    if let Some(payment) = filter.payment {
        query = query.bind(payment);
    }
    query.fetch_all(&db.pool).await
}

/// The customer's accounts, by number, as the history's filter offers them.
pub async fn accounts(
    db: &Db,
    customer: CustomerId,
) -> Result<Vec<(AccountId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, c.customer_number || '-' || a.account_number FROM accounts a \
         JOIN customers c ON c.id = a.customer_id WHERE a.customer_id = $1 ORDER BY a.account_number",
    )
    .bind(customer)
    .fetch_all(&db.pool)
    .await
}

/// The years the customer's payments (as `payments` keeps them) are dated in, newest first.
pub async fn years(db: &Db, customer: CustomerId) -> Result<Vec<i32>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        &format!("SELECT DISTINCT SUBSTR({SHOWN_DATE}, 1, 4) AS year FROM payments p \
         JOIN accounts a ON a.id = p.account_id JOIN payment_methods m ON m.id = p.payment_method_id \
         WHERE a.customer_id = $1 AND m.customer_id = a.customer_id ORDER BY year DESC"),
    )
    .bind(customer)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter_map(|(y,)| y.parse().ok()).collect())
}
