//! The entry form's fields, its problems' messages and the ids of the inputs they belong
//! to. The caller wraps them in its own `<form>` (with `LiveChecks` around it) and chooses
//! which kinds it offers: My Wallet all four, Pay Now one at a time, Quick Pay E-Check and
//! card.

use super::{EntryOutcome, EntrySetup, MethodProblem, LIVE_PROBLEMS};
use crate::forms::{field_error, kept_value, Choice, FormProblem, I18n, RadioGroup, TextField};
use crate::i18n::*;
use crate::payments::MethodKind;
use leptos::prelude::*;

impl FormProblem for MethodProblem {
    fn field(self) -> &'static str {
        use MethodProblem::*;
        match self {
            KindMissing => "kind-echeck",
            AccountTypeMissing => "account_type-checking",
            RoutingEmpty | RoutingNotDigits | RoutingLength | RoutingPrefix | RoutingChecksum => {
                "routing_number"
            }
            AccountEmpty | AccountNotDigits | AccountTooShort | AccountTooLong => "account_number",
            AccountMismatch => "account_number_confirm",
            BankNameEmpty | BankNameTooLong => "bank_name",
            HolderNameEmpty | HolderNameTooLong => "holder_name",
            CardNameTooLong => "card_name",
            CardEmpty | CardNotDigits | CardLength | CardChecksum | CardRefused => "card_number",
            CardNameEmpty => "card_name",
            ExpiryEmpty | ExpiryFormat | ExpiryMonth | ExpiryPast | ExpiryTooFar => "expiry",
            CodeEmpty | CodeNotDigits | CodeThree | CodeFour => "security_code",
            ZipEmpty | ZipFormat => "billing_zip",
            WalletMissing => "wallet-sandbox-pay",
            GatewayDown | CardsTryLater(_) | TooManyMethods => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        use MethodProblem::*;
        if let CardsTryLater(m) = self {
            return format!(
                "{} {m} {}",
                t_string!(i18n, entry.cards_try_later_before),
                t_string!(i18n, entry.cards_try_later_after)
            );
        }
        let s: &str = match self {
            KindMissing => t_string!(i18n, entry.kind_missing),
            AccountTypeMissing => t_string!(i18n, entry.account_type_missing),
            RoutingEmpty => t_string!(i18n, entry.routing_empty),
            RoutingNotDigits => t_string!(i18n, entry.routing_not_digits),
            RoutingLength => t_string!(i18n, entry.routing_length),
            RoutingPrefix => t_string!(i18n, entry.routing_prefix),
            RoutingChecksum => t_string!(i18n, entry.routing_checksum),
            AccountEmpty => t_string!(i18n, entry.account_empty),
            AccountNotDigits => t_string!(i18n, entry.account_not_digits),
            AccountTooShort => t_string!(i18n, entry.account_too_short),
            AccountTooLong => t_string!(i18n, entry.account_too_long),
            AccountMismatch => t_string!(i18n, entry.account_mismatch),
            BankNameEmpty => t_string!(i18n, entry.bank_name_empty),
            HolderNameEmpty => t_string!(i18n, entry.holder_name_empty),
            BankNameTooLong | HolderNameTooLong | CardNameTooLong => {
                t_string!(i18n, entry.name_too_long)
            }
            CardEmpty => t_string!(i18n, entry.card_empty),
            CardNotDigits => t_string!(i18n, entry.card_not_digits),
            CardLength => t_string!(i18n, entry.card_length),
            CardChecksum => t_string!(i18n, entry.card_checksum),
            CardNameEmpty => t_string!(i18n, entry.card_name_empty),
            ExpiryEmpty => t_string!(i18n, entry.expiry_empty),
            ExpiryFormat => t_string!(i18n, entry.expiry_format),
            ExpiryMonth => t_string!(i18n, entry.expiry_month),
            ExpiryPast => t_string!(i18n, entry.expiry_past),
            ExpiryTooFar => t_string!(i18n, entry.expiry_too_far),
            CodeEmpty => t_string!(i18n, entry.code_empty),
            CodeNotDigits => t_string!(i18n, entry.code_not_digits),
            CodeThree => t_string!(i18n, entry.code_three),
            CodeFour => t_string!(i18n, entry.code_four),
            ZipEmpty => t_string!(i18n, entry.zip_empty),
            ZipFormat => t_string!(i18n, entry.zip_format),
            CardRefused => t_string!(i18n, entry.card_refused),
            WalletMissing => t_string!(i18n, entry.wallet_missing),
            GatewayDown => t_string!(i18n, entry.gateway_down),
            CardsTryLater(_) => unreachable!("answered above"),
            TooManyMethods => t_string!(i18n, entry.too_many_methods),
        };
        s.to_string()
    }
}

/// What `LiveChecks` needs: the message of each live problem in the page's language, and
/// "Card type:".
pub fn live_messages(i18n: I18n) -> (Vec<(MethodProblem, String)>, String) {
    let messages = LIVE_PROBLEMS.iter().map(|p| (*p, p.message(i18n))).collect();
    (messages, t_string!(i18n, entry.brand_detected).to_string())
}

/// The kind choice (when more than one kind is offered; else the one kind as a hidden
/// field) and the fields of each offered kind. Put it inside a form of class `add-method`:
/// the style shows only the chosen kind's fields.
#[component]
pub fn EntryFields(
    setup: EntrySetup,
    outcome: Signal<EntryOutcome>,
    /// The kinds offered, in order; the first is chosen unless the customer chose another.
    kinds: Vec<MethodKind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kept = outcome.read_untracked().value("kind");
    let checked = kinds
        .iter()
        .find(|k| k.as_str() == kept)
        .or(kinds.first())
        .map(|k| k.as_str())
        .unwrap_or_default();
    let only = kinds.len() == 1;
    let choice = |k: MethodKind| {
        let label = match k {
            MethodKind::Echeck => t_string!(i18n, entry.kind_echeck),
            MethodKind::Debit => t_string!(i18n, entry.kind_debit),
            MethodKind::Credit => t_string!(i18n, entry.kind_credit),
            MethodKind::Wallet => t_string!(i18n, entry.kind_wallet),
        };
        Choice::new(format!("kind-{}", k.as_str()), k.as_str(), label)
    };
    let kind_input = if only {
        view! { <input type="hidden" name="kind" value=checked/> }.into_any()
    } else {
        let choices = kinds.iter().copied().map(choice).collect();
        view! {
            <RadioGroup name="kind" class="kind-choice" legend=t_string!(i18n, entry.kind_legend) choices checked=checked/>
        }
        .into_any()
    };
    let echeck = kinds.contains(&MethodKind::Echeck);
    let card = kinds.iter().any(|k| k.is_card());
    let wallet = kinds.contains(&MethodKind::Wallet);
    view! {
        {kind_input}
        {echeck.then(|| view! { <EcheckFields outcome only/> })}
        {card.then(|| view! { <CardFields outcome only/> })}
        {wallet.then(|| view! { <WalletFields outcome wallets=setup.wallets.clone() only/> })}
    }
    .into_any()
}

/// The class of a kind's fields: shown whatever is ticked when it is the only kind.
fn group_class(kind: &'static str, only: bool) -> String {
    if only {
        format!("kind-fields {kind} only")
    } else {
        format!("kind-fields {kind}")
    }
}

/// The bank account fields. Numbers are never kept (see `values_to_keep`): after a
/// problem, a notice says why they are blank.
#[component]
pub fn EcheckFields(outcome: Signal<EntryOutcome>, #[prop(optional)] only: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kept = move |field: &'static str| kept_value(outcome, field);
    let error = move |field: &'static str| field_error(i18n, outcome, field);
    let failed = !outcome.read_untracked().problems.is_empty();
    let account_types = vec![
        Choice::new("account_type-checking", "checking", t_string!(i18n, entry.checking)),
        Choice::new("account_type-savings", "savings", t_string!(i18n, entry.savings)),
    ];
    view! {
        <div class=group_class("echeck", only)>
            <details class="help">
                <summary>{t!(i18n, entry.where_routing)}</summary>
                <p>{t!(i18n, entry.where_routing_text)}</p>
                <img src="/images/check-routing.svg" width="360" height="170" alt=move || t_string!(i18n, entry.check_alt_1)/>
                <img src="/images/check-routing-alt.svg" width="360" height="170" alt=move || t_string!(i18n, entry.check_alt_2)/>
            </details>
            <RadioGroup name="account_type" legend=t_string!(i18n, entry.account_type) choices=account_types
                checked=outcome.read_untracked().value("account_type") error=error("account_type-checking")/>
            <TextField id="routing_number" value=kept("routing_number") inputmode="numeric" maxlength=9 autocomplete="off"
                label=t_string!(i18n, entry.routing).to_string()
                hint=t_string!(i18n, entry.routing_hint).to_string()
                error=error("routing_number")/>
            {failed.then(|| view! { <p class="notice">{t!(i18n, entry.reenter_account)}</p> })}
            <TextField id="account_number" inputmode="numeric" maxlength=17 autocomplete="off"
                label=t_string!(i18n, entry.account_number).to_string()
                hint=t_string!(i18n, entry.account_hint).to_string()
                error=error("account_number")/>
            <TextField id="account_number_confirm" inputmode="numeric" maxlength=17 autocomplete="off"
                label=t_string!(i18n, entry.account_again).to_string()
                error=error("account_number_confirm")/>
            <TextField id="bank_name" value=kept("bank_name") autocomplete="off"
                label=t_string!(i18n, entry.bank_name).to_string()
                error=error("bank_name")/>
            <TextField id="holder_name" value=kept("holder_name") autocomplete="name"
                label=t_string!(i18n, entry.holder_name).to_string()
                error=error("holder_name")/>
        </div>
    }
    .into_any()
}

/// The card fields (debit and credit).
#[component]
pub fn CardFields(outcome: Signal<EntryOutcome>, #[prop(optional)] only: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kept = move |field: &'static str| kept_value(outcome, field);
    let error = move |field: &'static str| field_error(i18n, outcome, field);
    let failed = !outcome.read_untracked().problems.is_empty();
    view! {
        <div class=group_class("card", only)>
            {failed.then(|| view! { <p class="notice">{t!(i18n, entry.reenter_card)}</p> })}
            <TextField id="card_number" inputmode="numeric" maxlength=23 autocomplete="cc-number"
                label=t_string!(i18n, entry.card_number).to_string()
                error=error("card_number")/>
            <p class="card-brand" id="card-brand" aria-live="polite"></p>
            <TextField id="card_name" value=kept("card_name") autocomplete="cc-name"
                label=t_string!(i18n, entry.card_name).to_string()
                error=error("card_name")/>
            <TextField id="expiry" value=kept("expiry") inputmode="numeric" maxlength=7 autocomplete="cc-exp"
                label=t_string!(i18n, entry.expiry).to_string()
                error=error("expiry")/>
            <TextField id="security_code" inputmode="numeric" maxlength=4 autocomplete="cc-csc"
                label=t_string!(i18n, entry.security_code).to_string()
                hint=t_string!(i18n, entry.security_hint).to_string()
                error=error("security_code")/>
            <TextField id="billing_zip" value=kept("billing_zip") inputmode="numeric" maxlength=10 autocomplete="postal-code"
                label=t_string!(i18n, entry.billing_zip).to_string()
                error=error("billing_zip")/>
        </div>
    }
    .into_any()
}

/// The digital wallets, as the gateway offers them (id, name).
#[component]
pub fn WalletFields(
    outcome: Signal<EntryOutcome>,
    wallets: Vec<(String, String)>,
    #[prop(optional)] only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let choices = wallets
        .into_iter()
        .map(|(id, name)| Choice::new(format!("wallet-{id}"), id, name))
        .collect();
    view! {
        <div class=group_class("wallet", only)>
            <RadioGroup name="wallet" legend=t_string!(i18n, entry.wallet_legend) choices
                hint=t_string!(i18n, entry.wallet_intro) checked=outcome.read_untracked().value("wallet")
                error=field_error(i18n, outcome, "wallet-sandbox-pay")/>
        </div>
    }
    .into_any()
}
