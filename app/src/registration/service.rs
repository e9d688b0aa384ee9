//! The registration and sign-in rules as plain functions over the database, so that
//! tests reach them without a browser. Server functions only add the session.

use super::data::{self, CreateLoginError};
use super::Problem;
use crate::domain::customer_account::NumberError;
use crate::domain::password::{NewPassword, PasswordError};
use crate::domain::zip::ZipError;
use crate::domain::{CustomerAccountNumber, Email, Zip};
use crate::platform::passwords::{self, Verified};
use crate::platform::throttle::{self, Scope, LOOKUP_LIMIT, SIGN_IN_LIMIT};
use crate::platform::Db;

#[derive(Debug)]
pub enum ServiceError {
    Db(sqlx::Error),
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e)
    }
}

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
/// address, throttled like the account number itself.
pub async fn find_account(db: &Db, client: &str, number: &str, zip: &str) -> Result<Result<i64, Vec<Problem>>, ServiceError> {
    let parsed_number = CustomerAccountNumber::parse(number).map_err(number_problem);
    let parsed_zip = Zip::parse(zip).map_err(zip_problem);
    let (number, zip) = match (parsed_number, parsed_zip) {
        (Ok(n), Ok(z)) => (n, z),
        (n, z) => return Ok(Err(n.err().into_iter().chain(z.err()).collect())),
    };
    let account_key = number.account.as_padded();
    for (scope, subject) in [(Scope::LookupByAddress, client), (Scope::LookupByAccount, account_key.as_str())] {
        if let Some(minutes) = throttle::blocked_for(db, scope, subject, LOOKUP_LIMIT).await? {
            return Ok(Err(vec![Problem::TryLater(minutes)]));
        }
    }
    let found = data::account_by_numbers(db, &number).await?;
    match found {
        Some(a) if a.service_zip == zip.as_str() || a.mailing_zip == zip.as_str() => {
            if a.has_login > 0 {
                Ok(Err(vec![Problem::AlreadyRegistered]))
            } else {
                Ok(Ok(a.account_id))
            }
        }
        _ => {
            throttle::record_failure(db, Scope::LookupByAddress, client).await?;
            throttle::record_failure(db, Scope::LookupByAccount, &account_key).await?;
            Ok(Err(vec![Problem::NoMatch]))
        }
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
pub async fn create_login(db: &Db, account_id: i64, new: NewLogin<'_>) -> Result<Result<i64, Vec<Problem>>, ServiceError> {
    let Some((customer_id, _)) = data::account_display(db, account_id).await? else {
        return Ok(Err(vec![Problem::FindFirst]));
    };
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
    let password = NewPassword::parse(new.password, new.password_confirm, &local, passwords::is_common)
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
    let hash = passwords::hash(&password).await;
    match data::create_login(db, customer_id, &email, &hash, new.locale, new.terms_version).await {
        Ok(id) => Ok(Ok(id)),
        Err(CreateLoginError::EmailTaken) => Ok(Err(vec![Problem::EmailTaken])),
        Err(CreateLoginError::AlreadyRegistered) => Ok(Err(vec![Problem::AlreadyRegistered])),
        Err(CreateLoginError::Db(e)) => Err(e.into()),
    }
}

/// Checks an email and password; returns the login id. Counts failures per login (and
/// per unknown address alike, so the answer never tells which emails exist).
pub async fn sign_in(db: &Db, email: &str, password: &str) -> Result<Result<i64, Problem>, ServiceError> {
    let key = email.trim().to_lowercase();
    if let Some(minutes) = throttle::blocked_for(db, Scope::SignIn, &key, SIGN_IN_LIMIT).await? {
        return Ok(Err(Problem::Locked(minutes)));
    }
    let login = data::login_by_email(db, &key).await?;
    let (id, hash) = match login {
        Some(l) => (Some(l.id), Some(l.hash)),
        None => (None, None),
    };
    match (passwords::verify(password, hash).await, id) {
        (Verified::Yes, Some(id)) => {
            throttle::clear(db, Scope::SignIn, &key).await?;
            Ok(Ok(id))
        }
        (Verified::YesRehash, Some(id)) => {
            throttle::clear(db, Scope::SignIn, &key).await?;
            if let Ok(p) = NewPassword::parse(password, password, "", |_| false) {
                data::replace_hash(db, id, &passwords::hash(&p).await).await?;
            }
            Ok(Ok(id))
        }
        _ => {
            throttle::record_failure(db, Scope::SignIn, &key).await?;
            Ok(Err(Problem::SignInFailed))
        }
    }
}
