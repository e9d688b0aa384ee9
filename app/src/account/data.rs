//! SQL for the account overview. Every query starts from the login, so a customer only
//! ever reads their own accounts.

use super::{AccountSummary, BillLine, Overview, PaymentLine, WaterLine};
use crate::auth::CustomerLogin;
use crate::domain::{AccountId, Cents};
use crate::platform::db::{parse_date, IsoDate};
use crate::platform::Db;
use time::Date;

pub async fn overview(
    db: &Db,
    customer: CustomerLogin,
    name: String,
) -> Result<Overview, sqlx::Error> {
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT a.id, c.customer_number, a.account_number, a.service_address, a.service_city, a.service_state, \
         a.delivery_method, \
         (SELECT COUNT(*) FROM autopay_enrollments e WHERE e.account_id = a.id AND e.active = 1) AS autopay_count \
         FROM logins l JOIN customers c ON c.id = l.customer_id JOIN accounts a ON a.customer_id = c.id \
         WHERE l.id = $1 ORDER BY a.account_number",
    )
    .bind(customer.login)
    .fetch_all(&db.pool)
    .await?;
    let mut on_its_way =
        crate::payments::data::one_time::on_its_way_by_account(db, customer.customer).await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for row in rows {
        let bills: Vec<BillRow> = sqlx::query_as(
            "SELECT bill_date, due_date, amount_cents, balance_cents, usage_gallons FROM bills \
             WHERE account_id = $1 ORDER BY bill_date DESC LIMIT 6",
        )
        .bind(row.id)
        .fetch_all(&db.pool)
        .await?;
        let payments = crate::payments::data::recent(db, row.id, 6).await?;
        let newest = bills.first();
        accounts.push(AccountSummary {
            account_id: row.id,
            on_its_way: on_its_way.remove(&row.id).unwrap_or_default(),
            number: format!("{}-{}", row.customer_number, row.account_number),
            service_address: format!(
                "{}, {}, {}",
                row.service_address, row.service_city, row.service_state
            ),
            balance: newest.map_or(Cents(0), |b| b.balance_cents),
            due_date: newest.map(|b| b.due_date),
            bills: bills.into_iter().map(BillLine::from).collect(),
            payments: payments.into_iter().map(payment_line).collect::<Result<_, _>>()?,
            autopay: row.autopay_count > 0,
            paperless: row.delivery_method == "email",
            water: water(db, row.id).await?,
        });
    }
    Ok(Overview { name, accounts })
}

/// The account's use over the 30 days up to its newest read, and its alerts not dismissed;
/// `None` without reads.
async fn water(db: &Db, account: AccountId) -> Result<Option<WaterLine>, sqlx::Error> {
    use crate::water::series::{self, DAY};
    let Some(last) = series::last_read(db, account).await? else { return Ok(None) };
    let last_day = last.div_euclid(DAY);
    let days = series::days(db, account, &[(last_day - 29, last_day + 1)]).await?;
    let alerts = crate::water::alerts::data::shown(db, account).await?;
    Ok(series::day_of(last_day).map(|through| WaterLine {
        centigallons: days.values().map(|(c, _)| c).sum(),
        whole: days.len() == 30 && days.values().all(|(_, whole)| *whole),
        through,
        alerts: alerts.iter().filter(|(_, _, _, resolved)| resolved.is_none()).count(),
    }))
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: AccountId,
    customer_number: String,
    account_number: String,
    service_address: String,
    service_city: String,
    service_state: String,
    delivery_method: String,
    autopay_count: i64,
}

#[derive(sqlx::FromRow)]
struct BillRow {
    #[sqlx(try_from = "IsoDate")]
    bill_date: Date,
    #[sqlx(try_from = "IsoDate")]
    due_date: Date,
    amount_cents: Cents,
    balance_cents: Cents,
    usage_gallons: i64,
}

impl From<BillRow> for BillLine {
    fn from(b: BillRow) -> Self {
        Self {
            bill_date: b.bill_date,
            due_date: b.due_date,
            amount: b.amount_cents,
            usage_gallons: b.usage_gallons,
        }
    }
}

fn payment_line(p: crate::payments::data::PaymentRow) -> Result<PaymentLine, sqlx::Error> {
    Ok(PaymentLine {
        draft_date: parse_date(&p.draft_date)?,
        due_date: parse_date(&p.due_date)?,
        amount: Cents(p.amount_cents),
        status: p.status,
        last4: p.last4,
    })
}
