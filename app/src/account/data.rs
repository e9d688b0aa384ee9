//! SQL for the account overview. Every query starts from the login, so a customer only
//! ever reads their own accounts.

use super::{AccountSummary, BillLine, Overview, PaymentLine, WaterLine};
use crate::auth::CustomerLogin;
use crate::domain::{AccountId, Cents};
use crate::platform::db::{numbered, parse_date, IsoDate};
use crate::platform::Db;
use std::collections::HashMap;
use time::Date;

/// Bills and payments listed per account.
const RECENT: i64 = 6;

/// The customer's accounts, each with its recent bills and payments and its water use: a
/// statement for each kind of thing, whatever the number of accounts (a statement per
/// account and kind made this the portal's most expensive page).
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
    let ids: Vec<AccountId> = rows.iter().map(|r| r.id).collect();
    let mut on_its_way =
        crate::payments::data::one_time::on_its_way_by_account(db, customer.customer).await?;
    let mut bills = recent_bills(db, &ids).await?;
    let mut payments = crate::payments::data::recent_by_account(db, &ids, RECENT).await?;
    let mut water = water(db, &ids).await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for row in rows {
        let bills = bills.remove(&row.id).unwrap_or_default();
        let payments = payments.remove(&row.id).unwrap_or_default();
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
            water: water.remove(&row.id),
        });
    }
    Ok(Overview { name, accounts })
}

/// Each account's latest `RECENT` bills, newest first.
async fn recent_bills(
    db: &Db,
    accounts: &[AccountId],
) -> Result<HashMap<AccountId, Vec<BillRow>>, sqlx::Error> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    let params = numbered(db.backend, accounts.len() + 1);
    let (ids, last) = params.split_at(accounts.len());
    let sql = format!(
        "SELECT account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons FROM \
         (SELECT account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, \
         ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY bill_date DESC) AS place \
         FROM bills WHERE account_id IN ({})) AS latest WHERE place <= {} ORDER BY account_id, place",
        ids.join(", "),
        last[0]
    );
    let mut query = sqlx::query_as::<_, BillRow>(&sql);
    for account in accounts {
        query = query.bind(*account);
    }
    let mut found: HashMap<AccountId, Vec<BillRow>> = HashMap::new();
    for bill in query.bind(RECENT).fetch_all(&db.pool).await? {
        found.entry(bill.account_id).or_default().push(bill);
    }
    Ok(found)
}

/// Each account's use over the 30 days up to its newest read, and its alerts not
/// dismissed; accounts without reads are left out.
async fn water(
    db: &Db,
    accounts: &[AccountId],
) -> Result<HashMap<AccountId, WaterLine>, sqlx::Error> {
    use crate::water::series::{self, DAY};
    let last_days: HashMap<AccountId, i64> = series::last_reads(db, accounts)
        .await?
        .into_iter()
        .map(|(account, last)| (account, last.div_euclid(DAY)))
        .collect();
    let spans: Vec<(AccountId, i64, i64)> =
        last_days.iter().map(|(account, last)| (*account, last - 29, last + 1)).collect();
    let mut days = series::days_of_accounts(db, &spans).await?;
    let with_reads: Vec<AccountId> = last_days.keys().copied().collect();
    let open = crate::water::alerts::data::open_shown(db, &with_reads).await?;
    let line = |(account, last_day): (AccountId, i64)| {
        let days = days.remove(&account).unwrap_or_default();
        let line = WaterLine {
            centigallons: days.values().map(|(c, _)| c).sum(),
            whole: days.len() == 30 && days.values().all(|(_, whole)| *whole),
            through: series::day_of(last_day)?,
            alerts: open.get(&account).copied().unwrap_or(0) as usize,
        };
        Some((account, line))
    };
    Ok(last_days.into_iter().filter_map(line).collect())
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
    account_id: AccountId,
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
