//! Finding the customer: one search box (`domain::staff_search` reads what was typed), a
//! page of accounts found at a time, in a stable order (folded name, customer, account
//! number), so that the next page continues where this one ended.

mod components;
#[cfg(feature = "ssr")]
pub mod data;

pub use components::{
    search_problem_text, SearchBox, SearchProblem, SearchResults, StaffSearchPage,
};

use crate::domain::staff_search::SearchQueryError;
use crate::domain::{AccountId, CustomerId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Accounts shown on a page of results.
pub const PAGE_SIZE: u32 = 20;
/// The last page served (from 0): a search that finds more than a thousand accounts is one
/// to narrow, not to page through.
pub const LAST_PAGE: u32 = 49;

/// An account found, with its customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub customer_id: CustomerId,
    pub account_id: AccountId,
    /// `customer-account`, as printed on the bill.
    pub number: String,
    pub name: String,
    /// Street, city, state and ZIP code, on one line.
    pub service_address: String,
    /// Whether the customer has registered a login.
    pub registered: bool,
}

/// One page of results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// From 0.
    pub page: u32,
    /// Whether another page follows.
    pub more: bool,
}

/// Page `page` (from 0; past [`LAST_PAGE`] reads as the last) of the accounts `query` finds.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(kind = query.kind(), page))]
pub async fn search(
    db: &crate::platform::Db,
    query: &crate::domain::staff_search::SearchQuery,
    page: u32,
) -> Result<SearchPage, sqlx::Error> {
    let page = page.min(LAST_PAGE);
    let mut hits =
        data::hits(db, query, i64::from(page * PAGE_SIZE), PAGE_SIZE as usize + 1).await?;
    let more = hits.len() > PAGE_SIZE as usize && page < LAST_PAGE;
    hits.truncate(PAGE_SIZE as usize);
    Ok(SearchPage { hits, page, more })
}

/// What the search page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchAnswer {
    /// Nothing typed yet: only the box.
    Blank,
    /// Not searched: what was typed cannot be looked for, and why.
    Refused(SearchQueryError),
    Found(SearchPage),
}

/// A page of the search for `q` (as typed; `page` from 0, a page that does not read is the
/// first). Staff only; each search made is written to the audit log with what was typed.
#[server(endpoint = "staff_search")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_search(q: String, page: String) -> Result<SearchAnswer, ServerFnError> {
    use crate::domain::staff_search::SearchQuery;
    let staff = crate::auth::require_staff().await?;
    if q.trim().is_empty() {
        return Ok(SearchAnswer::Blank);
    }
    let query = match SearchQuery::parse(&q) {
        Ok(query) => query,
        Err(e) => return Ok(SearchAnswer::Refused(e)),
    };
    let db = expect_context::<crate::platform::Db>();
    let page = page.trim().parse().unwrap_or(0);
    let found = search(&db, &query, page).await.map_err(crate::forms::internal)?;
    let details = serde_json::json!({
        "query": q.trim(),
        "kind": query.kind(),
        "page": found.page,
        "found": found.hits.len(),
    });
    let action = crate::audit::AuditAction::Search;
    super::audit_log::record(staff, action, None, None, &details.to_string()).await?;
    Ok(SearchAnswer::Found(found))
}
