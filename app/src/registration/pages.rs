//! The pages of registration and signing in.

use super::*;
use crate::domain::customer_account::NumberError;
use crate::domain::zip::ZipError;
use crate::forms::{
    field_error, kept_outcome, kept_value, number_error_text, summary, zip_error_text,
    ErrorSummary, FormProblem, I18n,
};
use crate::i18n::*;
use crate::paths;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl FormProblem for Problem {
    fn field(self) -> &'static str {
        use Problem::*;
        match self {
            NumberEmpty | NumberMissingHyphen | NumberNotDigits | NumberPartEmpty
            | NumberTooLong => "number",
            ZipEmpty | ZipFormat => "zip",
            EmailEmpty | EmailFormat | EmailTaken => "email",
            PasswordTooShort | PasswordTooLong | PasswordCommon | PasswordContainsEmail => {
                "password"
            }
            PasswordMismatch => "password_confirm",
            TermsNeeded => "accept_terms",
            NoMatch | AlreadyRegistered | TryLater(_) | FindFirst | SignInFailed | Locked(_)
            | ResetTryLater(_) | ResetLinkExpired | ResetLinkUsed | ResetLinkInvalid => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        use Problem::*;
        match self {
            NumberEmpty => number_error_text(i18n, NumberError::Empty),
            NumberMissingHyphen => number_error_text(i18n, NumberError::MissingHyphen),
            NumberNotDigits => number_error_text(i18n, NumberError::NotDigits),
            NumberPartEmpty => number_error_text(i18n, NumberError::EmptyPart),
            NumberTooLong => number_error_text(i18n, NumberError::AccountTooLong),
            ZipEmpty => zip_error_text(i18n, ZipError::Empty),
            ZipFormat => zip_error_text(i18n, ZipError::Malformed),
            NoMatch => t_string!(i18n, register.no_match).into(),
            AlreadyRegistered => t_string!(i18n, register.already_registered).into(),
            TryLater(m) => format!(
                "{} {m} {}",
                t_string!(i18n, register.try_later_before),
                t_string!(i18n, register.try_later_after)
            ),
            FindFirst => t_string!(i18n, register.find_first).into(),
            EmailEmpty => t_string!(i18n, register.email_empty).into(),
            EmailFormat => t_string!(i18n, register.email_format).into(),
            EmailTaken => t_string!(i18n, register.email_taken).into(),
            PasswordTooShort => t_string!(i18n, register.password_too_short).into(),
            PasswordTooLong => t_string!(i18n, register.password_too_long).into(),
            PasswordCommon => t_string!(i18n, register.password_common).into(),
            PasswordContainsEmail => t_string!(i18n, register.password_contains_email).into(),
            PasswordMismatch => t_string!(i18n, register.password_mismatch).into(),
            TermsNeeded => t_string!(i18n, register.terms_needed).into(),
            SignInFailed => t_string!(i18n, signin.failed).into(),
            Locked(m) => format!(
                "{} {m} {}",
                t_string!(i18n, signin.locked_before),
                t_string!(i18n, signin.locked_after)
            ),
            ResetTryLater(m) => format!(
                "{} {m} {}",
                t_string!(i18n, reset.try_later_before),
                t_string!(i18n, reset.try_later_after)
            ),
            ResetLinkExpired => t_string!(i18n, reset.link_expired).into(),
            ResetLinkUsed => t_string!(i18n, reset.link_used).into(),
            ResetLinkInvalid => t_string!(i18n, reset.link_invalid).into(),
        }
    }
}

/// A new password and its confirmation, with the rules as a hint (registration, reset).
#[component]
fn NewPasswordFields(
    outcome: Signal<FormOutcome>,
    password_label: Signal<String>,
    confirm_label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <crate::forms::TextField
            id="password"
            input_type="password"
            label=password_label
            hint=Signal::derive(move || t_string!(i18n, register.password_hint).to_string())
            error=field_error(i18n, outcome, "password")
            autocomplete="new-password"
        />
        <crate::forms::TextField
            id="password_confirm"
            input_type="password"
            label=confirm_label
            error=field_error(i18n, outcome, "password_confirm")
            autocomplete="new-password"
        />
    }
}

#[component]
pub fn FindAccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<FindAccount>::new();
    let kept = Resource::new_blocking(|| (), |_| take_find_account_outcome());
    let outcome = kept_outcome(kept);
    let already = move || outcome.read().problems.contains(&Problem::AlreadyRegistered);
    view! {
        <Title text=t_string!(i18n, register.find_title).to_string()/>
        <h1>{t!(i18n, register.find_title)}</h1>
        <p>{t!(i18n, register.find_intro)}</p>
        <Suspense fallback=|| ()>
            <ErrorSummary problems=summary(i18n, outcome)/>
            <Show when=already>
                <p class="notice">
                    <a href=paths::SIGN_IN>{t!(i18n, nav.sign_in)}</a>" · "
                    <a href=paths::FORGOT_PASSWORD>{t!(i18n, register.reset_link)}</a>
                </p>
            </Show>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <crate::forms::TextField
                    id="number"
                    label=Signal::derive(move || t_string!(i18n, register.number_label).to_string())
                    hint=Signal::derive(move || t_string!(i18n, register.number_hint).to_string())
                    error=field_error(i18n, outcome, "number")
                    value=kept_value(outcome, "number")
                    autocomplete="off"
                />
                <details class="help">
                    <summary>{t!(i18n, register.where_numbers)}</summary>
                    <p>{t!(i18n, register.where_numbers_text)}</p>
                    <img src="/images/bill-numbers.svg" width="360" height="240"
                        alt=move || t_string!(i18n, register.bill_picture_alt)/>
                </details>
                <crate::forms::TextField
                    id="zip"
                    label=Signal::derive(move || t_string!(i18n, register.zip_label).to_string())
                    hint=Signal::derive(move || t_string!(i18n, register.zip_hint).to_string())
                    error=field_error(i18n, outcome, "zip")
                    value=kept_value(outcome, "zip")
                    autocomplete="postal-code"
                    inputmode="numeric"
                />
                <button type="submit" class="primary">
                    {t!(i18n, register.find_button)}
                </button>
            </ActionForm>
        </Suspense>
    }
}

#[component]
pub fn CreateLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateLogin>::new();
    let kept = Resource::new_blocking(|| (), |_| take_create_login_outcome());
    let account = Resource::new_blocking(|| (), |_| registration_account());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, register.login_title).to_string()/>
        <h1>{t!(i18n, register.login_title)}</h1>
        <Suspense fallback=|| ()>
            {move || match account.get().and_then(|r| r.ok()).flatten() {
                None => view! {
                    <p class="notice">{t!(i18n, register.find_first)}" "
                        <a href=paths::REGISTER>{t!(i18n, register.find_button)}</a></p>
                }.into_any(),
                Some(number) => view! {
                    <p>{t!(i18n, register.login_intro)}</p>
                    <p class="found-account">{t!(i18n, register.account_found)}": "<strong>{number}</strong></p>
                    <ErrorSummary problems=summary(i18n, outcome)/>
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <crate::forms::TextField
                            id="email"
                            input_type="email"
                            label=Signal::derive(move || t_string!(i18n, register.email_label).to_string())
                            error=field_error(i18n, outcome, "email")
                            value=kept_value(outcome, "email")
                            autocomplete="email"
                        />
                        <NewPasswordFields outcome
                            password_label=Signal::derive(move || t_string!(i18n, register.password_label).to_string())
                            confirm_label=Signal::derive(move || t_string!(i18n, register.confirm_label).to_string())/>
                        <div class="field checkbox" class:has-error=move || field_error(i18n, outcome, "accept_terms").read().is_some()>
                            {move || field_error(i18n, outcome, "accept_terms").get().map(|m| view! {
                                <p class="field-error" id="accept_terms-error">{m}</p>
                            })}
                            <input type="checkbox" id="accept_terms" name="accept_terms" value="yes"
                                aria-describedby=move || field_error(i18n, outcome, "accept_terms").read().is_some().then_some("accept_terms-error")/>
                            <label for="accept_terms">{t!(i18n, register.terms_label)}" "
                                <a href=paths::TERMS target="_blank">{t!(i18n, register.terms_link)}</a></label>
                        </div>
                        <button type="submit" class="primary">
                            {t!(i18n, register.create_button)}
                        </button>
                    </ActionForm>
                }.into_any(),
            }}
        </Suspense>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let kept = Resource::new_blocking(|| (), |_| take_sign_in_outcome());
    let outcome = kept_outcome(kept);
    let query = use_query_map();
    let signed_out =
        move || query.read().get("signed_out").is_some() && outcome.read().problems.is_empty();
    let password_changed = move || {
        query.read().get("password_changed").is_some() && outcome.read().problems.is_empty()
    };
    let expired =
        move || query.read().get("expired").is_some() && outcome.read().problems.is_empty();
    view! {
        <Title text=t_string!(i18n, signin.title).to_string()/>
        <h1>{t!(i18n, signin.title)}</h1>
        <Show when=signed_out>
            <p class="notice" role="status">{t!(i18n, signin.signed_out)}</p>
        </Show>
        <Show when=password_changed>
            <p class="notice" role="status">{t!(i18n, signin.password_changed)}</p>
        </Show>
        <Show when=expired>
            <p class="notice" role="status">{t!(i18n, session.expired)}</p>
        </Show>
        <Suspense fallback=|| ()>
            <ErrorSummary problems=summary(i18n, outcome)/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <crate::forms::TextField
                    id="email"
                    input_type="email"
                    label=Signal::derive(move || t_string!(i18n, signin.email_label).to_string())
                    error=Signal::derive(|| None::<String>)
                    value=kept_value(outcome, "email")
                    autocomplete="username"
                />
                <crate::forms::TextField
                    id="password"
                    input_type="password"
                    label=Signal::derive(move || t_string!(i18n, signin.password_label).to_string())
                    error=Signal::derive(|| None::<String>)
                    autocomplete="current-password"
                />
                <button type="submit" class="primary">
                    {t!(i18n, signin.button)}
                </button>
            </ActionForm>
        </Suspense>
        <p><a href=paths::FORGOT_PASSWORD>{t!(i18n, signin.forgot_link)}</a></p>
        <p>{t!(i18n, signin.no_login)}" "<a href=paths::REGISTER>{t!(i18n, signin.register_link)}</a></p>
        <p><a href=paths::QUICK_PAY>{t!(i18n, quick_pay.link)}</a></p>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestPasswordReset>::new();
    let kept = Resource::new_blocking(|| (), |_| take_request_password_reset_outcome());
    let outcome = kept_outcome(kept);
    let query = use_query_map();
    // Sent: the post was redirected here with ?sent=1.
    let sent = move || query.read().get("sent").is_some() && outcome.read().problems.is_empty();
    view! {
        <Title text=t_string!(i18n, reset.request_title).to_string()/>
        <h1>{t!(i18n, reset.request_title)}</h1>
        <Suspense fallback=|| ()>
            <Show when=sent fallback=move || view! {
                <p>{t!(i18n, reset.request_intro)}</p>
                <ErrorSummary problems=summary(i18n, outcome)/>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <crate::forms::TextField
                        id="email"
                        input_type="email"
                        label=Signal::derive(move || t_string!(i18n, reset.email_label).to_string())
                        error=field_error(i18n, outcome, "email")
                        value=kept_value(outcome, "email")
                        autocomplete="email"
                    />
                    <button type="submit" class="primary">
                        {t!(i18n, reset.request_button)}
                    </button>
                </ActionForm>
            }>
                <p class="notice" role="status">{t!(i18n, reset.sent)}</p>
                <p><a href=paths::SIGN_IN>{t!(i18n, nav.sign_in)}</a></p>
            </Show>
        </Suspense>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ResetPassword>::new();
    let kept = Resource::new_blocking(|| (), |_| take_reset_password_outcome());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new_blocking(token, reset_link_problem);
    let outcome = kept_outcome(kept);
    // A link problem found on submit (used meanwhile) wins over the one found on load.
    let link_problem = move || {
        let from_submit = outcome.read().problems.iter().copied().find(|p| p.field().is_empty());
        from_submit.or_else(|| link.get().and_then(|r| r.ok()).flatten())
    };
    view! {
        <Title text=t_string!(i18n, reset.title).to_string()/>
        <h1>{t!(i18n, reset.title)}</h1>
        <Suspense fallback=|| ()>
            {move || match link_problem() {
                Some(problem) => view! {
                    <p class="notice" role="alert">{problem.message(i18n)}</p>
                    <p><a href=paths::FORGOT_PASSWORD>{t!(i18n, reset.request_again)}</a></p>
                }.into_any(),
                None => view! {
                    <p>{t!(i18n, reset.intro)}</p>
                    <ErrorSummary problems=summary(i18n, outcome)/>
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="token" value=token/>
                        <NewPasswordFields outcome
                            password_label=Signal::derive(move || t_string!(i18n, reset.password_label).to_string())
                            confirm_label=Signal::derive(move || t_string!(i18n, reset.confirm_label).to_string())/>
                        <button type="submit" class="primary">
                            {t!(i18n, reset.button)}
                        </button>
                    </ActionForm>
                }.into_any(),
            }}
        </Suspense>
    }
}
