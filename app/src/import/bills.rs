//! Writing a bills file's rows: a page of rows at a time, so that a file of a million bills
//! costs a few thousand statements rather than three million. Each page reads its accounts
//! and its stored bills in one query each and inserts its new bills in one statement; a
//! bill that changed is updated on its own (a reissue is rare).

use super::{pages, placeholders, row_error, BillRecord, ImportError, ImportProblem, ImportReport};
use crate::domain::autopay::calendar;
use crate::domain::{AccountId, BillId, Cents};
use crate::platform::db::{now, Db, WriteLock};
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Rows a page: 7 parameters each in the insert, well under SQLite's 32,766.
const PAGE: usize = 500;

/// A bill as stored, to tell an unchanged row from an update.
#[derive(sqlx::FromRow)]
struct StoredBill {
    id: BillId,
    account_id: AccountId,
    bill_date: String,
    due_date: String,
    amount_cents: Cents,
    balance_cents: Cents,
    usage_gallons: i64,
}

impl StoredBill {
    fn matches(&self, r: &BillRecord) -> bool {
        self.due_date == calendar::iso(r.due_date)
            && self.amount_cents == r.amount
            && self.balance_cents == r.balance
            && self.usage_gallons == r.usage_gallons
    }
}

/// Inserts the file's new bills and updates its changed ones, in one transaction: a row
/// naming an account the portal does not have refuses the whole file. A row that repeats
/// an earlier row's account and bill date updates what that row wrote.
#[tracing::instrument(skip_all, fields(rows = records.len()))]
pub async fn write_bills(
    db: &Db,
    records: &[(u64, BillRecord)],
) -> Result<ImportReport, ImportError> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let mut report = ImportReport { rows: records.len(), ..Default::default() };
    let at = now();
    // A page names each bill once, so that a repeated row sees what the first wrote.
    let key = |(_, r): &(u64, BillRecord)| (r.account_number.as_padded(), r.bill_date);
    for page in pages(records, PAGE, key) {
        write_page(&mut tx, page, at, &mut report).await?;
    }
    tx.commit().await?;
    Ok(report)
}

async fn write_page(
    tx: &mut Tx,
    page: &[(u64, BillRecord)],
    at: i64,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let accounts = account_ids(tx, page).await?;
    let mut rows = Vec::with_capacity(page.len());
    for (line, r) in page {
        let number = r.account_number.as_padded();
        let Some(&account_id) = accounts.get(&number) else {
            let account = r.account_number.to_string();
            return Err(row_error(*line, ImportProblem::UnknownAccount { account }));
        };
        rows.push((account_id, r));
    }
    let stored = stored_bills(tx, &rows).await?;
    let mut new: Vec<(AccountId, &BillRecord)> = Vec::new();
    for (account_id, r) in rows {
        match stored.get(&(account_id, calendar::iso(r.bill_date))) {
            Some(s) if s.matches(r) => report.unchanged += 1,
            Some(s) => {
                update_bill(tx, s.id, r, at).await?;
                report.updated += 1;
            }
            None => new.push((account_id, r)),
        }
    }
    report.inserted += new.len();
    report.new_bill_ids.extend(insert_bills(tx, &new, at).await?);
    Ok(())
}

/// The page's accounts by number.
async fn account_ids(
    tx: &mut Tx,
    page: &[(u64, BillRecord)],
) -> Result<HashMap<String, AccountId>, ImportError> {
    let sql = format!(
        "SELECT account_number, id FROM accounts WHERE account_number IN ({})",
        placeholders(1, page.len())
    );
    let mut query = sqlx::query_as::<_, (String, AccountId)>(&sql);
    for (_, r) in page {
        query = query.bind(r.account_number.as_padded());
    }
    Ok(query.fetch_all(&mut **tx).await?.into_iter().collect())
}

/// The stored bills of the page's accounts on the page's bill dates, by (account, date).
async fn stored_bills(
    tx: &mut Tx,
    rows: &[(AccountId, &BillRecord)],
) -> Result<HashMap<(AccountId, String), StoredBill>, ImportError> {
    let mut accounts: Vec<AccountId> = rows.iter().map(|(a, _)| *a).collect();
    accounts.sort_by_key(|a| a.0);
    accounts.dedup();
    let mut dates: Vec<String> = rows.iter().map(|(_, r)| calendar::iso(r.bill_date)).collect();
    dates.sort();
    dates.dedup();
    let sql = format!(
        "SELECT id, account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons \
         FROM bills WHERE account_id IN ({}) AND bill_date IN ({})",
        placeholders(1, accounts.len()),
        placeholders(1 + accounts.len(), dates.len())
    );
    let mut query = sqlx::query_as::<_, StoredBill>(&sql);
    for account in accounts {
        query = query.bind(account);
    }
    for date in dates {
        query = query.bind(date);
    }
    let stored = query.fetch_all(&mut **tx).await?;
    Ok(stored.into_iter().map(|b| ((b.account_id, b.bill_date.clone()), b)).collect())
}

async fn update_bill(tx: &mut Tx, id: BillId, r: &BillRecord, at: i64) -> Result<(), ImportError> {
    sqlx::query(
        "UPDATE bills SET due_date = $1, amount_cents = $2, balance_cents = $3, \
         usage_gallons = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(calendar::iso(r.due_date))
    .bind(r.amount)
    .bind(r.balance)
    .bind(r.usage_gallons)
    .bind(at)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One statement for the page's new bills; their ids (for "your bill is ready").
async fn insert_bills(
    tx: &mut Tx,
    new: &[(AccountId, &BillRecord)],
    at: i64,
) -> Result<Vec<BillId>, ImportError> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<String> =
        (0..new.len()).map(|i| format!("({}, $1, $1)", placeholders(2 + i * 6, 6))).collect();
    let sql = format!(
        "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, \
         usage_gallons, created_at, updated_at) VALUES {} RETURNING id",
        values.join(", ")
    );
    let mut query = sqlx::query_as::<_, (BillId,)>(&sql).bind(at);
    for (account_id, r) in new {
        query = query
            .bind(*account_id)
            .bind(calendar::iso(r.bill_date))
            .bind(calendar::iso(r.due_date))
            .bind(r.amount)
            .bind(r.balance)
            .bind(r.usage_gallons);
    }
    Ok(query.fetch_all(&mut **tx).await?.into_iter().map(|(id,)| id).collect())
}
