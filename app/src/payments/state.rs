//! Where a payment stands, as every page shows it: its state's label, and the notice of a
//! payment already on its way (so that nobody pays twice by doubt). Browser-safe.

use crate::domain::ach_return::ReturnClass;
use crate::domain::format;
use crate::domain::payment::{AmountProblem, PaymentState};
use crate::domain::Cents;
use crate::forms::I18n;
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// A payment already on its way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OnItsWay {
    pub amount: Cents,
    pub date: Date,
    pub state: PaymentState,
}

pub fn state_label(i18n: I18n, state: PaymentState) -> String {
    state_text(i18n.get_locale(), state)
}

/// The same label where no page is rendered (Payment History's CSV file).
pub fn state_text(locale: Locale, state: PaymentState) -> String {
    match state {
        PaymentState::Scheduled => td_string!(locale, pay.state_scheduled),
        PaymentState::Pending => td_string!(locale, pay.state_pending),
        PaymentState::SentToBank => td_string!(locale, pay.state_sent),
        PaymentState::Paid => td_string!(locale, pay.state_paid),
        PaymentState::Declined => td_string!(locale, pay.state_declined),
        PaymentState::Returned => td_string!(locale, pay.state_returned),
        PaymentState::Cancelled => td_string!(locale, pay.state_cancelled),
    }
    .to_string()
}

/// Why the bank returned a payment, in the customer's language, with the bank's code:
/// "Insufficient funds (R01)". Each class of the table has its sentence; any other
/// code reads "Returned by the bank (R14)".
pub fn return_reason_text(locale: Locale, code: &str) -> String {
    let reason = match ReturnClass::of(code) {
        ReturnClass::Nsf => td_string!(locale, returned.nsf),
        ReturnClass::Account => td_string!(locale, returned.account),
        ReturnClass::Unauthorized => td_string!(locale, returned.unauthorized),
        ReturnClass::StopPayment => td_string!(locale, returned.stop_payment),
        ReturnClass::Other => td_string!(locale, returned.other),
    };
    format!("{reason} ({})", code.trim())
}

/// What is wrong with an amount to pay (Pay Now and Quick Pay).
pub fn amount_problem_text(i18n: I18n, p: AmountProblem) -> String {
    match p {
        AmountProblem::Empty => t_string!(i18n, pay.amount_empty),
        AmountProblem::Format => t_string!(i18n, pay.amount_format),
        AmountProblem::CommaForPoint => t_string!(i18n, pay.amount_comma),
        AmountProblem::TooSmall => t_string!(i18n, pay.amount_small),
        AmountProblem::TooLarge => t_string!(i18n, pay.amount_large),
        AmountProblem::NothingOwed => t_string!(i18n, pay.nothing_owed),
    }
    .to_string()
}

/// "A payment of $84.17 made on Dec 2 is on its way." (or "… is scheduled for Dec 10.").
pub fn on_its_way_text(i18n: I18n, p: &OnItsWay) -> String {
    let date = format::short_date(p.date, crate::page_lang());
    let of = t_string!(i18n, pay.a_payment_of);
    if p.state == PaymentState::Scheduled {
        format!("{of} {} {} {date}.", p.amount, t_string!(i18n, pay.scheduled_for))
    } else {
        let (made, way) = (t_string!(i18n, pay.made_on), t_string!(i18n, pay.is_on_its_way));
        format!("{of} {} {made} {date} {way}", p.amount)
    }
}

/// The notices of an account's payments on their way.
#[component]
pub fn OnItsWayNotices(payments: Vec<OnItsWay>) -> impl IntoView {
    let i18n = use_i18n();
    payments
        .into_iter()
        .map(|p| view! { <p class="notice on-its-way" role="status">{on_its_way_text(i18n, &p)}</p> })
        .collect_view()
}

/// Under the date of an e-check dated on a day that is not a banking day (a weekend, a
/// holiday): "That day is not a banking day: your bank account is debited on …".
#[component]
pub fn DebitedOn(debited_on: Option<Date>) -> impl IntoView {
    let i18n = use_i18n();
    debited_on.map(|d| {
        let date = format::long_date(d, crate::page_lang());
        let text = format!("{} {date}.", t_string!(i18n, pay.debited_on));
        view! { <p class="hint debited-on">{text}</p> }
    })
}
