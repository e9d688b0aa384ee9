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
use crate::forms::{failed, finish, internal};
#[cfg(feature = "ssr")]
use crate::paths;
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

/// What a registration or sign-in form gets back: what was typed (never a password) and
/// what is wrong. No problem means it worked and the browser is being redirected.
pub type FormOutcome = crate::forms::Outcome<Problem>;

#[server(endpoint = "find_account")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
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
    finish("find_account", outcome, paths::CREATE_LOGIN).await
}

#[server(endpoint = "take_find_account_outcome")]
pub async fn take_find_account_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    crate::forms::take_outcome("find_account").await
}

/// The `customer-account` of the account this registration found, if any.
#[server(endpoint = "registration_account")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn registration_account() -> Result<Option<String>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(account_id) = session::found_account().await else { return Ok(None) };
    Ok(data::account_display(&db, account_id).await.map_err(internal)?.map(|a| a.number))
}

#[server(endpoint = "create_login")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
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
        return finish("create_login", outcome, paths::ACCOUNT).await;
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
    finish("create_login", outcome, paths::ACCOUNT).await
}

#[server(endpoint = "take_create_login_outcome")]
pub async fn take_create_login_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    crate::forms::take_outcome("create_login").await
}

#[server(endpoint = "sign_in")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
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
    finish("sign_in", outcome, paths::ACCOUNT).await
}

#[server(endpoint = "take_sign_in_outcome")]
pub async fn take_sign_in_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    crate::forms::take_outcome("sign_in").await
}

#[server(endpoint = "request_password_reset")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
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
    finish("request_password_reset", outcome, &format!("{}?sent=1", paths::FORGOT_PASSWORD)).await
}

#[server(endpoint = "take_request_password_reset_outcome")]
pub async fn take_request_password_reset_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    crate::forms::take_outcome("request_password_reset").await
}

/// Why a reset link cannot be used, before the customer types a new password.
#[server(endpoint = "reset_link_problem")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn reset_link_problem(token: String) -> Result<Option<Problem>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    service::reset_link_problem(&db, &token).await.map_err(internal)
}

#[server(endpoint = "reset_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
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
    finish("reset_password", outcome, &format!("{}?password_changed=1", paths::SIGN_IN)).await
}

#[server(endpoint = "take_reset_password_outcome")]
pub async fn take_reset_password_outcome() -> Result<Option<FormOutcome>, ServerFnError> {
    crate::forms::take_outcome("reset_password").await
}
