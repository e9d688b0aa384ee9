//! Quick Pay's rules: the look-up, the choices, the review and the payment. Every page's
//! checks are made again, from the database, when the payment is submitted.

use super::data::{self, NamedAccount};
use super::session::QuickPayState;
use super::{BillToPay, Choices, DetailsStep, QuickPayProblem as Problem, QuickPayReview};
use crate::domain::payment::{check_amount, parse_amount, AmountProblem};
use crate::domain::{mask, BillId, Cents, CustomerAccountNumber, Email, SubmissionId, Zip};
use crate::payments::data::one_time::{self as payments_data, Recorded};
use crate::payments::entry::{self, service::Enterer, Keep, MethodForm, MethodProblem};
use crate::payments::one_time::{self, OneTime, PayContext, Payer, Refusal};
use crate::payments::{MethodKind, PayLine};
use crate::platform::throttle::{self, Limit, Scope, DAY};

/// Counts an attempt against the account number and the client address; minutes to wait
/// when either is over its day's limit.
async fn count_attempt(
    ctx: &PayContext,
    client: &str,
    account_key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let l = &ctx.config.limits;
    let per_day = |max| Limit { max, window_secs: DAY };
    throttle::attempt_all(
        &ctx.db,
        &[
            (Scope::QuickPayByAddress, client, per_day(l.quick_pay_per_address_day)),
            (Scope::QuickPayByAccount, account_key, per_day(l.quick_pay_per_account_day)),
        ],
    )
    .await
}

/// Finds the account a bill's numbers and ZIP code name. A wrong number and a wrong ZIP
/// get the same answer; a look-up that finds its account is not counted.
#[tracing::instrument(skip_all)]
pub async fn find(
    ctx: &PayContext,
    client: &str,
    number: &str,
    zip: &str,
) -> Result<Result<QuickPayState, Vec<Problem>>, sqlx::Error> {
    let (number, zip) = match (CustomerAccountNumber::parse(number), Zip::parse(zip)) {
        (Ok(n), Ok(z)) => (n, z),
        (n, z) => {
            let problems = n.err().map(Problem::Number).into_iter();
            return Ok(Err(problems.chain(z.err().map(Problem::Zip)).collect()));
        }
    };
    let account_key = number.account.as_padded();
    if let Some(minutes) = count_attempt(ctx, client, &account_key).await? {
        return Ok(Err(vec![Problem::TryLater(minutes)]));
    }
    let found = data::account_by_numbers(&ctx.db, &number).await?;
    let found = found.filter(|a| a.service_zip == zip.as_str() || a.mailing_zip == zip.as_str());
    let Some(account) = found else { return Ok(Err(vec![Problem::NoMatch])) };
    throttle::refund(&ctx.db, Scope::QuickPayByAddress, client).await?;
    throttle::refund(&ctx.db, Scope::QuickPayByAccount, &account_key).await?;
    Ok(Ok(QuickPayState::new(account.account_id, account.customer_id, account.number)))
}

/// The bill of the account found, masked; None when the account changed hands since.
async fn bill(
    ctx: &PayContext,
    state: &QuickPayState,
) -> Result<Option<(BillToPay, Option<BillId>)>, sqlx::Error> {
    let Some(account) = data::account(&ctx.db, state.account_id).await? else { return Ok(None) };
    let Some(row) = payments_data::payable_account(&ctx.db, state.account_id).await? else {
        return Ok(None);
    };
    if account.customer_id != state.owner {
        return Ok(None);
    }
    let owed = row.balance_cents.unwrap_or_default().0 - row.unapplied_cents.0;
    let bill = BillToPay {
        number: account.number.clone(),
        name: mask::name(&account.name),
        address: masked_address(&account),
        balance: Cents(owed.max(0)),
        due_date: row.due_date.as_deref().and_then(crate::domain::autopay::calendar::parse_iso),
        card_fee: ctx.config.payments.card_fee,
        echeck_fee: ctx.config.payments.echeck_fee,
    };
    Ok(Some((bill, row.bill_id)))
}

fn masked_address(a: &NamedAccount) -> String {
    format!("{}, {}", mask::address(&a.service_address), a.service_city)
}

pub async fn details(
    ctx: &PayContext,
    state: &QuickPayState,
) -> Result<Option<DetailsStep>, sqlx::Error> {
    let choices = state.choices.clone().unwrap_or_default();
    Ok(bill(ctx, state).await?.map(|(bill, _)| DetailsStep { bill, choices }))
}

/// The amount of the payment, checked against what the account owes now.
fn amount(ctx: &PayContext, choices: &Choices, owed: Cents) -> Result<Cents, AmountProblem> {
    let amount = if choices.other_chosen { parse_amount(&choices.other)? } else { owed };
    check_amount(amount, owed, ctx.config.payments.overpayment_limit)
}

/// Checks the choices and keeps them (with a form key) in `state`.
pub async fn choose(
    ctx: &PayContext,
    state: &mut QuickPayState,
    choices: Choices,
) -> Result<Result<(), Vec<Problem>>, sqlx::Error> {
    let Some((bill, bill_id)) = bill(ctx, state).await? else {
        return Ok(Err(vec![Problem::StartAgain]));
    };
    let mut problems = Vec::new();
    match (bill_id, amount(ctx, &choices, bill.balance)) {
        (None, _) => problems.push(Problem::Amount(AmountProblem::NothingOwed)),
        (Some(_), Err(p)) => problems.push(Problem::Amount(p)),
        (Some(_), Ok(_)) => {}
    }
    if choices.kind.is_none_or(|k| k == MethodKind::Wallet) {
        problems.push(Problem::KindMissing);
    }
    let email = match Email::parse(&choices.email) {
        Ok(e) => e.as_str().to_string(),
        Err(crate::domain::email::EmailError::Empty) => {
            problems.push(Problem::EmailEmpty);
            String::new()
        }
        Err(_) => {
            problems.push(Problem::EmailFormat);
            String::new()
        }
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let same_kind = state.choices.as_ref().is_some_and(|c| c.kind == choices.kind);
    if !same_kind {
        state.method = None;
    }
    state.key.get_or_insert_with(crate::platform::tokens::random_token);
    state.choices = Some(Choices { email, ..choices });
    Ok(Ok(()))
}

/// Enters the card or bank account of the kind chosen, for this payment only, as the
/// account's customer's (never listed in a wallet; only this session's state names it).
pub async fn enter(
    ctx: &PayContext,
    client: &str,
    state: &mut QuickPayState,
    form: &MethodForm,
) -> Result<Result<(), Vec<MethodProblem>>, crate::platform::ServiceError> {
    let chosen = state.choices.as_ref().and_then(|c| c.kind);
    if chosen.is_none() || form.kind.as_deref().and_then(MethodKind::parse) != chosen {
        return Ok(Err(vec![MethodProblem::KindMissing]));
    }
    let enterer = Enterer { customer_id: state.owner, client, limits: &ctx.config.limits };
    let entered = entry::service::enter(
        &ctx.db,
        &ctx.vault,
        &ctx.gateway,
        &enterer,
        form,
        ctx.today,
        Keep::ForOnePayment,
    )
    .await?;
    Ok(entered.map(|id| state.method = Some(id)))
}

/// The payment as chosen in `state`, checked against the account and method as they are now.
async fn checked(
    ctx: &PayContext,
    state: &QuickPayState,
) -> Result<Result<(OneTime, BillToPay, Choices), Vec<Problem>>, sqlx::Error> {
    let (Some((bill, Some(bill_id))), Some(choices)) =
        (bill(ctx, state).await?, state.choices.clone())
    else {
        return Ok(Err(vec![Problem::StartAgain]));
    };
    let amount = match amount(ctx, &choices, bill.balance) {
        Ok(a) => a,
        Err(p) => return Ok(Err(vec![Problem::Amount(p)])),
    };
    let method = match state.method {
        Some(id) => payments_data::method_to_pay(&ctx.db, state.owner, id, &[id]).await?,
        None => None,
    };
    let kind = method.as_ref().and_then(|m| MethodKind::parse(&m.kind));
    let (Some(method), Some(kind)) = (method, kind.filter(|k| Some(*k) == choices.kind)) else {
        return Ok(Err(vec![Problem::MethodMissing]));
    };
    let fee = if kind == MethodKind::Echeck { bill.echeck_fee } else { bill.card_fee };
    let line = PayLine { account_id: state.account_id, number: bill.number.clone(), amount, fee };
    let payment = OneTime { lines: vec![(line, bill_id)], date: ctx.today, method, kind };
    Ok(Ok((payment, bill, choices)))
}

/// Review Payment's answer.
pub async fn review(
    ctx: &PayContext,
    state: &QuickPayState,
) -> Result<Result<QuickPayReview, Vec<Problem>>, sqlx::Error> {
    let (p, bill, choices) = match checked(ctx, state).await? {
        Ok(c) => c,
        Err(problems) => return Ok(Err(problems)),
    };
    Ok(Ok(QuickPayReview {
        line: p.lines[0].0.clone(),
        total: p.total(),
        date: p.date,
        debited_on: p.debited_on(ctx.today).filter(|d| *d != p.date),
        method: p.label(ctx.lang),
        authorization: p.authorization(ctx),
        email: choices.email,
        key: state.key.clone().unwrap_or_default(),
        bill,
    }))
}

/// Submit Payment: pays once per key; every attempt counts against the day's limits.
#[tracing::instrument(skip_all, fields(account_id = %state.account_id))]
pub async fn submit(
    ctx: &PayContext,
    client: &str,
    state: &mut QuickPayState,
    key: &str,
) -> Result<Result<SubmissionId, Vec<Problem>>, sqlx::Error> {
    if state.key.as_deref() != Some(key) || !one_time::plausible_key(key) {
        return Ok(Err(vec![Problem::StartAgain]));
    }
    if let Some((id, owner)) = payments_data::submission_of_key(&ctx.db, key).await? {
        return Ok(if owner == state.owner { Ok(id) } else { Err(vec![Problem::StartAgain]) });
    }
    let account_key = state.number.rsplit('-').next().unwrap_or_default().to_string();
    if let Some(minutes) = count_attempt(ctx, client, &account_key).await? {
        return Ok(Err(vec![Problem::TryLater(minutes)]));
    }
    let (payment, _, choices) = match checked(ctx, state).await? {
        Ok(c) => c,
        Err(problems) => return Ok(Err(problems)),
    };
    let payer = Payer {
        customer_id: state.owner,
        channel: "quick_pay",
        form_key: key,
        receipt_email: Some(&choices.email),
        lang: ctx.lang,
    };
    Ok(match one_time::pay(ctx, &payer, &payment).await? {
        Ok(Recorded::New(id, _)) => Ok(id),
        Ok(Recorded::Existing(id, owner)) if owner == state.owner => Ok(id),
        Ok(Recorded::Existing(..)) => Err(vec![Problem::StartAgain]),
        Ok(Recorded::TooMuch(_, problem)) => Err(vec![Problem::Amount(problem)]),
        // Quick Pay's bank account is entered for this payment only; should the bank have
        // returned it meanwhile, it is refused as one the bank does not confirm.
        Err(Refusal::AccountNotConfirmed | Refusal::MethodUnusable) => {
            Err(vec![Problem::AccountNotConfirmed])
        }
        Err(Refusal::AccountCheckUnavailable) => Err(vec![Problem::AccountCheckUnavailable]),
    })
}
