//! My Wallet: the customer's saved payment methods, and the page that adds one (E-Check,
//! Debit, Credit, Digital Wallets) with the entry form of `payments::entry`. Bank account
//! numbers are kept only encrypted; cards and wallets only as the gateway's token with
//! brand, last four and expiry.

#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use crate::payments::entry::{MethodForm, MethodProblem};
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

/// Everything that can be wrong with a wallet form or action: a problem of the entered
/// method (`payments::entry`), or one of the wallet's own. The pages translate each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WalletProblem {
    Entry(MethodProblem),
    NotFound,
    NeedsReplacement,
    ReplacementInvalid,
    SignInNeeded,
    /// The bank returned this bank account: it cannot be the default (nor pay).
    Unusable,
    /// Authorize Again for a method that the bank did not return as not authorized.
    NotAuthorizable,
}

impl From<MethodProblem> for WalletProblem {
    fn from(p: MethodProblem) -> Self {
        Self::Entry(p)
    }
}

/// A wallet form's answer: what was typed (never a card or account number, nor the
/// security code) and what is wrong. After a removal that waits for a replacement for
/// AutoPay, the method's id is kept as `PENDING_REMOVAL`.
pub type WalletOutcome = crate::forms::Outcome<WalletProblem>;

/// The kept value naming the method whose removal waits for a replacement.
pub const PENDING_REMOVAL: &str = "pending_removal";

/// A bank account the bank returned as not authorized, as its Authorize Again form shows it:
/// the authorization to agree to, and the form's key (it counts once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthorizeAgain {
    pub method_id: MethodId,
    pub text: String,
    pub form_key: String,
}

#[cfg(feature = "ssr")]
fn lang() -> crate::domain::Lang {
    crate::domain::Lang::from_locale(&crate::platform::request::request_locale())
}

/// The wallet as its page shows it: the saved methods, and the Authorize Again forms of
/// the bank accounts the bank returned as not authorized (both from one read of the list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wallet {
    pub methods: Vec<SavedMethod>,
    pub authorizations: Vec<AuthorizeAgain>,
}

/// The signed-in customer's wallet; `None` when nobody is signed in.
#[server(endpoint = "get_wallet")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_wallet() -> Result<Option<Wallet>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let config = expect_context::<crate::platform::Config>();
    let Some(customer_id) = current_customer().await else { return Ok(None) };
    let methods = data::methods(&db, customer_id).await.map_err(internal)?;
    let authorizations = service::authorizations(&config, lang(), &methods);
    Ok(Some(Wallet { methods, authorizations }))
}

/// Authorize Again: the holder authorizes a bank account returned as not authorized, which
/// can then pay again and resumes the AutoPay suspended for it; once per form key.
#[server(endpoint = "authorize_method_again")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(method_id = %id)))]
pub async fn authorize_method_again(
    id: MethodId,
    form_key: String,
) -> Result<WalletOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let config = expect_context::<crate::platform::Config>();
    let Some(customer_id) = current_customer().await else {
        return finish("wallet", WalletOutcome::problem(WalletProblem::SignInNeeded), "").await;
    };
    let done = service::authorize_again(&db, &config, lang(), customer_id, id, form_key.trim());
    let outcome = match done.await.map_err(internal)? {
        Ok(()) => WalletOutcome::default(),
        Err(p) => WalletOutcome::problem(p),
    };
    finish("wallet", outcome, &format!("{}?done=authorized", paths::WALLET)).await
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
    #[server(flatten)] form: MethodForm,
    for_autopay: Option<AccountId>,
    autopay_change: Option<String>,
) -> Result<WalletOutcome, ServerFnError> {
    use crate::payments::entry::{self, service::Enterer, Keep};
    let db = expect_context::<crate::platform::Db>();
    let vault = expect_context::<crate::platform::vault::Vault>();
    let gateway = expect_context::<crate::gateway::Gateway>();
    let mut outcome =
        WalletOutcome { values: entry::values_to_keep(&form), ..WalletOutcome::default() };
    let Some(customer_id) = current_customer().await else {
        outcome.problems.push(WalletProblem::SignInNeeded);
        return finish("add_method", outcome, "").await;
    };
    let today = time::OffsetDateTime::now_utc().date();
    let config = expect_context::<crate::platform::Config>();
    let client = crate::platform::request::client_address().await;
    let enterer = Enterer { customer_id, client: &client, limits: &config.limits };
    let keep = Keep::Saved { make_default: form.make_default.is_some() };
    let entered = entry::service::enter(&db, &vault, &gateway, &enterer, &form, today, keep);
    let added = match entered.await.map_err(internal)? {
        Ok(id) => Some(id),
        Err(problems) => {
            outcome.problems = problems.into_iter().map(WalletProblem::Entry).collect();
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

/// What the add page needs from the server: the entry form's setup, and whether someone
/// is signed in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddFormSetup {
    pub entry: crate::payments::entry::EntrySetup,
    pub signed_in: bool,
}

#[server(endpoint = "add_method_setup")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn add_method_setup() -> Result<AddFormSetup, ServerFnError> {
    let gateway = expect_context::<crate::gateway::Gateway>();
    let today = time::OffsetDateTime::now_utc().date();
    Ok(AddFormSetup {
        entry: crate::payments::entry::EntrySetup::new(&gateway, today),
        signed_in: current_customer().await.is_some(),
    })
}
