//! Writing an accounts file's rows, a page at a time, so that a million accounts cost a few
//! thousand statements rather than five million: each page reads its customers and its
//! accounts in one query each and inserts what is new in one statement each. What changed
//! is updated row by row, because an account that moved to another customer also ends
//! what its former customer set up on it (`changed_hands`).

use super::records::StoredAccount;
use super::{changed_hands, pages, placeholders, AccountRecord, ImportError, ImportReport};
use crate::domain::staff_search::Folded;
use crate::domain::{AccountId, CustomerId};
use crate::email::Letterhead;
use crate::platform::db::{now, Db, WriteLock};
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;
type Statement<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Rows a page: 12 parameters each in the accounts' insert.
const PAGE: usize = 500;

/// Upserts accounts (and their customers) in one transaction. An account that moves to
/// another customer loses, in the same transaction, what its former customer set up on it.
/// A customer named on several rows takes the last row's name and phone.
#[tracing::instrument(skip_all, fields(rows = records.len()))]
pub async fn write_accounts(
    db: &Db,
    head: &Letterhead,
    records: &[(u64, AccountRecord)],
) -> Result<ImportReport, ImportError> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let mut report = ImportReport { rows: records.len(), ..Default::default() };
    let at = now();
    // A page names each account once, so that a repeated row sees what the first wrote.
    for page in pages(records, PAGE, |(_, r)| r.account_number.as_padded()) {
        let customers = upsert_customers(&mut tx, page, at).await?;
        write_page(&mut tx, head, page, &customers, at, &mut report).await?;
    }
    tx.commit().await?;
    Ok(report)
}

async fn write_page(
    tx: &mut Tx,
    head: &Letterhead,
    page: &[(u64, AccountRecord)],
    customers: &HashMap<String, CustomerId>,
    at: i64,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let stored = stored_accounts(tx, page).await?;
    let mut new = Vec::new();
    for (_, r) in page {
        let customer_id = customers[&r.customer_number.as_padded()];
        match stored.get(&r.account_number.as_padded()) {
            Some(s) if s.matches(customer_id, r) => report.unchanged += 1,
            Some(s) => {
                update_account(tx, s.id, customer_id, r, at).await?;
                if s.customer_id != customer_id {
                    report.changed_hands += 1;
                    let ended =
                        changed_hands::account_changed_hands(tx, head, s.id, s.customer_id).await?;
                    report.autopay_ended += usize::from(ended);
                }
                report.updated += 1;
            }
            None => new.push((customer_id, r)),
        }
    }
    report.inserted += new.len();
    insert_accounts(tx, &new, at).await?;
    set_classes(tx, page).await
}

#[derive(sqlx::FromRow)]
struct StoredCustomer {
    id: CustomerId,
    customer_number: String,
    name: String,
    phone: Option<String>,
}

/// The page's customers by number: created if new, renamed (and their name folded for the
/// back office's search) or given the new phone if the last row naming them says so.
async fn upsert_customers(
    tx: &mut Tx,
    page: &[(u64, AccountRecord)],
    at: i64,
) -> Result<HashMap<String, CustomerId>, ImportError> {
    let last: HashMap<String, &AccountRecord> =
        page.iter().map(|(_, r)| (r.customer_number.as_padded(), r)).collect();
    let sql = format!(
        "SELECT id, customer_number, name, phone FROM customers WHERE customer_number IN ({})",
        placeholders(1, last.len())
    );
    let mut query = sqlx::query_as::<_, StoredCustomer>(&sql);
    for number in last.keys() {
        query = query.bind(number.clone());
    }
    let mut ids = HashMap::with_capacity(last.len());
    for c in query.fetch_all(&mut **tx).await? {
        let r = last[&c.customer_number];
        let phone = r.phone.as_ref().map(|p| p.digits());
        if c.name != r.customer_name || c.phone.as_deref() != phone {
            update_customer(tx, c.id, r, at).await?;
        }
        ids.insert(c.customer_number, c.id);
    }
    let new: Vec<&AccountRecord> =
        last.iter().filter(|(number, _)| !ids.contains_key(*number)).map(|(_, r)| *r).collect();
    ids.extend(insert_customers(tx, &new, at).await?);
    Ok(ids)
}

async fn update_customer(
    tx: &mut Tx,
    id: CustomerId,
    r: &AccountRecord,
    at: i64,
) -> Result<(), ImportError> {
    sqlx::query(
        "UPDATE customers SET name = $1, name_folded = $2, phone = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&r.customer_name)
    .bind(Folded::name(&r.customer_name).as_str())
    .bind(r.phone.as_ref().map(|p| p.digits()))
    .bind(at)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One statement for the page's new customers; their ids by number.
async fn insert_customers(
    tx: &mut Tx,
    new: &[&AccountRecord],
    at: i64,
) -> Result<Vec<(String, CustomerId)>, ImportError> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<String> =
        (0..new.len()).map(|i| format!("({}, $1, $1)", placeholders(2 + i * 4, 4))).collect();
    let sql = format!(
        "INSERT INTO customers (customer_number, name, name_folded, phone, created_at, updated_at) \
         VALUES {} RETURNING customer_number, id",
        values.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, CustomerId)>(&sql).bind(at);
    for r in new {
        query = query
            .bind(r.customer_number.as_padded())
            .bind(r.customer_name.clone())
            .bind(Folded::name(&r.customer_name).as_str().to_string())
            .bind(r.phone.as_ref().map(|p| p.digits().to_string()));
    }
    Ok(query.fetch_all(&mut **tx).await?)
}

/// The page's stored accounts by number.
async fn stored_accounts(
    tx: &mut Tx,
    page: &[(u64, AccountRecord)],
) -> Result<HashMap<String, StoredAccount>, ImportError> {
    let sql = format!(
        "SELECT id, customer_id, account_number, service_address, service_city, service_state, \
         service_zip, mailing_address, mailing_city, mailing_state, mailing_zip FROM accounts \
         WHERE account_number IN ({})",
        placeholders(1, page.len())
    );
    let mut query = sqlx::query_as::<_, StoredAccount>(&sql);
    for (_, r) in page {
        query = query.bind(r.account_number.as_padded());
    }
    let stored = query.fetch_all(&mut **tx).await?;
    Ok(stored.into_iter().map(|a| (a.account_number.clone(), a)).collect())
}

/// Binds an account's columns as the record has them, 11 values: its customer, the service
/// and mailing addresses, the time of the change, and the service address folded for the
/// back office's search.
fn bind_account<'q>(
    statement: Statement<'q>,
    customer_id: CustomerId,
    r: &'q AccountRecord,
    at: i64,
) -> Statement<'q> {
    let s = &r.service;
    let folded = Folded::service_address(&s.street, &s.city, &s.state, s.zip.as_str());
    statement
        .bind(customer_id)
        .bind(&r.service.street)
        .bind(&r.service.city)
        .bind(&r.service.state)
        .bind(r.service.zip.as_str())
        .bind(&r.mailing.street)
        .bind(&r.mailing.city)
        .bind(&r.mailing.state)
        .bind(r.mailing.zip.as_str())
        .bind(at)
        .bind(folded.as_str().to_string())
}

async fn update_account(
    tx: &mut Tx,
    account_id: AccountId,
    customer_id: CustomerId,
    r: &AccountRecord,
    at: i64,
) -> Result<(), ImportError> {
    let update = sqlx::query(
        "UPDATE accounts SET customer_id = $1, service_address = $2, service_city = $3, \
         service_state = $4, service_zip = $5, mailing_address = $6, mailing_city = $7, \
         mailing_state = $8, mailing_zip = $9, updated_at = $10, service_address_folded = $11 \
         WHERE id = $12",
    );
    bind_account(update, customer_id, r, at).bind(account_id).execute(&mut **tx).await?;
    Ok(())
}

/// One statement for the page's new accounts.
async fn insert_accounts(
    tx: &mut Tx,
    new: &[(CustomerId, &AccountRecord)],
    at: i64,
) -> Result<(), ImportError> {
    if new.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..new.len())
        .map(|i| {
            let p = |k: usize| format!("${}", i * 12 + k);
            let first: Vec<String> = (1..=10).map(p).collect();
            format!("({}, {}, {}, {})", first.join(", "), p(10), p(11), p(12))
        })
        .collect();
    let sql = format!(
        "INSERT INTO accounts (customer_id, service_address, service_city, service_state, \
         service_zip, mailing_address, mailing_city, mailing_state, mailing_zip, created_at, \
         updated_at, service_address_folded, account_number) VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(&sql);
    for (customer_id, r) in new {
        insert = bind_account(insert, *customer_id, r, at).bind(r.account_number.as_padded());
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

/// The accounts' classes, as the file's `class` column gives them (without it, kept): one
/// statement a class.
async fn set_classes(tx: &mut Tx, page: &[(u64, AccountRecord)]) -> Result<(), ImportError> {
    let mut by_class: HashMap<&'static str, Vec<String>> = HashMap::new();
    for (_, r) in page {
        if let Some(class) = r.class {
            by_class.entry(class.as_str()).or_default().push(r.account_number.as_padded());
        }
    }
    for (class, numbers) in by_class {
        let sql = format!(
            "UPDATE accounts SET service_class = $1 WHERE account_number IN ({})",
            placeholders(2, numbers.len())
        );
        let mut update = sqlx::query(&sql).bind(class);
        for number in numbers {
            update = update.bind(number);
        }
        update.execute(&mut **tx).await?;
    }
    Ok(())
}
