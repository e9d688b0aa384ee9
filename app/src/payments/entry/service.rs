//! Entering a method as plain functions over the database, the vault and the gateway:
//! parse the form, count a new card against the card-testing limits, tokenize the card
//! (or wallet) or seal the bank account number, and store it as `Keep` says.

use super::{Keep, MethodForm, MethodProblem};
use crate::domain::{
    BankAccountNumber, BankAccountType, CardNumber, CustomerId, Expiry, MethodId, RoutingNumber,
    SecurityCode, Zip,
};
use crate::gateway::{CardDetails, Gateway, GatewayError};
use crate::payments::data::methods::{self as data, NewBankAccount, NewMethod, NewTokenized};
use crate::payments::MethodKind;
use crate::platform::config::LimitsConfig;
use crate::platform::throttle::{self, Limit, Scope, DAY, HOUR};
use crate::platform::vault::{Binding, Vault};
use crate::platform::Db;

pub use crate::platform::ServiceError;

/// Longest name kept (bank, account holder, name on card).
const MAX_NAME_CHARS: usize = 100;

/// What entering a method answers: its id, or every problem found (nothing stored).
pub type Entered = Result<MethodId, Vec<MethodProblem>>;

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
    empty: MethodProblem,
    too_long: MethodProblem,
) -> Result<String, MethodProblem> {
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

/// Who enters a method, and within which limits.
pub struct Enterer<'a> {
    /// The method's owner: the signed-in customer, or (Quick Pay) the account's customer.
    pub customer_id: CustomerId,
    /// The client address's throttle subject.
    pub client: &'a str,
    pub limits: &'a LimitsConfig,
}

/// Enters a payment method for the enterer's customer, kept as `keep` says; returns its
/// id or every problem found (then nothing is stored). `form.make_default` is not read:
/// `Keep::Saved { make_default }` says it.
#[tracing::instrument(skip_all, fields(customer_id = %enterer.customer_id, keep = ?keep))]
pub async fn enter(
    db: &Db,
    vault: &Vault,
    gateway: &Gateway,
    enterer: &Enterer<'_>,
    form: &MethodForm,
    today: time::Date,
    keep: Keep,
) -> Result<Entered, ServiceError> {
    let Some(kind) = form.kind.as_deref().and_then(MethodKind::parse) else {
        return Ok(Err(vec![MethodProblem::KindMissing]));
    };
    let to = Store { db, enterer, keep };
    match kind {
        MethodKind::Echeck => enter_bank_account(&to, vault, form).await,
        MethodKind::Debit | MethodKind::Credit => enter_card(&to, gateway, kind, form, today).await,
        MethodKind::Wallet => enter_wallet(&to, gateway, form).await,
    }
}

/// Where a checked method goes.
struct Store<'a> {
    db: &'a Db,
    enterer: &'a Enterer<'a>,
    keep: Keep,
}

impl Store<'_> {
    /// Stores a checked method, unless it is to be saved and the wallet is full.
    async fn save(&self, method: NewMethod<'_>) -> Result<Entered, ServiceError> {
        let limit = self.enterer.limits.saved_methods;
        let saved =
            data::insert(self.db, self.enterer.customer_id, method, self.keep, limit).await?;
        Ok(saved.ok_or_else(|| vec![MethodProblem::TooManyMethods]))
    }
}

/// Counts a new card against the customer's and the address's hourly and daily limits,
/// before it reaches the processor: card testing stops here. Minutes to wait when over.
async fn card_limit(db: &Db, enterer: &Enterer<'_>) -> Result<Option<i64>, sqlx::Error> {
    let l = enterer.limits;
    let customer = enterer.customer_id.to_string();
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
            (Scope::NewCardsByAddressHour, enterer.client, per(l.new_cards_per_address_hour, HOUR)),
            (Scope::NewCardsByAddressDay, enterer.client, per(l.new_cards_per_address_day, DAY)),
        ],
    )
    .await
}

fn gateway_problem(e: GatewayError) -> MethodProblem {
    match e {
        GatewayError::Refused(_) => MethodProblem::CardRefused,
        GatewayError::UnknownWallet => MethodProblem::WalletMissing,
        GatewayError::Unavailable(reason) => {
            tracing::warn!(%reason, "payment gateway unavailable");
            MethodProblem::GatewayDown
        }
    }
}

async fn enter_wallet(
    to: &Store<'_>,
    gateway: &Gateway,
    form: &MethodForm,
) -> Result<Entered, ServiceError> {
    let Some(wallet_id) = form.wallet.as_deref().map(str::trim).filter(|w| !w.is_empty()) else {
        return Ok(Err(vec![MethodProblem::WalletMissing]));
    };
    let Some(option) = gateway.wallets().into_iter().find(|w| w.id == wallet_id) else {
        return Ok(Err(vec![MethodProblem::WalletMissing]));
    };
    let tokenized = match gateway.tokenize_wallet(&option.id).await {
        Ok(t) => t,
        Err(e) => return Ok(Err(vec![gateway_problem(e)])),
    };
    let method = NewMethod::Tokenized(NewTokenized {
        kind: MethodKind::Wallet,
        tokenized: &tokenized,
        label: Some(&option.name),
        holder_name: &option.name,
        billing_zip: None,
    });
    to.save(method).await
}

async fn enter_bank_account(
    to: &Store<'_>,
    vault: &Vault,
    form: &MethodForm,
) -> Result<Entered, ServiceError> {
    let mut problems = Vec::new();
    let account_type = BankAccountType::parse(form.account_type.as_deref().unwrap_or_default())
        .map_err(|_| problems.push(MethodProblem::AccountTypeMissing))
        .ok();
    let routing = RoutingNumber::parse(form.routing_number.as_deref().unwrap_or_default())
        .map_err(|e| problems.push(MethodProblem::from(e)))
        .ok();
    let account = BankAccountNumber::confirm(
        form.account_number.as_deref().unwrap_or_default(),
        form.account_number_confirm.as_deref().unwrap_or_default(),
    )
    .map_err(|e| problems.push(MethodProblem::from(e)))
    .ok();
    // A blank bank name is filled in from the routing directory when the utility has one.
    let typed_bank = form.bank_name.as_deref().map(str::trim).filter(|b| !b.is_empty());
    let bank_name = match (typed_bank, &routing) {
        (Some(typed), _) => Some(typed.to_string()),
        (None, Some(r)) => crate::payments::data::directory::bank_name(to.db, r).await?,
        (None, None) => None,
    };
    let bank_name =
        name(bank_name.as_deref(), MethodProblem::BankNameEmpty, MethodProblem::BankNameTooLong)
            .map_err(|p| problems.push(p))
            .ok();
    let holder = name(
        form.holder_name.as_deref(),
        MethodProblem::HolderNameEmpty,
        MethodProblem::HolderNameTooLong,
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
    to.save(method).await
}

async fn enter_card(
    to: &Store<'_>,
    gateway: &Gateway,
    kind: MethodKind,
    form: &MethodForm,
    today: time::Date,
) -> Result<Entered, ServiceError> {
    let mut problems = Vec::new();
    let number = CardNumber::parse(form.card_number.as_deref().unwrap_or_default())
        .map_err(|e| problems.push(MethodProblem::from(e)))
        .ok();
    let holder = name(
        form.card_name.as_deref(),
        MethodProblem::CardNameEmpty,
        MethodProblem::CardNameTooLong,
    )
    .map_err(|p| problems.push(p))
    .ok();
    let expiry = Expiry::parse(
        form.expiry.as_deref().unwrap_or_default(),
        today.year() as u16,
        u8::from(today.month()),
    )
    .map_err(|e| problems.push(MethodProblem::from(e)))
    .ok();
    let brand = number.as_ref().map(CardNumber::brand).unwrap_or_default();
    let code = SecurityCode::parse(form.security_code.as_deref().unwrap_or_default(), brand)
        .map_err(|e| problems.push(MethodProblem::from(e)))
        .ok();
    let zip = Zip::parse(form.billing_zip.as_deref().unwrap_or_default())
        .map_err(|e| problems.push(MethodProblem::from(e)))
        .ok();
    let (Some(number), Some(holder), Some(expiry), Some(code), Some(zip), true) =
        (number, holder, expiry, code, zip, problems.is_empty())
    else {
        return Ok(Err(problems));
    };
    if let Some(minutes) = card_limit(to.db, to.enterer).await? {
        return Ok(Err(vec![MethodProblem::CardsTryLater(minutes)]));
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
    to.save(method).await
}
