//! Pay Now's rules: what may be paid, the review, and submitting exactly once. Every check
//! of the page is made again here, from the database, when the form is submitted.

use super::*;
use crate::domain::payment::{check_amount, parse_amount, payment_date, reference};
use crate::domain::{format, BillId, CustomerId, Lang, PaymentId};
use crate::domain::{BankAccountNumber, BankAccountType, MethodId, RoutingNumber};
use crate::gateway::{ChargeOutcome, Gateway, GatewayError, Validation, Validator};
use crate::payments::cards::charge_reference;
use crate::payments::data::one_time::{
    self as data, ChargeAnswer, MethodToPay, NewLine, NewSubmission, Recorded,
};
use crate::payments::texts::{self, OneTimeNews, PaidLine};
use crate::platform::vault::Vault;
use crate::platform::{Config, Db};

/// Why a card payment failed when the processor could not be reached (nothing charged).
const UNREACHABLE: &str = "card processor unavailable";

pub struct PayContext {
    pub db: Db,
    pub config: Config,
    pub gateway: Gateway,
    pub vault: Vault,
    pub validator: Validator,
    pub lang: Lang,
    pub today: Date,
}

/// An account as the form offers it, with the bill a payment of it is recorded against.
struct Offered {
    account: PayableAccount,
    bill_id: Option<BillId>,
}

async fn offered(ctx: &PayContext, customer_id: CustomerId) -> Result<Vec<Offered>, sqlx::Error> {
    let rows = data::payable_accounts(&ctx.db, customer_id).await?;
    let mut on_its_way = data::on_its_way_by_account(&ctx.db, customer_id).await?;
    let iso = crate::domain::autopay::calendar::parse_iso;
    Ok(rows
        .into_iter()
        .map(|r| {
            let owed = r.balance_cents.unwrap_or_default().0 - r.unapplied_cents.0;
            let on_its_way = on_its_way.remove(&r.account_id).unwrap_or_default();
            Offered {
                account: PayableAccount {
                    account_id: r.account_id,
                    number: r.number,
                    service_address: r.service_address,
                    balance: Cents(owed.max(0)),
                    due_date: r.due_date.as_deref().and_then(iso),
                    on_its_way,
                },
                bill_id: r.bill_id,
            }
        })
        .collect())
}

/// The Pay page's choices, with `form` as filled in, or its defaults: a fresh key, today,
/// the default method, and every account that owes (or only `only`) ticked.
pub async fn choices(
    ctx: &PayContext,
    customer_id: CustomerId,
    form: Option<PayForm>,
    only: Option<AccountId>,
) -> Result<PayChoices, sqlx::Error> {
    let accounts: Vec<PayableAccount> =
        offered(ctx, customer_id).await?.into_iter().map(|o| o.account).collect();
    let methods = crate::payments::data::saved::methods(&ctx.db, customer_id).await?;
    let form = form.unwrap_or_else(|| PayForm {
        key: crate::platform::tokens::random_token(),
        date: crate::domain::autopay::calendar::iso(ctx.today),
        method: methods.iter().find(|m| m.is_default).or(methods.first()).map(|m| m.id),
        again: false,
        lines: accounts
            .iter()
            .map(|a| LineForm {
                account_id: a.account_id,
                pay: only.map_or(a.balance.0 > 0, |id| id == a.account_id),
                other_chosen: false,
                other: String::new(),
            })
            .collect(),
    });
    let latest_date = accounts
        .iter()
        .filter_map(|a| a.due_date)
        .filter(|d| *d >= ctx.today)
        .max()
        .unwrap_or(ctx.today);
    Ok(PayChoices {
        accounts,
        methods,
        card_fee: ctx.config.payments.card_fee,
        echeck_fee: ctx.config.payments.echeck_fee,
        today: ctx.today,
        latest_date,
        form,
    })
}

/// A payment that checks out, ready to review or to record.
struct Checked {
    lines: Vec<(PayLine, BillId)>,
    date: Date,
    method: MethodToPay,
    kind: MethodKind,
}

impl Checked {
    fn total(&self) -> Cents {
        Cents(self.lines.iter().map(|(l, _)| l.amount.0 + l.fee.0).sum())
    }
    fn scheduled(&self, today: Date) -> bool {
        self.date > today
    }
    fn label(&self, lang: Lang) -> String {
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
}

/// The amount of one ticked line, checked against what the account owes.
fn line_amount(ctx: &PayContext, line: &LineForm, owed: Cents) -> Result<Cents, AmountProblem> {
    let limit = ctx.config.payments.overpayment_limit;
    let amount = if line.other_chosen { parse_amount(&line.other)? } else { owed };
    check_amount(amount, owed, limit)
}

/// Checks the form against the customer's accounts and methods as they are now.
async fn check(
    ctx: &PayContext,
    customer_id: CustomerId,
    form: &PayForm,
) -> Result<Result<Checked, Vec<PayProblem>>, sqlx::Error> {
    let offered = offered(ctx, customer_id).await?;
    let mut problems = Vec::new();
    let method = match form.method {
        Some(id) => data::method_to_pay(&ctx.db, customer_id, id).await?,
        None => None,
    };
    let kind = method.as_ref().and_then(|m| MethodKind::parse(&m.kind));
    let fee = match kind {
        Some(MethodKind::Echeck) => ctx.config.payments.echeck_fee,
        _ => ctx.config.payments.card_fee,
    };
    let mut lines = Vec::new();
    let mut latest_due = None;
    for line in form.lines.iter().filter(|l| l.pay) {
        let Some(o) = offered.iter().find(|o| o.account.account_id == line.account_id) else {
            problems.push(PayProblem::AccountUnknown);
            continue;
        };
        let Some(bill_id) = o.bill_id else {
            problems.push(PayProblem::Amount(line.account_id, AmountProblem::NothingOwed));
            continue;
        };
        match line_amount(ctx, line, o.account.balance) {
            Ok(amount) => {
                let number = o.account.number.clone();
                lines.push((PayLine { account_id: line.account_id, number, amount, fee }, bill_id));
            }
            Err(p) => problems.push(PayProblem::Amount(line.account_id, p)),
        }
        latest_due = latest_due.max(o.account.due_date);
        if !o.account.on_its_way.is_empty() && !form.again {
            problems.push(PayProblem::OnItsWay);
        }
    }
    if form.lines.iter().all(|l| !l.pay) {
        problems.push(PayProblem::NoAccount);
    }
    let date = payment_date(&form.date, ctx.today, latest_due)
        .map_err(|p| problems.push(PayProblem::Date(p)))
        .ok();
    if method.is_none() || kind.is_none() {
        problems.push(PayProblem::MethodMissing);
    }
    // Each problem once, in the order found (two accounts can both have a payment on its way).
    let mut seen = Vec::with_capacity(problems.len());
    problems.retain(|p| {
        !seen.contains(p) && {
            seen.push(*p);
            true
        }
    });
    match (problems.is_empty(), date, method, kind) {
        (true, Some(date), Some(method), Some(kind)) => {
            Ok(Ok(Checked { lines, date, method, kind }))
        }
        _ => Ok(Err(problems)),
    }
}

/// The authorization the customer agrees to with Submit Payment.
fn authorization(ctx: &PayContext, c: &Checked) -> String {
    let (lang, utility) = (ctx.lang, &ctx.config.utility.name);
    let (total, method) = (c.total(), c.label(lang));
    let date = format::long_date(c.date, lang);
    match (c.kind, lang) {
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

/// Review Payment's answer.
pub async fn review(
    ctx: &PayContext,
    customer_id: CustomerId,
    form: PayForm,
) -> Result<PayStep, sqlx::Error> {
    if let Some((id, owner)) = data::submission_of_key(&ctx.db, &form.key).await? {
        if owner == customer_id {
            return Ok(PayStep::Submitted(id));
        }
    }
    match check(ctx, customer_id, &form).await? {
        Ok(c) => Ok(PayStep::Review(PayReview {
            lines: c.lines.iter().map(|(l, _)| l.clone()).collect(),
            date: c.date,
            scheduled: c.scheduled(ctx.today),
            kind: c.kind,
            method: c.label(ctx.lang),
            total: c.total(),
            authorization: authorization(ctx, &c),
            form_query: form.query(),
        })),
        Err(problems) => {
            let choices = choices(ctx, customer_id, Some(form), None).await?;
            Ok(PayStep::Fix(choices, problems))
        }
    }
}

/// A form key as the Pay page makes them; anything else was not made here.
fn plausible_key(key: &str) -> bool {
    (16..=64).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Submit Payment: records the payment once per form key (a second submit of the same form
/// answers the first one's submission), then charges a card now. Err with the problems
/// when the form no longer checks out (and nothing is recorded).
pub async fn submit(
    ctx: &PayContext,
    customer_id: CustomerId,
    form: &PayForm,
) -> Result<Result<SubmissionId, Vec<PayProblem>>, sqlx::Error> {
    if !plausible_key(&form.key) {
        return Ok(Err(vec![PayProblem::NoAccount]));
    }
    let already = || async {
        let found = data::submission_of_key(&ctx.db, &form.key).await?;
        Ok::<_, sqlx::Error>(found.map(|(id, owner)| {
            if owner == customer_id {
                Ok(id)
            } else {
                Err(vec![PayProblem::NoAccount])
            }
        }))
    };
    if let Some(answer) = already().await? {
        return Ok(answer);
    }
    let c = match check(ctx, customer_id, form).await? {
        Ok(c) => c,
        // The same form, submitted meanwhile from another tab or instance, may be what
        // paid the balance: then its payment is the answer.
        Err(problems) => return Ok(already().await?.unwrap_or(Err(problems))),
    };
    if c.kind == MethodKind::Echeck {
        if let Err(problem) = validate_account(ctx, customer_id, c.method.id).await? {
            return Ok(Err(vec![problem]));
        }
    }
    let contact = crate::auth::data::login_of_customer(&ctx.db, customer_id).await?;
    let lang = contact.as_ref().map_or(ctx.lang, |l| Lang::from_locale(&l.locale));
    let scheduled = c.scheduled(ctx.today);
    let charging_now = c.kind != MethodKind::Echeck && !scheduled;
    let news = if scheduled { OneTimeNews::Scheduled } else { OneTimeNews::OnItsWay };
    let draft_date = crate::domain::autopay::calendar::iso(c.date);
    let submission = NewSubmission {
        form_key: &form.key,
        customer_id,
        channel: "one_time",
        receipt_email: contact.as_ref().map(|l| l.email.as_str()),
        locale: lang.code(),
        method_id: c.method.id,
        draft_date: &draft_date,
        status: if scheduled { "scheduled" } else { "pending" },
        charging_now,
        overpayment_limit: ctx.config.payments.overpayment_limit,
        lines: c.lines.iter().map(|(l, bill_id)| new_line(l, *bill_id)).collect(),
        receipt: None,
    };
    let receipt = contact.as_ref().filter(|_| !charging_now).map(|l| (l.email.as_str(), news));
    let recorded = record(ctx, submission, &c, lang, receipt).await?;
    match recorded {
        Recorded::Existing(id, owner) if owner == customer_id => Ok(Ok(id)),
        Recorded::Existing(..) => Ok(Err(vec![PayProblem::NoAccount])),
        Recorded::TooMuch(account, problem) => Ok(Err(vec![PayProblem::Amount(account, problem)])),
        Recorded::New(id, payments) => {
            if charging_now {
                let to = contact.as_ref().map(|l| l.email.as_str());
                charge_now(ctx, &c, &payments, lang, to).await?;
            }
            Ok(Ok(id))
        }
    }
}

/// NACHA's account validation before the first WEB debit from a bank account the portal has
/// not seen debited (`data::unseen_bank_account`). A valid account is recorded as validated,
/// so it is checked once; otherwise the payment is refused and nothing is stored.
async fn validate_account(
    ctx: &PayContext,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Result<(), PayProblem>, sqlx::Error> {
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
        return Ok(Err(PayProblem::AccountCheckUnavailable));
    };
    match ctx.validator.validate(&routing, &number, account_type).await {
        Ok(Validation::Valid) => {
            data::record_validated(&ctx.db, method_id).await?;
            Ok(Ok(()))
        }
        Ok(Validation::Invalid { reason }) => {
            tracing::info!(method = %method_id, %reason, "bank account not confirmed: payment refused");
            Ok(Err(PayProblem::AccountNotConfirmed))
        }
        Err(e) => {
            tracing::warn!(method = %method_id, error = %e, "bank account validation unreachable: payment refused");
            Ok(Err(PayProblem::AccountCheckUnavailable))
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
    c: &Checked,
    lang: Lang,
    receipt: Option<(&str, OneTimeNews)>,
) -> Result<Recorded, sqlx::Error> {
    let head = crate::email::Letterhead::from_config(&ctx.config);
    let method = c.label(lang);
    let compose = receipt.map(|(to, news)| {
        move |ids: &[PaymentId]| {
            texts::one_time(&head, lang, to, news, &paid_lines(c, ids), c.date, &method)
        }
    });
    let receipt: Option<data::ReceiptOf<'_>> = compose.as_ref().map(|f| f as _);
    data::record_submission(&ctx.db, &NewSubmission { receipt, ..submission }).await
}

/// The lines of an email, with the references of their payments.
fn paid_lines<'c>(c: &'c Checked, ids: &[PaymentId]) -> Vec<PaidLine<'c>> {
    c.lines
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
/// one email that tells the customer.
async fn charge_now(
    ctx: &PayContext,
    c: &Checked,
    payments: &[PaymentId],
    lang: Lang,
    to: Option<&str>,
) -> Result<(), sqlx::Error> {
    let token = c.method.gateway_token.clone().unwrap_or_default();
    let mut answers = Vec::with_capacity(payments.len());
    for ((line, _), id) in c.lines.iter().zip(payments) {
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
    let method = c.label(lang);
    let email = to.map(|to| {
        let mut lines = paid_lines(c, payments);
        for (line, (_, answer)) in lines.iter_mut().zip(&answers) {
            line.declined = !matches!(answer, ChargeAnswer::Approved(_));
        }
        // One email for the whole form: each line says how it went when they differ.
        let news = match (lines.iter().all(|l| !l.declined), lines.iter().all(|l| l.declined)) {
            (true, _) => OneTimeNews::Paid,
            (_, true) => OneTimeNews::Declined,
            _ => OneTimeNews::PartlyPaid,
        };
        texts::one_time(&head, lang, to, news, &lines, c.date, &method)
    });
    data::record_charges(&ctx.db, &answers, email.as_ref()).await
}

/// The confirmation of the customer's submission; None when it is not theirs.
pub async fn confirmation(
    ctx: &PayContext,
    customer_id: CustomerId,
    submission: SubmissionId,
) -> Result<Option<PayConfirmation>, sqlx::Error> {
    let rows = data::submission(&ctx.db, customer_id, submission).await?;
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
