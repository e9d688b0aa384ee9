//! My Wallet (a Bill Settings section) and the add-payment-method page.

use super::live::LiveChecks;
use super::*;
use crate::forms::{kept_outcome, ErrorSummary, TextField};
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

type I18n = leptos_i18n::I18nContext<Locale>;

fn message(i18n: I18n, p: WalletProblem) -> String {
    use WalletProblem::*;
    if let CardsTryLater(m) = p {
        return format!(
            "{} {m} {}",
            t_string!(i18n, wallet.cards_try_later_before),
            t_string!(i18n, wallet.cards_try_later_after)
        );
    }
    let s: &str = match p {
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

fn summary(i18n: I18n, outcome: Signal<WalletOutcome>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        outcome
            .read()
            .problems
            .iter()
            .filter(|p| **p != WalletProblem::NeedsReplacement)
            .map(|p| (p.field().to_string(), message(i18n, *p)))
            .collect()
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
                    let pending = outcome.read().pending_removal;
                    let empty = list.is_empty();
                    view! {
                        {empty.then(|| view! { <p>{t!(i18n, wallet.empty)}</p> })}
                        // Keyed by the method and its state: after a change reorders the
                        // list, each item's forms still carry their own method's id.
                        <ul class="wallet-list">
                            <For
                                each=move || {
                                    list.iter().map(|m| {
                                        let others: Vec<(i64, String)> = list.iter().filter(|o| o.id != m.id)
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
                    <p class="notice">{t!(i18n, wallet.sign_in_needed)}" "<a href="/sign-in">{t!(i18n, nav.sign_in)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
            })}
            <p><a class="button" href="/billing/settings/wallet/add">{t!(i18n, wallet.add_new)}</a></p>
        </Suspense>
    }
}

#[component]
fn WalletItem(
    method: SavedMethod,
    pending: Option<i64>,
    others: Vec<(i64, String)>,
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
    let for_autopay = query.read_untracked().get("autopay").filter(|a| a.parse::<i64>().is_ok());
    let autopay_change = query.read_untracked().get("change").is_some_and(|c| !c.is_empty());
    view! {
        <Title text=t_string!(i18n, wallet.add_title).to_string()/>
        <h1>{t!(i18n, wallet.add_title)}</h1>
        <Suspense fallback=|| ()>
            {move || setup.get().zip(kept.get()).map(|answers| match answers {
                (Ok(setup), Ok(outcome)) if setup.signed_in => view! {
                    <AddMethodFields setup outcome=outcome.unwrap_or_default() for_autopay=for_autopay.clone() autopay_change/>
                }.into_any(),
                (Ok(_), Ok(_)) => view! {
                    <p class="notice">{t!(i18n, wallet.sign_in_needed)}" "<a href="/sign-in">{t!(i18n, nav.sign_in)}</a></p>
                }.into_any(),
                _ => view! { <crate::pages::ErrorNotice/> }.into_any(),
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
    for_autopay: Option<String>,
    autopay_change: bool,
) -> impl IntoView {
    let back = match &for_autopay {
        Some(account) => format!(
            "/billing/autopay/enroll?account={account}{}",
            if autopay_change { "&change=1" } else { "" }
        ),
        None => "/billing/settings/wallet".to_string(),
    };
    let i18n = use_i18n();
    let outcome = Signal::stored(outcome);
    let kept = move |field: &'static str| outcome.read_untracked().value(field);
    let kept_value = move |field: &'static str| Signal::stored(kept(field));
    let server_error = move |field: &'static str| -> Signal<Option<String>> {
        Signal::derive(move || {
            outcome.read().problems.iter().find(|p| p.field() == field).map(|p| message(i18n, *p))
        })
    };
    let kind = kept("kind");
    let kind = if kind.is_empty() { "echeck".to_string() } else { kind };
    let account_type = kept("account_type");
    let brand_label = t_string!(i18n, wallet.brand_detected).to_string();
    // Numbers are never kept (see `values_to_keep`): after a problem, say why they are blank.
    let failed = !outcome.read_untracked().problems.is_empty();
    let wallet_choice = kept("wallet");
    let make_default_checked = !kept("make_default").is_empty();
    let messages =
        super::live::LIVE_PROBLEMS.iter().map(|p| (*p, message(i18n, *p))).collect::<Vec<_>>();

    view! {
        <ErrorSummary problems=summary(i18n, outcome)/>
        <LiveChecks messages brand_label year=setup.year month=setup.month>
            <form method="post" action={<AddPaymentMethod as leptos::server_fn::ServerFn>::url()} class="form add-method" novalidate>
                {view! {
                    <fieldset class="kind-choice">
                        <legend>{t!(i18n, wallet.kind_legend)}</legend>
                        {[("echeck", "kind-echeck"), ("debit", "kind-debit"), ("credit", "kind-credit"), ("wallet", "kind-wallet")]
                            .into_iter().map(|(value, id)| {
                                let label = move || match value {
                                    "echeck" => t_string!(i18n, wallet.kind_echeck),
                                    "debit" => t_string!(i18n, wallet.kind_debit),
                                    "credit" => t_string!(i18n, wallet.kind_credit),
                                    _ => t_string!(i18n, wallet.kind_wallet),
                                };
                                view! {
                                    <span class="choice">
                                        <input type="radio" id=id name="kind" value=value checked=kind == value/>
                                        <label for=id>{label}</label>
                                    </span>
                                }
                            }).collect_view()}
                    </fieldset>
                }.into_any()}

                {view! {
                    <div class="kind-fields echeck">
                        <details class="help">
                            <summary>{t!(i18n, wallet.where_routing)}</summary>
                            <p>{t!(i18n, wallet.where_routing_text)}</p>
                            <img src="/images/check-routing.svg" width="360" height="170" alt=move || t_string!(i18n, wallet.check_alt_1)/>
                            <img src="/images/check-routing-alt.svg" width="360" height="170" alt=move || t_string!(i18n, wallet.check_alt_2)/>
                        </details>
                        <fieldset class="choice-group">
                            <legend>{t!(i18n, wallet.account_type)}</legend>
                            {move || server_error("account_type-checking").get().map(|m| view! { <p class="field-error">{m}</p> })}
                            <span class="choice">
                                <input type="radio" id="account_type-checking" name="account_type" value="checking" checked=account_type == "checking"/>
                                <label for="account_type-checking">{t!(i18n, wallet.checking)}</label>
                            </span>
                            <span class="choice">
                                <input type="radio" id="account_type-savings" name="account_type" value="savings" checked=account_type == "savings"/>
                                <label for="account_type-savings">{t!(i18n, wallet.savings)}</label>
                            </span>
                        </fieldset>
                        <TextField id="routing_number" value=kept_value("routing_number") inputmode="numeric" maxlength=9 autocomplete="off"
                            label=t_string!(i18n, wallet.routing).to_string()
                            hint=t_string!(i18n, wallet.routing_hint).to_string()
                            error=server_error("routing_number")/>
                        {failed.then(|| view! { <p class="notice">{t!(i18n, wallet.reenter_account)}</p> })}
                        <TextField id="account_number" inputmode="numeric" maxlength=17 autocomplete="off"
                            label=t_string!(i18n, wallet.account_number).to_string()
                            hint=t_string!(i18n, wallet.account_hint).to_string()
                            error=server_error("account_number")/>
                        <TextField id="account_number_confirm" inputmode="numeric" maxlength=17 autocomplete="off"
                            label=t_string!(i18n, wallet.account_again).to_string()
                            error=server_error("account_number_confirm")/>
                        <TextField id="bank_name" value=kept_value("bank_name") autocomplete="off"
                            label=t_string!(i18n, wallet.bank_name).to_string()
                            error=server_error("bank_name")/>
                        <TextField id="holder_name" value=kept_value("holder_name") autocomplete="name"
                            label=t_string!(i18n, wallet.holder_name).to_string()
                            error=server_error("holder_name")/>
                    </div>
                }.into_any()}

                {view! {
                    <div class="kind-fields card">
                        {failed.then(|| view! { <p class="notice">{t!(i18n, wallet.reenter_card)}</p> })}
                        <TextField id="card_number" inputmode="numeric" maxlength=23 autocomplete="cc-number"
                            label=t_string!(i18n, wallet.card_number).to_string()
                            error=server_error("card_number")/>
                        <p class="card-brand" id="card-brand" aria-live="polite"></p>
                        <TextField id="card_name" value=kept_value("card_name") autocomplete="cc-name"
                            label=t_string!(i18n, wallet.card_name).to_string()
                            error=server_error("card_name")/>
                        <TextField id="expiry" value=kept_value("expiry") inputmode="numeric" maxlength=7 autocomplete="cc-exp"
                            label=t_string!(i18n, wallet.expiry).to_string()
                            error=server_error("expiry")/>
                        <TextField id="security_code" inputmode="numeric" maxlength=4 autocomplete="cc-csc"
                            label=t_string!(i18n, wallet.security_code).to_string()
                            hint=t_string!(i18n, wallet.security_hint).to_string()
                            error=server_error("security_code")/>
                        <TextField id="billing_zip" value=kept_value("billing_zip") inputmode="numeric" maxlength=10 autocomplete="postal-code"
                            label=t_string!(i18n, wallet.billing_zip).to_string()
                            error=server_error("billing_zip")/>
                    </div>
                }.into_any()}

                {view! {
                    <div class="kind-fields wallet">
                        <fieldset class="choice-group">
                            <legend>{t!(i18n, wallet.wallet_legend)}</legend>
                            <p class="hint">{t!(i18n, wallet.wallet_intro)}</p>
                            {move || server_error("wallet-sandbox-pay").get().map(|m| view! { <p class="field-error">{m}</p> })}
                            {setup.wallets.iter().map(|(id, name)| {
                                let input_id = format!("wallet-{id}");
                                view! {
                                    <span class="choice">
                                        <input type="radio" id=input_id.clone() name="wallet" value=id.clone() checked=wallet_choice == *id/>
                                        <label for=input_id>{name.clone()}</label>
                                    </span>
                                }
                            }).collect_view()}
                        </fieldset>
                    </div>
                }.into_any()}

                <div class="field checkbox">
                    <input type="checkbox" id="make_default" name="make_default" value="yes" checked=make_default_checked/>
                    <label for="make_default">{t!(i18n, wallet.make_default_label)}</label>
                </div>
                <div class="actions">
                    {for_autopay.clone().map(|account| view! {
                        <input type="hidden" name="for_autopay" value=account/>
                        <input type="hidden" name="autopay_change" value=if autopay_change { "1" } else { "" }/>
                    })}
                    <button type="submit" class="primary">{t!(i18n, wallet.add)}</button>
                    <a class="button secondary" href=back>{t!(i18n, wallet.back)}</a>
                </div>
            </form>
        </LiveChecks>
    }
    // Each part of the form above is erased (`into_any`): as one nested type the form
    // is too deep for the compiler and, unoptimised, for a test thread's stack.
    .into_any()
}
