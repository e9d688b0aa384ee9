//! Pay Now's pages: the Pay form, the review, and the confirmation (made to be printed).
//! None needs JavaScript: the form is sent by GET to the review, Submit Payment is a post.

use super::*;
use crate::auth::SignInNotice;
use crate::domain::format;
use crate::forms::{kept_outcome, Choice, ErrorSummary, I18n, RadioGroup};
use crate::i18n::*;
use crate::paths;
use crate::payments::entry::{live_messages, EntryFields, EntryOutcome, EntrySetup, LiveChecks};
use crate::payments::{amount_problem_text, ConfirmationBody, DebitedOn, OnItsWayNotices};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
        PayProblem::Amount(_, a) => amount_problem_text(i18n, a),
        PayProblem::Date(d) => date_message(i18n, d),
        PayProblem::MethodMissing => t_string!(i18n, pay.method_missing).to_string(),
        PayProblem::MethodUnusable => t_string!(i18n, pay.method_unusable).to_string(),
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
    let summary = listed(i18n, &problems);
    let any_on_its_way = choices.accounts.iter().any(|a| !a.on_its_way.is_empty());
    let form = choices.form.clone();
    let date_error = problems.iter().find_map(|p| match p {
        PayProblem::Date(d) => Some(date_message(i18n, *d)),
        _ => None,
    });
    let method_error = problems
        .iter()
        .find(|p| matches!(p, PayProblem::MethodMissing | PayProblem::MethodUnusable))
        .map(|p| message(i18n, *p));
    let fee_text = |echeck: bool| {
        let fee = if echeck { choices.echeck_fee } else { choices.card_fee };
        if fee.0 > 0 {
            format!(" ({} {fee})", t_string!(i18n, pay.fee))
        } else {
            String::new()
        }
    };
    let saved = choices.methods.iter().map(|m| {
        Choice::new(
            format!("method-{}", m.id),
            m.id.to_string(),
            format!("{}{}", m.label(i18n.get_locale()), fee_text(m.kind == MethodKind::Echeck)),
        )
    });
    // After the saved methods, one to enter on the review.
    let new = [
        (NewMethod::Echeck, t_string!(i18n, entry.new_echeck)),
        (NewMethod::Card, t_string!(i18n, entry.new_card)),
    ]
    .map(|(n, label)| {
        let text = format!("{label}{}", fee_text(n == NewMethod::Echeck));
        Choice::new(format!("method-{}", n.value()), n.value(), text)
    });
    let methods: Vec<Choice> = saved.chain(new).collect();
    let checked_method = match (form.method, form.new) {
        (Some(m), _) => m.to_string(),
        (None, Some(n)) => n.value().to_string(),
        (None, None) => String::new(),
    };
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
        PayProblem::Amount(a, problem) if *a == id => Some(amount_problem_text(i18n, *problem)),
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
    let entry_kept = kept_outcome(Resource::new_blocking(|| (), |_| take_pay_entry_outcome()));
    view! {
        <Title text=t_string!(i18n, pay.review_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || step.get().map(|r| match r {
                Ok(PayStep::Review(review)) => {
                    let kept = outcome.get().problems;
                    view! { <ReviewForm review action kept/> }.into_any()
                }
                Ok(PayStep::Enter(new, setup, form_query)) => view! {
                    <EnterMethod new setup form_query outcome=entry_kept.get()/>
                }.into_any(),
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
            <dt>{t!(i18n, pay.date)}</dt><dd>{when}<DebitedOn debited_on=review.debited_on/></dd>
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

#[component]
fn Confirmation(c: PayConfirmation) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<CancelScheduledPayment>::new();
    // Try again pays what was not paid: the (first) declined account.
    let declined = c.lines.iter().find(|l| l.state == PaymentState::Declined);
    let retry = declined.map(|l| paths::pay_account(l.account_id)).unwrap_or_default();
    let submission = c.submission;
    let row_action = Callback::new(move |line: ConfirmedLine| {
        (line.state == PaymentState::Scheduled)
            .then(|| view! { <CancelScheduled line submission cancel/> })
            .into_any()
    });
    view! {
        <div class="confirmation">
            <crate::print::PrintHeader/>
            <ConfirmationBody c retry row_action/>
            <div class="actions no-print">
                <crate::print::PrintButton label=t_string!(i18n, pay.print).to_string()/>
                <a class="button secondary" href=paths::ACCOUNT>{t!(i18n, pay.back_to_account)}</a>
            </div>
        </div>
    }
}

/// Cancel, behind a second click, of a payment still scheduled.
#[component]
fn CancelScheduled(
    line: ConfirmedLine,
    submission: SubmissionId,
    cancel: ServerAction<CancelScheduledPayment>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="confirm-cancel no-print">
            <summary>{t!(i18n, pay.cancel_payment)}</summary>
            <ActionForm action=cancel>
                <input type="hidden" name="payment_id" value=line.payment_id.to_string()/>
                <input type="hidden" name="submission" value=submission.to_string()/>
                <button type="submit" class="danger">{t!(i18n, pay.cancel_yes)}</button>
            </ActionForm>
        </details>
    }
}

/// The review of a payment by a new method: its entry form first, with "Save to My
/// Wallet" (unticked: the method is kept for this payment only). It posts to
/// `enter_pay_method`, which comes back to the review with the new method chosen.
#[component]
fn EnterMethod(
    new: NewMethod,
    setup: EntrySetup,
    form_query: String,
    outcome: EntryOutcome,
) -> impl IntoView {
    let i18n = use_i18n();
    let (messages, brand_label) = live_messages(i18n);
    let save_checked = !outcome.value("save_to_wallet").is_empty();
    let summary = crate::forms::listed(i18n, outcome.problems.iter().copied());
    let kinds = match new {
        NewMethod::Echeck => vec![MethodKind::Echeck],
        NewMethod::Card => vec![MethodKind::Debit, MethodKind::Credit],
    };
    let change = format!("{}?{}", paths::PAY, form_query);
    let (year, month) = (setup.year, setup.month);
    view! {
        <h1>{t!(i18n, pay.enter_title)}</h1>
        <ErrorSummary problems=Signal::stored(summary)/>
        <LiveChecks messages brand_label year month>
            <form method="post" action={<EnterPayMethod as leptos::server_fn::ServerFn>::url()} class="form add-method" novalidate>
                <input type="hidden" name="pay_form" value=form_query/>
                <EntryFields setup outcome=Signal::stored(outcome) kinds/>
                <div class="field checkbox">
                    <input type="checkbox" id="save_to_wallet" name="save_to_wallet" value="yes" checked=save_checked
                        aria-describedby="save_to_wallet-hint"/>
                    <label for="save_to_wallet">{t!(i18n, entry.save_to_wallet)}</label>
                    <p class="hint" id="save_to_wallet-hint">{t!(i18n, entry.save_hint)}</p>
                </div>
                <div class="actions">
                    <button type="submit" class="primary">{t!(i18n, pay.continue_to_review)}</button>
                    <a class="button secondary" href=change>{t!(i18n, pay.change)}</a>
                </div>
            </form>
        </LiveChecks>
    }
    .into_any()
}
