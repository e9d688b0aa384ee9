//! Receipts of e-check payments, once their file is with the bank: each queued at most once
//! (card and wallet payments get theirs with the processor's answer, see `cards`).

use super::data::receipts;
use super::{lang_of, method_label, texts, PAGE};
use crate::domain::{Cents, NachaFileId, PaymentId};
use crate::email::Letterhead;
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
