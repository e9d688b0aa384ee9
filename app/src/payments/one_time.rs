//! One-time payments, whichever form asks (Pay Now signed in, Quick Pay without a login):
//! the features check their forms; here the checked payment is validated (a bank account
//! before its first WEB debit), recorded once per form key, and a card charged at once;
//! and a submission is read back as its confirmation.
//!
//! Exactly once: `data::one_time::record_submission` inserts the form key under a unique
//! index, so of two requests with one key (a double click, Back, two tabs, two instances)
//! one records the payments and the other finds them. A card is charged only by the request
//! that recorded its payment, under the payment's own reference.

use crate::domain::payment::{reference, PaymentState};
use crate::domain::{format, BillId, Cents, CustomerId, Lang, MethodId, PaymentId, SubmissionId};
use crate::domain::{BankAccountNumber, BankAccountType, RoutingNumber};
use crate::gateway::{ChargeOutcome, Gateway, GatewayError, Validation, Validator};
use crate::payments::cards::charge_reference;
use crate::payments::data::one_time::{
    self as data, ChargeAnswer, MethodToPay, NewLine, NewSubmission, Recorded,
};
use crate::payments::texts::{self, OneTimeNews, PaidLine};
use crate::payments::{ConfirmedLine, MethodKind, PayConfirmation, PayLine};
use crate::platform::vault::Vault;
use crate::platform::{Config, Db};
use time::Date;

/// Why a card payment failed when the processor could not be reached (nothing charged).
pub const UNREACHABLE: &str = "card processor unavailable";

/// What a one-time payment needs from the server, and the request's language and day.
pub struct PayContext {
    pub db: Db,
    /// Woken once a payment's email is queued, so that the receipt leaves at once.
    pub mailer: crate::email::Mailer,
    pub config: Config,
    pub gateway: Gateway,
    pub vault: Vault,
    pub validator: Validator,
    pub lang: Lang,
    pub today: Date,
    /// The methods this browser session entered for one payment (only it may pay with them).
    pub entered: Vec<MethodId>,
}

/// A payment that checks out, ready to review or to record.
pub struct OneTime {
    pub lines: Vec<(PayLine, BillId)>,
    pub date: Date,
    pub method: MethodToPay,
    pub kind: MethodKind,
}

impl OneTime {
    pub fn total(&self) -> Cents {
        Cents(self.lines.iter().map(|(l, _)| l.amount.0 + l.fee.0).sum())
    }

    pub fn scheduled(&self, today: Date) -> bool {
        self.date > today
    }

    /// An e-check's effective entry date when submitted `today`: its date when that is a
    /// banking day, otherwise the next one. None for a card or wallet.
    pub fn debited_on(&self, today: Date) -> Option<Date> {
        (self.kind == MethodKind::Echeck)
            .then(|| crate::domain::banking_days::effective_entry_date(self.date, today))
    }

    pub fn label(&self, lang: Lang) -> String {
        let m = &self.method;
        crate::payments::method_label(
            lang,
            &m.kind,
            m.bank_account_type.as_deref(),
            m.card_brand.as_deref(),
            &m.last4,
            None,
        )
    }

    /// The authorization the payer agrees to with Submit Payment.
    pub fn authorization(&self, ctx: &PayContext) -> String {
        let (lang, utility) = (ctx.lang, &ctx.config.utility.name);
        let (total, method) = (self.total(), self.label(lang));
        let date = format::long_date(self.date, lang);
        match (self.kind, lang) {
            (MethodKind::Echeck, Lang::En) => format!(
                "I authorize {utility} to make a single electronic debit of {total} from my account {method} on or after {date}. \
                 This authorization is for this payment only. A scheduled payment can be cancelled on its confirmation page until it is sent to the bank."
            ),
            (MethodKind::Echeck, Lang::Es) => format!(
                "Autorizo a {utility} a realizar un único débito electrónico de {total} de mi cuenta {method} el {date} o después. \
                 Esta autorización es solo para este pago. Un pago programado puede cancelarse en su página de confirmación hasta que se envíe al banco."
            ),
            (_, Lang::En) => format!("I authorize {utility} to charge {total} to {method} on {date}, for this payment only."),
            (_, Lang::Es) => format!("Autorizo a {utility} a cobrar {total} a {method} el {date}, solo para este pago."),
        }
    }
}

/// Who pays, and where the receipt goes.
pub struct Payer<'a> {
    /// The owner of the accounts paid (and of the method): the signed-in customer, or for
    /// Quick Pay the account's customer.
    pub customer_id: CustomerId,
    /// `one_time` or `quick_pay`.
    pub channel: &'static str,
    pub form_key: &'a str,
    pub receipt_email: Option<&'a str>,
    /// The language of the receipt.
    pub lang: Lang,
}

/// Why a payment was refused before anything was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The validation service says the bank account cannot be debited.
    AccountNotConfirmed,
    /// The validation service could not be reached: nothing is paid, try again later.
    AccountCheckUnavailable,
    /// The bank returned a debit from this bank account as closed, invalid or not
    /// authorized (`payment_methods.unusable_code`): it pays nothing until the customer
    /// chooses another method or authorizes it again.
    MethodUnusable,
}

/// Pays a checked payment: validates an e-check's bank account when it is new to the
/// portal, records the submission once per form key with its email, and charges a card
/// due today. `Recorded::Existing` names the submission an earlier request made.
#[tracing::instrument(skip_all, fields(customer_id = %payer.customer_id, channel = payer.channel))]
pub async fn pay(
    ctx: &PayContext,
    payer: &Payer<'_>,
    p: &OneTime,
) -> Result<Result<Recorded, Refusal>, sqlx::Error> {
    if p.method.unusable_code.is_some() {
        return Ok(Err(Refusal::MethodUnusable));
    }
    if p.kind == MethodKind::Echeck {
        if let Err(refusal) = validate_account(ctx, payer.customer_id, p.method.id).await? {
            return Ok(Err(refusal));
        }
    }
    let scheduled = p.scheduled(ctx.today);
    let charging_now = p.kind != MethodKind::Echeck && !scheduled;
    let news = if scheduled { OneTimeNews::Scheduled } else { OneTimeNews::OnItsWay };
    let draft_date = crate::domain::autopay::calendar::iso(p.date);
    let effective_date = p.debited_on(ctx.today).map(crate::domain::autopay::calendar::iso);
    let submission = NewSubmission {
        form_key: payer.form_key,
        customer_id: payer.customer_id,
        channel: payer.channel,
        receipt_email: payer.receipt_email,
        locale: payer.lang.code(),
        method_id: p.method.id,
        draft_date: &draft_date,
        effective_date: effective_date.as_deref(),
        status: if scheduled { "scheduled" } else { "pending" },
        charging_now,
        overpayment_limit: ctx.config.payments.overpayment_limit,
        lines: p.lines.iter().map(|(l, bill_id)| new_line(l, *bill_id)).collect(),
        receipt: None,
    };
    let receipt = payer.receipt_email.filter(|_| !charging_now).map(|to| (to, news));
    let recorded = record(ctx, submission, p, payer.lang, receipt).await?;
    ctx.mailer.wake();
    if let Recorded::New(_, payments) = &recorded {
        if charging_now {
            charge_now(ctx, p, payments, payer.lang, payer.receipt_email).await?;
            ctx.mailer.wake();
            // A method entered for this payment only is wiped once charged.
            if p.method.kept == 0 {
                crate::payments::data::methods::wipe_spent(&ctx.db).await?;
            }
        }
    }
    Ok(Ok(recorded))
}

/// NACHA's account validation before the first WEB debit from a bank account the portal has
/// not seen debited (`data::unseen_bank_account`). A valid account is recorded as validated,
/// so it is checked once; otherwise the payment is refused and nothing is stored.
async fn validate_account(
    ctx: &PayContext,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Result<(), Refusal>, sqlx::Error> {
    let Some(unseen) = data::unseen_bank_account(&ctx.db, customer_id, method_id).await? else {
        return Ok(Ok(()));
    };
    let number = ctx.vault.open(&unseen.sealed(), &unseen.binding()).ok();
    let number = number.and_then(|n| BankAccountNumber::parse(&n).ok());
    let routing = RoutingNumber::parse(&unseen.routing_number).ok();
    let account_type = BankAccountType::parse(&unseen.bank_account_type).ok();
    let (Some(number), Some(routing), Some(account_type)) = (number, routing, account_type) else {
        tracing::error!(method = %method_id, key = %unseen.account_key_id,
            "bank account cannot be opened for validation: payment refused; check the payment keys");
        return Ok(Err(Refusal::AccountCheckUnavailable));
    };
    match ctx.validator.validate(&routing, &number, account_type).await {
        Ok(Validation::Valid) => {
            data::record_validated(&ctx.db, method_id).await?;
            Ok(Ok(()))
        }
        Ok(Validation::Invalid { reason }) => {
            tracing::info!(method = %method_id, %reason, "bank account not confirmed: payment refused");
            Ok(Err(Refusal::AccountNotConfirmed))
        }
        Err(e) => {
            tracing::warn!(method = %method_id, error = %e, "bank account validation unreachable: payment refused");
            Ok(Err(Refusal::AccountCheckUnavailable))
        }
    }
}

fn new_line(l: &PayLine, bill_id: BillId) -> NewLine {
    NewLine { account_id: l.account_id, bill_id, amount: l.amount, fee: l.fee }
}

/// Records the submission with the email that confirms it, whose references are the
/// payments' own (so it is composed inside the transaction, once their ids are known).
async fn record(
    ctx: &PayContext,
    submission: NewSubmission<'_>,
    p: &OneTime,
    lang: Lang,
    receipt: Option<(&str, OneTimeNews)>,
) -> Result<Recorded, sqlx::Error> {
    let head = crate::email::Letterhead::from_config(&ctx.config);
    let method = p.label(lang);
    let compose = receipt.map(|(to, news)| {
        move |ids: &[PaymentId]| {
            texts::one_time(&head, lang, to, news, &paid_lines(p, ids), p.date, &method)
        }
    });
    let receipt: Option<data::ReceiptOf<'_>> = compose.as_ref().map(|f| f as _);
    data::record_submission(&ctx.db, &NewSubmission { receipt, ..submission }).await
}

/// The lines of an email, with the references of their payments.
fn paid_lines<'c>(p: &'c OneTime, ids: &[PaymentId]) -> Vec<PaidLine<'c>> {
    p.lines
        .iter()
        .zip(ids)
        .map(|((l, _), id)| PaidLine {
            account: &l.number,
            reference: reference(id.0),
            amount: l.amount,
            fee: l.fee,
            declined: false,
        })
        .collect()
}

/// Charges each line now under its payment's reference, and records the answers with the
/// one email that tells the payer.
async fn charge_now(
    ctx: &PayContext,
    p: &OneTime,
    payments: &[PaymentId],
    lang: Lang,
    to: Option<&str>,
) -> Result<(), sqlx::Error> {
    let token = p.method.gateway_token.clone().unwrap_or_default();
    let mut answers = Vec::with_capacity(payments.len());
    for ((line, _), id) in p.lines.iter().zip(payments) {
        let cents = line.amount.0 + line.fee.0;
        let answer = match ctx
            .gateway
            .charge(&token, cents, &charge_reference("one_time", *id))
            .await
        {
            Ok(ChargeOutcome::Approved { reference }) => ChargeAnswer::Approved(reference),
            Ok(ChargeOutcome::Declined { reason }) | Err(GatewayError::Refused(reason)) => {
                ChargeAnswer::Declined(reason)
            }
            Err(e) => {
                tracing::warn!(payment = %id, error = %e, "card processor unreachable: payment not made");
                ChargeAnswer::Declined(UNREACHABLE.into())
            }
        };
        answers.push((*id, answer));
    }
    let head = crate::email::Letterhead::from_config(&ctx.config);
    let method = p.label(lang);
    let email = to.map(|to| {
        let mut lines = paid_lines(p, payments);
        for (line, (_, answer)) in lines.iter_mut().zip(&answers) {
            line.declined = !matches!(answer, ChargeAnswer::Approved(_));
        }
        // One email for the whole form: each line says how it went when they differ.
        let news = match (lines.iter().all(|l| !l.declined), lines.iter().all(|l| l.declined)) {
            (true, _) => OneTimeNews::Paid,
            (_, true) => OneTimeNews::Declined,
            _ => OneTimeNews::PartlyPaid,
        };
        texts::one_time(&head, lang, to, news, &lines, p.date, &method)
    });
    data::record_charges(&ctx.db, &answers, email.as_ref()).await
}

/// The confirmation of a submission of `owner`'s; None when it is not theirs.
pub async fn confirmation(
    ctx: &PayContext,
    owner: CustomerId,
    submission: SubmissionId,
) -> Result<Option<PayConfirmation>, sqlx::Error> {
    let rows = data::submission(&ctx.db, owner, submission).await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let method = crate::payments::method_label(
        ctx.lang,
        &first.kind,
        first.bank_account_type.as_deref(),
        first.card_brand.as_deref(),
        &first.last4,
        None,
    );
    let iso = crate::domain::autopay::calendar::parse_iso;
    let submitted_on =
        time::OffsetDateTime::from_unix_timestamp(first.created_at).map_or(ctx.today, |t| t.date());
    Ok(Some(PayConfirmation {
        submission,
        method,
        date: iso(&first.draft_date).unwrap_or(submitted_on),
        total: Cents(rows.iter().map(|r| r.amount_cents.0 + r.fee_cents.0).sum()),
        submitted_on,
        lines: rows
            .iter()
            .map(|r| ConfirmedLine {
                payment_id: r.payment_id,
                reference: reference(r.payment_id.0),
                account_id: r.account_id,
                number: r.number.clone(),
                amount: r.amount_cents,
                fee: r.fee_cents,
                state: PaymentState::from_status(&r.status),
                unreachable: r.failure_reason.as_deref() == Some(UNREACHABLE),
            })
            .collect(),
    }))
}

/// A form key as the payment forms make them; anything else was not made here.
pub fn plausible_key(key: &str) -> bool {
    (16..=64).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccountId;
    use time::macros::date;

    fn paying(kind: MethodKind, date: Date) -> OneTime {
        let line = PayLine {
            account_id: AccountId(1),
            number: "12345678-1234567".into(),
            amount: Cents(8417),
            fee: Cents(0),
        };
        let method = MethodToPay {
            id: MethodId(1),
            kind: if kind == MethodKind::Echeck { "echeck".into() } else { "card".into() },
            last4: "6789".into(),
            bank_account_type: None,
            card_brand: None,
            gateway_token: None,
            kept: 1,
            unusable_code: None,
        };
        OneTime { lines: vec![(line, BillId(1))], date, method, kind }
    }

    #[test]
    fn an_e_check_is_debited_on_a_banking_day_a_card_on_its_date() {
        // Labor Day 2026 is Monday, September 7.
        let (saturday, tuesday) = (date!(2026 - 09 - 05), date!(2026 - 09 - 08));
        let friday = date!(2026 - 09 - 04);
        assert_eq!(paying(MethodKind::Echeck, saturday).debited_on(saturday), Some(tuesday));
        assert_eq!(paying(MethodKind::Echeck, saturday).debited_on(friday), Some(tuesday));
        assert_eq!(paying(MethodKind::Echeck, friday).debited_on(friday), Some(friday));
        assert_eq!(paying(MethodKind::Credit, saturday).debited_on(saturday), None);
    }
}
