//! Quick Pay's pages: find the bill, choose, enter the method, review, confirmation. None
//! needs JavaScript: each form posts to its server function, which sends the browser on.

use super::*;
use crate::domain::format;
use crate::forms::{
    field_error, kept_outcome, kept_value, summary, Choice, ErrorSummary, FormProblem, I18n,
    RadioGroup, TextField,
};
use crate::i18n::*;
use crate::paths;
use crate::payments::entry::{live_messages, EntryFields, EntryOutcome, EntrySetup, LiveChecks};
use crate::payments::{amount_problem_text, ConfirmationBody};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl FormProblem for QuickPayProblem {
    fn field(self) -> &'static str {
        use QuickPayProblem::*;
        match self {
            Number(_) => "number",
            Zip(_) => "zip",
            Amount(_) => "other",
            KindMissing => "kind-echeck",
            EmailEmpty | EmailFormat => "email",
            NoMatch
            | TryLater(_)
            | StartAgain
            | MethodMissing
            | AccountNotConfirmed
            | AccountCheckUnavailable => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        use QuickPayProblem::*;
        match self {
            Number(e) => crate::forms::number_error_text(i18n, e),
            Zip(e) => crate::forms::zip_error_text(i18n, e),
            NoMatch => t_string!(i18n, quick_pay.no_match).into(),
            TryLater(m) => format!(
                "{} {m} {}",
                t_string!(i18n, register.try_later_before),
                t_string!(i18n, register.try_later_after)
            ),
            StartAgain => t_string!(i18n, quick_pay.start_again).into(),
            Amount(a) => amount_problem_text(i18n, a),
            KindMissing => t_string!(i18n, quick_pay.kind_missing).into(),
            EmailEmpty => t_string!(i18n, quick_pay.email_empty).into(),
            EmailFormat => t_string!(i18n, quick_pay.email_format).into(),
            MethodMissing => t_string!(i18n, quick_pay.method_missing).into(),
            AccountNotConfirmed => t_string!(i18n, pay.account_not_confirmed).into(),
            AccountCheckUnavailable => t_string!(i18n, pay.account_check_unavailable).into(),
        }
    }
}

/// Nothing found in this browser: back to the start.
#[component]
fn StartAgain() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice">{t!(i18n, quick_pay.start_again)}</p>
        <p><a class="button primary" href=paths::QUICK_PAY>{t!(i18n, quick_pay.start_again_link)}</a></p>
    }
}

/// Quick Pay: the bill's numbers and ZIP code.
#[component]
pub fn QuickPayPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<FindBillToPay>::new();
    let kept = Resource::new_blocking(|| (), |_| take_find_bill_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, quick_pay.title).to_string()/>
        <h1>{t!(i18n, quick_pay.title)}</h1>
        <p>{t!(i18n, quick_pay.intro)}</p>
        <Suspense fallback=|| ()>
            <ErrorSummary problems=summary(i18n, outcome)/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <TextField id="number"
                    label=Signal::derive(move || t_string!(i18n, register.number_label).to_string())
                    hint=Signal::derive(move || t_string!(i18n, register.number_hint).to_string())
                    error=field_error(i18n, outcome, "number") value=kept_value(outcome, "number") autocomplete="off"/>
                <details class="help">
                    <summary>{t!(i18n, register.where_numbers)}</summary>
                    <p>{t!(i18n, register.where_numbers_text)}</p>
                    <img src="/images/bill-numbers.svg" width="360" height="240"
                        alt=move || t_string!(i18n, register.bill_picture_alt)/>
                </details>
                <TextField id="zip"
                    label=Signal::derive(move || t_string!(i18n, register.zip_label).to_string())
                    hint=Signal::derive(move || t_string!(i18n, register.zip_hint).to_string())
                    error=field_error(i18n, outcome, "zip") value=kept_value(outcome, "zip")
                    autocomplete="postal-code" inputmode="numeric"/>
                <button type="submit" class="primary">{t!(i18n, quick_pay.find_button)}</button>
            </ActionForm>
        </Suspense>
        <p><a href=paths::SIGN_IN>{t!(i18n, quick_pay.sign_in_instead)}</a></p>
    }
}

/// The bill found, masked.
#[component]
fn BillFacts(bill: BillToPay) -> impl IntoView {
    let i18n = use_i18n();
    let due = bill.due_date.map(|d| format::long_date(d, crate::page_lang()));
    view! {
        <dl class="facts">
            <dt>{t!(i18n, pay.account)}</dt><dd>{bill.number}</dd>
            <dt>{t!(i18n, quick_pay.name)}</dt><dd>{bill.name}</dd>
            <dt>{t!(i18n, quick_pay.address)}</dt><dd>{bill.address}</dd>
            <dt>{t!(i18n, quick_pay.amount_due)}</dt><dd>{bill.balance.to_string()}</dd>
            {due.map(|d| view! { <dt>{t!(i18n, quick_pay.due)}</dt><dd>{d}</dd> })}
        </dl>
    }
}

/// The bill, then the amount, how to pay and the receipt's email.
#[component]
pub fn QuickPayDetailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let step = Resource::new_blocking(|| (), |_| quick_pay_details());
    let kept = Resource::new_blocking(|| (), |_| take_quick_pay_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, quick_pay.details_title).to_string()/>
        <h1>{t!(i18n, quick_pay.details_title)}</h1>
        <Suspense fallback=|| ()>
            {move || step.get().map(|r| match r {
                Ok(Some(step)) => view! { <ChooseForm step outcome/> }.into_any(),
                Ok(None) => view! { <StartAgain/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// A choice's label with its fee, when there is one.
fn with_fee(i18n: I18n, label: String, fee: Cents) -> String {
    if fee.0 > 0 {
        format!("{label} ({} {fee})", t_string!(i18n, pay.fee))
    } else {
        label
    }
}

#[component]
fn ChooseForm(step: DetailsStep, outcome: Signal<QuickPayOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChooseQuickPayment>::new();
    let kept = outcome.get_untracked();
    let from_kept = !kept.problems.is_empty();
    let c = step.choices;
    let value = |field: &str, saved: String| if from_kept { kept.value(field) } else { saved };
    let amount_checked = value("amount", if c.other_chosen { "other" } else { "balance" }.into());
    let other = value("other", c.other.clone());
    let kind_checked = value("kind", c.kind.map(|k| k.as_str().to_string()).unwrap_or_default());
    let email = value("email", c.email.clone());
    let bill = step.bill;
    let amounts = vec![
        Choice::new(
            "amount-balance",
            "balance",
            format!("{} ({})", t_string!(i18n, pay.current_balance), bill.balance),
        ),
        Choice::new("amount-other", "other", t_string!(i18n, pay.other_amount).to_string()),
    ];
    let kinds = vec![
        Choice::new(
            "kind-echeck",
            "echeck",
            with_fee(i18n, t_string!(i18n, entry.kind_echeck).into(), bill.echeck_fee),
        ),
        Choice::new(
            "kind-debit",
            "debit",
            with_fee(i18n, t_string!(i18n, entry.kind_debit).into(), bill.card_fee),
        ),
        Choice::new(
            "kind-credit",
            "credit",
            with_fee(i18n, t_string!(i18n, entry.kind_credit).into(), bill.card_fee),
        ),
    ];
    let amount_error = field_error(i18n, outcome, "other");
    view! {
        <BillFacts bill/>
        <ErrorSummary problems=summary(i18n, outcome)/>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <RadioGroup name="amount" legend=t_string!(i18n, quick_pay.amount_legend).to_string() choices=amounts checked=amount_checked>
                <TextField id="other" label=Signal::derive(move || t_string!(i18n, pay.other_amount).to_string())
                    error=amount_error value=Signal::stored(other) inputmode="decimal" autocomplete="off"/>
            </RadioGroup>
            <RadioGroup name="kind" legend=t_string!(i18n, quick_pay.kind_legend).to_string() choices=kinds checked=kind_checked
                error=field_error(i18n, outcome, "kind-echeck")/>
            <TextField id="email" input_type="email"
                label=Signal::derive(move || t_string!(i18n, quick_pay.email_label).to_string())
                hint=Signal::derive(move || t_string!(i18n, quick_pay.email_hint).to_string())
                error=field_error(i18n, outcome, "email") value=Signal::stored(email) autocomplete="email"/>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, quick_pay.next)}</button>
                <a class="button secondary" href=paths::QUICK_PAY>{t!(i18n, pay.cancel)}</a>
            </div>
        </ActionForm>
    }
}

/// Review Payment, or what stands in its way.
#[component]
pub fn QuickPayReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let step = Resource::new_blocking(|| (), |_| review_quick_payment());
    let kept = Resource::new_blocking(|| (), |_| take_quick_pay_review_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, pay.review_title).to_string()/>
        <h1>{t!(i18n, pay.review_title)}</h1>
        <Suspense fallback=|| ()>
            {move || step.get().map(|r| match r {
                Ok(ReviewStep::Review(review)) => view! { <ReviewForm review=*review outcome/> }.into_any(),
                Ok(ReviewStep::Fix(problems)) => {
                    let missing = problems.contains(&QuickPayProblem::MethodMissing);
                    let listed = crate::forms::listed(i18n, problems.iter().copied());
                    view! {
                        <ErrorSummary problems=Signal::stored(listed)/>
                        <p><a class="button primary" href=if missing { paths::QUICK_PAY_METHOD } else { paths::QUICK_PAY_DETAILS }>
                            {t!(i18n, pay.change)}</a></p>
                    }.into_any()
                }
                Ok(ReviewStep::StartAgain) => view! { <StartAgain/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ReviewForm(review: QuickPayReview, outcome: Signal<QuickPayOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SubmitQuickPayment>::new();
    let line = review.line.clone();
    let date = format::long_date(review.date, crate::page_lang());
    view! {
        <ErrorSummary problems=summary(i18n, outcome)/>
        <BillFacts bill=review.bill.clone()/>
        <dl class="facts">
            <dt>{t!(i18n, pay.amount)}</dt><dd>{line.amount.to_string()}</dd>
            {(line.fee.0 > 0).then(|| view! { <dt>{t!(i18n, pay.fee)}</dt><dd>{line.fee.to_string()}</dd> })}
            <dt>{t!(i18n, pay.total)}</dt><dd>{review.total.to_string()}</dd>
            <dt>{t!(i18n, pay.date)}</dt><dd>{date}<crate::payments::DebitedOn debited_on=review.debited_on/></dd>
            <dt>{t!(i18n, pay.method)}</dt><dd>{review.method.clone()}</dd>
            <dt>{t!(i18n, quick_pay.receipt_to)}</dt><dd>{review.email.clone()}</dd>
        </dl>
        <h2>{t!(i18n, pay.authorization)}</h2>
        <p class="authorization">{review.authorization.clone()}</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="key" value=review.key.clone()/>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, pay.submit)}</button>
                <a class="button secondary" href=paths::QUICK_PAY_DETAILS>{t!(i18n, pay.change)}</a>
            </div>
        </ActionForm>
    }
}

/// The confirmation of a payment made in this browser, made to be printed.
#[component]
pub fn QuickPayConfirmationPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let confirmation = Resource::new_blocking(
        move || query.read().get("ref").and_then(|r| r.parse().ok()).unwrap_or(SubmissionId(0)),
        quick_pay_confirmation,
    );
    view! {
        <Title text=t_string!(i18n, pay.done_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || confirmation.get().map(|r| match r {
                Ok(Some(c)) => view! {
                    <div class="confirmation">
                        <crate::print::PrintHeader/>
                        <ConfirmationBody c retry=paths::QUICK_PAY.to_string()/>
                        <p>{t!(i18n, quick_pay.receipt_sent)}</p>
                        <div class="actions no-print">
                            <crate::print::PrintButton label=t_string!(i18n, pay.print).to_string()/>
                            <a class="button secondary" href=paths::QUICK_PAY>{t!(i18n, quick_pay.pay_another)}</a>
                        </div>
                    </div>
                }.into_any(),
                Ok(None) => view! {
                    <h1>{t!(i18n, pay.done_title)}</h1>
                    <p class="notice">{t!(i18n, quick_pay.not_found)}</p>
                    <p><a href=paths::QUICK_PAY>{t!(i18n, quick_pay.title)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// The card or bank account of the kind chosen, for this payment only.
#[component]
pub fn QuickPayMethodPage() -> impl IntoView {
    let i18n = use_i18n();
    let entry = Resource::new_blocking(|| (), |_| quick_pay_entry());
    let kept = Resource::new_blocking(|| (), |_| take_quick_pay_entry_outcome());
    view! {
        <Title text=t_string!(i18n, quick_pay.title).to_string()/>
        <Suspense fallback=|| ()>
            {move || entry.get().map(|r| match r {
                Ok(Some((bill, kind, setup))) => {
                    let outcome = kept.get().and_then(|r| r.ok()).flatten().unwrap_or_default();
                    view! { <EnterMethod bill kind setup outcome/> }.into_any()
                }
                Ok(None) => view! { <h1>{t!(i18n, quick_pay.title)}</h1><StartAgain/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EnterMethod(
    bill: BillToPay,
    kind: MethodKind,
    setup: EntrySetup,
    outcome: EntryOutcome,
) -> impl IntoView {
    let i18n = use_i18n();
    let (messages, brand_label) = live_messages(i18n);
    let summary = crate::forms::listed(i18n, outcome.problems.iter().copied());
    let (year, month) = (setup.year, setup.month);
    let title = if kind == MethodKind::Echeck {
        t_string!(i18n, quick_pay.method_title_echeck)
    } else {
        t_string!(i18n, quick_pay.method_title_card)
    };
    view! {
        <h1>{title}</h1>
        <BillFacts bill/>
        <ErrorSummary problems=Signal::stored(summary)/>
        <p class="hint">{t!(i18n, quick_pay.never_saved)}</p>
        <LiveChecks messages brand_label year month>
            <form method="post" action={<EnterQuickPayMethod as leptos::server_fn::ServerFn>::url()} class="form add-method" novalidate>
                <EntryFields setup outcome=Signal::stored(outcome) kinds=vec![kind]/>
                <div class="actions">
                    <button type="submit" class="primary">{t!(i18n, pay.review)}</button>
                    <a class="button secondary" href=paths::QUICK_PAY_DETAILS>{t!(i18n, pay.change)}</a>
                </div>
            </form>
        </LiveChecks>
    }
}
