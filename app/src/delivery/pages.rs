//! Bill Delivery Method (a Bill Settings section) and the page a verification link opens.

use super::*;
use crate::auth::SignInNotice;
use crate::forms::{kept_outcome, listed, Choice, ErrorSummary, FormProblem, I18n, RadioGroup};
use crate::i18n::*;
use crate::paths;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl FormProblem for DeliveryProblem {
    /// Each account has its own form: the page adds the account's id to the field's.
    fn field(self) -> &'static str {
        match self {
            Self::EmailEmpty | Self::EmailFormat => "delivery-email",
            Self::TryLater(_) | Self::NotFound | Self::SignInNeeded => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        match self {
            Self::EmailEmpty => t_string!(i18n, delivery.email_empty).to_string(),
            Self::EmailFormat => t_string!(i18n, delivery.email_format).to_string(),
            Self::TryLater(m) => {
                format!(
                    "{} {m} {}",
                    t_string!(i18n, delivery.try_later_before),
                    t_string!(i18n, delivery.try_later_after)
                )
            }
            Self::NotFound => t_string!(i18n, delivery.not_found).to_string(),
            Self::SignInNeeded => t_string!(i18n, delivery.sign_in_needed).to_string(),
        }
    }
}

#[component]
pub fn DeliverySection() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetDelivery>::new();
    let state = Resource::new_blocking(|| (), |_| get_delivery_state());
    let kept = Resource::new_blocking(|| (), |_| take_delivery_outcome());
    let outcome = kept_outcome(kept);
    let query = use_query_map();
    let paper_done =
        move || query.read().get("paper").is_some() && outcome.read().problems.is_empty();
    view! {
        <Suspense fallback=|| ()>
            <Show when=paper_done>
                <p class="notice" role="status">{t!(i18n, delivery.paper_done)}</p>
            </Show>
            {move || state.get().map(|r| match r {
                Ok(Some(state)) => state.accounts.into_iter().map(|account| {
                    let login_email = state.login_email.clone();
                    view! { <AccountDeliveryForm account login_email action outcome/> }
                }).collect_view().into_any(),
                Ok(None) => view! {
                    <SignInNotice>{t!(i18n, delivery.sign_in_needed)}</SignInNotice>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AccountDeliveryForm(
    account: AccountDelivery,
    login_email: String,
    action: ServerAction<SetDelivery>,
    outcome: Signal<DeliveryOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = account.account_id;
    let mine = move |o: &DeliveryOutcome| o.parsed::<AccountId>("account_id") == Some(id);
    // Each account has its own form, so each field's id ends with the account's.
    let problems = Signal::derive(move || {
        let o = outcome.read();
        let listed = if mine(&o) { listed(i18n, o.problems.iter().copied()) } else { vec![] };
        listed
            .into_iter()
            .map(|(field, message)| {
                (if field.is_empty() { field } else { format!("{field}-{id}") }, message)
            })
            .collect()
    });
    let field_error = Signal::derive(move || {
        let o = outcome.read();
        mine(&o).then(|| o.error(i18n, "delivery-email")).flatten()
    });
    // What the form shows: what was typed after a problem, else the pending or verified
    // address, else the login's email.
    let typed =
        outcome.with_untracked(|o| (mine(o) && !o.problems.is_empty()).then(|| o.value("email")));
    let initial = typed
        .or_else(|| account.pending.clone())
        .or_else(|| account.email.clone())
        .unwrap_or(login_email);
    let heading_id = format!("delivery-heading-{id}");
    let labelled_by = heading_id.clone();
    let on_email = account.on_email;
    // Paper is already the method unless on email or a verification is pending.
    let paper_disabled = !on_email && account.pending.is_none();
    let current = if account.on_email {
        format!(
            "{} ({})",
            t_string!(i18n, delivery.email),
            account.email.clone().unwrap_or_default()
        )
    } else {
        t_string!(i18n, delivery.paper).to_string()
    };
    let methods = vec![
        Choice::new(format!("delivery-paper-{id}"), "paper", t_string!(i18n, delivery.paper)),
        Choice::new(format!("delivery-on-email-{id}"), "email", t_string!(i18n, delivery.email)),
    ];
    view! {
        <section class="delivery-account" aria-labelledby=labelled_by>
            <h3 id=heading_id>{t!(i18n, overview.payment_number)}" "{account.number.clone()}</h3>
            <ErrorSummary problems=problems/>
            <p><strong>{t!(i18n, delivery.current)}</strong>" "{current}</p>
            {account.pending.clone().map(|pending| view! { <PendingNotice id pending action/> })}
            <ActionForm action=action attr:class="form delivery-form" attr:novalidate=true>
                <input type="hidden" name="account_id" value=id.to_string()/>
                <RadioGroup name="method" legend=t_string!(i18n, delivery.method_legend) choices=methods
                    checked=if on_email { "email" } else { "paper" }/>
                <div class="when-email">
                    <EmailField id initial error=field_error/>
                    <button type="submit" class="primary">{t!(i18n, delivery.send)}</button>
                </div>
                <div class="when-paper">
                    <button type="submit" class="primary" disabled=paper_disabled>{t!(i18n, delivery.save_paper)}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// A verification is on its way to `pending`: the account stays on paper until its link is
/// used, and the link can be sent again.
#[component]
fn PendingNotice(
    id: AccountId,
    pending: String,
    action: ServerAction<SetDelivery>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice pending" role="status">
            <p>{t!(i18n, delivery.sent_to)}</p>
            <p><strong>{t!(i18n, delivery.pending)}</strong>" "{pending.clone()}</p>
            <p><strong>{t!(i18n, delivery.check_inbox)}</strong></p>
            <ActionForm action=action>
                <input type="hidden" name="account_id" value=id.to_string()/>
                <input type="hidden" name="method" value="email"/>
                <input type="hidden" name="email" value=pending/>
                <button type="submit" class="secondary">{t!(i18n, delivery.resend)}</button>
            </ActionForm>
        </div>
    }
}

/// The address an account's bills are emailed to, with its error.
#[component]
fn EmailField(id: AccountId, initial: String, error: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let email_id = format!("delivery-email-{id}");
    let error_id = format!("delivery-email-{id}-error");
    let email_for = email_id.clone();
    view! {
        <div class="field" class:has-error=move || error.read().is_some()>
            <label for=email_for>{t!(i18n, delivery.email_label)}</label>
            {let error_id = error_id.clone(); move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            <input id=email_id name="email" type="email" autocomplete="email" value=initial
                aria-invalid=move || error.read().is_some().then_some("true")
                aria-describedby=move || error.read().is_some().then(|| error_id.clone())/>
        </div>
    }
}

#[component]
pub fn VerifyDeliveryPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let result = Resource::new_blocking(token, delivery_link_state);
    let confirm = ServerAction::<VerifyDeliveryEmail>::new();
    view! {
        <Title text=t_string!(i18n, delivery.verify_title).to_string()/>
        <h1>{t!(i18n, delivery.verify_title)}</h1>
        <Suspense fallback=|| ()>
            {move || result.get().map(|r| match r {
                // Only checked: a plain form uses it, so a scanner opening the link does not.
                Ok(Verification::Ready { number, email }) => view! {
                    <p>{t!(i18n, delivery.confirm_intro)}</p>
                    <dl class="facts">
                        <dt>{t!(i18n, delivery.verified_account)}</dt><dd>{number}</dd>
                        <dt>{t!(i18n, delivery.verified_email)}</dt><dd>{email}</dd>
                    </dl>
                    <ActionForm action=confirm>
                        <input type="hidden" name="token" value=token()/>
                        <button type="submit" class="primary">{t!(i18n, delivery.confirm)}</button>
                    </ActionForm>
                }.into_any(),
                Ok(Verification::Verified { number, email }) => view! {
                    <div class="notice" role="status">
                        <p>{t!(i18n, delivery.verified)}</p>
                        <dl class="facts">
                            <dt>{t!(i18n, delivery.verified_account)}</dt><dd>{number}</dd>
                            <dt>{t!(i18n, delivery.verified_email)}</dt><dd>{email}</dd>
                        </dl>
                    </div>
                    <p><a href=paths::DELIVERY_SETTINGS>{t!(i18n, delivery.to_settings)}</a></p>
                }.into_any(),
                Ok(other) => {
                    let text = match other {
                        Verification::Expired => t_string!(i18n, delivery.verify_expired),
                        Verification::Used => t_string!(i18n, delivery.verify_used),
                        _ => t_string!(i18n, delivery.verify_invalid),
                    };
                    view! {
                        <p class="notice" role="alert">{text}</p>
                        <p><a href=paths::DELIVERY_SETTINGS>{t!(i18n, delivery.verify_again)}</a></p>
                    }.into_any()
                }
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}
