//! Pay Now's rules: what may be paid, the review, and submitting exactly once. Every check
//! of the page is made again here, from the database, when the form is submitted.

use super::*;
use crate::domain::payment::{check_amount, parse_amount, payment_date};
use crate::domain::{BillId, CustomerId, Lang};
use crate::payments::data::one_time::{self as data, Recorded};
pub use crate::payments::one_time::PayContext;
use crate::payments::one_time::{self as one_time, OneTime, Payer, Refusal};

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
    // A bank account the bank returned is not offered (My Wallet says why).
    let mut methods = crate::payments::data::saved::methods(&ctx.db, customer_id).await?;
    methods.retain(|m| m.usable());
    let form = form.unwrap_or_else(|| PayForm {
        key: crate::platform::tokens::random_token(),
        date: crate::domain::autopay::calendar::iso(ctx.today),
        method: methods.iter().find(|m| m.is_default).or(methods.first()).map(|m| m.id),
        new: None,
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
) -> Result<Result<OneTime, Vec<PayProblem>>, sqlx::Error> {
    let offered = offered(ctx, customer_id).await?;
    let mut problems = Vec::new();
    let method = match form.method {
        Some(id) => data::method_to_pay(&ctx.db, customer_id, id, &ctx.entered).await?,
        None => None,
    };
    // One the bank returned (an edited form, or a page opened before the return).
    let method = match method {
        Some(m) if m.unusable_code.is_some() => {
            problems.push(PayProblem::MethodUnusable);
            None
        }
        m => m,
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
    if (method.is_none() || kind.is_none()) && !problems.contains(&PayProblem::MethodUnusable) {
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
            Ok(Ok(OneTime { lines, date, method, kind }))
        }
        _ => Ok(Err(problems)),
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
    if let (None, Some(new)) = (form.method, form.new) {
        return enter_step(ctx, customer_id, form, new).await;
    }
    if let (None, Some(new)) = (form.method, form.new) {
        return enter_step(ctx, customer_id, form, new).await;
    }
    match check(ctx, customer_id, &form).await? {
        Ok(c) => Ok(PayStep::Review(PayReview {
            lines: c.lines.iter().map(|(l, _)| l.clone()).collect(),
            date: c.date,
            debited_on: c.debited_on(ctx.today).filter(|d| *d != c.date),
            scheduled: c.scheduled(ctx.today),
            kind: c.kind,
            method: c.label(ctx.lang),
            total: c.total(),
            authorization: c.authorization(ctx),
            form_query: form.query(),
        })),
        Err(problems) => {
            let choices = choices(ctx, customer_id, Some(form), None).await?;
            Ok(PayStep::Fix(choices, problems))
        }
    }
}

/// A new method chosen: the rest of the form is checked first (so that nobody types a card
/// number to hear that an amount is wrong), then the entry form for its kind.
async fn enter_step(
    ctx: &PayContext,
    customer_id: CustomerId,
    form: PayForm,
    new: NewMethod,
) -> Result<PayStep, sqlx::Error> {
    let problems = match check(ctx, customer_id, &form).await? {
        Ok(_) => Vec::new(),
        Err(mut problems) => {
            problems.retain(|p| *p != PayProblem::MethodMissing);
            problems
        }
    };
    if problems.is_empty() {
        let setup = crate::payments::entry::EntrySetup::new(&ctx.gateway, ctx.today);
        return Ok(PayStep::Enter(new, setup, form.query()));
    }
    let choices = choices(ctx, customer_id, Some(form), None).await?;
    Ok(PayStep::Fix(choices, problems))
}

/// Submit Payment: records the payment once per form key (a second submit of the same form
/// answers the first one's submission), then charges a card now. Err with the problems
/// when the form no longer checks out (and nothing is recorded).
pub async fn submit(
    ctx: &PayContext,
    customer_id: CustomerId,
    form: &PayForm,
) -> Result<Result<SubmissionId, Vec<PayProblem>>, sqlx::Error> {
    if !one_time::plausible_key(&form.key) {
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
    let contact = crate::auth::data::login_of_customer(&ctx.db, customer_id).await?;
    let payer = Payer {
        customer_id,
        channel: "one_time",
        form_key: &form.key,
        receipt_email: contact.as_ref().map(|l| l.email.as_str()),
        lang: contact.as_ref().map_or(ctx.lang, |l| Lang::from_locale(&l.locale)),
    };
    Ok(match one_time::pay(ctx, &payer, &c).await? {
        Ok(Recorded::New(id, _)) => Ok(id),
        Ok(Recorded::Existing(id, owner)) if owner == customer_id => Ok(id),
        Ok(Recorded::Existing(..)) => Err(vec![PayProblem::NoAccount]),
        Ok(Recorded::TooMuch(account, problem)) => Err(vec![PayProblem::Amount(account, problem)]),
        Err(Refusal::AccountNotConfirmed) => Err(vec![PayProblem::AccountNotConfirmed]),
        Err(Refusal::AccountCheckUnavailable) => Err(vec![PayProblem::AccountCheckUnavailable]),
        Err(Refusal::MethodUnusable) => Err(vec![PayProblem::MethodUnusable]),
    })
}
