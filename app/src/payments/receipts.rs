//! Receipts of e-check payments, once their file is with the bank: each queued at most once
//! (card and wallet payments get theirs with the processor's answer, see `cards`). And any
//! payment's receipt written again (`receipt_of`), for the utility's staff to resend.

use super::data::history::HistoryRow;
use super::data::receipts;
use super::texts::{OneTimeNews, PaidLine};
use super::{lang_of, method_label, texts, PAGE};
use crate::domain::{Cents, NachaFileId, PaymentId};
use crate::email::{Composed, Lang, Letterhead};
use crate::platform::db::parse_date;
use crate::platform::Db;

/// Queues the receipts now due; returns how many this call queued.
#[tracing::instrument(skip_all)]
pub async fn queue_due(db: &Db, head: &Letterhead) -> Result<usize, sqlx::Error> {
    let mut queued = 0;
    for file_id in receipts::files_owing_receipts(db).await? {
        queued += queue_of_file(db, head, file_id).await?;
    }
    Ok(queued)
}

#[tracing::instrument(skip_all, fields(file_id = %file_id))]
async fn queue_of_file(
    db: &Db,
    head: &Letterhead,
    file_id: NachaFileId,
) -> Result<usize, sqlx::Error> {
    let mut queued = 0;
    let mut after = PaymentId(0);
    loop {
        let page = receipts::receipts_due(db, file_id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        let (from, to) = (after, last.id);
        after = last.id;
        let emails = page
            .iter()
            .map(|r| {
                let date = parse_date(&r.effective_date)?;
                let email = r.email.as_deref().map(|to| {
                    let lang = lang_of(r.locale.as_deref());
                    let method = method_label(
                        lang,
                        "echeck",
                        r.bank_account_type.as_deref(),
                        None,
                        &r.last4,
                        None,
                    );
                    let amount = Cents(r.amount_cents);
                    texts::receipt(head, lang, to, &r.number, amount, date, &method)
                });
                Ok((r.id, email))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        queued += receipts::queue_receipts(db, file_id, from, to, &emails).await?;
    }
    Ok(queued)
}

/// The receipt a payment's own journey emails, written again to `to` in `lang`: AutoPay's
/// receipt once the payment is paid or with the bank; a one-time payment's (Pay Now, Quick
/// Pay) "payment receipt" once paid, and its "payment received" while its e-check is on its
/// way, each with the payment's one line. `None` for a payment that did not go through, or
/// not yet (scheduled, declined, returned, withdrawn): it has no receipt.
pub fn receipt_of(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    p: &HistoryRow,
) -> Result<Option<Composed>, sqlx::Error> {
    let method = method_label(
        lang,
        &p.kind,
        p.bank_account_type.as_deref(),
        p.card_brand.as_deref(),
        &p.last4,
        None,
    );
    let echeck = p.kind == "echeck";
    let one_time = |news| -> Result<Composed, sqlx::Error> {
        let line = PaidLine {
            account: &p.number,
            reference: crate::domain::payment::reference(p.payment_id.0),
            amount: p.amount_cents,
            fee: p.fee_cents,
            declined: false,
        };
        // A one-time payment's email names the day it was made for.
        let date = parse_date(&p.draft_date)?;
        Ok(texts::one_time(head, lang, to, news, &[line], date, &method))
    };
    Ok(match (p.channel.as_str(), p.status.as_str()) {
        // AutoPay's receipt names the day the money moves: an e-check's effective date.
        ("autopay", "paid" | "submitted") => {
            let date = parse_date(&p.date)?;
            Some(texts::receipt(head, lang, to, &p.number, p.amount_cents, date, &method))
        }
        ("autopay", _) => None,
        (_, "paid") => Some(one_time(OneTimeNews::Paid)?),
        (_, "pending" | "submitted") if echeck => Some(one_time(OneTimeNews::OnItsWay)?),
        _ => None,
    })
}
