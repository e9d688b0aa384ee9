//! The wallet's rules as plain functions over the database and the vault. Adding a method
//! is `payments::entry::service::enter` with `Keep::Saved`.

use super::data::{self, AuthorizedAgain, DefaultSet, Removal};
use super::{AuthorizeAgain, WalletProblem};
use crate::domain::ach_return::ReturnClass;
use crate::domain::{CustomerId, Lang, MethodId};
use crate::payments::SavedMethod;
use crate::platform::vault::Vault;
use crate::platform::{Config, Db};

pub use crate::platform::ServiceError;

#[tracing::instrument(skip(db))]
pub async fn make_default(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Result<(), WalletProblem>, ServiceError> {
    Ok(match data::set_default(db, customer_id, method_id).await? {
        DefaultSet::Set => Ok(()),
        DefaultSet::NotFound => Err(WalletProblem::NotFound),
        DefaultSet::Unusable => Err(WalletProblem::Unusable),
    })
}

#[tracing::instrument(skip(db))]
pub async fn remove(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
    replacement: Option<MethodId>,
) -> Result<Result<(), WalletProblem>, ServiceError> {
    Ok(match data::remove(db, customer_id, method_id, replacement).await? {
        Removal::Removed { .. } => Ok(()),
        Removal::NotFound => Err(WalletProblem::NotFound),
        Removal::NeedsReplacement => Err(WalletProblem::NeedsReplacement),
        Removal::ReplacementInvalid => Err(WalletProblem::ReplacementInvalid),
    })
}

/// Whether another authorization by the holder makes a returned bank account usable again:
/// only after a return that said the debit was not authorized.
fn authorizable(code: &str) -> bool {
    ReturnClass::of(code).can_authorize_again()
}

/// The authorization a customer agrees to with Authorize Again, for bank account `method`.
pub fn authorization_text(config: &Config, lang: Lang, method: &str) -> String {
    let (utility, phone) = (&config.utility.name, &config.utility.phone);
    match lang {
        Lang::En => format!(
            "I am the holder of the bank account {method} and I authorize {utility} to debit it electronically for the payments \
             I make in this portal, and for the AutoPay of my accounts that pays with it, each as I authorized it. This authorization \
             stays in effect until I remove this bank account from My Wallet or cancel that AutoPay, or call {phone}. \
             I will keep a copy of this authorization."
        ),
        Lang::Es => format!(
            "Soy titular de la cuenta bancaria {method} y autorizo a {utility} a debitarla electrónicamente por los pagos que \
             haga en este portal, y por el pago automático de mis cuentas que paga con ella, cada uno según lo autoricé. Esta \
             autorización sigue vigente hasta que elimine esta cuenta bancaria de Mi billetera o cancele ese pago automático, \
             o llame al {phone}. Guardaré una copia de esta autorización."
        ),
    }
}

/// The customer's bank accounts that the bank returned as not authorized, each with the
/// authorization to agree to and a fresh form key (Authorize Again counts once per key).
pub fn authorizations(config: &Config, lang: Lang, methods: &[SavedMethod]) -> Vec<AuthorizeAgain> {
    methods
        .iter()
        .filter(|m| m.unusable_code.as_deref().is_some_and(authorizable))
        .map(|m| AuthorizeAgain {
            method_id: m.id,
            text: authorization_text(config, lang, &m.label(lang.into())),
            form_key: crate::platform::tokens::random_token(),
        })
        .collect()
}

/// Authorize Again: the bank account is usable again and the AutoPay suspended for it
/// resumes, once per form key (a double click or the form sent again does it once).
#[tracing::instrument(skip(db, config, form_key))]
pub async fn authorize_again(
    db: &Db,
    config: &Config,
    lang: Lang,
    customer_id: CustomerId,
    method_id: MethodId,
    form_key: &str,
) -> Result<Result<(), WalletProblem>, ServiceError> {
    if !crate::payments::one_time::plausible_key(form_key) {
        return Ok(Err(WalletProblem::NotFound));
    }
    let methods = data::methods(db, customer_id).await?;
    let Some(method) = methods.iter().find(|m| m.id == method_id) else {
        return Ok(Err(WalletProblem::NotFound));
    };
    let text = authorization_text(config, lang, &method.label(lang.into()));
    let done = data::authorize_again(db, customer_id, method_id, form_key, &text, authorizable);
    Ok(match done.await? {
        AuthorizedAgain::Done(resumed) => {
            tracing::info!(resumed, "bank account authorized again");
            Ok(())
        }
        AuthorizedAgain::AlreadyDone | AuthorizedAgain::NotNeeded => Ok(()),
        AuthorizedAgain::NotFound => Err(WalletProblem::NotFound),
        AuthorizedAgain::NotAuthorizable => Err(WalletProblem::NotAuthorizable),
    })
}

/// Re-encrypts every bank account under the current key, bound to its row (rows sealed
/// before binding existed are bound here too); returns how many moved.
#[tracing::instrument(skip_all)]
pub async fn rotate_key(db: &Db, vault: &Vault) -> Result<usize, RotateError> {
    let mut moved = 0;
    for (binding, sealed) in data::sealed_needing_reseal(db, vault.current_key_id()).await? {
        if let Some(resealed) = vault.reseal(&sealed, &binding)? {
            data::replace_sealed(db, &binding, &resealed).await?;
            moved += 1;
        }
    }
    Ok(moved)
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Vault(#[from] crate::platform::vault::VaultError),
}
