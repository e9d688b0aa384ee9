//! Bill delivery rules as plain functions over the database and the mailer.

use super::data;
use super::{AccountDelivery, DeliveryProblem, DeliveryState, Verification};
use crate::domain::{AccountId, CustomerId, LoginId, TokenId};
use crate::email::paperless::{self, LinkRefused};
use crate::email::Mailer;
use crate::platform::tokens::{self, Purpose, TokenState};
use crate::platform::Db;

pub use crate::email::paperless::{RESEND_LIMIT, VERIFY_LINK_SECS};

pub use crate::platform::ServiceError;

#[tracing::instrument(skip(db))]
pub async fn state(
    db: &Db,
    login_id: LoginId,
    customer_id: CustomerId,
) -> Result<DeliveryState, ServiceError> {
    let login_email =
        crate::auth::data::contact_by_id(db, login_id).await?.map(|c| c.email).unwrap_or_default();
    let mut accounts = Vec::new();
    for row in data::accounts(db, customer_id).await? {
        let pending = data::pending_email(db, row.account_id).await?;
        accounts.push(AccountDelivery {
            account_id: row.account_id,
            number: row.number,
            on_email: row.delivery_method == "email",
            email: row.delivery_email,
            pending,
        });
    }
    Ok(DeliveryState { login_email, accounts })
}

/// A verification link to send (`email::paperless`, which the utility's staff use too).
pub use crate::email::paperless::LinkRequest as EmailRequest;

fn link_problem(refused: LinkRefused) -> DeliveryProblem {
    match refused {
        LinkRefused::NotFound => DeliveryProblem::NotFound,
        LinkRefused::EmailEmpty => DeliveryProblem::EmailEmpty,
        LinkRefused::EmailFormat => DeliveryProblem::EmailFormat,
        LinkRefused::TryLater(minutes) => DeliveryProblem::TryLater(minutes),
    }
}

/// Sends a verification link for email delivery of one account (a newer link replaces an
/// older one). The account stays as it is until the link is opened.
#[tracing::instrument(skip_all, fields(customer_id = %r.customer_id, account_id = %r.account_id))]
pub async fn request_email(
    db: &Db,
    mailer: &Mailer,
    r: EmailRequest<'_>,
) -> Result<Result<(), DeliveryProblem>, ServiceError> {
    Ok(paperless::send_link(db, mailer, r).await?.map_err(link_problem))
}

/// What a verification link would do, without using it: a page that merely opens the link
/// (as a mail scanner does) changes nothing; only the confirmation button verifies.
#[tracing::instrument(skip_all)]
pub async fn check(db: &Db, token: &str) -> Result<Verification, ServiceError> {
    let (_, account_id, email) = match usable_link(db, token).await? {
        Ok(link) => link,
        Err(unusable) => return Ok(unusable),
    };
    let number = data::account_number(db, account_id).await?.unwrap_or_default();
    Ok(Verification::Ready { number, email })
}

/// A link's token, account and address while it can be used; else what the page says.
async fn usable_link(
    db: &Db,
    token: &str,
) -> Result<Result<(TokenId, AccountId, String), Verification>, ServiceError> {
    let record = match tokens::check(db, Purpose::DeliveryEmail, token).await? {
        TokenState::Valid(r) => r,
        TokenState::Expired => return Ok(Err(Verification::Expired)),
        TokenState::Used => return Ok(Err(Verification::Used)),
        TokenState::Unknown => return Ok(Err(Verification::Invalid)),
    };
    match (record.account_id, record.email) {
        (Some(account_id), Some(email)) => Ok(Ok((record.id, account_id, email))),
        _ => Ok(Err(Verification::Invalid)),
    }
}

/// Uses a verification link: the account goes on email delivery (once).
#[tracing::instrument(skip_all)]
pub async fn verify(db: &Db, token: &str) -> Result<Verification, ServiceError> {
    let (token_id, account_id, email) = match usable_link(db, token).await? {
        Ok(link) => link,
        Err(unusable) => return Ok(unusable),
    };
    if !data::verify(db, token_id, account_id, &email).await? {
        return Ok(Verification::Used);
    }
    let number = data::account_number(db, account_id).await?.unwrap_or_default();
    Ok(Verification::Verified { number, email })
}

/// Back to paper: no verification needed; the verified address hears about it.
#[tracing::instrument(skip(db, mailer))]
pub async fn choose_paper(
    db: &Db,
    mailer: &Mailer,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Result<(), DeliveryProblem>, ServiceError> {
    match paperless::choose_paper(db, mailer, customer_id, account_id).await? {
        Some(_) => Ok(Ok(())),
        None => Ok(Err(DeliveryProblem::NotFound)),
    }
}
