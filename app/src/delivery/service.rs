//! Bill delivery rules as plain functions over the database and the mailer.

use super::data;
use super::{AccountDelivery, DeliveryProblem, DeliveryState, Verification};
use crate::domain::{AccountId, BillId, Cents, CustomerId, Email, LoginId, TokenId};
use crate::email::{compose, Lang, Mailer};
use crate::platform::throttle::{self, Admission, Limit, Scope};
use crate::platform::tokens::{self, Purpose, TokenState};
use crate::platform::Db;

/// How long a verification link works.
pub const VERIFY_LINK_SECS: i64 = 24 * 60 * 60;
/// Verification emails per account.
pub const RESEND_LIMIT: Limit = Limit { max: 3, window_secs: 60 * 60 };

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

pub struct EmailRequest<'a> {
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    pub account_id: AccountId,
    pub email: &'a str,
    pub locale: &'a str,
}

/// Sends a verification link for email delivery of one account (a newer link replaces an
/// older one). The account stays as it is until the link is opened.
#[tracing::instrument(skip_all, fields(customer_id = %r.customer_id, account_id = %r.account_id))]
pub async fn request_email(
    db: &Db,
    mailer: &Mailer,
    r: EmailRequest<'_>,
) -> Result<Result<(), DeliveryProblem>, ServiceError> {
    let Some(account) = data::account(db, r.customer_id, r.account_id).await? else {
        return Ok(Err(DeliveryProblem::NotFound));
    };
    let email = match Email::parse(r.email) {
        Ok(e) => e,
        Err(crate::domain::email::EmailError::Empty) => {
            return Ok(Err(DeliveryProblem::EmailEmpty))
        }
        Err(_) => return Ok(Err(DeliveryProblem::EmailFormat)),
    };
    let subject = account.account_id.to_string();
    if let Admission::Blocked { minutes } =
        throttle::attempt(db, Scope::DeliveryEmail, &subject, RESEND_LIMIT).await?
    {
        return Ok(Err(DeliveryProblem::TryLater(minutes)));
    }
    let (login, account_id) = (r.login_id, Some(account.account_id));
    tokens::revoke_earlier(db, Purpose::DeliveryEmail, login, account_id).await?;
    let token = tokens::issue(
        db,
        Purpose::DeliveryEmail,
        login,
        account_id,
        Some(email.as_str()),
        VERIFY_LINK_SECS,
    )
    .await?;
    let link = mailer.letterhead().link(&format!("{}?token={token}", crate::paths::VERIFY_EMAIL));
    let m = compose::delivery_verify(
        mailer.letterhead(),
        Lang::from_locale(r.locale),
        email.as_str(),
        &account.number,
        &link,
    )
    .with_secret(&token);
    mailer.queue(db, &m).await?;
    Ok(Ok(()))
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
    let Some(account) = data::account(db, customer_id, account_id).await? else {
        return Ok(Err(DeliveryProblem::NotFound));
    };
    let login = crate::auth::data::login_of_customer(db, customer_id).await?;
    // A link still in flight must not switch the account back to email later.
    if let Some(login) = &login {
        tokens::revoke_earlier(db, Purpose::DeliveryEmail, login.id, Some(account_id)).await?;
    }
    if account.delivery_method == "email" {
        data::set_paper(db, account_id).await?;
        if let Some(previous) = account.delivery_email {
            let locale = login.map(|l| l.locale).unwrap_or_default();
            let m = compose::delivery_paper_notice(
                mailer.letterhead(),
                Lang::from_locale(&locale),
                &previous,
                &account.number,
            );
            mailer.queue(db, &m).await?;
        }
    }
    Ok(Ok(()))
}

/// "Your bill is ready" for each new bill of an account on email delivery, once per bill
/// however often the import runs. Returns how many were queued.
#[tracing::instrument(skip_all, fields(bills = bill_ids.len()))]
pub async fn announce_bills(
    db: &Db,
    mailer: &Mailer,
    bill_ids: &[BillId],
) -> Result<usize, ServiceError> {
    let mut queued = 0;
    for &bill_id in bill_ids {
        let Some(bill) = data::bill_to_announce(db, bill_id).await? else { continue };
        let m = compose::bill_ready(
            mailer.letterhead(),
            Lang::from_locale(&bill.locale),
            &bill.email,
            &bill.number,
            Cents(bill.amount_cents),
            bill.due_date,
        );
        if data::queue_bill_email(db, bill_id, &m).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        mailer.wake();
    }
    Ok(queued)
}
