//! Bill Delivery Method (a Bill Settings section) and the page a verification link opens.

use super::*;
use crate::auth::SignInNotice;
use crate::forms::{kept_outcome, ErrorSummary};
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

type I18n = leptos_i18n::I18nContext<Locale>;

fn message(i18n: I18n, p: DeliveryProblem) -> String {
    match p {
        DeliveryProblem::EmailEmpty => t_string!(i18n, delivery.email_empty).to_string(),
        DeliveryProblem::EmailFormat => t_string!(i18n, delivery.email_format).to_string(),
        DeliveryProblem::TryLater(m) => {
            format!(
                "{} {m} {}",
                t_string!(i18n, delivery.try_later_before),
                t_string!(i18n, delivery.try_later_after)
            )
        }
        DeliveryProblem::NotFound => t_string!(i18n, delivery.not_found).to_string(),
        DeliveryProblem::SignInNeeded => t_string!(i18n, delivery.sign_in_needed).to_string(),
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
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
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
    let mine = move || outcome.read().account_id == Some(id);
    let problems = Signal::derive(move || {
        if !mine() {
            return vec![];
        }
        outcome
            .read()
            .problems
            .iter()
            .map(|p| {
                let field =
                    if matches!(p, DeliveryProblem::EmailEmpty | DeliveryProblem::EmailFormat) {
                        format!("delivery-email-{id}")
                    } else {
                        String::new()
                    };
                (field, message(i18n, *p))
            })
            .collect()
    });
    let field_error = move || {
        mine()
            .then(|| {
                outcome
                    .read()
                    .problems
                    .iter()
                    .copied()
                    .find(|p| {
                        matches!(p, DeliveryProblem::EmailEmpty | DeliveryProblem::EmailFormat)
                    })
                    .map(|p| message(i18n, p))
            })
            .flatten()
    };
    // What the form shows: what was typed after a problem, else the pending or verified
    // address, else the login's email.
    let typed = outcome.with_untracked(|o| {
        (o.account_id == Some(id) && !o.problems.is_empty()).then(|| o.email.clone())
    });
    let initial = typed
        .or_else(|| account.pending.clone())
        .or_else(|| account.email.clone())
        .unwrap_or(login_email);
    let email_id = format!("delivery-email-{id}");
    let paper_id = format!("delivery-paper-{id}");
    let on_email_id = format!("delivery-on-email-{id}");
    let error_id = format!("delivery-email-{id}-error");
    let heading_id = format!("delivery-heading-{id}");
    let labelled_by = heading_id.clone();
    let on_email = account.on_email;
    let (paper_for, on_email_for, email_for) =
        (paper_id.clone(), on_email_id.clone(), email_id.clone());
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
    view! {
        <section class="delivery-account" aria-labelledby=labelled_by>
            <h3 id=heading_id>{t!(i18n, overview.payment_number)}" "{account.number.clone()}</h3>
            <ErrorSummary problems=problems/>
            <p><strong>{t!(i18n, delivery.current)}</strong>" "{current}</p>
            {account.pending.clone().map(|pending| view! {
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
            })}
            <ActionForm action=action attr:class="form delivery-form" attr:novalidate=true>
                <input type="hidden" name="account_id" value=id.to_string()/>
                <fieldset class="choice-group">
                    <legend>{t!(i18n, delivery.method_legend)}</legend>
                    <span class="choice">
                        <input type="radio" id=paper_id.clone() name="method" value="paper" checked=!on_email/>
                        <label for=paper_for>{t!(i18n, delivery.paper)}</label>
                    </span>
                    <span class="choice">
                        <input type="radio" id=on_email_id.clone() name="method" value="email" checked=on_email/>
                        <label for=on_email_for>{t!(i18n, delivery.email)}</label>
                    </span>
                </fieldset>
                <div class="when-email">
                    <div class="field" class:has-error=move || field_error().is_some()>
                        <label for=email_for>{t!(i18n, delivery.email_label)}</label>
                        {let error_id = error_id.clone(); move || field_error().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
                        <input id=email_id.clone() name="email" type="email" autocomplete="email" value=initial
                            aria-invalid=move || field_error().is_some().then_some("true")
                            aria-describedby=move || field_error().is_some().then(|| error_id.clone())/>
                    </div>
                    <button type="submit" class="primary">{t!(i18n, delivery.send)}</button>
                </div>
                <div class="when-paper">
                    <button type="submit" class="primary" disabled=paper_disabled>{t!(i18n, delivery.save_paper)}</button>
                </div>
            </ActionForm>
        </section>
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
                    <p><a href="/billing/settings/delivery">{t!(i18n, delivery.to_settings)}</a></p>
                }.into_any(),
                Ok(other) => {
                    let text = match other {
                        Verification::Expired => t_string!(i18n, delivery.verify_expired),
                        Verification::Used => t_string!(i18n, delivery.verify_used),
                        _ => t_string!(i18n, delivery.verify_invalid),
                    };
                    view! {
                        <p class="notice" role="alert">{text}</p>
                        <p><a href="/billing/settings/delivery">{t!(i18n, delivery.verify_again)}</a></p>
                    }.into_any()
                }
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}
