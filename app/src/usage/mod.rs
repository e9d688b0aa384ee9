//! Water Use (Billing menu): the customer's use by hour (one day), by day (a billing period)
//! or by month (two years), beside the same period a year before, in gallons or HCF (the
//! choice kept on their login). The chart is SVG drawn on the server with its data table as
//! the accessible alternative, and every choice is a link or a plain form: the page reads
//! the same without JavaScript. A bucket without reads shows as missing, never as zero;
//! the days of a billed period are checked against the bill's usage. The same numbers are
//! downloadable as CSV (`csv`) and as Green Button's ESPI XML (`green_button`). The reads are `meter_reads` (`server import reads`).

mod chart;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod green_button;
mod page;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::{WaterUsePage, WhatToCheckPage};

use crate::domain::leak::AlertKind;
use crate::domain::water_use::{Bucket, Days, Scale, Unit};
use crate::domain::AccountId;
#[cfg(feature = "ssr")]
use crate::forms::internal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// What the address asks for (all text: what does not read is the default).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageQuery {
    pub account: Option<String>,
    pub scale: Option<String>,
    /// A day of the period: YYYY-MM-DD.
    pub at: Option<String>,
}

/// One bar: its first day (and hour, on the hourly chart), its use and a year before's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub day: Date,
    pub hour: Option<u8>,
    pub now: Bucket,
    pub year_before: Bucket,
}

/// An alert on the account, until the customer dismisses it. Times are local (seconds
/// since 1970 in the place the reads were taken).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownAlert {
    pub id: i64,
    pub kind: AlertKind,
    pub started: i64,
    pub resolved: Option<i64>,
}

/// How the days of a billed period compare with the bill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillCheck {
    /// Every day read whole, and they add up to the bill's gallons.
    AddsUp { gallons: i64 },
    /// Days with missing reads: the total cannot be checked.
    Missing { days: usize, gallons: i64 },
    /// Read whole, and the reads add up to something else than the bill.
    Differs { read_centigallons: i64, gallons: i64 },
}

/// The page: the chosen account, scale and period, and its bars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageView {
    pub accounts: Vec<(AccountId, String)>,
    pub account: AccountId,
    pub scale: Scale,
    pub unit: Unit,
    /// The days shown (one, on the hourly chart).
    pub days: Days,
    pub bars: Vec<Bar>,
    /// A day of the period before and of the one after (none after the last).
    pub previous: Date,
    pub next: Option<Date>,
    pub bill: Option<BillCheck>,
    /// The account has hourly reads (daily reads have no hourly chart).
    pub hourly: bool,
    pub alerts: Vec<ShownAlert>,
}

impl UsageView {
    /// The last day shown: an address with it shows this same period again at this scale,
    /// and the period holding it at another.
    pub fn anchor(&self) -> Date {
        self.days.until.previous_day().unwrap_or(self.days.from).max(self.days.from)
    }

    /// This view's own address.
    pub fn here(&self) -> String {
        self.link(self.scale, self.anchor())
    }

    /// The address of this view at another account, scale or day.
    pub fn link(&self, scale: Scale, at: Date) -> String {
        let at = crate::domain::format::iso_date(at);
        format!(
            "{}?account={}&scale={}&at={at}",
            crate::paths::WATER_USE,
            self.account,
            scale.as_str()
        )
    }
}

/// The signed-in customer's use as the address asks; `None` when nobody is signed in or
/// they have no account.
#[server(endpoint = "water_use")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn water_use(
    account: Option<String>,
    scale: Option<String>,
    at: Option<String>,
) -> Result<Option<UsageView>, ServerFnError> {
    let query = UsageQuery { account, scale, at };
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else { return Ok(None) };
    let today = time::OffsetDateTime::now_utc().date();
    service::usage(&db, customer, &query, today).await.map_err(internal)
}

/// Dismisses one of the account's alerts (the customer saw it), then back to the page.
#[server(endpoint = "dismiss_usage_alert")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn dismiss_usage_alert(
    account: String,
    alert: String,
    back: Option<String>,
) -> Result<(), ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else {
        leptos_axum::redirect(crate::paths::SIGN_IN);
        return Ok(());
    };
    let owned = data::accounts(&db, customer).await.map_err(internal)?;
    let account = owned.into_iter().map(|(id, _)| id).find(|id| id.to_string() == account.trim());
    if let (Some(account), Ok(alert)) = (account, alert.trim().parse::<i64>()) {
        crate::water::alerts::data::dismiss(&db, account, alert).await.map_err(internal)?;
    }
    leptos_axum::redirect(&usage_back(back));
    Ok(())
}

/// Back to the usage page the form was on; never an address elsewhere.
#[cfg(feature = "ssr")]
fn usage_back(back: Option<String>) -> String {
    let prefix = format!("{}?", crate::paths::WATER_USE);
    back.filter(|b| b.starts_with(&prefix) && !b.contains("//"))
        .unwrap_or_else(|| crate::paths::WATER_USE.to_string())
}

/// Keeps the unit the customer reads in, then back to the page they were on.
#[server(endpoint = "set_usage_unit")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn set_usage_unit(unit: String, back: Option<String>) -> Result<(), ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else {
        leptos_axum::redirect(crate::paths::SIGN_IN);
        return Ok(());
    };
    if let Some(unit) = Unit::parse(&unit) {
        data::set_unit(&db, customer, unit).await.map_err(internal)?;
    }
    leptos_axum::redirect(&usage_back(back));
    Ok(())
}
