//! Payment History: every payment of the accounts the signed-in customer owns now (AutoPay,
//! Pay Now, Quick Pay), newest first, filtered by account and year through the address (a
//! plain GET form: no JavaScript needed); each payment's receipt printable again; the same
//! list as a CSV file (`csv`, an axum handler). The SQL is `payments::data::history`.

#[cfg(feature = "ssr")]
pub mod csv;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{PaymentHistoryPage, PaymentReceiptPage};

use crate::domain::payment::PaymentState;
use crate::domain::{AccountId, Cents, PaymentId, SubmissionId};
#[cfg(feature = "ssr")]
use crate::forms::internal;
use crate::paths;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// What made a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    AutoPay,
    OneTime,
    QuickPay,
}

impl Channel {
    /// As `payments.channel` stores it (the schema allows only these three).
    pub fn from_stored(raw: &str) -> Self {
        match raw {
            "one_time" => Self::OneTime,
            "quick_pay" => Self::QuickPay,
            _ => Self::AutoPay,
        }
    }
}

/// One payment as the history and its receipt show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPayment {
    pub id: PaymentId,
    /// The day it was (or will be) drafted or charged.
    pub date: Date,
    /// `customer-account`, as on the bill.
    pub number: String,
    pub amount: Cents,
    pub fee: Cents,
    /// Masked: "Visa *****1111", in the customer's language.
    pub method: String,
    pub reference: String,
    pub state: PaymentState,
    pub channel: Channel,
    /// The payment form it came from (Pay Now, Quick Pay).
    pub submission: Option<SubmissionId>,
    /// A returned payment's return reason code (`R01`…), shown as its reason.
    pub return_code: Option<String>,
    /// The reference number of the payment this one retries (after insufficient funds).
    pub retry_of: Option<String>,
}

impl HistoryPayment {
    /// Where its receipt is printed again: a Pay Now payment's confirmation, else its own
    /// receipt page.
    pub fn receipt_path(&self) -> String {
        match (self.channel, self.submission) {
            (Channel::OneTime, Some(submission)) => paths::pay_done(submission),
            _ => paths::payment_receipt(self.id),
        }
    }

    /// Why the bank returned it, in the customer's language: "Insufficient funds (R01)".
    pub fn return_reason(&self, locale: crate::i18n::Locale) -> Option<String> {
        self.return_code.as_deref().map(|code| crate::payments::return_reason_text(locale, code))
    }

    /// "Retry of P00000009", for a payment that retries another.
    pub fn retry_text(&self, locale: crate::i18n::Locale) -> Option<String> {
        let of = crate::i18n::td_string!(locale, returned.retry_of);
        self.retry_of.as_ref().map(|reference| format!("{of} {reference}"))
    }

    /// Its state as one text (the CSV's cell): "Returned: Insufficient funds (R01)",
    /// "Pending; Retry of P00000009".
    pub fn status_text(&self, locale: crate::i18n::Locale) -> String {
        let mut text = crate::payments::state_text(locale, self.state);
        if let Some(reason) = self.return_reason(locale) {
            text = format!("{text}: {reason}");
        }
        if let Some(retry) = self.retry_text(locale) {
            text = format!("{text}; {retry}");
        }
        text
    }
}

/// The filters in force, as read from the address (a bad value is no filter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chosen {
    pub account: Option<AccountId>,
    pub year: Option<i32>,
}

impl Chosen {
    /// The address' query of these filters ("" when none), for the CSV link.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(account) = self.account {
            parts.push(format!("account={account}"));
        }
        if let Some(year) = self.year {
            parts.push(format!("year={year}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// The history page: the customer's accounts and years to filter by, and the payments kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryListing {
    pub accounts: Vec<(AccountId, String)>,
    pub years: Vec<i32>,
    pub chosen: Chosen,
    pub payments: Vec<HistoryPayment>,
}

/// What asking for one receipt finds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReceiptAnswer {
    SignedOut,
    /// No such payment, or another customer's (the same answer).
    NotFound,
    Found(Box<HistoryPayment>),
}

/// The account filter: one of the customer's accounts, else none (all of them).
pub fn chosen_account(raw: Option<&str>, owned: &[(AccountId, String)]) -> Option<AccountId> {
    let id = raw?.trim().parse::<AccountId>().ok()?;
    owned.iter().any(|(a, _)| *a == id).then_some(id)
}

/// The year filter: four digits of a plausible year, else none (all years).
pub fn chosen_year(raw: Option<&str>) -> Option<i32> {
    let raw = raw?.trim();
    if raw.len() != 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|y| (1900..=2999).contains(y))
}

/// The signed-in customer's payments, filtered by `account` and `year` as the address gives
/// them; `None` when nobody is signed in.
#[server(endpoint = "payment_history")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn payment_history(
    account: Option<String>,
    year: Option<String>,
) -> Result<Option<HistoryListing>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else { return Ok(None) };
    let lang = crate::domain::Lang::from_locale(&crate::platform::request::request_locale());
    let found = service::history(&db, customer, lang, account.as_deref(), year.as_deref()).await;
    found.map(Some).map_err(internal)
}

/// One payment of the signed-in customer, for its receipt.
#[server(endpoint = "payment_receipt")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(%payment_id)))]
pub async fn payment_receipt(payment_id: PaymentId) -> Result<ReceiptAnswer, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else {
        return Ok(ReceiptAnswer::SignedOut);
    };
    let lang = crate::domain::Lang::from_locale(&crate::platform::request::request_locale());
    let found = service::one(&db, customer, lang, payment_id).await.map_err(internal)?;
    Ok(found.map_or(ReceiptAnswer::NotFound, |p| ReceiptAnswer::Found(Box::new(p))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_is_one_of_the_customers_accounts_or_a_plain_year_else_none() {
        let owned = [(AccountId(3), "1-2".to_string()), (AccountId(4), "1-3".to_string())];
        assert_eq!(chosen_account(Some("4"), &owned), Some(AccountId(4)));
        assert_eq!(chosen_account(Some(" 3 "), &owned), Some(AccountId(3)));
        for bad in ["5", "", "-3", "x", "99999999999999999999"] {
            assert_eq!(chosen_account(Some(bad), &owned), None, "{bad}");
        }
        assert_eq!(chosen_account(None, &owned), None);
        assert_eq!(chosen_year(Some("2026")), Some(2026));
        for bad in ["26", "0000", "20266", "-202", "abcd", "", "3000", "２０２６"] {
            assert_eq!(chosen_year(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn the_filters_travel_in_the_address() {
        assert_eq!(Chosen::default().query(), "");
        let both = Chosen { account: Some(AccountId(3)), year: Some(2026) };
        assert_eq!(both.query(), "?account=3&year=2026");
        assert_eq!(Chosen { account: None, year: Some(2025) }.query(), "?year=2025");
    }

    #[test]
    fn a_pay_now_payment_prints_its_confirmation_and_the_others_their_own_receipt() {
        let mut p = HistoryPayment {
            id: PaymentId(9),
            date: time::macros::date!(2026 - 12 - 02),
            number: "1-2".into(),
            amount: Cents(8417),
            fee: Cents(0),
            method: "Checking *****6789".into(),
            reference: "P00000009".into(),
            state: PaymentState::Paid,
            channel: Channel::OneTime,
            submission: Some(SubmissionId(5)),
            return_code: None,
            retry_of: None,
        };
        assert_eq!(p.receipt_path(), "/billing/pay/done?ref=5");
        p.channel = Channel::AutoPay;
        p.submission = None;
        assert_eq!(p.receipt_path(), "/billing/payments/9");
        p.channel = Channel::QuickPay;
        p.submission = Some(SubmissionId(5));
        assert_eq!(p.receipt_path(), "/billing/payments/9");
    }

    #[test]
    fn a_returned_payment_says_why_and_a_retry_names_what_it_retries_in_either_language() {
        use crate::i18n::Locale;
        let mut p = HistoryPayment {
            id: PaymentId(12),
            date: time::macros::date!(2026 - 12 - 02),
            number: "1-2".into(),
            amount: Cents(8417),
            fee: Cents(0),
            method: "Checking *****6789".into(),
            reference: "P00000012".into(),
            state: PaymentState::Returned,
            channel: Channel::AutoPay,
            submission: None,
            return_code: Some("R01".into()),
            retry_of: None,
        };
        assert_eq!(p.status_text(Locale::en), "Returned: Insufficient funds (R01)");
        assert_eq!(p.status_text(Locale::es), "Devuelto: Fondos insuficientes (R01)");
        for (code, en, es) in [
            ("R03", "Account closed or not found", "Cuenta cerrada o no encontrada"),
            ("R10", "Not authorized by the account holder", "No autorizado por el titular"),
            ("R08", "Payment stopped by the account holder", "Pago detenido por el titular"),
            ("R14", "Returned by the bank (R14)", "Devuelto por el banco (R14)"),
        ] {
            p.return_code = Some(code.into());
            assert!(p.status_text(Locale::en).contains(en), "{code}");
            assert!(p.status_text(Locale::es).contains(es), "{code}");
        }
        p.return_code = None;
        p.state = PaymentState::Pending;
        p.retry_of = Some("P00000009".into());
        assert_eq!(p.status_text(Locale::en), "Pending; Retry of P00000009");
        assert_eq!(p.status_text(Locale::es), "Pendiente; Reintento de P00000009");
    }
}
