//! SQL of the bills pages. Every query names the customer: another customer's bill is not
//! found, exactly as a bill that does not exist.

use super::{AccountBills, Bill, HistoryBill};
use crate::domain::autopay::calendar;
use crate::domain::{AccountId, BillId, Cents, CustomerId};
use crate::platform::Db;

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: AccountId,
    customer_number: String,
    account_number: String,
    service_address: String,
    service_city: String,
    service_state: String,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    account_id: AccountId,
    id: BillId,
    bill_date: String,
    due_date: String,
    amount_cents: Cents,
    usage_gallons: i64,
    documents: i64,
}

/// Dates are stored as ISO text; one that does not read is a damaged row.
fn date(text: &str) -> Result<time::Date, sqlx::Error> {
    calendar::parse_iso(text)
        .ok_or_else(|| sqlx::Error::Decode(format!("not an ISO date: {text:?}").into()))
}

/// The customer's accounts, each with its bills dated after `since`, newest first.
pub async fn history(
    db: &Db,
    customer: CustomerId,
    since: time::Date,
) -> Result<Vec<AccountBills>, sqlx::Error> {
    let accounts: Vec<AccountRow> = sqlx::query_as(
        "SELECT a.id, c.customer_number, a.account_number, a.service_address, a.service_city, \
         a.service_state FROM accounts a JOIN customers c ON c.id = a.customer_id \
         WHERE a.customer_id = $1 ORDER BY a.account_number",
    )
    .bind(customer)
    .fetch_all(&db.pool)
    .await?;
    let bills: Vec<HistoryRow> = sqlx::query_as(
        "SELECT b.account_id, b.id, b.bill_date, b.due_date, b.amount_cents, b.usage_gallons, \
         (SELECT COUNT(*) FROM bill_documents d WHERE d.bill_id = b.id) AS documents \
         FROM bills b JOIN accounts a ON a.id = b.account_id \
         WHERE a.customer_id = $1 AND b.bill_date > $2 ORDER BY b.bill_date DESC, b.id DESC",
    )
    .bind(customer)
    .bind(calendar::iso(since))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(accounts.len());
    for a in accounts {
        let mut lines = Vec::new();
        for b in bills.iter().filter(|b| b.account_id == a.id) {
            lines.push(HistoryBill {
                id: b.id,
                bill_date: date(&b.bill_date)?,
                due_date: date(&b.due_date)?,
                amount: b.amount_cents,
                usage_gallons: b.usage_gallons,
                has_pdf: b.documents > 0,
            });
        }
        out.push(AccountBills {
            number: format!("{}-{}", a.customer_number, a.account_number),
            service_address: format!(
                "{}, {}, {}",
                a.service_address, a.service_city, a.service_state
            ),
            bills: lines,
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct BillRow {
    id: BillId,
    customer_number: String,
    name: String,
    account_number: String,
    service_address: String,
    service_city: String,
    service_state: String,
    service_zip: String,
    bill_date: String,
    due_date: String,
    amount_cents: Cents,
    balance_cents: Cents,
    usage_gallons: i64,
    documents: i64,
}

/// The customer's bill `id`; `None` when there is none, or it is another customer's.
pub async fn bill(db: &Db, customer: CustomerId, id: BillId) -> Result<Option<Bill>, sqlx::Error> {
    let row: Option<BillRow> = sqlx::query_as(
        "SELECT b.id, c.customer_number, c.name, a.account_number, a.service_address, \
         a.service_city, a.service_state, a.service_zip, b.bill_date, b.due_date, b.amount_cents, \
         b.balance_cents, b.usage_gallons, \
         (SELECT COUNT(*) FROM bill_documents d WHERE d.bill_id = b.id) AS documents \
         FROM bills b JOIN accounts a ON a.id = b.account_id JOIN customers c ON c.id = a.customer_id \
         WHERE b.id = $1 AND a.customer_id = $2",
    )
    .bind(id)
    .bind(customer)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Bill {
        id: r.id,
        number: format!("{}-{}", r.customer_number, r.account_number),
        customer_name: r.name,
        service_address: (
            r.service_address,
            format!("{}, {} {}", r.service_city, r.service_state, r.service_zip),
        ),
        bill_date: date(&r.bill_date)?,
        due_date: date(&r.due_date)?,
        amount: r.amount_cents,
        balance: r.balance_cents,
        usage_gallons: r.usage_gallons,
        has_pdf: r.documents > 0,
        portal_url: String::new(),
    }))
}

/// The PDF of the customer's bill `id` and the bill's date; `None` when the bill has no
/// PDF, does not exist, or is another customer's.
pub async fn document(
    db: &Db,
    customer: CustomerId,
    id: BillId,
) -> Result<Option<(Vec<u8>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.pdf, b.bill_date FROM bill_documents d JOIN bills b ON b.id = d.bill_id \
         JOIN accounts a ON a.id = b.account_id WHERE d.bill_id = $1 AND a.customer_id = $2",
    )
    .bind(id)
    .bind(customer)
    .fetch_optional(&db.pool)
    .await
}
