//! The registration and sign-in rules as plain functions over the database, so that
//! tests reach them without a browser. Server functions only add the session.

use super::data::{self, CreateLoginError};
use super::Problem;
use crate::domain::customer_account::NumberError;
use crate::domain::password::{NewPassword, PasswordError};
use crate::domain::zip::ZipError;
use crate::domain::{AccountId, CustomerAccountNumber, Email, LoginId, Zip};
use crate::email::{compose, Lang, Mailer};
use crate::platform::passwords::{self, Verified};
use crate::platform::throttle::{
    self, Admission, Caller, Limit, Scope, HOUR, LOOKUP_LIMIT, MINUTE, RESET_ADDRESS_LIMIT,
    RESET_EMAIL_LIMIT,
};
use crate::platform::tokens::{self, Purpose, TokenState};
use crate::platform::Db;

pub use crate::auth::service::RESET_LINK_SECS;

pub use crate::platform::ServiceError;

fn number_problem(e: NumberError) -> Problem {
    match e {
        NumberError::Empty => Problem::NumberEmpty,
        NumberError::MissingHyphen => Problem::NumberMissingHyphen,
        NumberError::NotDigits => Problem::NumberNotDigits,
        NumberError::EmptyPart => Problem::NumberPartEmpty,
        NumberError::CustomerTooLong | NumberError::AccountTooLong => Problem::NumberTooLong,
    }
}

fn zip_problem(e: ZipError) -> Problem {
    match e {
        ZipError::Empty => Problem::ZipEmpty,
        ZipError::Malformed => Problem::ZipFormat,
    }
}

/// Finds the account a bill's numbers and ZIP code name. `client` is the caller's network
/// address (its throttle subject), throttled like the account number itself. Each lookup
/// is counted before the search; one that finds its account is given back.
#[tracing::instrument(skip_all)]
pub async fn find_account(
    db: &Db,
    client: &str,
    number: &str,
    zip: &str,
) -> Result<Result<AccountId, Vec<Problem>>, ServiceError> {
    let parsed_number = CustomerAccountNumber::parse(number).map_err(number_problem);
    let parsed_zip = Zip::parse(zip).map_err(zip_problem);
    let (number, zip) = match (parsed_number, parsed_zip) {
        (Ok(n), Ok(z)) => (n, z),
        (n, z) => return Ok(Err(n.err().into_iter().chain(z.err()).collect())),
    };
    let account_key = number.account.as_padded();
    let counted = [
        (Scope::LookupByAddress, client, LOOKUP_LIMIT),
        (Scope::LookupByAccount, account_key.as_str(), LOOKUP_LIMIT),
    ];
    if let Some(minutes) = throttle::attempt_all(db, &counted).await? {
        return Ok(Err(vec![Problem::TryLater(minutes)]));
    }
    let found = data::account_by_numbers(db, &number).await?;
    let found = found.filter(|a| a.service_zip == zip.as_str() || a.mailing_zip == zip.as_str());
    let Some(account) = found else { return Ok(Err(vec![Problem::NoMatch])) };
    for (scope, subject, _) in counted {
        throttle::refund(db, scope, subject).await?;
    }
    if account.has_login > 0 {
        Ok(Err(vec![Problem::AlreadyRegistered]))
    } else {
        Ok(Ok(account.account_id))
    }
}

pub struct NewLogin<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
    pub accepted_terms: bool,
    pub locale: &'a str,
    pub terms_version: &'a str,
}

fn password_problem(e: PasswordError) -> Problem {
    match e {
        PasswordError::TooShort => Problem::PasswordTooShort,
        PasswordError::TooLong => Problem::PasswordTooLong,
        PasswordError::Common => Problem::PasswordCommon,
        PasswordError::ContainsEmailName => Problem::PasswordContainsEmail,
        PasswordError::Mismatch => Problem::PasswordMismatch,
    }
}

/// Creates the login of the customer who owns `account_id`; returns the new login's id.
/// Every attempt from an address counts: "this email already has a login" must not become
/// a way to test emails as fast as one likes.
#[tracing::instrument(skip_all, fields(account_id = %account_id))]
pub async fn create_login(
    db: &Db,
    caller: &Caller<'_>,
    account_id: AccountId,
    new: NewLogin<'_>,
) -> Result<Result<LoginId, Vec<Problem>>, ServiceError> {
    let Some(account) = data::account_display(db, account_id).await? else {
        return Ok(Err(vec![Problem::FindFirst]));
    };
    let limit = Limit { max: caller.limits.registrations_per_address, window_secs: HOUR };
    if let Admission::Blocked { minutes } =
        throttle::attempt(db, Scope::RegistrationByAddress, caller.client, limit).await?
    {
        return Ok(Err(vec![Problem::TryLater(minutes)]));
    }
    let mut problems = Vec::new();
    let email = match Email::parse(new.email) {
        Ok(e) => Some(e),
        Err(crate::domain::email::EmailError::Empty) => {
            problems.push(Problem::EmailEmpty);
            None
        }
        Err(_) => {
            problems.push(Problem::EmailFormat);
            None
        }
    };
    let local = email.as_ref().map(|e| e.local_part().to_string()).unwrap_or_default();
    let password =
        NewPassword::parse(new.password, new.password_confirm, &local, passwords::is_common)
            .map_err(password_problem)
            .map_err(|p| problems.push(p))
            .ok();
    if !new.accepted_terms {
        problems.push(Problem::TermsNeeded);
    }
    if let Some(email) = &email {
        if data::email_exists(db, email).await? {
            problems.push(Problem::EmailTaken);
        }
    }
    let (Some(email), Some(password), true) = (email, password, problems.is_empty()) else {
        return Ok(Err(problems));
    };
    let hash = passwords::hash(&password).await?;
    match data::create_login(db, account.customer_id, &email, &hash, new.locale, new.terms_version)
        .await
    {
        Ok(id) => Ok(Ok(id)),
        Err(CreateLoginError::EmailTaken) => Ok(Err(vec![Problem::EmailTaken])),
        Err(CreateLoginError::AlreadyRegistered) => Ok(Err(vec![Problem::AlreadyRegistered])),
        Err(CreateLoginError::Db(e)) => Err(e.into()),
    }
}

/// Checks an email and password; returns the login id. Each attempt is counted before the
/// password is checked, per login (and per unknown address alike, so the answer never
/// tells which emails exist) and per client address: of any number sent at once, at most
/// the limit reach Argon2. The failure that starts a lockout emails the owner.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    db: &Db,
    mailer: &Mailer,
    caller: &Caller<'_>,
    email: &str,
    password: &str,
) -> Result<Result<LoginId, Problem>, ServiceError> {
    let (limits, client) = (caller.limits, caller.client);
    let key = crate::auth::service::sign_in_subject(email);
    let per_email = Limit { max: limits.sign_in_failures_per_email, window_secs: 15 * MINUTE };
    let per_address = Limit { max: limits.sign_in_failures_per_address, window_secs: 15 * MINUTE };
    if let Admission::Blocked { minutes } =
        throttle::attempt(db, Scope::SignInByAddress, client, per_address).await?
    {
        return Ok(Err(Problem::TryLater(minutes)));
    }
    let (nth, window_minutes) = match throttle::attempt(db, Scope::SignIn, &key, per_email).await? {
        Admission::Blocked { minutes } => return Ok(Err(Problem::Locked(minutes))),
        Admission::Allowed { nth, minutes } => (nth, minutes),
    };
    let login = data::login_by_email(db, &key).await?;
    let (id, hash) = match login {
        Some(l) => (Some(l.id), Some(l.hash)),
        None => (None, None),
    };
    let verified = passwords::verify_within(limits.password_checks_waiting, password, hash).await;
    let verified = match verified {
        Ok(v) => v,
        Err(busy) => {
            // Not checked, so not a failure: neither counter keeps it.
            throttle::refund(db, Scope::SignIn, &key).await?;
            throttle::refund(db, Scope::SignInByAddress, client).await?;
            return Err(busy.into());
        }
    };
    let rehash = verified == Verified::YesRehash;
    match (verified, id) {
        (Verified::Yes | Verified::YesRehash, Some(id)) => {
            throttle::clear(db, Scope::SignIn, &key).await?;
            throttle::refund(db, Scope::SignInByAddress, client).await?;
            if rehash {
                if let Ok(p) = NewPassword::parse(password, password, "", |_| false) {
                    data::replace_hash(db, id, &passwords::hash(&p).await?).await?;
                }
            }
            Ok(Ok(id))
        }
        _ if nth >= per_email.max => {
            if let Some(owner) = crate::auth::data::contact_by_email(db, &key).await? {
                let m = compose::sign_in_locked(
                    mailer.letterhead(),
                    Lang::from_locale(&owner.locale),
                    &owner.email,
                    window_minutes,
                );
                mailer.queue(db, &m).await?;
            }
            Ok(Err(Problem::Locked(window_minutes)))
        }
        _ => Ok(Err(Problem::SignInFailed)),
    }
}

/// Emails a reset link when the address has a login. The caller shows the same answer
/// either way; only the throttle can refuse.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    db: &Db,
    mailer: &Mailer,
    client: &str,
    email: &str,
) -> Result<Result<(), Vec<Problem>>, ServiceError> {
    let email = match Email::parse(email) {
        Ok(e) => e,
        Err(crate::domain::email::EmailError::Empty) => return Ok(Err(vec![Problem::EmailEmpty])),
        Err(_) => return Ok(Err(vec![Problem::EmailFormat])),
    };
    // Every request counts, known address or not, so the throttle tells nothing either.
    let counted = [
        (Scope::ResetByAddress, client, RESET_ADDRESS_LIMIT),
        (Scope::ResetByEmail, email.as_str(), RESET_EMAIL_LIMIT),
    ];
    if let Some(minutes) = throttle::attempt_all(db, &counted).await? {
        return Ok(Err(vec![Problem::ResetTryLater(minutes)]));
    }
    if let Some(login) = crate::auth::data::contact_by_email(db, email.as_str()).await? {
        crate::auth::service::send_reset_link(db, mailer, &login).await?;
    }
    Ok(Ok(()))
}

/// What a reset link is worth before the form is filled in.
#[tracing::instrument(skip_all)]
pub async fn reset_link_problem(db: &Db, token: &str) -> Result<Option<Problem>, ServiceError> {
    Ok(match tokens::check(db, Purpose::PasswordReset, token).await? {
        TokenState::Valid(_) => None,
        TokenState::Expired => Some(Problem::ResetLinkExpired),
        TokenState::Used => Some(Problem::ResetLinkUsed),
        TokenState::Unknown => Some(Problem::ResetLinkInvalid),
    })
}

/// Sets a new password through a reset link: single use, one hour, every other session
/// ended, the owner told by email.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    db: &Db,
    mailer: &Mailer,
    token: &str,
    password: &str,
    password_confirm: &str,
) -> Result<Result<LoginId, Vec<Problem>>, ServiceError> {
    let record = match tokens::check(db, Purpose::PasswordReset, token).await? {
        TokenState::Valid(r) => r,
        TokenState::Expired => return Ok(Err(vec![Problem::ResetLinkExpired])),
        TokenState::Used => return Ok(Err(vec![Problem::ResetLinkUsed])),
        TokenState::Unknown => return Ok(Err(vec![Problem::ResetLinkInvalid])),
    };
    let Some(login) = crate::auth::data::contact_by_id(db, record.login_id).await? else {
        return Ok(Err(vec![Problem::ResetLinkInvalid]));
    };
    let local = login.email.split('@').next().unwrap_or_default().to_string();
    let password =
        match NewPassword::parse(password, password_confirm, &local, passwords::is_common) {
            Ok(p) => p,
            Err(e) => return Ok(Err(vec![password_problem(e)])),
        };
    let hash = passwords::hash(&password).await?;
    if !data::reset_password(db, record.id, login.id, &hash).await? {
        return Ok(Err(vec![Problem::ResetLinkUsed]));
    }
    // The new password is proof enough: a lockout from before the reset ends with it.
    crate::auth::service::unlock(db, &login.email).await?;
    let m = compose::password_changed(
        mailer.letterhead(),
        Lang::from_locale(&login.locale),
        &login.email,
    );
    mailer.queue(db, &m).await?;
    Ok(Ok(login.id))
}
