//! My Wallet (a Bill Settings section) and the add-payment-method page.

use super::live::LiveChecks;
use super::*;
use crate::auth::SignInNotice;
use crate::domain::AccountId;
use crate::forms::{
    field_error, kept_outcome, kept_value, listed, Choice, ErrorSummary, FormProblem, I18n,
    RadioGroup, TextField,
};
use crate::i18n::*;
use crate::paths;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl FormProblem for WalletProblem {
    fn field(self) -> &'static str {
        use WalletProblem::*;
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
            ReplacementInvalid => "replacement",
            GatewayDown | CardsTryLater(_) | TooManyMethods | NotFound | NeedsReplacement
            | SignInNeeded => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        use WalletProblem::*;
        if let CardsTryLater(m) = self {
            return format!(
                "{} {m} {}",
                t_string!(i18n, wallet.cards_try_later_before),
                t_string!(i18n, wallet.cards_try_later_after)
            );
        }
        let s: &str = match self {
            KindMissing => t_string!(i18n, wallet.kind_missing),
            AccountTypeMissing => t_string!(i18n, wallet.account_type_missing),
            RoutingEmpty => t_string!(i18n, wallet.routing_empty),
            RoutingNotDigits => t_string!(i18n, wallet.routing_not_digits),
            RoutingLength => t_string!(i18n, wallet.routing_length),
            RoutingPrefix => t_string!(i18n, wallet.routing_prefix),
            RoutingChecksum => t_string!(i18n, wallet.routing_checksum),
            AccountEmpty => t_string!(i18n, wallet.account_empty),
            AccountNotDigits => t_string!(i18n, wallet.account_not_digits),
            AccountTooShort => t_string!(i18n, wallet.account_too_short),
            AccountTooLong => t_string!(i18n, wallet.account_too_long),
            AccountMismatch => t_string!(i18n, wallet.account_mismatch),
            BankNameEmpty => t_string!(i18n, wallet.bank_name_empty),
            HolderNameEmpty => t_string!(i18n, wallet.holder_name_empty),
            BankNameTooLong | HolderNameTooLong | CardNameTooLong => {
                t_string!(i18n, wallet.name_too_long)
            }
            CardEmpty => t_string!(i18n, wallet.card_empty),
            CardNotDigits => t_string!(i18n, wallet.card_not_digits),
            CardLength => t_string!(i18n, wallet.card_length),
            CardChecksum => t_string!(i18n, wallet.card_checksum),
            CardNameEmpty => t_string!(i18n, wallet.card_name_empty),
            ExpiryEmpty => t_string!(i18n, wallet.expiry_empty),
            ExpiryFormat => t_string!(i18n, wallet.expiry_format),
            ExpiryMonth => t_string!(i18n, wallet.expiry_month),
            ExpiryPast => t_string!(i18n, wallet.expiry_past),
            ExpiryTooFar => t_string!(i18n, wallet.expiry_too_far),
            CodeEmpty => t_string!(i18n, wallet.code_empty),
            CodeNotDigits => t_string!(i18n, wallet.code_not_digits),
            CodeThree => t_string!(i18n, wallet.code_three),
            CodeFour => t_string!(i18n, wallet.code_four),
            ZipEmpty => t_string!(i18n, wallet.zip_empty),
            ZipFormat => t_string!(i18n, wallet.zip_format),
            CardRefused => t_string!(i18n, wallet.card_refused),
            WalletMissing => t_string!(i18n, wallet.wallet_missing),
            GatewayDown => t_string!(i18n, wallet.gateway_down),
            CardsTryLater(_) => unreachable!("answered above"),
            TooManyMethods => t_string!(i18n, wallet.too_many_methods),
            NotFound => t_string!(i18n, wallet.not_found),
            NeedsReplacement => t_string!(i18n, wallet.needs_replacement),
            ReplacementInvalid => t_string!(i18n, wallet.replacement_invalid),
            SignInNeeded => t_string!(i18n, wallet.sign_in_needed),
        };
        s.to_string()
    }
}

/// The error summary: a removal waiting for its replacement says so at the method instead.
fn summary(i18n: I18n, outcome: Signal<WalletOutcome>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        let kept = outcome.read();
        listed(
            i18n,
            kept.problems.iter().copied().filter(|p| *p != WalletProblem::NeedsReplacement),
        )
    })
}

/// The Bill Settings section that lists the saved methods.
#[component]
pub fn MyWallet() -> impl IntoView {
    let i18n = use_i18n();
    let make_default = ServerAction::<MakeDefaultMethod>::new();
    let remove = ServerAction::<RemoveMethod>::new();
    let methods = Resource::new_blocking(|| (), |_| wallet_methods());
    let outcome = kept_outcome(Resource::new_blocking(|| (), |_| take_wallet_outcome()));
    let query = use_query_map();
    let done = move || {
        if !outcome.read().problems.is_empty() {
            return None;
        }
        match query.read().get("done").as_deref() {
            Some("added") => Some(t_string!(i18n, wallet.added).to_string()),
            Some("default") => Some(t_string!(i18n, wallet.default_changed).to_string()),
            Some("removed") => Some(t_string!(i18n, wallet.removed).to_string()),
            _ => None,
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || done().map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <ErrorSummary problems=summary(i18n, outcome)/>
            {move || methods.get().map(|result| match result {
                Ok(Some(list)) => {
                    let pending = outcome.read().parsed::<MethodId>(PENDING_REMOVAL);
                    let empty = list.is_empty();
                    view! {
                        {empty.then(|| view! { <p>{t!(i18n, wallet.empty)}</p> })}
                        // Keyed by the method and its state: after a change reorders the
                        // list, each item's forms still carry their own method's id.
                        <ul class="wallet-list">
                            <For
                                each=move || {
                                    list.iter().map(|m| {
                                        let others: Vec<(MethodId, String)> = list.iter().filter(|o| o.id != m.id)
                                            .map(|o| (o.id, o.label(i18n.get_locale()))).collect();
                                        (m.clone(), others)
                                    }).collect::<Vec<_>>()
                                }
                                key=move |(m, others)| (m.id, m.is_default, m.autopay_uses, others.len(), pending)
                                children=move |(m, others)| view! { <WalletItem method=m pending=pending others make_default remove/> }
                            />
                        </ul>
                    }.into_any()
                }
                Ok(None) => view! {
                    <SignInNotice>{t!(i18n, wallet.sign_in_needed)}</SignInNotice>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
            <p><a class="button" href=paths::ADD_METHOD>{t!(i18n, wallet.add_new)}</a></p>
        </Suspense>
    }
}

#[component]
fn WalletItem(
    method: SavedMethod,
    pending: Option<MethodId>,
    others: Vec<(MethodId, String)>,
    make_default: ServerAction<MakeDefaultMethod>,
    remove: ServerAction<RemoveMethod>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = method.label(i18n.get_locale());
    let id = method.id.to_string();
    let asks_replacement = pending == Some(method.id);
    let label_for_remove = label.clone();
    view! {
        <li class="wallet-item">
            <span class="wallet-label">{label.clone()}</span>
            {method.is_default.then(|| view! { <span class="badge">{t!(i18n, wallet.default_badge)}</span> })}
            {(method.autopay_uses > 0).then(|| view! { <span class="badge">{t!(i18n, wallet.used_by_autopay)}</span> })}
            <div class="wallet-actions">
                {(!method.is_default).then(|| {
                    let id = id.clone();
                    let label = label.clone();
                    view! {
                        <ActionForm action=make_default>
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class="secondary" aria-label=move || format!("{}: {label}", t_string!(i18n, wallet.make_default))>
                                {t!(i18n, wallet.make_default)}
                            </button>
                        </ActionForm>
                    }
                })}
                {(!asks_replacement).then(|| {
                    let id = id.clone();
                    view! {
                        <ActionForm action=remove>
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class="secondary" aria-label=move || format!("{}: {label_for_remove}", t_string!(i18n, wallet.remove))>
                                {t!(i18n, wallet.remove)}
                            </button>
                        </ActionForm>
                    }
                })}
            </div>
            {asks_replacement.then(|| view! {
                <div class="replacement" role="group" aria-labelledby="replacement-note">
                    <p id="replacement-note">{t!(i18n, wallet.needs_replacement)}</p>
                    <ActionForm action=remove>
                        <input type="hidden" name="id" value=id.clone()/>
                        <div class="field">
                            <label for="replacement">{t!(i18n, wallet.replacement_label)}</label>
                            <select id="replacement" name="replacement">
                                {others.into_iter().map(|(other, text)| view! { <option value=other.to_string()>{text}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="primary">{t!(i18n, wallet.switch_and_remove)}</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

#[component]
pub fn AddPaymentMethodPage() -> impl IntoView {
    let i18n = use_i18n();
    let kept = Resource::new_blocking(|| (), |_| take_add_method_outcome());
    let setup = Resource::new_blocking(|| (), |_| add_method_setup());
    // Opened from AutoPay's "Add New" (?autopay=<account>): Back and Add return there.
    let query = use_query_map();
    let for_autopay =
        query.read_untracked().get("autopay").and_then(|a| a.parse::<AccountId>().ok());
    let autopay_change = query.read_untracked().get("change").is_some_and(|c| !c.is_empty());
    view! {
        <Title text=t_string!(i18n, wallet.add_title).to_string()/>
        <h1>{t!(i18n, wallet.add_title)}</h1>
        <Suspense fallback=|| ()>
            {move || setup.get().zip(kept.get()).map(|answers| match answers {
                (Ok(setup), Ok(outcome)) if setup.signed_in => view! {
                    <AddMethodFields setup outcome=outcome.unwrap_or_default() for_autopay autopay_change/>
                }.into_any(),
                (Ok(_), Ok(_)) => view! {
                    <SignInNotice>{t!(i18n, wallet.sign_in_needed)}</SignInNotice>
                }.into_any(),
                _ => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// The add form, rendered on the server and posted as a plain form; the `LiveChecks`
/// island around it checks the fields as the customer types.
#[component]
fn AddMethodFields(
    setup: AddFormSetup,
    outcome: WalletOutcome,
    for_autopay: Option<AccountId>,
    autopay_change: bool,
) -> impl IntoView {
    let back = match for_autopay {
        Some(account) => paths::autopay_enroll(account, None, autopay_change),
        None => paths::WALLET.to_string(),
    };
    let i18n = use_i18n();
    let kind = outcome.value("kind");
    let kind = if kind.is_empty() { "echeck".to_string() } else { kind };
    let make_default_checked = !outcome.value("make_default").is_empty();
    let brand_label = t_string!(i18n, wallet.brand_detected).to_string();
    let messages = super::LIVE_PROBLEMS.iter().map(|p| (*p, p.message(i18n))).collect::<Vec<_>>();
    let outcome = Signal::stored(outcome);
    let kinds = vec![
        Choice::new("kind-echeck", "echeck", t_string!(i18n, wallet.kind_echeck)),
        Choice::new("kind-debit", "debit", t_string!(i18n, wallet.kind_debit)),
        Choice::new("kind-credit", "credit", t_string!(i18n, wallet.kind_credit)),
        Choice::new("kind-wallet", "wallet", t_string!(i18n, wallet.kind_wallet)),
    ];

    view! {
        <ErrorSummary problems=summary(i18n, outcome)/>
        <LiveChecks messages brand_label year=setup.year month=setup.month>
            <form method="post" action={<AddPaymentMethod as leptos::server_fn::ServerFn>::url()} class="form add-method" novalidate>
                {view! {
                    <RadioGroup name="kind" class="kind-choice" legend=t_string!(i18n, wallet.kind_legend) choices=kinds checked=kind/>
                }.into_any()}
                <EcheckFields outcome/>
                <CardFields outcome/>
                <WalletFields outcome wallets=setup.wallets/>
                <div class="field checkbox">
                    <input type="checkbox" id="make_default" name="make_default" value="yes" checked=make_default_checked/>
                    <label for="make_default">{t!(i18n, wallet.make_default_label)}</label>
                </div>
                <div class="actions">
                    {for_autopay.map(|account| view! {
                        <input type="hidden" name="for_autopay" value=account.to_string()/>
                        <input type="hidden" name="autopay_change" value=if autopay_change { "1" } else { "" }/>
                    })}
                    <button type="submit" class="primary">{t!(i18n, wallet.add)}</button>
                    <a class="button secondary" href=back>{t!(i18n, wallet.back)}</a>
                </div>
            </form>
        </LiveChecks>
    }
    // Each part of the form is erased (`into_any`): as one nested type the form is too
    // deep for the compiler and, unoptimised, for a test thread's stack.
    .into_any()
}

/// The add form's bank account fields. Numbers are never kept (see `values_to_keep`):
/// after a problem, a notice says why they are blank.
#[component]
fn EcheckFields(outcome: Signal<WalletOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let kept = move |field: &'static str| kept_value(outcome, field);
    let error = move |field: &'static str| field_error(i18n, outcome, field);
    let failed = !outcome.read_untracked().problems.is_empty();
    let account_types = vec![
        Choice::new("account_type-checking", "checking", t_string!(i18n, wallet.checking)),
        Choice::new("account_type-savings", "savings", t_string!(i18n, wallet.savings)),
    ];
    view! {
        <div class="kind-fields echeck">
            <details class="help">
                <summary>{t!(i18n, wallet.where_routing)}</summary>
                <p>{t!(i18n, wallet.where_routing_text)}</p>
                <img src="/images/check-routing.svg" width="360" height="170" alt=move || t_string!(i18n, wallet.check_alt_1)/>
                <img src="/images/check-routing-alt.svg" width="360" height="170" alt=move || t_string!(i18n, wallet.check_alt_2)/>
            </details>
            <RadioGroup name="account_type" legend=t_string!(i18n, wallet.account_type) choices=account_types
                checked=outcome.read_untracked().value("account_type") error=error("account_type-checking")/>
            <TextField id="routing_number" value=kept("routing_number") inputmode="numeric" maxlength=9 autocomplete="off"
                label=t_string!(i18n, wallet.routing).to_string()
                hint=t_string!(i18n, wallet.routing_hint).to_string()
                error=error("routing_number")/>
            {failed.then(|| view! { <p class="notice">{t!(i18n, wallet.reenter_account)}</p> })}
            <TextField id="account_number" inputmode="numeric" maxlength=17 autocomplete="off"
                label=t_string!(i18n, wallet.account_number).to_string()
                hint=t_string!(i18n, wallet.account_hint).to_string()
                error=error("account_number")/>
            <TextField id="account_number_confirm" inputmode="numeric" maxlength=17 autocomplete="off"
                label=t_string!(i18n, wallet.account_again).to_string()
                error=error("account_number_confirm")/>
            <TextField id="bank_name" value=kept("bank_name") autocomplete="off"
                label=t_string!(i18n, wallet.bank_name).to_string()
                error=error("bank_name")/>
            <TextField id="holder_name" value=kept("holder_name") autocomplete="name"
                label=t_string!(i18n, wallet.holder_name).to_string()
                error=error("holder_name")/>
        </div>
    }
    .into_any()
}

/// The add form's card fields (debit and credit).
#[component]
fn CardFields(outcome: Signal<WalletOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let kept = move |field: &'static str| kept_value(outcome, field);
    let error = move |field: &'static str| field_error(i18n, outcome, field);
    let failed = !outcome.read_untracked().problems.is_empty();
    view! {
        <div class="kind-fields card">
            {failed.then(|| view! { <p class="notice">{t!(i18n, wallet.reenter_card)}</p> })}
            <TextField id="card_number" inputmode="numeric" maxlength=23 autocomplete="cc-number"
                label=t_string!(i18n, wallet.card_number).to_string()
                error=error("card_number")/>
            <p class="card-brand" id="card-brand" aria-live="polite"></p>
            <TextField id="card_name" value=kept("card_name") autocomplete="cc-name"
                label=t_string!(i18n, wallet.card_name).to_string()
                error=error("card_name")/>
            <TextField id="expiry" value=kept("expiry") inputmode="numeric" maxlength=7 autocomplete="cc-exp"
                label=t_string!(i18n, wallet.expiry).to_string()
                error=error("expiry")/>
            <TextField id="security_code" inputmode="numeric" maxlength=4 autocomplete="cc-csc"
                label=t_string!(i18n, wallet.security_code).to_string()
                hint=t_string!(i18n, wallet.security_hint).to_string()
                error=error("security_code")/>
            <TextField id="billing_zip" value=kept("billing_zip") inputmode="numeric" maxlength=10 autocomplete="postal-code"
                label=t_string!(i18n, wallet.billing_zip).to_string()
                error=error("billing_zip")/>
        </div>
    }
    .into_any()
}

/// The add form's digital wallets, as the gateway offers them (id, name).
#[component]
fn WalletFields(outcome: Signal<WalletOutcome>, wallets: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let choices = wallets
        .into_iter()
        .map(|(id, name)| Choice::new(format!("wallet-{id}"), id, name))
        .collect();
    view! {
        <div class="kind-fields wallet">
            <RadioGroup name="wallet" legend=t_string!(i18n, wallet.wallet_legend) choices
                hint=t_string!(i18n, wallet.wallet_intro) checked=outcome.read_untracked().value("wallet")
                error=field_error(i18n, outcome, "wallet-sandbox-pay")/>
        </div>
    }
    .into_any()
}
