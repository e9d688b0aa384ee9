//! My Wallet: the customer's saved payment methods, and the form that adds one (E-Check,
//! Debit, Credit, Digital Wallets). Bank account numbers are kept only encrypted; cards
//! and wallets only as the gateway's token with brand, last four and expiry.

#[cfg(feature = "ssr")]
pub mod data;
mod live;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use crate::payments::{MethodKind, SavedMethod};
pub use pages::{AddPaymentMethodPage, MyWallet};

#[cfg(feature = "ssr")]
use crate::auth::current_customer;
use crate::domain::{AccountId, MethodId};
#[cfg(feature = "ssr")]
use crate::forms::{finish, internal};
#[cfg(feature = "ssr")]
use crate::paths;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares `WalletProblem`: first the problems the add form also finds while the customer
/// types (`LIVE_PROBLEMS` lists them from the same list, so the island gets each one's
/// message), then the ones only the server finds.
macro_rules! wallet_problems {
    (live: [$($live:ident),* $(,)?], other: [$($other:tt)*]) => {
        /// Everything that can be wrong with a wallet form or action. The pages translate each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum WalletProblem {
            $($live,)*
            $($other)*
        }

        /// Every problem `live::live_problem` can find: the island gets their messages in the
        /// page's language.
        pub const LIVE_PROBLEMS: &[WalletProblem] = &[$(WalletProblem::$live),*];
    };
}

wallet_problems! {
    live: [
        RoutingEmpty,
        RoutingNotDigits,
        RoutingLength,
        RoutingPrefix,
        RoutingChecksum,
        AccountEmpty,
        AccountNotDigits,
        AccountTooShort,
        AccountTooLong,
        AccountMismatch,
        BankNameEmpty,
        HolderNameEmpty,
        CardEmpty,
        CardNotDigits,
        CardLength,
        CardChecksum,
        CardNameEmpty,
        ExpiryEmpty,
        ExpiryFormat,
        ExpiryMonth,
        ExpiryPast,
        ExpiryTooFar,
        CodeEmpty,
        CodeNotDigits,
        CodeThree,
        CodeFour,
        ZipEmpty,
        ZipFormat,
    ],
    other: [
        KindMissing,
        AccountTypeMissing,
        BankNameTooLong,
        HolderNameTooLong,
        CardNameTooLong,
        CardRefused,
        WalletMissing,
        GatewayDown,
        /// Too many new cards lately (card testing is stopped here): minutes to wait.
        CardsTryLater(i64),
        /// The wallet holds as many methods as a customer may keep.
        TooManyMethods,
        NotFound,
        NeedsReplacement,
        ReplacementInvalid,
        SignInNeeded,
    ]
}

/// The parsers' errors as the form's problems (used by the server and, while the
/// customer types, by the browser).
mod conversions {
    use super::WalletProblem;
    use crate::domain::bank_account::BankAccountError;
    use crate::domain::card::{CardNumberError, ExpiryError, SecurityCodeError};
    use crate::domain::routing_number::RoutingNumberError;
    use crate::domain::zip::ZipError;

    impl From<RoutingNumberError> for WalletProblem {
        fn from(e: RoutingNumberError) -> Self {
            match e {
                RoutingNumberError::Empty => Self::RoutingEmpty,
                RoutingNumberError::NotDigits => Self::RoutingNotDigits,
                RoutingNumberError::WrongLength => Self::RoutingLength,
                RoutingNumberError::UnknownPrefix => Self::RoutingPrefix,
                RoutingNumberError::BadChecksum => Self::RoutingChecksum,
            }
        }
    }

    impl From<BankAccountError> for WalletProblem {
        fn from(e: BankAccountError) -> Self {
            match e {
                BankAccountError::Empty => Self::AccountEmpty,
                BankAccountError::NotDigits => Self::AccountNotDigits,
                BankAccountError::TooShort => Self::AccountTooShort,
                BankAccountError::TooLong => Self::AccountTooLong,
                BankAccountError::Mismatch => Self::AccountMismatch,
            }
        }
    }

    impl From<CardNumberError> for WalletProblem {
        fn from(e: CardNumberError) -> Self {
            match e {
                CardNumberError::Empty => Self::CardEmpty,
                CardNumberError::NotDigits => Self::CardNotDigits,
                CardNumberError::TooShort | CardNumberError::TooLong => Self::CardLength,
                CardNumberError::BadChecksum => Self::CardChecksum,
            }
        }
    }

    impl From<ExpiryError> for WalletProblem {
        fn from(e: ExpiryError) -> Self {
            match e {
                ExpiryError::Empty => Self::ExpiryEmpty,
                ExpiryError::Malformed => Self::ExpiryFormat,
                ExpiryError::BadMonth => Self::ExpiryMonth,
                ExpiryError::Expired => Self::ExpiryPast,
                ExpiryError::TooFarAhead => Self::ExpiryTooFar,
            }
        }
    }

    impl From<SecurityCodeError> for WalletProblem {
        fn from(e: SecurityCodeError) -> Self {
            match e {
                SecurityCodeError::Empty => Self::CodeEmpty,
                SecurityCodeError::NotDigits => Self::CodeNotDigits,
                SecurityCodeError::NeedsThreeDigits => Self::CodeThree,
                SecurityCodeError::NeedsFourDigits => Self::CodeFour,
            }
        }
    }

    impl From<ZipError> for WalletProblem {
        fn from(e: ZipError) -> Self {
            match e {
                ZipError::Empty => Self::ZipEmpty,
                ZipError::Malformed => Self::ZipFormat,
            }
        }
    }
}

/// What the add form sent. Every field is optional: a plain form post sends what the
/// customer filled in, and the rules say what is missing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddMethodForm {
    pub kind: Option<String>,
    pub account_type: Option<String>,
    pub routing_number: Option<String>,
    pub account_number: Option<String>,
    pub account_number_confirm: Option<String>,
    pub bank_name: Option<String>,
    pub holder_name: Option<String>,
    pub card_number: Option<String>,
    pub card_name: Option<String>,
    pub expiry: Option<String>,
    pub security_code: Option<String>,
    pub billing_zip: Option<String>,
    pub wallet: Option<String>,
    pub make_default: Option<String>,
}

/// A wallet form's answer: what was typed (never a card or account number, nor the
/// security code) and what is wrong. After a removal that waits for a replacement for
/// AutoPay, the method's id is kept as `PENDING_REMOVAL`.
pub type WalletOutcome = crate::forms::Outcome<WalletProblem>;

/// The kept value naming the method whose removal waits for a replacement.
pub const PENDING_REMOVAL: &str = "pending_removal";

/// The signed-in customer's saved methods; `None` when nobody is signed in.
#[server(endpoint = "wallet_methods")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn wallet_methods() -> Result<Option<Vec<SavedMethod>>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer_id) = current_customer().await else { return Ok(None) };
    data::methods(&db, customer_id).await.map(Some).map_err(internal)
}

#[server(endpoint = "make_default_method")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(method_id = %id)))]
pub async fn make_default_method(id: MethodId) -> Result<WalletOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer_id) = current_customer().await else {
        return finish("wallet", WalletOutcome::problem(WalletProblem::SignInNeeded), "").await;
    };
    let outcome = match service::make_default(&db, customer_id, id).await.map_err(internal)? {
        Ok(()) => WalletOutcome::default(),
        Err(p) => WalletOutcome::problem(p),
    };
    finish("wallet", outcome, &format!("{}?done=default", paths::WALLET)).await
}

/// Removes a method. When an AutoPay pays with it, `replacement` names the method AutoPay
/// moves to; without one the answer asks for it.
#[server(endpoint = "remove_method")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(method_id = %id, replacement = ?replacement)))]
pub async fn remove_method(
    id: MethodId,
    replacement: Option<MethodId>,
) -> Result<WalletOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer_id) = current_customer().await else {
        return finish("wallet", WalletOutcome::problem(WalletProblem::SignInNeeded), "").await;
    };
    let outcome =
        match service::remove(&db, customer_id, id, replacement).await.map_err(internal)? {
            Ok(()) => WalletOutcome::default(),
            Err(p) => {
                // The replacement form shows again while the removal waits for one.
                let waits = p == WalletProblem::NeedsReplacement || replacement.is_some();
                removal_problem(p, waits.then_some(id))
            }
        };
    finish("wallet", outcome, &format!("{}?done=removed", paths::WALLET)).await
}

/// A removal's problem; `pending` names the method whose removal waits for a replacement.
#[cfg(feature = "ssr")]
fn removal_problem(problem: WalletProblem, pending: Option<MethodId>) -> WalletOutcome {
    let values = pending.map(|id| (PENDING_REMOVAL.to_string(), id.to_string()));
    WalletOutcome { values: values.into_iter().collect(), problems: vec![problem] }
}

#[server(endpoint = "take_wallet_outcome")]
pub async fn take_wallet_outcome() -> Result<Option<WalletOutcome>, ServerFnError> {
    crate::forms::take_outcome("wallet").await
}

/// Adds a method from the add form, whose fields arrive flattened under their own names.
/// Opened from AutoPay's "Add New", `for_autopay` names the account to go back to.
#[server(endpoint = "add_payment_method")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(for_autopay = ?for_autopay)))]
pub async fn add_payment_method(
    #[server(flatten)] form: AddMethodForm,
    for_autopay: Option<AccountId>,
    autopay_change: Option<String>,
) -> Result<WalletOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let vault = expect_context::<crate::platform::vault::Vault>();
    let gateway = expect_context::<crate::gateway::Gateway>();
    let mut outcome =
        WalletOutcome { values: service::values_to_keep(&form), ..WalletOutcome::default() };
    let Some(customer_id) = current_customer().await else {
        outcome.problems.push(WalletProblem::SignInNeeded);
        return finish("add_method", outcome, "").await;
    };
    let today = time::OffsetDateTime::now_utc().date();
    let config = expect_context::<crate::platform::Config>();
    let client = crate::platform::request::client_address().await;
    let adder = service::Adder { customer_id, client: &client, limits: &config.limits };
    let added =
        match service::add(&db, &vault, &gateway, &adder, &form, today).await.map_err(internal)? {
            Ok(id) => Some(id),
            Err(problems) => {
                outcome.problems = problems;
                None
            }
        };
    // Opened from AutoPay's "Add New": back to AutoPay with the new method chosen.
    let success = match (for_autopay, added) {
        (Some(account), Some(method)) => {
            let changing = autopay_change.is_some_and(|c| !c.is_empty());
            paths::autopay_enroll(account, Some(method), changing)
        }
        _ => format!("{}?done=added", paths::WALLET),
    };
    finish("add_method", outcome, &success).await
}

#[server(endpoint = "take_add_method_outcome")]
pub async fn take_add_method_outcome() -> Result<Option<WalletOutcome>, ServerFnError> {
    crate::forms::take_outcome("add_method").await
}

/// The bank of a routing number, from the utility's routing directory.
#[server(endpoint = "bank_for_routing")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn bank_for_routing(routing_number: String) -> Result<Option<String>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Ok(routing) = crate::domain::RoutingNumber::parse(&routing_number) else { return Ok(None) };
    crate::payments::data::directory::bank_name(&db, &routing).await.map_err(internal)
}

/// What the add form needs from the server: the gateway's digital wallets (id, name) and
/// today's year and month (for checking an expiry while the customer types).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddFormSetup {
    pub wallets: Vec<(String, String)>,
    pub year: u16,
    pub month: u8,
    pub signed_in: bool,
}

#[server(endpoint = "add_method_setup")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn add_method_setup() -> Result<AddFormSetup, ServerFnError> {
    let gateway = expect_context::<crate::gateway::Gateway>();
    let today = time::OffsetDateTime::now_utc().date();
    Ok(AddFormSetup {
        wallets: gateway.wallets().into_iter().map(|w| (w.id, w.name)).collect(),
        year: today.year() as u16,
        month: u8::from(today.month()),
        signed_in: current_customer().await.is_some(),
    })
}
