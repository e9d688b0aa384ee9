//! The bills themselves: Bill History (24 months of bills of the signed-in customer's
//! accounts), the printable HTML bill built from a bill's data (also the accessible version
//! of every bill), and the utility's PDF of a bill, served to its owner only. The PDFs are
//! loaded by `server import bill-documents` (`import::documents`).

#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(feature = "ssr")]
pub mod pdf;

pub use pages::{BillHistoryPage, BillPage};

use crate::domain::{BillId, Cents};
#[cfg(feature = "ssr")]
use crate::forms::internal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// How far back Bill History goes.
pub const HISTORY_MONTHS: i32 = 24;

/// One bill in Bill History.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryBill {
    pub id: BillId,
    pub bill_date: Date,
    pub due_date: Date,
    pub amount: Cents,
    pub usage_gallons: i64,
    /// The utility's PDF of it was imported.
    pub has_pdf: bool,
}

/// An account and its bills of the last 24 months, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountBills {
    /// `customer-account`, as on the bill.
    pub number: String,
    pub service_address: String,
    pub bills: Vec<HistoryBill>,
}

/// A bill with what the printed bill shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bill {
    pub id: BillId,
    pub number: String,
    pub customer_name: String,
    /// Street, then "City, ST ZIP".
    pub service_address: (String, String),
    pub bill_date: Date,
    pub due_date: Date,
    pub amount: Cents,
    pub balance: Cents,
    pub usage_gallons: i64,
    pub has_pdf: bool,
    /// The portal's address, to pay online.
    pub portal_url: String,
}

/// What asking for a bill finds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BillAnswer {
    SignedOut,
    /// No such bill, or another customer's (the same answer).
    NotFound,
    Found(Box<Bill>),
}

/// The first day Bill History leaves out: the same day `HISTORY_MONTHS` months ago (Feb 28
/// for a Feb 29). Bills dated after it are shown.
pub fn history_start(today: Date) -> Date {
    let year = today.year() - HISTORY_MONTHS / 12;
    today.replace_year(year).unwrap_or_else(|_| {
        Date::from_calendar_date(year, today.month(), 28).expect("the 28th exists")
    })
}

/// The signed-in customer's accounts with their bills of the last 24 months; `None` when
/// nobody is signed in.
#[server(endpoint = "bill_history")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn bill_history() -> Result<Option<Vec<AccountBills>>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else { return Ok(None) };
    let since = history_start(time::OffsetDateTime::now_utc().date());
    data::history(&db, customer, since).await.map(Some).map_err(internal)
}

/// One bill of the signed-in customer.
#[server(endpoint = "bill_view")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(%bill_id)))]
pub async fn bill_view(bill_id: BillId) -> Result<BillAnswer, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let config = expect_context::<crate::platform::Config>();
    let Some(customer) = crate::auth::current_customer().await else {
        return Ok(BillAnswer::SignedOut);
    };
    let bill = data::bill(&db, customer, bill_id).await.map_err(internal)?;
    Ok(match bill {
        Some(mut bill) => {
            bill.portal_url = config.public_base_url.clone();
            BillAnswer::Found(Box::new(bill))
        }
        None => BillAnswer::NotFound,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn history_goes_back_24_months() {
        assert_eq!(history_start(date!(2026 - 11 - 30)), date!(2024 - 11 - 30));
        assert_eq!(history_start(date!(2028 - 02 - 29)), date!(2026 - 02 - 28));
    }
}
