//! The account overview a customer lands on: each account's number, service address,
//! balance, due date, recent bills, and the state of AutoPay and paperless billing.

#[cfg(feature = "ssr")]
pub mod data;

use crate::domain::format::{gallons, long_date};
use crate::domain::Cents;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BillLine {
    pub bill_date: Date,
    pub due_date: Date,
    pub amount: Cents,
    pub usage_gallons: i64,
}

/// An AutoPay payment and where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub draft_date: Date,
    pub due_date: Date,
    pub amount: Cents,
    /// pending, submitted, paid, failed or skipped.
    pub status: String,
    pub last4: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub account_id: crate::domain::AccountId,
    /// `customer-account`, as on the bill.
    pub number: String,
    pub service_address: String,
    pub balance: Cents,
    pub due_date: Option<Date>,
    pub bills: Vec<BillLine>,
    pub payments: Vec<PaymentLine>,
    pub autopay: bool,
    pub paperless: bool,
    /// Payments on their way: shown so that nobody pays twice by doubt.
    pub on_its_way: Vec<crate::payments::OnItsWay>,
    /// Water use, for an account with meter reads.
    pub water: Option<WaterLine>,
}

/// The overview's water line: the 30 days up to the newest read, and open alerts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaterLine {
    pub centigallons: i64,
    /// Every one of the 30 days was read whole.
    pub whole: bool,
    pub through: Date,
    /// Alerts still running that the customer has not dismissed.
    pub alerts: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub name: String,
    pub accounts: Vec<AccountSummary>,
}

/// The signed-in customer's accounts; `None` when nobody is signed in.
#[server(endpoint = "get_overview")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_overview() -> Result<Option<Overview>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some((customer, name)) = crate::auth::current_customer_named().await else {
        return Ok(None);
    };
    data::overview(&db, customer, name).await.map(Some).map_err(|e| {
        tracing::error!(error = ?e, "overview failed");
        ServerFnError::new("internal error")
    })
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new_blocking(|| (), |_| get_overview());
    view! {
        <Title text=t_string!(i18n, overview.title).to_string()/>
        <Suspense fallback=|| ()>
            {move || overview.get().map(|result| match result {
                Ok(Some(o)) => view! { <OverviewView overview=o/> }.into_any(),
                Ok(None) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// Water use in the last 30 days read, an alert still running, and the way to the chart.
#[component]
fn WaterSummary(account: crate::domain::AccountId, water: WaterLine) -> impl IntoView {
    let i18n = use_i18n();
    let lang = crate::page_lang();
    let link = format!("{}?account={account}", paths::WATER_USE);
    let used = gallons((water.centigallons + 50) / 100, lang);
    let mut line = format!(
        "{}: {used} {} {}",
        t_string!(i18n, overview.water_use),
        t_string!(i18n, overview.water_through),
        long_date(water.through, lang)
    );
    if !water.whole {
        line = format!("{line} {}", t_string!(i18n, overview.water_partial));
    }
    view! {
        {(water.alerts > 0).then(|| view! {
            <p class="notice warning" role="status">
                <strong>{t!(i18n, overview.water_alert)}</strong>" "
                <a href=link.clone()>{t!(i18n, overview.water_alert_see)}</a>
            </p>
        })}
        <p class="water-summary">
            {line}" · "<a href=link>{t!(i18n, overview.water_see)}</a>
        </p>
    }
}

#[component]
fn OverviewView(overview: Overview) -> impl IntoView {
    let i18n = use_i18n();
    let lang = crate::page_lang();
    view! {
        <h1>{t!(i18n, overview.title)}</h1>
        <p>{t!(i18n, overview.welcome)}" "{overview.name.clone()}</p>
        {overview.accounts.into_iter().map(|a| {
            let heading_id = format!("account-{}", a.number);
            view! {
                <section class="account-card" aria-labelledby=heading_id.clone()>
                    <h2 id=heading_id.clone()>{t!(i18n, overview.payment_number)}" "{a.number.clone()}</h2>
                    <dl class="facts">
                        <dt>{t!(i18n, overview.service_address)}</dt><dd>{a.service_address.clone()}</dd>
                        <dt>{t!(i18n, overview.balance)}</dt><dd class="amount">{a.balance.to_string()}</dd>
                        <dt>{t!(i18n, overview.due_date)}</dt>
                        <dd>{match a.due_date { Some(d) => long_date(d, lang).into_any(), None => t!(i18n, overview.no_bill).into_any() }}</dd>
                        <dt>{t!(i18n, overview.autopay)}</dt>
                        <dd>{if a.autopay { t!(i18n, overview.autopay_on).into_any() } else { t!(i18n, overview.autopay_off).into_any() }}
                            " · "<a href=paths::AUTOPAY_SETTINGS>{t!(i18n, overview.manage_autopay)}</a></dd>
                        <dt>{t!(i18n, overview.paperless)}</dt>
                        <dd>{if a.paperless { t!(i18n, overview.paperless_email).into_any() } else { t!(i18n, overview.paperless_paper).into_any() }}
                            " · "<a href=paths::DELIVERY_SETTINGS>{t!(i18n, overview.manage_delivery)}</a></dd>
                    </dl>
                    <crate::payments::OnItsWayNotices payments=a.on_its_way.clone()/>
                    {a.water.map(|w| view! { <WaterSummary account=a.account_id water=w/> })}
                    <p><a class="button primary" href=paths::pay_account(a.account_id)>{t!(i18n, pay.pay_now)}</a></p>
                    <table class="bills">
                        <caption>{t!(i18n, overview.last_bills)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, overview.bill_date)}</th>
                            <th scope="col">{t!(i18n, overview.due_date)}</th>
                            <th scope="col">{t!(i18n, overview.amount)}</th>
                            <th scope="col">{t!(i18n, overview.usage)}</th>
                        </tr></thead>
                        <tbody>
                            {a.bills.into_iter().map(|b| view! {
                                <tr>
                                    <td>{long_date(b.bill_date, lang)}</td><td>{long_date(b.due_date, lang)}</td>
                                    <td class="amount">{b.amount.to_string()}</td><td>{gallons(b.usage_gallons, lang)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p><a href=paths::BILL_HISTORY>{t!(i18n, overview.bill_history)}</a>" · "<a href=paths::payment_history_of(a.account_id)>{t!(i18n, overview.payment_history)}</a></p>
                    {(!a.payments.is_empty()).then(|| view! {
                        <table class="payments">
                            <caption>{t!(i18n, autopay.payments)}</caption>
                            <thead><tr>
                                <th scope="col">{t!(i18n, autopay.payment_drafted)}</th>
                                <th scope="col">{t!(i18n, autopay.payment_due)}</th>
                                <th scope="col">{t!(i18n, autopay.payment_amount)}</th>
                                <th scope="col">{t!(i18n, autopay.payment_method)}</th>
                                <th scope="col">{t!(i18n, autopay.payment_status)}</th>
                            </tr></thead>
                            <tbody>
                                {a.payments.into_iter().map(|p| {
                                    let status = match p.status.as_str() {
                                        "pending" => t_string!(i18n, autopay.status_pending),
                                        "submitted" => t_string!(i18n, autopay.status_submitted),
                                        "paid" => t_string!(i18n, autopay.status_paid),
                                        "failed" => t_string!(i18n, autopay.status_failed),
                                        "scheduled" => t_string!(i18n, pay.state_scheduled),
                                        "cancelled" => t_string!(i18n, pay.state_cancelled),
                                        "returned" => t_string!(i18n, pay.state_returned),
                                        _ => t_string!(i18n, autopay.status_skipped),
                                    };
                                    view! {
                                        <tr class=format!("payment-{}", p.status)>
                                            <td>{long_date(p.draft_date, lang)}</td><td>{long_date(p.due_date, lang)}</td><td class="amount">{p.amount.to_string()}</td>
                                            <td>"*****"{p.last4}</td><td>{status}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                </section>
            }
        }).collect_view()}
    }
}
