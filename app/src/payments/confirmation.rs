//! The confirmation of a one-time payment, as Pay Now and Quick Pay show it (and print it):
//! what happened in the heading, a declined or unreachable card's notice with a way to try
//! again, a reference per account, the total, date and method. Browser-safe.

use super::{state_label, ConfirmedLine, PayConfirmation};
use crate::domain::format;
use crate::domain::payment::PaymentState;
use crate::forms::I18n;
use crate::i18n::*;
use leptos::prelude::*;

fn heading(i18n: I18n, c: &PayConfirmation) -> String {
    let all = |s: PaymentState| c.lines.iter().all(|l| l.state == s);
    let any_declined = c.lines.iter().any(|l| l.state == PaymentState::Declined);
    if all(PaymentState::Declined) {
        t_string!(i18n, pay.done_declined)
    } else if any_declined {
        t_string!(i18n, pay.done_partly)
    } else if all(PaymentState::Scheduled) {
        t_string!(i18n, pay.done_scheduled)
    } else if all(PaymentState::Cancelled) {
        t_string!(i18n, pay.done_cancelled)
    } else {
        t_string!(i18n, pay.done_title)
    }
    .to_string()
}

/// `retry` is where "Try again" leads; `row_action` adds a control to a line's state (Pay
/// Now's Cancel of a scheduled payment).
#[component]
pub fn ConfirmationBody(
    c: PayConfirmation,
    retry: String,
    #[prop(optional)] row_action: Option<Callback<ConfirmedLine, AnyView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let declined: Vec<ConfirmedLine> =
        c.lines.iter().filter(|l| l.state == PaymentState::Declined).cloned().collect();
    let partly = !declined.is_empty() && declined.len() < c.lines.len();
    let unreachable = declined.iter().any(|l| l.unreachable);
    let l = crate::page_lang();
    view! {
        <h1>{heading(i18n, &c)}</h1>
        {(!declined.is_empty()).then(|| view! {
            <div class="notice" role="alert">
                {if partly {
                    view! { <PartlyDeclined declined=declined.clone()/> }.into_any()
                } else {
                    view! { <p>{if unreachable { t_string!(i18n, pay.unreachable) } else { t_string!(i18n, pay.declined) }}</p> }.into_any()
                }}
                <p class="no-print"><a class="button primary" href=retry.clone()>{t!(i18n, pay.try_again)}</a></p>
            </div>
        })}
        <table class="pay-lines">
            <caption class="visually-hidden">{t!(i18n, pay.accounts)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, pay.account)}</th>
                <th scope="col">{t!(i18n, pay.reference)}</th>
                <th scope="col">{t!(i18n, pay.amount)}</th>
                <th scope="col">{t!(i18n, pay.fee)}</th>
                <th scope="col">{t!(i18n, pay.state)}</th>
            </tr></thead>
            <tbody>
                {c.lines.iter().map(|line| view! {
                    <tr>
                        <th scope="row">{line.number.clone()}</th>
                        <td class="reference">{line.reference.clone()}</td>
                        <td>{line.amount.to_string()}</td>
                        <td>{line.fee.to_string()}</td>
                        <td>
                            {state_label(i18n, line.state)}
                            {row_action.map(|action| action.run(line.clone()))}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <dl class="facts">
            <dt>{t!(i18n, pay.total)}</dt><dd>{c.total.to_string()}</dd>
            <dt>{t!(i18n, pay.date)}</dt><dd>{format::long_date(c.date, l)}</dd>
            <dt>{t!(i18n, pay.method)}</dt><dd>{c.method.clone()}</dd>
            <dt>{t!(i18n, pay.submitted_on)}</dt><dd>{format::long_date(c.submitted_on, l)}</dd>
        </dl>
    }
}

/// Which lines of a partly made payment were not paid, and why.
#[component]
fn PartlyDeclined(declined: Vec<ConfirmedLine>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{t!(i18n, pay.partly_declined)}</p>
        <ul class="declined-lines">
            {declined.into_iter().map(|line| {
                let why = if line.unreachable {
                    t_string!(i18n, pay.line_unreachable)
                } else {
                    t_string!(i18n, pay.line_declined)
                };
                view! { <li>{t!(i18n, pay.account)}" "{line.number}" ("{line.amount.to_string()}"): "{why}</li> }
            }).collect_view()}
        </ul>
    }
}
