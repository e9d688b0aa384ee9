//! Ending an account's AutoPay, whoever asks: the customer in Bill Settings, or the
//! utility's staff at the customer's request. Either way the same thing happens (payments
//! not yet on their way are withdrawn) and the customer's login gets the same email.

use super::data::enrollments as data;
use super::texts;
use crate::domain::{AccountId, CustomerId};
use crate::email::{Lang, Mailer};
use crate::platform::{Db, ServiceError};

/// What cancelling found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// Ended: the enrollment's reference and the account's number.
    Done { reference: String, number: String },
    /// No account of this customer's has that id.
    NotFound,
    /// The account has no active AutoPay (or another request ended it first).
    NotEnrolled,
}

#[tracing::instrument(skip_all, fields(customer_id = %customer_id, account_id = %account_id))]
pub async fn cancel(
    db: &Db,
    mailer: &Mailer,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Cancelled, ServiceError> {
    let owned: Option<(AccountId, String)> =
        crate::auth::data::owned_account(db, customer_id, account_id, "").await?;
    if owned.is_none() {
        return Ok(Cancelled::NotFound);
    }
    let Some(e) = data::active(db, customer_id, account_id).await? else {
        return Ok(Cancelled::NotEnrolled);
    };
    let login = crate::auth::data::login_of_customer(db, customer_id).await?;
    let email = login.map(|l| {
        let lang = Lang::from_locale(&l.locale);
        texts::autopay_cancelled(mailer.letterhead(), lang, &l.email, &e.number, &e.reference)
    });
    if !data::cancel(db, customer_id, account_id, email.as_ref()).await? {
        return Ok(Cancelled::NotEnrolled);
    }
    mailer.wake();
    Ok(Cancelled::Done { reference: e.reference, number: e.number })
}
