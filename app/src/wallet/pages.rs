//! My Wallet (a Bill Settings section) and the add-payment-method page.

use super::*;
use crate::auth::SignInNotice;
use crate::domain::ach_return::ReturnClass;
use crate::domain::AccountId;
use crate::forms::{kept_outcome, listed, ErrorSummary, FormProblem, I18n};
use crate::i18n::*;
use crate::paths;
use crate::payments::entry::{live_messages, EntryFields, EntryOutcome, LiveChecks};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl FormProblem for WalletProblem {
    fn field(self) -> &'static str {
        match self {
            WalletProblem::Entry(p) => p.field(),
            WalletProblem::ReplacementInvalid => "replacement",
            WalletProblem::NotFound
            | WalletProblem::NeedsReplacement
            | WalletProblem::SignInNeeded
            | WalletProblem::Unusable
            | WalletProblem::NotAuthorizable => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        match self {
            WalletProblem::Entry(p) => p.message(i18n),
            WalletProblem::NotFound => t_string!(i18n, wallet.not_found).to_string(),
            WalletProblem::NeedsReplacement => {
                t_string!(i18n, wallet.needs_replacement).to_string()
            }
            WalletProblem::ReplacementInvalid => {
                t_string!(i18n, wallet.replacement_invalid).to_string()
            }
            WalletProblem::SignInNeeded => t_string!(i18n, wallet.sign_in_needed).to_string(),
            WalletProblem::Unusable => t_string!(i18n, wallet.unusable).to_string(),
            WalletProblem::NotAuthorizable => t_string!(i18n, wallet.not_authorizable).to_string(),
        }
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
    let authorize = ServerAction::<AuthorizeMethodAgain>::new();
    let wallet = Resource::new_blocking(|| (), |_| get_wallet());
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
            Some("authorized") => Some(t_string!(i18n, wallet.authorized).to_string()),
            _ => None,
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || done().map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <ErrorSummary problems=summary(i18n, outcome)/>
            {move || wallet.get().map(|result| match result {
                Ok(Some(Wallet { methods: list, authorizations: forms })) => {
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
                                        // AutoPay moves only to a method the bank has not returned.
                                        let others: Vec<(MethodId, String)> = list.iter().filter(|o| o.id != m.id && o.usable())
                                            .map(|o| (o.id, o.label(i18n.get_locale()))).collect();
                                        let form = forms.iter().find(|f| f.method_id == m.id).cloned();
                                        (m.clone(), others, form)
                                    }).collect::<Vec<_>>()
                                }
                                key=move |(m, others, form)| (m.id, m.is_default, m.autopay_uses, others.len(), pending, m.unusable_code.clone(), form.is_some())
                                children=move |(m, others, form)| view! { <WalletItem method=m pending=pending others authorize_again=form make_default remove authorize/> }
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
    /// Its Authorize Again form, when the bank returned it as not authorized.
    authorize_again: Option<AuthorizeAgain>,
    make_default: ServerAction<MakeDefaultMethod>,
    remove: ServerAction<RemoveMethod>,
    authorize: ServerAction<AuthorizeMethodAgain>,
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
            {method.unusable_code.clone().map(|code| view! { <Returned code/> })}
            <div class="wallet-actions">
                {(!method.is_default && method.usable()).then(|| {
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
            {authorize_again.map(|form| view! { <AuthorizeAgainForm form authorize/> })}
        </li>
    }
}

/// Why a bank account cannot pay: the bank's return, and what the customer can do.
#[component]
fn Returned(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let reason = crate::payments::return_reason_text(i18n.get_locale_untracked(), &code);
    let authorizable = ReturnClass::of(&code).can_authorize_again();
    view! {
        <span class="badge warning">{t!(i18n, wallet.unusable_badge)}</span>
        <p class="method-returned">
            <strong>{t!(i18n, wallet.returned_by_bank)}</strong>" "{reason}". "
            {if authorizable {
                t_string!(i18n, wallet.unauthorized_todo)
            } else {
                t_string!(i18n, wallet.account_todo)
            }}
        </p>
    }
}

/// Authorize this bank account again: the authorization to agree to, posted as a plain form
/// with its key (counted once).
#[component]
fn AuthorizeAgainForm(
    form: AuthorizeAgain,
    authorize: ServerAction<AuthorizeMethodAgain>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = format!("authorize-again-{}", form.method_id);
    let labelled_by = heading.clone();
    view! {
        <div class="authorize-again" role="group" aria-labelledby=labelled_by>
            <h3 id=heading>{t!(i18n, wallet.authorize_again)}</h3>
            <p>{t!(i18n, wallet.authorize_again_intro)}</p>
            <p class="authorization">{form.text}</p>
            <ActionForm action=authorize>
                <input type="hidden" name="id" value=form.method_id.to_string()/>
                <input type="hidden" name="form_key" value=form.form_key/>
                <button type="submit" class="primary">{t!(i18n, wallet.authorize_again_button)}</button>
            </ActionForm>
        </div>
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
    let make_default_checked = !outcome.value("make_default").is_empty();
    let (messages, brand_label) = live_messages(i18n);
    // The entry fields show the entered method's problems; the summary shows them all.
    let entered = EntryOutcome {
        values: outcome.values.clone(),
        problems: outcome
            .problems
            .iter()
            .filter_map(|p| match p {
                WalletProblem::Entry(e) => Some(*e),
                _ => None,
            })
            .collect(),
    };
    let outcome = Signal::stored(outcome);
    let kinds = vec![MethodKind::Echeck, MethodKind::Debit, MethodKind::Credit, MethodKind::Wallet];

    view! {
        <ErrorSummary problems=summary(i18n, outcome)/>
        <LiveChecks messages brand_label year=setup.entry.year month=setup.entry.month>
            <form method="post" action={<AddPaymentMethod as leptos::server_fn::ServerFn>::url()} class="form add-method" novalidate>
                <EntryFields setup=setup.entry outcome=Signal::stored(entered) kinds/>
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
