//! Payment History and a payment's receipt. Rendered whole on the server (a plain GET form
//! and plain links, no island): they read the same without JavaScript.

use super::ReceiptAnswer;
use super::{payment_history, payment_receipt, Channel, Chosen, HistoryListing, HistoryPayment};
use crate::domain::{format, Lang, PaymentId};
use crate::forms::I18n;
use crate::i18n::*;
use crate::paths;
use crate::payments::state_label;
use crate::print::PrintHeader;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PaymentHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let history = Resource::new_blocking(
        move || {
            let q = query.read();
            (q.get("account"), q.get("year"))
        },
        |(account, year)| payment_history(account, year),
    );
    view! {
        <Title text=t_string!(i18n, history.title).to_string()/>
        <Suspense fallback=|| ()>
            {move || history.get().map(|result| match result {
                Ok(Some(history)) => view! { <HistoryView history/> }.into_any(),
                Ok(None) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn HistoryView(history: HistoryListing) -> impl IntoView {
    let i18n = use_i18n();
    let csv = format!("{}{}", paths::PAYMENT_HISTORY_CSV, history.chosen.query());
    view! {
        <h1>{t!(i18n, history.title)}</h1>
        <p>{t!(i18n, history.intro)}</p>
        <Filters accounts=history.accounts years=history.years chosen=history.chosen/>
        {if history.payments.is_empty() {
            view! { <p class="notice" role="status">{t!(i18n, history.none)}</p> }.into_any()
        } else {
            view! {
                <PaymentsTable payments=history.payments/>
                <p><a class="button secondary" href=csv download="payments.csv">{t!(i18n, history.download_csv)}</a></p>
            }
            .into_any()
        }}
    }
}

/// The filters: a GET form, so the choice lives in the address (bookmarkable, and the
/// Back button returns to it) and works without JavaScript.
#[component]
fn Filters(
    accounts: Vec<(crate::domain::AccountId, String)>,
    years: Vec<i32>,
    chosen: Chosen,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="history-filters" method="get" action=paths::PAYMENT_HISTORY>
            <fieldset>
                <legend>{t!(i18n, history.filter)}</legend>
                <div class="field">
                    <label for="history-account">{t!(i18n, history.account)}</label>
                    <select id="history-account" name="account">
                        <option value="" selected=chosen.account.is_none()>{t!(i18n, history.all_accounts)}</option>
                        {accounts.into_iter().map(|(id, number)| view! {
                            <option value=id.to_string() selected=chosen.account == Some(id)>{number}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="history-year">{t!(i18n, history.year)}</label>
                    <select id="history-year" name="year">
                        <option value="" selected=chosen.year.is_none()>{t!(i18n, history.all_years)}</option>
                        {years.into_iter().map(|y| view! {
                            <option value=y.to_string() selected=chosen.year == Some(y)>{y.to_string()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">{t!(i18n, history.show)}</button>
            </fieldset>
        </form>
    }
}

#[component]
fn PaymentsTable(payments: Vec<HistoryPayment>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    view! {
        <div class="table-scroll"><table class="bills payment-history">
            <caption>{t!(i18n, history.caption)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, history.date)}</th>
                <th scope="col">{t!(i18n, history.account)}</th>
                <th scope="col">{t!(i18n, history.amount)}</th>
                <th scope="col">{t!(i18n, history.fee)}</th>
                <th scope="col">{t!(i18n, history.method)}</th>
                <th scope="col">{t!(i18n, history.reference)}</th>
                <th scope="col">{t!(i18n, history.state)}</th>
                <th scope="col">{t!(i18n, history.receipt)}</th>
            </tr></thead>
            <tbody>
                {payments.into_iter().map(|p| view! {
                    <tr>
                        <th scope="row">{format::long_date(p.date, lang)}</th>
                        <td>{p.number.clone()}</td>
                        <td class="amount">{format::money(p.amount, lang)}</td>
                        <td class="amount">{format::money(p.fee, lang)}</td>
                        <td>{p.method.clone()}</td>
                        <td class="reference">{p.reference.clone()}</td>
                        <td><StateCell p=p.clone()/></td>
                        // The reference, unseen, tells the links apart for a screen reader.
                        <td><a href=p.receipt_path()>{t!(i18n, history.print_receipt)}<span class="visually-hidden">{format!(" {}", p.reference)}</span></a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// A payment's state; a returned one with the bank's reason, a retry with the payment it
/// retries.
#[component]
fn StateCell(p: HistoryPayment) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        {state_label(i18n, p.state)}
        {p.return_reason(locale).map(|reason| view! { <br/><span class="return-reason">{reason}</span> })}
        {p.retry_text(locale).map(|retry| view! { <br/><span class="retry-of">{retry}</span> })}
    }
}

/// `/billing/payments/:payment_id`: one payment's receipt, made to be printed.
#[component]
pub fn PaymentReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let receipt = Resource::new_blocking(
        move || params.read().get("payment_id").and_then(|raw| raw.parse::<PaymentId>().ok()),
        |id| async move {
            match id {
                Some(id) => payment_receipt(id).await,
                None => Ok(ReceiptAnswer::NotFound),
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, history.receipt_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || receipt.get().map(|result| match result {
                Ok(ReceiptAnswer::Found(p)) => view! { <Receipt p=*p/> }.into_any(),
                Ok(ReceiptAnswer::NotFound) => view! { <crate::pages::NotFound/> }.into_any(),
                Ok(ReceiptAnswer::SignedOut) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

fn channel_label(i18n: I18n, channel: Channel) -> &'static str {
    match channel {
        Channel::AutoPay => t_string!(i18n, history.autopay),
        Channel::OneTime => t_string!(i18n, history.one_time),
        Channel::QuickPay => t_string!(i18n, history.quick_pay),
    }
}

#[component]
fn Receipt(p: HistoryPayment) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let total = crate::domain::Cents(p.amount.0 + p.fee.0);
    view! {
        <article class="confirmation receipt">
            <PrintHeader/>
            <h1>{t!(i18n, history.receipt_title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, history.reference)}</dt><dd class="reference">{p.reference.clone()}</dd>
                <dt>{t!(i18n, history.account)}</dt><dd>{p.number.clone()}</dd>
                <dt>{t!(i18n, history.kind)}</dt><dd>{channel_label(i18n, p.channel)}</dd>
                <dt>{t!(i18n, history.date)}</dt><dd>{format::long_date(p.date, lang)}</dd>
                <dt>{t!(i18n, history.amount)}</dt><dd class="amount">{format::money(p.amount, lang)}</dd>
                <dt>{t!(i18n, history.fee)}</dt><dd class="amount">{format::money(p.fee, lang)}</dd>
                <dt>{t!(i18n, history.total)}</dt><dd class="amount">{format::money(total, lang)}</dd>
                <dt>{t!(i18n, history.method)}</dt><dd>{p.method.clone()}</dd>
                <dt>{t!(i18n, history.state)}</dt><dd><StateCell p=p.clone()/></dd>
            </dl>
            <div class="actions no-print">
                <button type="button" class="primary print-button" on:click=move |_| { let _ = window().print(); }>{t!(i18n, history.print)}</button>
                <a class="button secondary" href=paths::PAYMENT_HISTORY>{t!(i18n, history.back)}</a>
            </div>
        </article>
    }
}
