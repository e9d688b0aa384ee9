//! The audit log as admins read it: filtered, a page at a time, or as CSV. And `record`,
//! which every back-office server function calls to write its row.

#[cfg(feature = "ssr")]
pub mod csv;
pub mod page;

pub use page::AuditLogPage;

use crate::audit::{AuditAction, AuditFilter, AuditRow};
use crate::domain::{AuditId, CustomerId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows per page of the log.
pub const PAGE_ROWS: i64 = 50;

/// Writes an audit row for the signed-in staff member's request: who, from which address,
/// about which customer, why, and `details` (a JSON object: what was searched, or what
/// changed). Answers the row's id.
#[cfg(feature = "ssr")]
pub async fn record(
    staff: crate::auth::StaffMember,
    action: AuditAction,
    customer: Option<CustomerId>,
    reason: Option<&str>,
    details: &str,
) -> Result<AuditId, ServerFnError> {
    use crate::forms::internal;
    let db = expect_context::<crate::platform::Db>();
    let address = crate::platform::request::client_address().await;
    let row = crate::auth::staff_data::by_id(&db, staff.id).await.map_err(internal)?;
    let actor = row.map(|r| r.email).unwrap_or_default();
    let entry = crate::audit::NewAuditRow {
        staff: Some(staff.id),
        actor: &actor,
        action,
        address: &address,
        customer,
        reason,
        details: details.to_string(),
    };
    crate::audit::data::append(&db, &entry).await.map_err(internal)
}

/// The filters as the page's form sends them (all text; a value that does not read is no
/// filter, as on the customers' history page).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub customer: String,
    /// YYYY-MM-DD (UTC), inclusive.
    pub from: String,
    /// YYYY-MM-DD (UTC), inclusive.
    pub to: String,
    pub before: String,
}

impl AuditQuery {
    pub fn from_pairs<K: AsRef<str>>(pairs: impl IntoIterator<Item = (K, String)>) -> Self {
        let mut q = Self::default();
        for (key, value) in pairs {
            match key.as_ref() {
                "actor" => q.actor = value,
                "action" => q.action = value,
                "customer" => q.customer = value,
                "from" => q.from = value,
                "to" => q.to = value,
                "before" => q.before = value,
                _ => {}
            }
        }
        q
    }

    pub fn filter(&self) -> AuditFilter {
        let day = |text: &str| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(text.trim(), format)
                .ok()
                .map(|d| d.midnight().assume_utc().unix_timestamp())
        };
        let text = |t: &str| Some(t.trim().to_lowercase()).filter(|t| !t.is_empty());
        AuditFilter {
            actor: text(&self.actor),
            action: AuditAction::parse(self.action.trim()),
            customer: self.customer.trim().parse().ok().map(CustomerId),
            from: day(&self.from),
            until: day(&self.to).map(|d| d + 86_400),
            before: self.before.trim().parse().ok().map(AuditId),
        }
    }

    /// The query string of these filters, for the CSV link and the next page.
    pub fn to_query(&self, before: Option<AuditId>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("customer", &self.customer),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(key, value.trim());
            }
        }
        if let Some(before) = before {
            out.append_pair("before", &before.to_string());
        }
        out.finish()
    }
}

/// A page of the log, newest first; admins only.
#[server(endpoint = "audit_log_rows")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn audit_log_rows(
    actor: String,
    action: String,
    customer: String,
    from: String,
    to: String,
    before: String,
) -> Result<Vec<AuditRow>, ServerFnError> {
    crate::auth::require_admin().await?;
    let query = AuditQuery { actor, action, customer, from, to, before };
    let db = expect_context::<crate::platform::Db>();
    crate::audit::data::rows(&db, &query.filter(), PAGE_ROWS).await.map_err(crate::forms::internal)
}
