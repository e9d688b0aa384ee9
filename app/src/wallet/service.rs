//! The wallet's rules as plain functions over the database, the vault and the gateway.

use super::data::{self, NewBankAccount, NewMethod, NewTokenized, Removal};
use super::{AddMethodForm, MethodKind, WalletProblem};
use crate::domain::{
    BankAccountNumber, BankAccountType, CardNumber, CustomerId, Expiry, MethodId, RoutingNumber,
    SecurityCode, Zip,
};
use crate::gateway::{CardDetails, Gateway, GatewayError};
use crate::platform::config::LimitsConfig;
use crate::platform::throttle::{self, Limit, Scope, DAY, HOUR};
use crate::platform::vault::{Binding, Vault};
use crate::platform::Db;

/// Longest name kept (bank, account holder, name on card).
const MAX_NAME_CHARS: usize = 100;

/// Characters that show nothing: controls, and the format characters (bidi marks and
/// overrides, zero-width ones) that could disguise a name. Listed by hand: std has no
/// Unicode category table, and this short list is all a name needs.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A name: invisible characters dropped, trimmed, at most 100 characters.
fn name(
    raw: Option<&str>,
    empty: WalletProblem,
    too_long: WalletProblem,
) -> Result<String, WalletProblem> {
    let visible: String = raw.unwrap_or_default().chars().filter(|c| !is_invisible(*c)).collect();
    let trimmed = visible.trim();
    if trimmed.is_empty() {
        return Err(empty);
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(too_long);
    }
    Ok(trimmed.to_string())
}

/// What the form shows again after a problem. Never a card or bank account number (either
/// one), nor the security code: the answer is kept in the session store, which is neither
/// encrypted nor left out of backups, so the customer types those again.
pub fn values_to_keep(form: &AddMethodForm) -> Vec<(String, String)> {
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

pub use crate::platform::ServiceError;

/// Who adds a method, and within which limits.
pub struct Adder<'a> {
    pub customer_id: CustomerId,
    /// The client address's throttle subject.
    pub client: &'a str,
    pub limits: &'a LimitsConfig,
}

/// Adds a payment method for the adder's customer; returns its id or every problem found.
#[tracing::instrument(skip_all, fields(customer_id = %adder.customer_id))]
pub async fn add(
    db: &Db,
    vault: &Vault,
    gateway: &Gateway,
    adder: &Adder<'_>,
    form: &AddMethodForm,
    today: time::Date,
) -> Result<Result<MethodId, Vec<WalletProblem>>, ServiceError> {
    let make_default = form.make_default.is_some();
    let Some(kind) = form.kind.as_deref().and_then(MethodKind::parse) else {
        return Ok(Err(vec![WalletProblem::KindMissing]));
    };
    match kind {
        MethodKind::Echeck => add_bank_account(db, vault, adder, form, make_default).await,
        MethodKind::Debit | MethodKind::Credit => {
            add_card(db, gateway, adder, kind, form, make_default, today).await
        }
        MethodKind::Wallet => {
            let Some(wallet_id) = form.wallet.as_deref().map(str::trim).filter(|w| !w.is_empty())
            else {
                return Ok(Err(vec![WalletProblem::WalletMissing]));
            };
            let Some(option) = gateway.wallets().into_iter().find(|w| w.id == wallet_id) else {
                return Ok(Err(vec![WalletProblem::WalletMissing]));
            };
            let tokenized = match gateway.tokenize_wallet(&option.id).await {
                Ok(t) => t,
                Err(e) => return Ok(Err(vec![gateway_problem(e)])),
            };
            let method = NewMethod::Tokenized(NewTokenized {
                kind,
                tokenized: &tokenized,
                label: Some(&option.name),
                holder_name: &option.name,
                billing_zip: None,
            });
            save(db, adder, method, make_default).await
        }
    }
}

/// Saves a checked method in the adder's wallet, unless it is full.
async fn save(
    db: &Db,
    adder: &Adder<'_>,
    method: NewMethod<'_>,
    make_default: bool,
) -> Result<Result<MethodId, Vec<WalletProblem>>, ServiceError> {
    let limit = adder.limits.saved_methods;
    let saved = data::insert(db, adder.customer_id, method, make_default, limit).await?;
    Ok(saved.ok_or_else(|| vec![WalletProblem::TooManyMethods]))
}

/// Counts a new card against the customer's and the address's hourly and daily limits,
/// before it reaches the processor: card testing stops here. Minutes to wait when over.
async fn card_limit(db: &Db, adder: &Adder<'_>) -> Result<Option<i64>, sqlx::Error> {
    let l = adder.limits;
    let customer = adder.customer_id.to_string();
    let per = |max, window_secs| Limit { max, window_secs };
    throttle::attempt_all(
        db,
        &[
            (
                Scope::NewCardsByCustomerHour,
                customer.as_str(),
                per(l.new_cards_per_customer_hour, HOUR),
            ),
            (
                Scope::NewCardsByCustomerDay,
                customer.as_str(),
                per(l.new_cards_per_customer_day, DAY),
            ),
            (Scope::NewCardsByAddressHour, adder.client, per(l.new_cards_per_address_hour, HOUR)),
            (Scope::NewCardsByAddressDay, adder.client, per(l.new_cards_per_address_day, DAY)),
        ],
    )
    .await
}

fn gateway_problem(e: GatewayError) -> WalletProblem {
    match e {
        GatewayError::Refused(_) => WalletProblem::CardRefused,
        GatewayError::UnknownWallet => WalletProblem::WalletMissing,
        GatewayError::Unavailable(reason) => {
            tracing::warn!(%reason, "payment gateway unavailable");
            WalletProblem::GatewayDown
        }
    }
}

async fn add_bank_account(
    db: &Db,
    vault: &Vault,
    adder: &Adder<'_>,
    form: &AddMethodForm,
    make_default: bool,
) -> Result<Result<MethodId, Vec<WalletProblem>>, ServiceError> {
    let mut problems = Vec::new();
    let account_type = BankAccountType::parse(form.account_type.as_deref().unwrap_or_default())
        .map_err(|_| problems.push(WalletProblem::AccountTypeMissing))
        .ok();
    let routing = RoutingNumber::parse(form.routing_number.as_deref().unwrap_or_default())
        .map_err(|e| problems.push(WalletProblem::from(e)))
        .ok();
    let account = BankAccountNumber::confirm(
        form.account_number.as_deref().unwrap_or_default(),
        form.account_number_confirm.as_deref().unwrap_or_default(),
    )
    .map_err(|e| problems.push(WalletProblem::from(e)))
    .ok();
    // A blank bank name is filled in from the routing directory when the utility has one.
    let typed_bank = form.bank_name.as_deref().map(str::trim).filter(|b| !b.is_empty());
    let bank_name = match (typed_bank, &routing) {
        (Some(typed), _) => Some(typed.to_string()),
        (None, Some(r)) => crate::payments::data::directory::bank_name(db, r).await?,
        (None, None) => None,
    };
    let bank_name =
        name(bank_name.as_deref(), WalletProblem::BankNameEmpty, WalletProblem::BankNameTooLong)
            .map_err(|p| problems.push(p))
            .ok();
    let holder = name(
        form.holder_name.as_deref(),
        WalletProblem::HolderNameEmpty,
        WalletProblem::HolderNameTooLong,
    )
    .map_err(|p| problems.push(p))
    .ok();
    let (Some(account_type), Some(routing), Some(account), Some(bank_name), Some(holder), true) =
        (account_type, routing, account, bank_name, holder, problems.is_empty())
    else {
        return Ok(Err(problems));
    };
    let seal = |binding: &Binding| vault.seal(account.expose(), binding);
    let method = NewMethod::Bank(NewBankAccount {
        account_type,
        routing: &routing,
        bank_name: &bank_name,
        holder_name: &holder,
        seal: &seal,
        last4: account.last4(),
    });
    save(db, adder, method, make_default).await
}

async fn add_card(
    db: &Db,
    gateway: &Gateway,
    adder: &Adder<'_>,
    kind: MethodKind,
    form: &AddMethodForm,
    make_default: bool,
    today: time::Date,
) -> Result<Result<MethodId, Vec<WalletProblem>>, ServiceError> {
    let mut problems = Vec::new();
    let number = CardNumber::parse(form.card_number.as_deref().unwrap_or_default())
        .map_err(|e| problems.push(WalletProblem::from(e)))
        .ok();
    let holder = name(
        form.card_name.as_deref(),
        WalletProblem::CardNameEmpty,
        WalletProblem::CardNameTooLong,
    )
    .map_err(|p| problems.push(p))
    .ok();
    let expiry = Expiry::parse(
        form.expiry.as_deref().unwrap_or_default(),
        today.year() as u16,
        u8::from(today.month()),
    )
    .map_err(|e| problems.push(WalletProblem::from(e)))
    .ok();
    let brand = number.as_ref().map(CardNumber::brand).unwrap_or_default();
    let code = SecurityCode::parse(form.security_code.as_deref().unwrap_or_default(), brand)
        .map_err(|e| problems.push(WalletProblem::from(e)))
        .ok();
    let zip = Zip::parse(form.billing_zip.as_deref().unwrap_or_default())
        .map_err(|e| problems.push(WalletProblem::from(e)))
        .ok();
    let (Some(number), Some(holder), Some(expiry), Some(code), Some(zip), true) =
        (number, holder, expiry, code, zip, problems.is_empty())
    else {
        return Ok(Err(problems));
    };
    if let Some(minutes) = card_limit(db, adder).await? {
        return Ok(Err(vec![WalletProblem::CardsTryLater(minutes)]));
    }
    let details = CardDetails {
        number: &number,
        expiry,
        security_code: &code,
        name: &holder,
        billing_zip: zip.as_str(),
    };
    let tokenized = match gateway.tokenize_card(details).await {
        Ok(t) => t,
        Err(e) => return Ok(Err(vec![gateway_problem(e)])),
    };
    let method = NewMethod::Tokenized(NewTokenized {
        kind,
        tokenized: &tokenized,
        label: None,
        holder_name: &holder,
        billing_zip: Some(zip.as_str()),
    });
    save(db, adder, method, make_default).await
}

#[tracing::instrument(skip(db))]
pub async fn make_default(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Result<(), WalletProblem>, ServiceError> {
    Ok(if data::set_default(db, customer_id, method_id).await? {
        Ok(())
    } else {
        Err(WalletProblem::NotFound)
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
        Removal::Removed => Ok(()),
        Removal::NotFound => Err(WalletProblem::NotFound),
        Removal::NeedsReplacement => Err(WalletProblem::NeedsReplacement),
        Removal::ReplacementInvalid => Err(WalletProblem::ReplacementInvalid),
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
