//! What every form shares. A form posts to a server function as a plain HTML form (pages
//! are rendered on the server; only islands run in the browser). The browser is then
//! redirected back to the page, so the server keeps the answer in the session ("flash")
//! and the page shows it once. A form inside an island gets its answer as the action's
//! value instead.
//!
//! Here too: the answer every form gets (`Outcome`) and the trait of a feature's problems
//! (`FormProblem`), the end of every server function that answers a form (`finish`), and
//! the markup the forms share (error summary, text field, radio buttons, error notice).

mod account_choice;
mod choices;
mod outcome;

mod bill_numbers;
mod import_problems;
mod nacha_texts;
pub use account_choice::AccountChoice;
pub use bill_numbers::{number_error_text, zip_error_text};
pub use choices::{Choice, Choices, RadioGroup};
pub use import_problems::import_problem_text;
pub use nacha_texts::nacha_fault_text;
pub use outcome::{field_error, kept_value, listed, summary, FormProblem, I18n, Outcome};

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use serde::{de::DeserializeOwned, Serialize};

/// The error a server function answers when the portal is too busy to take the request
/// now (the password-hashing queue is full). The server's guard turns it into a 429 with
/// Retry-After and a message in the customer's language.
pub const BUSY_ERROR: &str = "aqueduct:busy";

#[cfg(feature = "ssr")]
pub fn busy() -> ServerFnError {
    ServerFnError::new(BUSY_ERROR)
}

/// Whether the current request is a plain HTML form post (no WebAssembly yet).
#[cfg(feature = "ssr")]
fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(str::to_owned)
        })
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Keeps `outcome` for the page the browser returns to, when JavaScript did not post.
#[cfg(feature = "ssr")]
pub async fn keep_for_redirect<T: Serialize>(key: &str, outcome: &T) {
    if !is_plain_form_post() {
        return;
    }
    if let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await {
        let _ = session.insert(&format!("flash:{key}"), outcome).await;
    }
}

/// The outcome the server kept for this page after a form post (the default if none).
pub fn kept_outcome<T>(kept: Resource<Result<Option<T>, ServerFnError>>) -> Signal<T>
where
    T: Clone + Default + Send + Sync + 'static,
{
    Signal::derive(move || kept.get().and_then(|r| r.ok()).flatten().unwrap_or_default())
}

/// Takes the kept outcome, once.
#[cfg(feature = "ssr")]
pub async fn take_kept<T: DeserializeOwned>(key: &str) -> Option<T> {
    let session = leptos_axum::extract::<tower_sessions::Session>().await.ok()?;
    let key = format!("flash:{key}");
    // `remove` marks the session changed (a write of the whole session after the page)
    // even when there was nothing to take, which is nearly always.
    session.get::<serde_json::Value>(&key).await.ok().flatten()?;
    session.remove::<T>(&key).await.ok().flatten()
}

/// The answer a form's server function kept for its page (`key`), once: the body of each
/// page's `take_*_outcome` server function.
#[cfg(feature = "ssr")]
pub async fn take_outcome<P: DeserializeOwned>(
    key: &str,
) -> Result<Option<Outcome<P>>, ServerFnError> {
    Ok(take_kept(key).await)
}

/// The end of a form's server function: without a problem the browser goes on to
/// `success_path`; with one, the answer is kept for the page the form came back to (`key`).
#[cfg(feature = "ssr")]
pub async fn finish<P: Serialize>(
    key: &str,
    outcome: Outcome<P>,
    success_path: &str,
) -> Result<Outcome<P>, ServerFnError> {
    if outcome.problems.is_empty() {
        leptos_axum::redirect(success_path);
    } else {
        keep_for_redirect(key, &outcome).await;
    }
    Ok(outcome)
}

/// A failure the customer cannot fix: logged for the utility's IT staff; the customer sees
/// only the generic error notice.
#[cfg(feature = "ssr")]
pub fn internal(e: impl std::fmt::Debug) -> ServerFnError {
    tracing::error!(error = ?e, "server function failed");
    ServerFnError::new("internal error")
}

/// A service's failure: "busy, try again" when the password queue is full, else internal.
#[cfg(feature = "ssr")]
pub fn failed(e: crate::platform::ServiceError) -> ServerFnError {
    match e {
        crate::platform::ServiceError::Busy(_) => busy(),
        other => internal(other),
    }
}

/// The list at the top of a form that failed, each item a link to its field. The page
/// opens with the focus on it (`autofocus`), so screen readers announce it.
#[component]
pub fn ErrorSummary(#[prop(into)] problems: Signal<Vec<(String, String)>>) -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    view! {
        <Show when=move || !problems.read().is_empty()>
            <div class="error-summary" role="alert" tabindex="-1" autofocus>
                <h2>{t!(i18n, form.error_summary)}</h2>
                <ul>
                    {move || problems.get().into_iter().map(|(field, message)| {
                        if field.is_empty() {
                            view! { <li>{message}</li> }.into_any()
                        } else {
                            view! { <li><a href=format!("#{field}")>{message}</a></li> }.into_any()
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// The generic failure notice: never internals.
#[component]
pub fn ErrorNotice() -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    view! {
        <div class="notice" role="alert">
            <h2>{t!(i18n, error.title)}</h2>
            <p>{t!(i18n, error.body)}</p>
        </div>
    }
}

/// The `aria-describedby` of an input: its hint (if any) and its error (while shown).
pub fn described_by(
    id: &'static str,
    has_hint: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if error.read().is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled text input with its hint and its error, wired for screen readers.
#[component]
pub fn TextField(
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = described_by(id, hint.is_some(), error);
    view! {
        <div class="field" class:has-error=move || error.read().is_some()>
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
            <input
                id=id
                name=id
                type=input_type
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                maxlength=maxlength
                value=value
                aria-invalid=move || error.read().is_some().then_some("true")
                aria-describedby=described_by
            />
        </div>
    }
}
