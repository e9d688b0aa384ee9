//! Payment History read for the page and the CSV file alike: the filters checked against the
//! customer's own accounts, each payment with its masked method and reference number.

use super::{chosen_account, chosen_year, Channel, Chosen, HistoryListing, HistoryPayment};
use crate::domain::autopay::calendar;
use crate::domain::payment::{reference, PaymentState};
use crate::domain::{CustomerId, Lang, PaymentId};
use crate::payments::data::history::{self as data, HistoryFilter, HistoryRow};
use crate::platform::Db;

/// The customer's payments kept by the raw filters of the address; a filter that is not
/// one of theirs, or not a year, is no filter.
#[tracing::instrument(skip(db, account, year))]
pub async fn history(
    db: &Db,
    customer: CustomerId,
    lang: Lang,
    account: Option<&str>,
    year: Option<&str>,
) -> Result<HistoryListing, sqlx::Error> {
    let accounts = data::accounts(db, customer).await?;
    let chosen = Chosen { account: chosen_account(account, &accounts), year: chosen_year(year) };
    let filter = HistoryFilter { account: chosen.account, year: chosen.year, payment: None };
    let rows = data::payments(db, customer, filter).await?;
    let payments = rows.iter().map(|r| shown(r, lang)).collect::<Result<_, _>>()?;
    let mut years = data::years(db, customer).await?;
    // A year chosen in the address stays chosen in the form, even one without payments.
    if let Some(year) = chosen.year.filter(|y| !years.contains(y)) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    Ok(HistoryListing { accounts, years, chosen, payments })
}

/// The customer's payment `id`; `None` when there is none, or it is another customer's.
#[tracing::instrument(skip(db))]
pub async fn one(
    db: &Db,
    customer: CustomerId,
    lang: Lang,
    id: PaymentId,
) -> Result<Option<HistoryPayment>, sqlx::Error> {
    let filter = HistoryFilter { payment: Some(id), ..Default::default() };
    let rows = data::payments(db, customer, filter).await?;
    rows.first().map(|r| shown(r, lang)).transpose()
}

fn shown(r: &HistoryRow, lang: Lang) -> Result<HistoryPayment, sqlx::Error> {
    let date = calendar::parse_iso(&r.date)
        .ok_or_else(|| sqlx::Error::Decode(format!("not an ISO date: {:?}", r.date).into()))?;
    // The expiry is left out: the history says what paid, not whether it still can.
    let method = crate::payments::method_label(
        lang,
        &r.kind,
        r.bank_account_type.as_deref(),
        r.card_brand.as_deref(),
        &r.last4,
        None,
    );
    Ok(HistoryPayment {
        id: r.payment_id,
        date,
        number: r.number.clone(),
        amount: r.amount_cents,
        fee: r.fee_cents,
        method,
        reference: reference(r.payment_id.0),
        state: PaymentState::from_status(&r.status),
        channel: Channel::from_stored(&r.channel),
        submission: r.submission_id,
        // Only a returned payment has its reason shown.
        return_code: r.return_code.clone().filter(|_| r.status == "returned"),
        retry_of: r.retry_of.map(|id| reference(id.0)),
    })
}
