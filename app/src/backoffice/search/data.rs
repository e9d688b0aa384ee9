//! SQL of the back office's search: the accounts a query finds, in a stable order. The
//! numbers and emails are B-tree look-ups; words of a name or an address are LIKE patterns
//! over the folded columns (migration 0014), which a trigram index answers: FTS5's on
//! SQLite (a virtual table whose rowid is the customer's or account's id), pg_trgm's GIN
//! index over the column itself on PostgreSQL. That source is the one part of the SQL that
//! differs between the two.
//!
//! A word common to thousands of customers (a surname, a street) must not mean reading and
//! sorting thousands of accounts for a page of 20: each branch of such a search asks only
//! for its first (offset + limit) accounts in the page's order, which PostgreSQL reads by
//! walking `customers_name_order` (migration 0018) and stopping there. The page is the
//! same: an account on it is among the first (offset + limit) of each branch that finds it.

use super::SearchHit;
use crate::domain::staff_search::{SearchQuery, Words};
use crate::domain::{AccountId, CustomerId};
use crate::platform::db::{Backend, Db};

#[derive(sqlx::FromRow)]
struct HitRow {
    customer_id: CustomerId,
    account_id: AccountId,
    number: String,
    name: String,
    service_address: String,
    service_city: String,
    service_state: String,
    service_zip: String,
    logins: i64,
}

impl From<HitRow> for SearchHit {
    fn from(r: HitRow) -> Self {
        Self {
            customer_id: r.customer_id,
            account_id: r.account_id,
            number: r.number,
            name: r.name,
            service_address: format!(
                "{}, {}, {} {}",
                r.service_address, r.service_city, r.service_state, r.service_zip
            ),
            registered: r.logins > 0,
        }
    }
}

/// At most `limit` accounts `query` finds, after the first `offset`, ordered by the
/// customer's folded name, then the customer, then the account number: a total order, so
/// pages neither repeat nor skip an account.
pub async fn hits(
    db: &Db,
    query: &SearchQuery,
    offset: i64,
    limit: usize,
) -> Result<Vec<SearchHit>, sqlx::Error> {
    let (found, values) = found(db.backend, query);
    let n = values.len();
    let sql = format!(
        "WITH found (id) AS ({found}) \
         SELECT c.id AS customer_id, a.id AS account_id, \
         c.customer_number || '-' || a.account_number AS number, c.name, \
         a.service_address, a.service_city, a.service_state, a.service_zip, \
         (SELECT COUNT(*) FROM logins l WHERE l.customer_id = c.id) AS logins \
         FROM found f JOIN accounts a ON a.id = f.id JOIN customers c ON c.id = a.customer_id \
         ORDER BY c.name_folded, c.id, a.account_number LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    // Planned for each search's own patterns: a plan kept for one word (a rare surname) is
    // the wrong one for the next (a common street).
    let mut select = sqlx::query_as::<_, HitRow>(&sql).persistent(false);
    for value in &values {
        select = select.bind(value.as_str());
    }
    let rows = select.bind(limit as i64).bind(offset).fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(SearchHit::from).collect())
}

/// The ids of the accounts `query` finds (a SELECT of one column), and the text values it
/// binds, `$1` onwards.
fn found(backend: Backend, query: &SearchQuery) -> (String, Vec<String>) {
    const BY_CUSTOMER_NUMBER: &str = "SELECT a.id FROM accounts a \
         JOIN customers c ON c.id = a.customer_id WHERE c.customer_number = $1";
    match query {
        SearchQuery::Bill(bill) => (
            format!("{BY_CUSTOMER_NUMBER} AND a.account_number = $2"),
            vec![bill.customer.as_padded(), bill.account.as_padded()],
        ),
        SearchQuery::Number { customer, account: Some(account) } => (
            format!("{BY_CUSTOMER_NUMBER} UNION SELECT id FROM accounts WHERE account_number = $2"),
            vec![customer.as_padded(), account.as_padded()],
        ),
        SearchQuery::Number { customer, account: None } => {
            (BY_CUSTOMER_NUMBER.to_string(), vec![customer.as_padded()])
        }
        // A login's address finds every account of its customer; an address bills are
        // emailed to finds that account.
        SearchQuery::Email(email) => (
            "SELECT a.id FROM accounts a JOIN logins l ON l.customer_id = a.customer_id \
             WHERE l.email = $1 UNION SELECT id FROM accounts WHERE delivery_email = $1"
                .to_string(),
            vec![email.as_str().to_string()],
        ),
        SearchQuery::Phone(phone) => (
            "SELECT a.id FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE c.phone = $1"
                .to_string(),
            vec![phone.digits().to_string()],
        ),
        SearchQuery::Address(words) => {
            let mut values = Vec::new();
            (by_address(backend, words, &mut values, None), values)
        }
        SearchQuery::NameOrAddress { name, address } => {
            // The page's limit and offset follow the patterns of both branches.
            let after = name.like_patterns().len() + address.like_patterns().len();
            let page = first_of_page(after + 1);
            let mut values = Vec::new();
            // A whole name's words cluster in name order (its first name), where a walk
            // would read far: its matches are few, so all of them are read.
            let name_page = (name.like_patterns().len() == 1).then_some(page.as_str());
            let by_name = by_name(backend, name, &mut values, name_page);
            let by_address = by_address(backend, address, &mut values, Some(&page));
            (format!("{by_name} UNION {by_address}"), values)
        }
    }
}

/// A branch's first (offset + limit) accounts in the page's order, the limit being
/// parameter `$at` and the offset the next.
fn first_of_page(at: usize) -> String {
    format!("ORDER BY c.name_folded, c.id, a.account_number LIMIT ${at} + ${}", at + 1)
}

/// The accounts of the customers whose folded name has every word: all of them, or the
/// first of the page's order (`page`).
fn by_name(
    backend: Backend,
    words: &Words,
    values: &mut Vec<String>,
    page: Option<&str>,
) -> String {
    let customers = match backend {
        Backend::Sqlite => "SELECT rowid FROM customers_search",
        Backend::Postgres => "SELECT id FROM customers",
    };
    let Some(page) = page else {
        let every = every_word("name_folded", words, values);
        return format!("SELECT id FROM accounts WHERE customer_id IN ({customers} WHERE {every})");
    };
    let matching = match backend {
        Backend::Sqlite => {
            format!("c.id IN ({customers} WHERE {})", every_word("name_folded", words, values))
        }
        Backend::Postgres => every_word("c.name_folded", words, values),
    };
    format!(
        "SELECT id FROM (SELECT a.id FROM customers c JOIN accounts a ON a.customer_id = c.id \
         WHERE {matching} {page}) by_name"
    )
}

/// The accounts whose folded service address has every word: all of them, or the first
/// of the page's order (`page`).
fn by_address(
    backend: Backend,
    words: &Words,
    values: &mut Vec<String>,
    page: Option<&str>,
) -> String {
    const COLUMN: &str = "service_address_folded";
    let accounts = match backend {
        Backend::Sqlite => "SELECT rowid AS id FROM accounts_search",
        Backend::Postgres => "SELECT id FROM accounts",
    };
    let Some(page) = page else {
        return format!("{accounts} WHERE {}", every_word(COLUMN, words, values));
    };
    let matching = match backend {
        Backend::Sqlite => {
            format!("a.id IN ({accounts} WHERE {})", every_word(COLUMN, words, values))
        }
        Backend::Postgres => every_word(&format!("a.{COLUMN}"), words, values),
    };
    format!(
        "SELECT id FROM (SELECT a.id FROM accounts a JOIN customers c ON c.id = a.customer_id \
         WHERE {matching} {page}) by_address"
    )
}

/// `column LIKE $n AND …`, one per word; the patterns go onto `values`.
fn every_word(column: &str, words: &Words, values: &mut Vec<String>) -> String {
    let mut each = Vec::new();
    for pattern in words.like_patterns() {
        values.push(pattern);
        each.push(format!("{column} LIKE ${}", values.len()));
    }
    if each.is_empty() {
        // No word (the parser never makes such a query): nothing is found.
        return "1 = 0".to_string();
    }
    each.join(" AND ")
}
