//! Journeys 1 and 2: find my account with the numbers on the bill, create a login; then
//! signing in and resetting a password. The session itself is `auth`'s. The found account
//! travels in the server-side session, never in a form field.

#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;

pub use pages::{
    CreateLoginPage, FindAccountPage, ForgotPasswordPage, ResetPasswordPage, SignInPage,
};

#[cfg(feature = "ssr")]
use crate::platform::throttle::Caller;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything that can be wrong with a registration or sign-in form. The pages translate
/// each into the customer's language; none says which of the bill's numbers was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    NumberEmpty,
    NumberMissingHyphen,
    NumberNotDigits,
    NumberPartEmpty,
    NumberTooLong,
    ZipEmpty,
    ZipFormat,
    NoMatch,
    AlreadyRegistered,
    TryLater(i64),
    FindFirst,
    EmailEmpty,
    EmailFormat,
    EmailTaken,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordContainsEmail,
    PasswordMismatch,
    TermsNeeded,
    SignInFailed,
    Locked(i64),
    ResetTryLater(i64),
    ResetLinkExpired,
    ResetLinkUsed,
    ResetLinkInvalid,
}

impl Problem {
    /// The id of the input the problem belongs to ("" for the whole form).
    pub fn field(self) -> &'static str {
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
}

/// What a registration or sign-in form gets back: what was typed (never a password) and
/// what is wrong. An empty list means it worked and the browser is being redirected.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormOutcome {
    pub values: Vec<(String, String)>,
    pub problems: Vec<Problem>,
}

impl FormOutcome {
    pub fn value(&self, field: &str) -> String {
        self.values.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
fn internal(e: impl std::fmt::Debug) -> ServerFnError {
    // Logged for the utility's IT staff; the customer sees only the generic error page.
    tracing::error!(error = ?e, "server function failed");
    ServerFnError::new("internal error")
}

/// A service's failure: "busy, try again" when the password queue is full, else internal.
#[cfg(feature = "ssr")]
fn failed(e: crate::platform::ServiceError) -> ServerFnError {
    match e {
        crate::platform::ServiceError::Busy(_) => crate::forms::busy(),
        other => internal(other),
    }
}

#[cfg(feature = "ssr")]
async fn finish(
    key: &str,
    outcome: FormOutcome,
    success_path: &str,
) -> Result<FormOutcome, ServerFnError> {
    if outcome.problems.is_empty() {
        leptos_axum::redirect(success_path);
    } else {
        crate::forms::keep_for_redirect(key, &outcome).await;
    }
    Ok(outcome)
}

#[server(endpoint = "find_account")]
pub async fn find_account(number: String, zip: String) -> Result<FormOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let client = crate::platform::request::client_address().await;
    let result = service::find_account(&db, &client, &number, &zip).await.map_err(internal)?;
    let mut outcome = FormOutcome {
        values: vec![("number".into(), number), ("zip".into(), zip)],
        problems: vec![],
    };
    match result {
        Ok(account_id) => session::remember_found_account(account_id).await.map_err(internal)?,
        Err(problems) => outcome.problems = problems,
    }
    finish("find_account", outcome, "/register/login").await
}

#[server(endpoint = "take_find_account_outcome")]
pub async fn take_find_account_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    Ok(crate::forms::take_kept("find_account").await)
}

/// The `customer-account` of the account this registration found, if any.
#[server(endpoint = "registration_account")]
pub async fn registration_account() -> Result<Option<String>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(account_id) = session::found_account().await else { return Ok(None) };
    Ok(data::account_display(&db, account_id).await.map_err(internal)?.map(|(_, number)| number))
}

#[server(endpoint = "create_login")]
pub async fn create_login(
    email: String,
    password: String,
    password_confirm: String,
    accept_terms: Option<String>,
) -> Result<FormOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let config = expect_context::<crate::platform::Config>();
    let mut outcome =
        FormOutcome { values: vec![("email".into(), email.clone())], problems: vec![] };
    let Some(account_id) = session::found_account().await else {
        outcome.problems.push(Problem::FindFirst);
        return finish("create_login", outcome, "/account").await;
    };
    let locale = crate::platform::request::request_locale();
    let new = service::NewLogin {
        email: &email,
        password: &password,
        password_confirm: &password_confirm,
        accepted_terms: accept_terms.is_some(),
        locale: &locale,
        terms_version: &config.utility.terms_version,
    };
    let client = crate::platform::request::client_address().await;
    let caller = Caller { client: &client, limits: &config.limits };
    match service::create_login(&db, &caller, account_id, new).await.map_err(failed)? {
        Ok(login_id) => session::sign_in(login_id).await.map_err(internal)?,
        Err(problems) => outcome.problems = problems,
    }
    finish("create_login", outcome, "/account").await
}

#[server(endpoint = "take_create_login_outcome")]
pub async fn take_create_login_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    Ok(crate::forms::take_kept("create_login").await)
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<FormOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let config = expect_context::<crate::platform::Config>();
    let client = crate::platform::request::client_address().await;
    let mut outcome =
        FormOutcome { values: vec![("email".into(), email.clone())], problems: vec![] };
    let caller = Caller { client: &client, limits: &config.limits };
    match service::sign_in(&db, &mailer, &caller, &email, &password).await.map_err(failed)? {
        Ok(login_id) => session::sign_in(login_id).await.map_err(internal)?,
        Err(problem) => outcome.problems.push(problem),
    }
    finish("sign_in", outcome, "/account").await
}

#[server(endpoint = "take_sign_in_outcome")]
pub async fn take_sign_in_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    Ok(crate::forms::take_kept("sign_in").await)
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<FormOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let client = crate::platform::request::client_address().await;
    let mut outcome =
        FormOutcome { values: vec![("email".into(), email.clone())], problems: vec![] };
    if let Err(problems) =
        service::request_password_reset(&db, &mailer, &client, &email).await.map_err(internal)?
    {
        outcome.problems = problems;
    }
    finish("request_password_reset", outcome, "/forgot-password?sent=1").await
}

#[server(endpoint = "take_request_password_reset_outcome")]
pub async fn take_request_password_reset_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    Ok(crate::forms::take_kept("request_password_reset").await)
}

/// Why a reset link cannot be used, before the customer types a new password.
#[server(endpoint = "reset_link_problem")]
pub async fn reset_link_problem(token: String) -> Result<Option<Problem>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    service::reset_link_problem(&db, &token).await.map_err(internal)
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<FormOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let mut outcome = FormOutcome::default();
    match service::reset_password(&db, &mailer, &token, &password, &password_confirm)
        .await
        .map_err(failed)?
    {
        // Whoever reset the password signs in with it: this session too starts afresh.
        Ok(_) => crate::auth::session::sign_out().await.map_err(internal)?,
        Err(problems) => outcome.problems = problems,
    }
    finish("reset_password", outcome, "/sign-in?password_changed=1").await
}

#[server(endpoint = "take_reset_password_outcome")]
pub async fn take_reset_password_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    Ok(crate::forms::take_kept("reset_password").await)
}
