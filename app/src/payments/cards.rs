//! Card and wallet payments go through the `PaymentGateway`: leased, charged, and the
//! processor's answer recorded with the email that tells the customer.

use super::data::cards::{self, CardAnswer, CardPayment};
use super::{lang_of, method_label, texts, PaymentError, PAGE};
use crate::domain::{Cents, PaymentId};
use crate::email::{Composed, Letterhead};
use crate::gateway::{ChargeOutcome, Gateway, GatewayError};
use crate::platform::Db;

/// Card charges waiting on the processor at once.
const CONCURRENT_CHARGES: usize = 8;
/// How long a run may hold a card payment before another run may charge it.
const CARD_LEASE_SECS: i64 = 300;

/// What charging did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Charged {
    pub paid: usize,
    pub declined: usize,
    /// The processor could not be reached: these stay pending for the next run.
    pub to_retry: usize,
}

/// Charges pending card and wallet payments, each under its payment's own reference, so a
/// charge retried after a stop is recognised by the processor. A page is leased in one
/// statement, and its charges go to the processor a few at a time (a processor answers in
/// tenths of a second; one at a time, a big day would take hours).
#[tracing::instrument(skip_all)]
pub async fn charge_pending(
    db: &Db,
    gateway: &Gateway,
    head: &Letterhead,
) -> Result<Charged, PaymentError> {
    let mut charged = Charged::default();
    let mut after = PaymentId(0);
    loop {
        let page = cards::pending_card_payments(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        let claimed = cards::claim_card_payments(db, after, last.id, CARD_LEASE_SECS).await?;
        after = last.id;
        let leased = page.iter().filter(|p| claimed.contains(&p.id));
        let answers = charge_all(gateway, leased).await?;
        let mut finished = Vec::with_capacity(answers.len());
        for (id, outcome) in answers {
            let Some(payment) = page.iter().find(|p| p.id == id) else { continue };
            finished.push(answer_of(head, payment, outcome, &mut charged));
        }
        cards::finish_card_payments(db, &finished).await?;
    }
    Ok(charged)
}

/// The processor's outcome of each payment, `CONCURRENT_CHARGES` at a time.
async fn charge_all(
    gateway: &Gateway,
    payments: impl Iterator<Item = &CardPayment>,
) -> Result<Vec<(PaymentId, Result<ChargeOutcome, GatewayError>)>, PaymentError> {
    let mut charges = tokio::task::JoinSet::new();
    let mut answers = Vec::new();
    for payment in payments {
        if charges.len() >= CONCURRENT_CHARGES {
            answers.extend(charges.join_next().await.transpose().map_err(charge_task)?);
        }
        let (gateway, token, id) = (gateway.clone(), payment.gateway_token.clone(), payment.id);
        let cents = payment.amount_cents + payment.fee_cents;
        let reference = charge_reference(&payment.channel, id);
        charges.spawn(async move {
            let outcome = match token {
                Some(token) => gateway.0.charge(&token, cents, &reference).await,
                None => Ok(ChargeOutcome::Declined { reason: "no card on file".into() }),
            };
            (id, outcome)
        });
    }
    while let Some(answer) = charges.join_next().await {
        answers.push(answer.map_err(charge_task)?);
    }
    Ok(answers)
}

/// The reference the processor knows a charge by: the same on every attempt, so a charge
/// retried after a stop is recognised and not made twice.
pub fn charge_reference(channel: &str, id: PaymentId) -> String {
    match channel {
        "autopay" => format!("AUTOPAY-{id}"),
        _ => format!("PAY-{id}"),
    }
}

fn charge_task(e: tokio::task::JoinError) -> PaymentError {
    PaymentError::Io("a card charge".into(), std::io::Error::other(e))
}

/// The email of a scheduled one-time payment charged on its date: it speaks of the payment
/// the customer made, not of AutoPay.
fn one_time_email(
    head: &Letterhead,
    lang: crate::email::Lang,
    to: &str,
    payment: &CardPayment,
    approved: bool,
    method: &str,
) -> Composed {
    let line = texts::PaidLine {
        account: &payment.number,
        reference: crate::domain::payment::reference(payment.id.0),
        amount: Cents(payment.amount_cents),
        fee: Cents(payment.fee_cents),
        declined: !approved,
    };
    let news = if approved { texts::OneTimeNews::Paid } else { texts::OneTimeNews::Declined };
    texts::one_time(head, lang, to, news, &[line], payment.draft_date, method)
}

/// What a charge's answer means for the payment, and the email that says so.
fn answer_of<'p>(
    head: &Letterhead,
    payment: &'p CardPayment,
    outcome: Result<ChargeOutcome, GatewayError>,
    charged: &mut Charged,
) -> (&'p CardPayment, CardAnswer, Option<Composed>) {
    let lang = lang_of(payment.locale.as_deref());
    let email_for = |approved: bool| {
        let to = payment.email.as_deref()?;
        let method = method_label(
            lang,
            &payment.kind,
            None,
            payment.card_brand.as_deref(),
            &payment.last4,
            None,
        );
        let amount = Cents(payment.amount_cents);
        if payment.channel != "autopay" {
            return Some(one_time_email(head, lang, to, payment, approved, &method));
        }
        Some(if approved {
            texts::receipt(head, lang, to, &payment.number, amount, payment.draft_date, &method)
        } else {
            texts::declined(head, lang, to, &payment.number, amount, payment.due_date, &method)
        })
    };
    match outcome {
        Ok(ChargeOutcome::Approved { reference }) => {
            charged.paid += 1;
            (payment, CardAnswer::Approved(reference), email_for(true))
        }
        Ok(ChargeOutcome::Declined { reason }) | Err(GatewayError::Refused(reason)) => {
            charged.declined += 1;
            (payment, CardAnswer::Declined(reason), email_for(false))
        }
        Err(e) => {
            tracing::warn!(payment = %payment.id, error = %e, "card payment left for the next run");
            charged.to_retry += 1;
            (payment, CardAnswer::Retry, None)
        }
    }
}
