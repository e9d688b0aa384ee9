//! The staff's sign-in, enrollment and recovery-code pages. Plain forms: they work
//! without JavaScript, and nothing here hydrates.

use super::*;
use crate::forms::{field_error, kept_outcome, kept_value, summary, ErrorSummary, TextField};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn label(text: &'static str) -> Signal<String> {
    Signal::derive(move || text.to_string())
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<StaffSignIn>::new();
    let kept = Resource::new_blocking(|| (), |_| take_staff_sign_in_outcome());
    let outcome = kept_outcome(kept);
    let query = use_query_map();
    let signed_out =
        move || query.read().get("signed_out").is_some() && outcome.read().problems.is_empty();
    view! {
        <Title text=t_string!(i18n, staff.sign_in_title).to_string()/>
        <h1>{t!(i18n, staff.sign_in_title)}</h1>
        <Show when=signed_out>
            <p class="notice" role="status">{t!(i18n, staff.signed_out)}</p>
        </Show>
        <Suspense fallback=|| ()>
            <ErrorSummary problems=summary(i18n, outcome)/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <TextField id="email" input_type="email" autocomplete="username"
                    label=label(t_string!(i18n, staff.email_label))
                    error=Signal::derive(|| None::<String>)
                    value=kept_value(outcome, "email")/>
                <TextField id="password" input_type="password" autocomplete="current-password"
                    label=label(t_string!(i18n, staff.password_label))
                    error=Signal::derive(|| None::<String>)/>
                <TextField id="code" autocomplete="one-time-code" maxlength=24
                    label=label(t_string!(i18n, staff.code_label))
                    error=field_error(i18n, outcome, "code")/>
                <button type="submit" class="primary">{t!(i18n, staff.sign_in_button)}</button>
            </ActionForm>
        </Suspense>
    }
}

#[component]
pub fn StaffEnrollPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new_blocking(token, staff_enrollment);
    let kept = Resource::new_blocking(|| (), |_| take_staff_enroll_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, staff.enroll_title).to_string()/>
        <h1>{t!(i18n, staff.enroll_title)}</h1>
        <Suspense fallback=|| ()>
            {move || link.get().map(|found| match found {
                Ok(Ok(view)) => view! { <EnrollForm view token=token() outcome/> }.into_any(),
                Ok(Err(problem)) => view! {
                    <p class="notice" role="alert">{problem.message(i18n)}</p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EnrollForm(view: EnrollmentView, token: String, outcome: Signal<StaffOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<StaffEnroll>::new();
    view! {
        <p>{t!(i18n, staff.for_email)}" "<strong>{view.email}</strong></p>
        <p>{t!(i18n, staff.enroll_intro)}</p>
        <ErrorSummary problems=summary(i18n, outcome)/>
        <img class="qr" src=view.qr_src width="200" height="200" alt=t_string!(i18n, staff.qr_alt)/>
        <p>{t!(i18n, staff.secret_label)}": "<code class="secret">{view.secret}</code></p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <TextField id="password" input_type="password" autocomplete="new-password"
                label=label(t_string!(i18n, staff.password_label))
                error=field_error(i18n, outcome, "password")/>
            <TextField id="password_confirm" input_type="password" autocomplete="new-password"
                label=label(t_string!(i18n, staff.password_confirm_label))
                error=field_error(i18n, outcome, "password_confirm")/>
            <TextField id="code" inputmode="numeric" autocomplete="one-time-code" maxlength=12
                label=label(t_string!(i18n, staff.first_code_label))
                error=field_error(i18n, outcome, "code")/>
            <button type="submit" class="primary">{t!(i18n, staff.enroll_button)}</button>
        </ActionForm>
    }
}

#[component]
pub fn StaffEnrolledPage() -> impl IntoView {
    let i18n = use_i18n();
    let codes = Resource::new_blocking(|| (), |_| staff_recovery_codes());
    view! {
        <Title text=t_string!(i18n, staff.enrolled_title).to_string()/>
        <h1>{t!(i18n, staff.enrolled_title)}</h1>
        <Suspense fallback=|| ()>
            {move || codes.get().map(|codes| match codes {
                Ok(codes) if !codes.is_empty() => view! {
                    <p>{t!(i18n, staff.enrolled_intro)}</p>
                    <ol class="recovery-codes">
                        {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                }.into_any(),
                Ok(_) => view! { <p>{t!(i18n, staff.enrolled_gone)}</p> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
        <p><a href=paths::STAFF_SIGN_IN>{t!(i18n, staff.enrolled_continue)}</a></p>
    }
}
