//! Entering a payment method: the one home of the form that takes a bank account (E-Check),
//! a debit or credit card or a digital wallet, whoever asks for it. My Wallet saves what is
//! entered; Pay Now (and Quick Pay) may keep it for one payment only (`Keep`). Here are the
//! form (`MethodForm`), its problems (`MethodProblem`, with their messages and field ids in
//! `fields`), the fields themselves and their live checks (`fields`, `live`), the service
//! that checks, tokenizes or seals and stores a method (`service::enter`), and the session's
//! list of methods entered for one payment (`remember_entered`, `entered_in_session`).

mod fields;
pub mod live;
#[cfg(feature = "ssr")]
pub mod service;

pub use fields::{live_messages, CardFields, EcheckFields, EntryFields, WalletFields};
pub use live::LiveChecks;

#[cfg(feature = "ssr")]
use crate::domain::MethodId;
#[cfg(feature = "ssr")]
use crate::forms::internal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares `MethodProblem`: first the problems the form also finds while the customer
/// types (`LIVE_PROBLEMS` lists them from the same list, so the island gets each one's
/// message), then the ones only the server finds.
macro_rules! method_problems {
    (live: [$($live:ident),* $(,)?], other: [$($other:tt)*]) => {
        /// Everything that can be wrong with an entered method. The pages translate each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum MethodProblem {
            $($live,)*
            $($other)*
        }

        /// Every problem `live::live_problem` can find: the island gets their messages in the
        /// page's language.
        pub const LIVE_PROBLEMS: &[MethodProblem] = &[$(MethodProblem::$live),*];
    };
}

method_problems! {
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
        /// No kind chosen, or one the form does not offer.
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
    ]
}

/// The parsers' errors as the form's problems (used by the server and, while the
/// customer types, by the browser).
mod conversions {
    use super::MethodProblem;
    use crate::domain::bank_account::BankAccountError;
    use crate::domain::card::{CardNumberError, ExpiryError, SecurityCodeError};
    use crate::domain::routing_number::RoutingNumberError;
    use crate::domain::zip::ZipError;

    impl From<RoutingNumberError> for MethodProblem {
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

    impl From<BankAccountError> for MethodProblem {
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

    impl From<CardNumberError> for MethodProblem {
        fn from(e: CardNumberError) -> Self {
            match e {
                CardNumberError::Empty => Self::CardEmpty,
                CardNumberError::NotDigits => Self::CardNotDigits,
                CardNumberError::TooShort | CardNumberError::TooLong => Self::CardLength,
                CardNumberError::BadChecksum => Self::CardChecksum,
            }
        }
    }

    impl From<ExpiryError> for MethodProblem {
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

    impl From<SecurityCodeError> for MethodProblem {
        fn from(e: SecurityCodeError) -> Self {
            match e {
                SecurityCodeError::Empty => Self::CodeEmpty,
                SecurityCodeError::NotDigits => Self::CodeNotDigits,
                SecurityCodeError::NeedsThreeDigits => Self::CodeThree,
                SecurityCodeError::NeedsFourDigits => Self::CodeFour,
            }
        }
    }

    impl From<ZipError> for MethodProblem {
        fn from(e: ZipError) -> Self {
            match e {
                ZipError::Empty => Self::ZipEmpty,
                ZipError::Malformed => Self::ZipFormat,
            }
        }
    }
}

/// What the entry form sent. Every field is optional: a plain form post sends what the
/// customer filled in, and the rules say what is missing. `make_default` is My Wallet's
/// tick ("Make this my default"); `enter` reads only its `Keep`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodForm {
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

/// An entry form's answer when it has problems.
pub type EntryOutcome = crate::forms::Outcome<MethodProblem>;

/// What the form shows again after a problem. Never a card or bank account number (either
/// one), nor the security code: the answer is kept in the session store, which is neither
/// encrypted nor left out of backups, so the customer types those again.
pub fn values_to_keep(form: &MethodForm) -> Vec<(String, String)> {
    let pairs = [
        ("kind", &form.kind),
        ("account_type", &form.account_type),
        ("routing_number", &form.routing_number),
        ("bank_name", &form.bank_name),
        ("holder_name", &form.holder_name),
        ("card_name", &form.card_name),
        ("expiry", &form.expiry),
        ("billing_zip", &form.billing_zip),
        ("wallet", &form.wallet),
        ("make_default", &form.make_default),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.chars().take(200).collect())))
        .collect()
}

/// What the entry form needs from the server: the gateway's digital wallets (id, name) and
/// today's year and month (for checking an expiry while the customer types).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EntrySetup {
    pub wallets: Vec<(String, String)>,
    pub year: u16,
    pub month: u8,
}

#[cfg(feature = "ssr")]
impl EntrySetup {
    pub fn new(gateway: &crate::gateway::Gateway, today: time::Date) -> Self {
        Self {
            wallets: gateway.wallets().into_iter().map(|w| (w.id, w.name)).collect(),
            year: today.year() as u16,
            month: u8::from(today.month()),
        }
    }
}

/// How long an entered method is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// In My Wallet (within the wallet's limit of methods), the default when asked.
    Saved { make_default: bool },
    /// Only for the payment it was entered for: never listed, usable only by the session
    /// that entered it (`remember_entered`), wiped once that payment is on its way.
    ForOnePayment,
}

/// The session's key of the methods it entered for one payment.
#[cfg(feature = "ssr")]
const ENTERED: &str = "entered_methods";
/// At most this many are remembered (the oldest are forgotten first).
#[cfg(feature = "ssr")]
const ENTERED_MAX: usize = 20;

/// Remembers in the browser session that it entered `id`: only this session may pay with
/// a method kept for one payment.
#[cfg(feature = "ssr")]
pub async fn remember_entered(id: MethodId) -> Result<(), ServerFnError> {
    let session = leptos_axum::extract::<tower_sessions::Session>().await.map_err(internal)?;
    let mut ids: Vec<MethodId> = session.get(ENTERED).await.map_err(internal)?.unwrap_or_default();
    ids.push(id);
    let over = ids.len().saturating_sub(ENTERED_MAX);
    ids.drain(..over);
    session.insert(ENTERED, ids).await.map_err(internal)
}

/// The methods this browser session entered for one payment (none without a session).
#[cfg(feature = "ssr")]
pub async fn entered_in_session() -> Vec<MethodId> {
    let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await else {
        return Vec::new();
    };
    session.get(ENTERED).await.ok().flatten().unwrap_or_default()
}

/// The bank of a routing number, from the utility's routing directory (the live checks
/// fill in the bank's name with it).
#[server(endpoint = "bank_for_routing")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn bank_for_routing(routing_number: String) -> Result<Option<String>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Ok(routing) = crate::domain::RoutingNumber::parse(&routing_number) else { return Ok(None) };
    crate::payments::data::directory::bank_name(&db, &routing).await.map_err(internal)
}
