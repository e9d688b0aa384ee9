//! Paperless billing, whoever asks for it: an account's bills come by email once the
//! address is verified through the single-use link emailed to it (`send_link`), and go back
//! to paper at once (`choose_paper`). The customer's Bill Delivery Method page and the
//! utility's staff (acting at the customer's request) both come here, so the customer gets
//! the same emails either way. Using a link is the delivery page's own (`delivery`).

pub mod data;

use crate::domain::{AccountId, BillId, Cents, CustomerId, Email, LoginId};
use crate::email::{compose, Lang, Mailer};
use crate::platform::throttle::{self, Admission, Limit, Scope};
use crate::platform::tokens::{self, Purpose};
use crate::platform::{Db, ServiceError};

/// How long a verification link works.
pub const VERIFY_LINK_SECS: i64 = 24 * 60 * 60;
/// Verification emails per account.
pub const RESEND_LIMIT: Limit = Limit { max: 3, window_secs: 60 * 60 };

/// Why a verification link was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    /// No account of this customer's has that id.
    NotFound,
    EmailEmpty,
    EmailFormat,
    /// Too many links for this account lately: try again in this many minutes.
    TryLater(i64),
}

/// A verification link to send: for one account of the customer, to `email`, in the
/// language of `locale`.
pub struct LinkRequest<'a> {
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    pub account_id: AccountId,
    pub email: &'a str,
    pub locale: &'a str,
}

/// Sends a verification link for email delivery of one account (a newer link replaces an
/// older one). The account stays as it is until the link is used.
#[tracing::instrument(skip_all, fields(customer_id = %r.customer_id, account_id = %r.account_id))]
pub async fn send_link(
    db: &Db,
    mailer: &Mailer,
    r: LinkRequest<'_>,
) -> Result<Result<(), LinkRefused>, ServiceError> {
    let Some(account) = data::account(db, r.customer_id, r.account_id).await? else {
        return Ok(Err(LinkRefused::NotFound));
    };
    let email = match Email::parse(r.email) {
        Ok(e) => e,
        Err(crate::domain::email::EmailError::Empty) => return Ok(Err(LinkRefused::EmailEmpty)),
        Err(_) => return Ok(Err(LinkRefused::EmailFormat)),
    };
    let subject = account.account_id.to_string();
    if let Admission::Blocked { minutes } =
        throttle::attempt(db, Scope::DeliveryEmail, &subject, RESEND_LIMIT).await?
    {
        return Ok(Err(LinkRefused::TryLater(minutes)));
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

/// What going back to paper found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paper {
    /// `customer-account`, as on the bill.
    pub number: String,
    /// Whether the bills came by email, and to which verified address (it is told).
    pub was_on_email: bool,
    pub was_email: Option<String>,
    /// The address whose verification link stopped working.
    pub pending: Option<String>,
}

/// Back to paper: no verification needed; the verified address hears about it, and a link
/// still in flight stops working. `None` when the account is not the customer's.
#[tracing::instrument(skip(db, mailer))]
pub async fn choose_paper(
    db: &Db,
    mailer: &Mailer,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Option<Paper>, ServiceError> {
    let Some(account) = data::account(db, customer_id, account_id).await? else {
        return Ok(None);
    };
    let pending = data::pending_email(db, account_id).await?;
    let login = crate::auth::data::login_of_customer(db, customer_id).await?;
    // A link still in flight must not switch the account back to email later.
    if let Some(login) = &login {
        tokens::revoke_earlier(db, Purpose::DeliveryEmail, login.id, Some(account_id)).await?;
    }
    let was_on_email = account.delivery_method == "email";
    let mut was_email = None;
    if was_on_email {
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
            was_email = Some(previous);
        }
    }
    Ok(Some(Paper { number: account.number, was_on_email, was_email, pending }))
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
