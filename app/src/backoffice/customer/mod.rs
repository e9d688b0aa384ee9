//! The customer's page in the back office: everything about one customer on one page, for
//! the call — accounts with balances, due dates and bills; payments with their states and
//! the bank's return codes; AutoPay; bill delivery and a verification waiting; the login
//! (registered or not, locked and until when, last sign-in); the emails sent to them and how
//! their delivery went. Payment methods only masked (kind, brand, last four): nothing here
//! reads an account number or a token, let alone decrypts one.
//!
//! Customers' logins have no second factor (only staff sign in with one), so there is none
//! to show.

mod components;
#[cfg(feature = "ssr")]
pub mod data;
mod page;

pub use components::CustomerPage;
pub use page::StaffCustomerPage;

use crate::domain::autopay::AutopayRule;
use crate::domain::payment::PaymentState;
use crate::domain::{AccountId, BillId, Cents, CustomerId, EmailId, PaymentId};
use crate::i18n::Locale;
use crate::payments::{MethodKind, MethodLabel, SavedMethod};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// Payments shown, newest first (the page says when there are more).
pub const PAYMENTS_SHOWN: usize = 50;
/// Bills shown per account, newest first.
pub const BILLS_SHOWN: i64 = 12;
/// Emails shown, newest first.
pub const EMAILS_SHOWN: i64 = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerFile {
    pub customer_id: CustomerId,
    /// 8 digits, as printed.
    pub customer_number: String,
    pub name: String,
    /// As the utility's accounts file gives it, "(541) 774-2430".
    pub phone: Option<String>,
    /// `None`: the customer has not registered.
    pub login: Option<LoginState>,
    pub accounts: Vec<AccountFile>,
    /// The methods saved in My Wallet (masked).
    pub methods: Vec<SavedMethod>,
    /// The newest [`PAYMENTS_SHOWN`] payments of the customer's accounts.
    pub payments: Vec<PaymentLine>,
    /// Whether older payments were left out.
    pub more_payments: bool,
    pub emails: Vec<EmailLine>,
}

/// The customer's login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginState {
    pub email: String,
    /// `en` or `es`: the language of the emails.
    pub locale: String,
    /// Unix seconds.
    pub registered_at: i64,
    /// Unix seconds; `None`: not since the portal records it.
    pub last_sign_in_at: Option<i64>,
    /// Failed sign-ins in the current 15-minute window.
    pub failed_sign_ins: i64,
    /// Locked by failed sign-ins until then (Unix seconds); `None`: not locked.
    pub locked_until: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountFile {
    pub account_id: AccountId,
    /// `customer-account`, as printed.
    pub number: String,
    pub service_address: String,
    pub mailing_address: String,
    /// The newest bill's balance and due date, as the customer's overview shows them.
    pub balance: Cents,
    pub due_date: Option<Date>,
    pub bills: Vec<BillLine>,
    pub delivery: Delivery,
    pub autopay: Option<AutopayState>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    pub bill_id: BillId,
    pub bill_date: Date,
    pub due_date: Date,
    pub amount: Cents,
    pub balance: Cents,
}

/// How the account's bills go out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `Some`: paperless, to this verified address; `None`: on paper.
    pub email: Option<String>,
    /// An address waiting for its verification link to be followed.
    pub pending: Option<PendingVerification>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingVerification {
    pub email: String,
    /// When the link stops working (Unix seconds).
    pub expires_at: i64,
}

/// The account's active AutoPay enrollment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutopayState {
    pub reference: String,
    /// When the customer enrolled (Unix seconds).
    pub since: i64,
    pub method: MethodFacts,
    pub rule: AutopayRule,
    /// The return code that suspended it; no draft until the customer acts.
    pub suspended_code: Option<String>,
    /// `None`: nothing to draft now (or suspended).
    pub next_draft: Option<NextDraft>,
}

/// AutoPay's next draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextDraft {
    /// Already created by a run, not yet sent.
    Pending { date: Date, amount: Cents },
    /// What the next run will create for the oldest open bill, by the rule.
    Planned { date: Date, amount: Cents },
    /// Over the customer's maximum: nothing will be drafted, the customer will be emailed.
    OverMaximum { date: Date, amount: Cents, maximum: Cents },
}

/// A payment method as the page shows it: masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodFacts {
    pub kind: MethodKind,
    pub bank_account_type: Option<String>,
    /// The card brand's or wallet's display name.
    pub brand: Option<String>,
    pub last4: String,
}

impl MethodFacts {
    /// "Checking *****6789", "Visa *****1111".
    pub fn label(&self, locale: Locale) -> String {
        MethodLabel {
            kind: self.kind,
            bank_account_type: self.bank_account_type.as_deref(),
            bank_name: None,
            brand: self.brand.as_deref(),
            last4: &self.last4,
            expiry: None,
        }
        .text(locale)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub id: PaymentId,
    /// The reference the customer quotes: `P00000042`.
    pub reference: String,
    /// The account's `customer-account`.
    pub number: String,
    /// An e-check's effective entry date, a card's draft date.
    pub date: Date,
    pub amount: Cents,
    pub fee: Cents,
    pub method: MethodFacts,
    pub state: PaymentState,
    /// As stored: `skipped` and `cancelled` both read "Cancelled" to the customer.
    pub status: String,
    /// `autopay`, `one_time` or `quick_pay`.
    pub channel: String,
    /// The bank's return reason code (`R01`…) of a returned payment.
    pub return_code: Option<String>,
    /// Why it was declined or skipped, as the server recorded it (in English).
    pub failure_reason: Option<String>,
    /// The reference of the payment this one retries.
    pub retry_of: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLine {
    pub id: EmailId,
    pub to: String,
    /// What it is about (`password-reset`, `bill-ready`…).
    pub kind: String,
    pub subject: String,
    /// When it was queued (Unix seconds).
    pub created_at: i64,
    pub state: EmailState,
}

/// How an email's delivery went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailState {
    /// The mail server took it (Unix seconds).
    Sent { at: i64 },
    /// Not tried yet.
    Waiting,
    /// Tried and failed; it will be tried again.
    Retrying { attempts: i64, reason: String },
    /// Given up: the mail server refused it for good, or every attempt failed.
    Failed { reason: String },
}

/// The customer's page, or `None` when there is no such customer. `today` decides AutoPay's
/// next draft; `limits` say when failed sign-ins lock a login.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip(db, limits), fields(customer_id = %customer))]
pub async fn view(
    db: &crate::platform::Db,
    customer: CustomerId,
    limits: &crate::platform::config::LimitsConfig,
    today: Date,
) -> Result<Option<CustomerFile>, sqlx::Error> {
    data::customer_file(db, customer, limits, today).await
}

/// The page of customer `customer` (its id, as in the page's address), or `None` when
/// there is no such customer. Staff only; each page viewed is written to the audit log.
#[server(endpoint = "staff_customer")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_customer(customer: String) -> Result<Option<CustomerFile>, ServerFnError> {
    let staff = crate::auth::require_staff().await?;
    let Ok(customer) = customer.trim().parse::<CustomerId>() else { return Ok(None) };
    let db = expect_context::<crate::platform::Db>();
    let config = expect_context::<crate::platform::Config>();
    let today = time::OffsetDateTime::now_utc().date();
    let found = view(&db, customer, &config.limits, today).await.map_err(crate::forms::internal)?;
    if found.is_some() {
        let action = crate::audit::AuditAction::ViewCustomer;
        super::audit_log::record(staff, action, Some(customer), None, "{}").await?;
    }
    Ok(found)
}
