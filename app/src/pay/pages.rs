//! Pay Now's pages: the Pay form, the review, and the confirmation (made to be printed).
//! None needs JavaScript: the form is sent by GET to the review, Submit Payment is a post.

use super::*;
use crate::auth::SignInNotice;
use crate::domain::format;
use crate::forms::{kept_outcome, Choice, ErrorSummary, I18n, RadioGroup};
use crate::i18n::*;
use crate::paths;
use crate::payments::{state_label, OnItsWayNotices};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn amount_message(i18n: I18n, p: AmountProblem) -> String {
    match p {
        AmountProblem::Empty => t_string!(i18n, pay.amount_empty),
        AmountProblem::Format => t_string!(i18n, pay.amount_format),
        AmountProblem::CommaForPoint => t_string!(i18n, pay.amount_comma),
        AmountProblem::TooSmall => t_string!(i18n, pay.amount_small),
        AmountProblem::TooLarge => t_string!(i18n, pay.amount_large),
        AmountProblem::NothingOwed => t_string!(i18n, pay.nothing_owed),
    }
    .to_string()
}

fn date_message(i18n: I18n, p: DateProblem) -> String {
    match p {
        DateProblem::Empty => t_string!(i18n, pay.date_empty),
        DateProblem::Format => t_string!(i18n, pay.date_format),
        DateProblem::Past => t_string!(i18n, pay.date_past),
        DateProblem::AfterDue => t_string!(i18n, pay.date_after_due),
    }
    .to_string()
}

fn message(i18n: I18n, p: PayProblem) -> String {
    match p {
        PayProblem::NoAccount => t_string!(i18n, pay.no_account).to_string(),
        PayProblem::AccountUnknown => t_string!(i18n, pay.account_unknown).to_string(),
        PayProblem::Amount(_, a) => amount_message(i18n, a),
        PayProblem::Date(d) => date_message(i18n, d),
        PayProblem::MethodMissing => t_string!(i18n, pay.method_missing).to_string(),
        PayProblem::OnItsWay => t_string!(i18n, pay.on_its_way_confirm).to_string(),
        PayProblem::SignInNeeded => t_string!(i18n, pay.sign_in_needed).to_string(),
        PayProblem::AccountNotConfirmed => t_string!(i18n, pay.account_not_confirmed).to_string(),
        PayProblem::AccountCheckUnavailable => {
            t_string!(i18n, pay.account_check_unavailable).to_string()
        }
    }
}

fn listed(i18n: I18n, problems: &[PayProblem]) -> Vec<(String, String)> {
    problems.iter().map(|p| (p.field(), message(i18n, *p))).collect()
}

/// Make a Payment: the accounts, the amount of each, the date and the method.
#[component]
pub fn PayPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let choices = Resource::new_blocking(
        move || {
            query
                .read()
                .latest_values()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        },
        choices_to_pay,
    );
    view! {
        <Title text=t_string!(i18n, pay.title).to_string()/>
        <h1>{t!(i18n, pay.title)}</h1>
        <Suspense fallback=|| ()>
            {move || choices.get().map(|r| match r {
                Ok(Some(choices)) => view! { <PayFields choices problems=Vec::new()/> }.into_any(),
                Ok(None) => view! { <SignInNotice>{t!(i18n, pay.sign_in_needed)}</SignInNotice> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// The Pay form, filled in as `choices.form` says, with `problems` shown.
#[component]
fn PayFields(choices: PayChoices, problems: Vec<PayProblem>) -> impl IntoView {
    let i18n = use_i18n();
    if choices.methods.is_empty() {
        return view! {
            <p class="notice">{t!(i18n, pay.no_methods)}</p>
            <p><a class="button primary" href=paths::ADD_METHOD>{t!(i18n, pay.add_method)}</a></p>
        }
        .into_any();
    }
    let summary = listed(i18n, &problems);
    let any_on_its_way = choices.accounts.iter().any(|a| !a.on_its_way.is_empty());
    let form = choices.form.clone();
    let date_error = problems.iter().find_map(|p| match p {
        PayProblem::Date(d) => Some(date_message(i18n, *d)),
        _ => None,
    });
    let method_error = problems
        .contains(&PayProblem::MethodMissing)
        .then(|| message(i18n, PayProblem::MethodMissing));
    let methods: Vec<Choice> = choices
        .methods
        .iter()
        .map(|m| {
            let fee =
                if m.kind == MethodKind::Echeck { choices.echeck_fee } else { choices.card_fee };
            let fee = (fee.0 > 0).then(|| format!(" ({} {fee})", t_string!(i18n, pay.fee)));
            Choice::new(
                format!("method-{}", m.id),
                m.id.to_string(),
                format!("{}{}", m.label(i18n.get_locale()), fee.unwrap_or_default()),
            )
        })
        .collect();
    let checked_method = form.method.map(|m| m.to_string()).unwrap_or_default();
    let today = format::iso_date(choices.today);
    let latest = format::iso_date(choices.latest_date);
    let date_hint = format!(
        "{} {}.",
        t_string!(i18n, pay.date_hint),
        format::long_date(choices.latest_date, crate::page_lang())
    );
    view! {
        <ErrorSummary problems=Signal::stored(summary)/>
        <form method="get" action=paths::PAY_REVIEW class="form pay-form">
            <input type="hidden" name="key" value=form.key.clone()/>
            <fieldset id="accounts" class="pay-accounts">
                <legend>{t!(i18n, pay.accounts)}</legend>
                {choices.accounts.iter().map(|a| view! { <AccountLine account=a.clone() form=form.clone() problems=problems.clone()/> }).collect_view()}
            </fieldset>
            <div class="field" class:has-error=date_error.is_some()>
                <label for="date">{t!(i18n, pay.date)}</label>
                <p class="hint" id="date-hint">{date_hint}</p>
                {date_error.clone().map(|m| view! { <p class="field-error" id="date-error">{m}</p> })}
                <input type="date" id="date" name="date" value=form.date.clone() min=today max=latest required
                    aria-describedby=if date_error.is_some() { "date-hint date-error" } else { "date-hint" }
                    aria-invalid=date_error.is_some().then_some("true")/>
            </div>
            <div id="method-list">
                <RadioGroup name="method" legend=t_string!(i18n, pay.method).to_string() choices=methods checked=checked_method
                    error=Signal::stored(method_error)>
                    <p><a href=paths::ADD_METHOD>{t!(i18n, pay.add_method)}</a></p>
                </RadioGroup>
            </div>
            {any_on_its_way.then(|| view! {
                <div class="field checkbox">
                    <input type="checkbox" id="again" name="again" value="1" checked=form.again/>
                    <label for="again">{t!(i18n, pay.again)}</label>
                </div>
            })}
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, pay.review)}</button>
                <a class="button secondary" href=paths::ACCOUNT>{t!(i18n, pay.cancel)}</a>
            </div>
        </form>
    }
    .into_any()
}

/// One account of the Pay form: tick to pay it, its balance and due date, what is already on
/// its way, and the amount (the balance, or another amount).
#[component]
fn AccountLine(account: PayableAccount, form: PayForm, problems: Vec<PayProblem>) -> impl IntoView {
    let i18n = use_i18n();
    let id = account.account_id;
    let line = form.line(id).cloned();
    let ticked = line.as_ref().is_some_and(|l| l.pay);
    let other_chosen = line.as_ref().is_some_and(|l| l.other_chosen);
    let other = line.map(|l| l.other).unwrap_or_default();
    let error = problems.iter().find_map(|p| match p {
        PayProblem::Amount(a, problem) if *a == id => Some(amount_message(i18n, *problem)),
        _ => None,
    });
    let due = account.due_date.map(|d| {
        format!(" · {} {}", t_string!(i18n, pay.due), format::long_date(d, crate::page_lang()))
    });
    let (pay_id, other_id, amount_name) =
        (format!("pay_{id}"), format!("other_{id}"), format!("amount_{id}"));
    let choices = vec![
        Choice::new(
            format!("amount_{id}-balance"),
            "balance",
            format!("{} ({})", t_string!(i18n, pay.current_balance), account.balance),
        ),
        Choice::new(
            format!("amount_{id}-other"),
            "other",
            t_string!(i18n, pay.other_amount).to_string(),
        ),
    ];
    view! {
        <div class="pay-account">
            <div class="field checkbox">
                <input type="checkbox" id=pay_id.clone() name=pay_id.clone() value="1" checked=ticked/>
                <label for=pay_id>{t!(i18n, pay.account)}" "{account.number.clone()}" — "{account.service_address.clone()}</label>
            </div>
            <p class="hint">{t!(i18n, pay.current_balance)}": "{account.balance.to_string()}{due}</p>
            <OnItsWayNotices payments=account.on_its_way.clone()/>
            <RadioGroup name=amount_name legend=format!("{} {}", t_string!(i18n, pay.amount_for), account.number) choices
                checked=if other_chosen { "other" } else { "balance" }>
                <div class="field" class:has-error=error.is_some()>
                    <label for=other_id.clone()>{t!(i18n, pay.other_amount)}</label>
                    {error.clone().map(|m| view! { <p class="field-error" id=format!("{other_id}-error")>{m}</p> })}
                    <input type="text" id=other_id.clone() name=other_id.clone() value=other inputmode="decimal" autocomplete="off"
                        aria-invalid=error.is_some().then_some("true")
                        aria-describedby=error.is_some().then(|| format!("{other_id}-error"))/>
                </div>
            </RadioGroup>
        </div>
    }
}

/// Review Payment: the payment as it will be made, or the form again with its problems.
#[component]
pub fn PayReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let step = Resource::new_blocking(
        move || {
            query
                .read()
                .latest_values()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        },
        review_payment,
    );
    let action = ServerAction::<SubmitPayment>::new();
    let kept = Resource::new_blocking(|| (), |_| take_pay_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, pay.review_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || step.get().map(|r| match r {
                Ok(PayStep::Review(review)) => {
                    let kept = outcome.get().problems;
                    view! { <ReviewForm review action kept/> }.into_any()
                }
                Ok(PayStep::Fix(choices, problems)) => view! {
                    <h1>{t!(i18n, pay.title)}</h1>
                    <PayFields choices problems/>
                }.into_any(),
                Ok(PayStep::Submitted(submission)) => view! {
                    <h1>{t!(i18n, pay.review_title)}</h1>
                    <p class="notice" role="status">{t!(i18n, pay.already_submitted)}</p>
                    <p><a class="button primary" href=format!("{}?ref={submission}", paths::PAY_DONE)>{t!(i18n, pay.see_payment)}</a></p>
                }.into_any(),
                Ok(PayStep::SignedOut) => view! {
                    <h1>{t!(i18n, pay.review_title)}</h1>
                    <SignInNotice>{t!(i18n, pay.sign_in_needed)}</SignInNotice>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// The lines of a payment: account, amount and fee of each.
#[component]
fn LinesTable(lines: Vec<PayLine>, total: Cents) -> impl IntoView {
    let i18n = use_i18n();
    let any_fee = lines.iter().any(|l| l.fee.0 > 0);
    view! {
        <table class="pay-lines">
            <caption class="visually-hidden">{t!(i18n, pay.accounts)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, pay.account)}</th>
                <th scope="col">{t!(i18n, pay.amount)}</th>
                {any_fee.then(|| view! { <th scope="col">{t!(i18n, pay.fee)}</th> })}
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|l| view! {
                    <tr>
                        <th scope="row">{l.number}</th>
                        <td>{l.amount.to_string()}</td>
                        {any_fee.then(|| view! { <td>{l.fee.to_string()}</td> })}
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr>
                <th scope="row">{t!(i18n, pay.total)}</th>
                <td colspan=if any_fee { "2" } else { "1" }>{total.to_string()}</td>
            </tr></tfoot>
        </table>
    }
}

#[component]
fn ReviewForm(
    review: PayReview,
    action: ServerAction<SubmitPayment>,
    kept: Vec<PayProblem>,
) -> impl IntoView {
    let i18n = use_i18n();
    let date = format::long_date(review.date, crate::page_lang());
    let when = if review.scheduled {
        format!("{date} ({})", t_string!(i18n, pay.state_scheduled))
    } else {
        date
    };
    let change = format!("{}?{}", paths::PAY, review.form_query);
    view! {
        <h1>{t!(i18n, pay.review_title)}</h1>
        <ErrorSummary problems=Signal::stored(listed(i18n, &kept))/>
        <LinesTable lines=review.lines.clone() total=review.total/>
        <dl class="facts">
            <dt>{t!(i18n, pay.date)}</dt><dd>{when}</dd>
            <dt>{t!(i18n, pay.method)}</dt><dd>{review.method.clone()}</dd>
        </dl>
        <h2>{t!(i18n, pay.authorization)}</h2>
        <p class="authorization">{review.authorization.clone()}</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="form" value=review.form_query.clone()/>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, pay.submit)}</button>
                <a class="button secondary" href=change>{t!(i18n, pay.change)}</a>
            </div>
        </ActionForm>
    }
}

/// The confirmation: a reference number per account, made to be printed; a scheduled
/// payment can be cancelled here until it is sent.
#[component]
pub fn PayConfirmationPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let confirmation = Resource::new_blocking(
        move || query.read().get("ref").and_then(|r| r.parse().ok()).unwrap_or(SubmissionId(0)),
        payment_confirmation,
    );
    view! {
        <Title text=t_string!(i18n, pay.done_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || confirmation.get().map(|r| match r {
                Ok(Some(c)) => view! { <Confirmation c/> }.into_any(),
                Ok(None) => view! {
                    <h1>{t!(i18n, pay.done_title)}</h1>
                    <p class="notice">{t!(i18n, pay.not_found)}</p>
                    <p><a href=paths::ACCOUNT>{t!(i18n, pay.back_to_account)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

fn confirmation_heading(i18n: I18n, c: &PayConfirmation) -> String {
    let all = |s: PaymentState| c.lines.iter().all(|l| l.state == s);
    let any_declined = c.lines.iter().any(|l| l.state == PaymentState::Declined);
    if all(PaymentState::Declined) {
        t_string!(i18n, pay.done_declined)
    } else if any_declined {
        t_string!(i18n, pay.done_partly)
    } else if all(PaymentState::Scheduled) {
        t_string!(i18n, pay.done_scheduled)
    } else if all(PaymentState::Cancelled) {
        t_string!(i18n, pay.done_cancelled)
    } else {
        t_string!(i18n, pay.done_title)
    }
    .to_string()
}

#[component]
fn Confirmation(c: PayConfirmation) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<CancelScheduledPayment>::new();
    let heading = confirmation_heading(i18n, &c);
    let declined: Vec<ConfirmedLine> =
        c.lines.iter().filter(|l| l.state == PaymentState::Declined).cloned().collect();
    let partly = !declined.is_empty() && declined.len() < c.lines.len();
    let unreachable = declined.iter().any(|l| l.unreachable);
    // Try again pays what was not paid: the (first) declined account.
    let retry = declined.first().map(|l| format!("{}?account={}", paths::PAY, l.account_id));
    let l = crate::page_lang();
    view! {
        <div class="confirmation">
            <crate::print::PrintHeader/>
            <h1>{heading}</h1>
            {(!declined.is_empty()).then(|| view! {
                <div class="notice" role="alert">
                    {if partly {
                        view! { <PartlyDeclined declined=declined.clone()/> }.into_any()
                    } else {
                        view! { <p>{if unreachable { t_string!(i18n, pay.unreachable) } else { t_string!(i18n, pay.declined) }}</p> }.into_any()
                    }}
                    <p class="no-print"><a class="button primary" href=retry.clone()>{t!(i18n, pay.try_again)}</a></p>
                </div>
            })}
            <table class="pay-lines">
                <caption class="visually-hidden">{t!(i18n, pay.accounts)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, pay.account)}</th>
                    <th scope="col">{t!(i18n, pay.reference)}</th>
                    <th scope="col">{t!(i18n, pay.amount)}</th>
                    <th scope="col">{t!(i18n, pay.fee)}</th>
                    <th scope="col">{t!(i18n, pay.state)}</th>
                </tr></thead>
                <tbody>
                    {c.lines.iter().map(|line| view! { <ConfirmedRow line=line.clone() submission=c.submission cancel/> }).collect_view()}
                </tbody>
            </table>
            <dl class="facts">
                <dt>{t!(i18n, pay.total)}</dt><dd>{c.total.to_string()}</dd>
                <dt>{t!(i18n, pay.date)}</dt><dd>{format::long_date(c.date, l)}</dd>
                <dt>{t!(i18n, pay.method)}</dt><dd>{c.method.clone()}</dd>
                <dt>{t!(i18n, pay.submitted_on)}</dt><dd>{format::long_date(c.submitted_on, l)}</dd>
            </dl>
            <div class="actions no-print">
                <crate::print::PrintButton label=t_string!(i18n, pay.print).to_string()/>
                <a class="button secondary" href=paths::ACCOUNT>{t!(i18n, pay.back_to_account)}</a>
            </div>
        </div>
    }
}

/// Of a payment whose lines went differently: which accounts were not charged, and why.
#[component]
fn PartlyDeclined(declined: Vec<ConfirmedLine>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{t!(i18n, pay.partly_declined)}</p>
        <ul class="declined-lines">
            {declined.into_iter().map(|line| {
                let why = if line.unreachable {
                    t_string!(i18n, pay.line_unreachable)
                } else {
                    t_string!(i18n, pay.line_declined)
                };
                view! { <li>{t!(i18n, pay.account)}" "{line.number}" ("{line.amount.to_string()}"): "{why}</li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ConfirmedRow(
    line: ConfirmedLine,
    submission: SubmissionId,
    cancel: ServerAction<CancelScheduledPayment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let scheduled = line.state == PaymentState::Scheduled;
    view! {
        <tr>
            <th scope="row">{line.number.clone()}</th>
            <td class="reference">{line.reference.clone()}</td>
            <td>{line.amount.to_string()}</td>
            <td>{line.fee.to_string()}</td>
            <td>
                {state_label(i18n, line.state)}
                {scheduled.then(|| view! {
                    <details class="confirm-cancel no-print">
                        <summary>{t!(i18n, pay.cancel_payment)}</summary>
                        <ActionForm action=cancel>
                            <input type="hidden" name="payment_id" value=line.payment_id.to_string()/>
                            <input type="hidden" name="submission" value=submission.to_string()/>
                            <button type="submit" class="danger">{t!(i18n, pay.cancel_yes)}</button>
                        </ActionForm>
                    </details>
                })}
            </td>
        </tr>
    }
}
