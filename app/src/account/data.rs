//! SQL for the account overview. Every query starts from the login, so a customer only
//! ever reads their own accounts.

use super::{AccountSummary, BillLine, Overview, PaymentLine};
use crate::domain::{AccountId, Cents};
use crate::platform::Db;

pub async fn overview(db: &Db, login_id: i64) -> Result<Option<Overview>, sqlx::Error> {
    let name: Option<(String,)> = sqlx::query_as(
        "SELECT c.name FROM logins l JOIN customers c ON c.id = l.customer_id WHERE l.id = $1",
    )
    .bind(login_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((name,)) = name else { return Ok(None) };
    let rows: Vec<(i64, String, String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT a.id, c.customer_number, a.account_number, a.service_address, a.service_city, a.service_state, \
         a.delivery_method, \
         (SELECT COUNT(*) FROM autopay_enrollments e WHERE e.account_id = a.id AND e.active = 1) \
         FROM logins l JOIN customers c ON c.id = l.customer_id JOIN accounts a ON a.customer_id = c.id \
         WHERE l.id = $1 ORDER BY a.account_number",
    )
    .bind(login_id)
    .fetch_all(&db.pool)
    .await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for (account_id, customer_number, account_number, street, city, state, delivery, autopay) in
        rows
    {
        let bills: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT bill_date, due_date, amount_cents, balance_cents, usage_gallons FROM bills \
             WHERE account_id = $1 ORDER BY bill_date DESC LIMIT 6",
        )
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?;
        let payments = crate::payments::data::recent(db, AccountId(account_id), 6).await?;
        let newest = bills.first().cloned();
        accounts.push(AccountSummary {
            number: format!("{customer_number}-{account_number}"),
            service_address: format!("{street}, {city}, {state}"),
            balance: Cents(newest.as_ref().map(|b| b.3).unwrap_or(0)),
            due_date: newest.map(|b| b.1),
            bills: bills
                .into_iter()
                .map(|(bill_date, due_date, amount, _, usage_gallons)| BillLine {
                    bill_date,
                    due_date,
                    amount: Cents(amount),
                    usage_gallons,
                })
                .collect(),
            payments: payments
                .into_iter()
                .map(|p| PaymentLine {
                    draft_date: p.draft_date,
                    due_date: p.due_date,
                    amount: Cents(p.amount_cents),
                    status: p.status,
                    last4: p.last4,
                })
                .collect(),
            autopay: autopay > 0,
            paperless: delivery == "email",
        });
    }
    Ok(Some(Overview { name, accounts }))
}
