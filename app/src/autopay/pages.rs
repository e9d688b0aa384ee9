//! AutoPay pages: the Bill Settings section, enroll (or change), review, confirmation.

use super::*;
use crate::auth::SignInNotice;
use crate::domain::autopay::MAX_DAYS_BEFORE_DUE;
use crate::domain::format::long_date;
use crate::domain::{AccountId, MethodId};
use crate::forms::{
    kept_outcome, listed, summary, Choice, Choices, ErrorSummary, FormProblem, I18n, RadioGroup,
};
use crate::i18n::*;
use crate::paths;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl FormProblem for AutopayProblem {
    fn field(self) -> &'static str {
        match self {
            Self::MethodMissing | Self::MethodUnusable => "method-list",
            Self::Rule(RuleProblem::AmountRuleMissing) => "amount_rule-full",
            Self::Rule(
                RuleProblem::FixedEmpty | RuleProblem::FixedFormat | RuleProblem::FixedRange,
            ) => "fixed_amount",
            Self::Rule(RuleProblem::TimingMissing) => "timing-due",
            Self::Rule(RuleProblem::DaysRange) => "days_before",
            Self::Rule(
                RuleProblem::MaximumEmpty | RuleProblem::MaximumFormat | RuleProblem::MaximumRange,
            ) => "maximum",
            Self::NotFound | Self::NotEnrolled | Self::SignInNeeded => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        let s = match self {
            Self::MethodMissing => t_string!(i18n, autopay.method_missing),
            Self::MethodUnusable => t_string!(i18n, autopay.method_unusable),
            Self::Rule(r) => match r {
                RuleProblem::AmountRuleMissing => t_string!(i18n, autopay.amount_rule_missing),
                RuleProblem::FixedEmpty => t_string!(i18n, autopay.fixed_empty),
                RuleProblem::FixedFormat => t_string!(i18n, autopay.amount_format),
                RuleProblem::FixedRange => t_string!(i18n, autopay.amount_range),
                RuleProblem::TimingMissing => t_string!(i18n, autopay.timing_missing),
                RuleProblem::DaysRange => t_string!(i18n, autopay.days_range),
                RuleProblem::MaximumEmpty => t_string!(i18n, autopay.maximum_empty),
                RuleProblem::MaximumFormat => t_string!(i18n, autopay.amount_format),
                RuleProblem::MaximumRange => t_string!(i18n, autopay.amount_range),
            },
            Self::NotFound => t_string!(i18n, autopay.not_found),
            Self::NotEnrolled => t_string!(i18n, autopay.not_enrolled_problem),
            Self::SignInNeeded => t_string!(i18n, autopay.sign_in_needed),
        };
        s.to_string()
    }
}

fn heading(i18n: I18n, changing: bool, number: &str) -> String {
    let start = if changing {
        t_string!(i18n, autopay.change_heading)
    } else {
        t_string!(i18n, autopay.create_heading)
    };
    format!("{start} > {} # {number}", t_string!(i18n, autopay.water_payment))
}

/// Bill Settings → AutoPay: each account's state, with Enroll, or Change and Cancel.
#[component]
pub fn AutopaySection() -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<CancelAutopay>::new();
    let accounts = Resource::new_blocking(|| (), |_| autopay_accounts());
    let kept = Resource::new_blocking(|| (), |_| take_autopay_outcome());
    let outcome = kept_outcome(kept);
    let query = use_query_map();
    let cancelled =
        move || query.read().get("cancelled").is_some() && outcome.read().problems.is_empty();
    let problems = summary(i18n, outcome);
    view! {
        <Suspense fallback=|| ()>
            <ErrorSummary problems=problems/>
            <Show when=cancelled>
                <p class="notice" role="status">{t!(i18n, autopay.cancelled_notice)}</p>
            </Show>
            {move || accounts.get().map(|r| match r {
                Ok(Some(list)) => list.into_iter().map(|a| view! { <AccountAutopayView account=a cancel/> }).collect_view().into_any(),
                Ok(None) => view! { <SignInNotice>{t!(i18n, autopay.sign_in_needed)}</SignInNotice> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AccountAutopayView(
    account: AccountAutopay,
    cancel: ServerAction<CancelAutopay>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = account.account_id;
    let heading_id = format!("autopay-heading-{id}");
    let labelled_by = heading_id.clone();
    let enroll_href = paths::autopay_enroll(id, None, false);
    let change_href = paths::autopay_enroll(id, None, true);
    view! {
        <section class="autopay-account" aria-labelledby=labelled_by>
            <h3 id=heading_id>{t!(i18n, autopay.water_payment)}" # "{account.number.clone()}</h3>
            {match account.current {
                None => view! {
                    <p><strong>{t!(i18n, autopay.status)}</strong>" "{t!(i18n, autopay.not_enrolled)}</p>
                    <p><a class="button primary" href=enroll_href>{t!(i18n, autopay.enroll)}</a></p>
                }.into_any(),
                Some(current) => view! {
                    {current.suspended_code.clone().map(|code| view! { <Suspended code/> })}
                    <dl class="facts">
                        <dt>{t!(i18n, autopay.status)}</dt><dd>{if current.suspended_code.is_some() {
                            t_string!(i18n, autopay.suspended)
                        } else {
                            t_string!(i18n, autopay.enrolled)
                        }}</dd>
                        <dt>{t!(i18n, autopay.reference)}</dt><dd>{current.reference.clone()}</dd>
                        <dt>{t!(i18n, autopay.payment_method)}</dt><dd>{current.method.clone()}</dd>
                        <dt>{t!(i18n, autopay.rule)}</dt><dd>{current.rule_summary.clone()}</dd>
                    </dl>
                    <p><a class="button secondary" href=change_href>{t!(i18n, autopay.change)}</a></p>
                    <details class="confirm-cancel">
                        <summary>{t!(i18n, autopay.cancel)}</summary>
                        <p>{t!(i18n, autopay.cancel_confirm)}</p>
                        <ActionForm action=cancel>
                            <input type="hidden" name="account_id" value=id.to_string()/>
                            <button type="submit" class="danger">{t!(i18n, autopay.cancel_yes)}</button>
                        </ActionForm>
                    </details>
                }.into_any(),
            }}
        </section>
    }
}

/// An enrollment the bank's return suspended: why, and how to start it again (another
/// method with Change AutoPay; after a "not authorized" return, also Authorize Again in My
/// Wallet).
#[component]
fn Suspended(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let reason = crate::payments::return_reason_text(i18n.get_locale_untracked(), &code);
    let authorizable = crate::domain::ach_return::ReturnClass::of(&code).can_authorize_again();
    view! {
        <div class="notice warning autopay-suspended" role="status">
            <p><strong>{t!(i18n, autopay.suspended_because)}</strong>" "{reason}"."</p>
            <p>{if authorizable {
                t_string!(i18n, autopay.suspended_unauthorized_todo)
            } else {
                t_string!(i18n, autopay.suspended_account_todo)
            }}</p>
            {authorizable.then(|| view! { <p><a href=paths::WALLET>{t!(i18n, autopay.to_wallet)}</a></p> })}
        </div>
    }
}

fn query_id<Id: std::str::FromStr>(
    query: &leptos_router::params::ParamsMap,
    key: &str,
) -> Option<Id> {
    query.get(key).and_then(|v| v.trim().parse().ok())
}

/// CREATE NEW AUTO PAY > WATER PAYMENT # …: choose a method from My Wallet (or add one)
/// and the rule, then Continue.
#[component]
pub fn EnrollAutopayPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let setup = Resource::new_blocking(
        move || {
            let q = query.read();
            (query_id(&q, "account"), query_id(&q, "method"), q.get("change").is_some())
        },
        |(account, method, changing)| async move {
            match account {
                Some(account) => enroll_setup(account, method, changing).await,
                None => Ok(None),
            }
        },
    );
    let action = ServerAction::<ContinueAutopay>::new();
    let kept = Resource::new_blocking(|| (), |_| take_autopay_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, autopay.title).to_string()/>
        <Suspense fallback=|| ()>
            {move || setup.get().map(|r| match r {
                Ok(Some(setup)) => view! { <EnrollForm setup action outcome/> }.into_any(),
                Ok(None) => view! {
                    <h1>{t!(i18n, autopay.title)}</h1>
                    <SignInNotice>{t!(i18n, autopay.sign_in_needed)}</SignInNotice>
                    <p><a href=paths::AUTOPAY_SETTINGS>{t!(i18n, autopay.back_to_settings)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EnrollForm(
    setup: EnrollChoices,
    action: ServerAction<ContinueAutopay>,
    outcome: Signal<AutopayOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = setup.account_id;
    let mine = move |o: &AutopayOutcome| o.parsed::<AccountId>("account_id") == Some(id);
    // After a problem, what was chosen; else the current rule (change) or the defaults.
    let kept = outcome.with_untracked(|o| (mine(o) && !o.problems.is_empty()).then(|| o.clone()));
    let rule = kept.as_ref().map(|o| RuleForm::from_fields(|f| o.value(f))).unwrap_or(setup.rule);
    let selected = kept.as_ref().and_then(|o| o.parsed::<MethodId>("method_id")).or(setup.selected);
    let problems = Signal::derive(move || {
        let o = outcome.read();
        if mine(&o) {
            listed(i18n, o.problems.iter().copied())
        } else {
            vec![]
        }
    });
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            let o = outcome.read();
            mine(&o).then(|| o.error(i18n, field)).flatten()
        })
    };
    let add_new = paths::add_method_for_autopay(id, setup.changing);
    view! {
        <h1 class="page-path">{heading(i18n, setup.changing, &setup.number)}</h1>
        <ErrorSummary problems=problems/>
        <ActionForm action=action attr:class="form autopay-form" attr:novalidate=true>
            <input type="hidden" name="account_id" value=id.to_string()/>
            {setup.changing.then(|| view! { <input type="hidden" name="change" value="1"/> })}
            <MethodList methods=setup.methods selected add_new error=error_for("method-list")/>
            <AmountChoice rule=rule.clone() error=error_for("fixed_amount")/>
            <TimingChoice rule=rule.clone() error=error_for("days_before")/>
            <MaximumChoice rule error=error_for("maximum")/>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, autopay.continue_button)}</button>
                <a class="button secondary" href=paths::AUTOPAY_SETTINGS>{t!(i18n, autopay.back)}</a>
            </div>
        </ActionForm>
    }
}

/// The methods of My Wallet to pay with, and "Add New" (which comes back here).
#[component]
fn MethodList(
    methods: Vec<crate::payments::SavedMethod>,
    selected: Option<MethodId>,
    add_new: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choices: Vec<Choice> = methods
        .iter()
        .map(|m| {
            let label = m.label(i18n.get_locale());
            Choice::new(format!("method-{}", m.id), m.id.to_string(), label)
        })
        .collect();
    let checked = selected.map(|m| m.to_string()).unwrap_or_default();
    view! {
        <fieldset id="method-list" tabindex="-1" class="choice-list" class:has-error=move || error.get().is_some()
            aria-describedby=move || error.get().map(|_| "method-list-error")>
            <legend><h2>{t!(i18n, autopay.payment_method)}</h2></legend>
            <h3>{t!(i18n, nav.my_wallet)}</h3>
            {move || error.get().map(|m| view! { <p class="field-error" id="method-list-error">{m}</p> })}
            {if choices.is_empty() {
                view! { <p>{t!(i18n, autopay.no_methods)}</p> }.into_any()
            } else {
                view! { <Choices name="method_id" choices checked/> }.into_any()
            }}
            <p><a class="button secondary" href=add_new>{t!(i18n, autopay.add_new)}</a></p>
        </fieldset>
    }
}

/// The full balance, or a fixed amount.
#[component]
fn AmountChoice(rule: RuleForm, error: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let choices = vec![
        Choice::new("amount_rule-full", "full", t_string!(i18n, autopay.full_balance)),
        Choice::new("amount_rule-fixed", "fixed", t_string!(i18n, autopay.fixed_amount)),
    ];
    let checked = if rule.amount_rule == "fixed" { "fixed" } else { "full" };
    view! {
        <RadioGroup name="amount_rule" class="choice-group amount-rule" legend=t_string!(i18n, autopay.amount_legend) choices checked>
            <div class="field when-fixed" class:has-error=move || error.get().is_some()>
                <label for="fixed_amount">{t!(i18n, autopay.fixed_amount_label)}</label>
                {move || error.get().map(|m| view! { <p class="field-error" id="fixed_amount-error">{m}</p> })}
                <input id="fixed_amount" name="fixed_amount" inputmode="decimal" value=rule.fixed_amount.clone()
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || error.get().map(|_| "fixed_amount-error")/>
            </div>
        </RadioGroup>
    }
}

/// On the due date, or some days before it.
#[component]
fn TimingChoice(rule: RuleForm, error: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let choices = vec![
        Choice::new("timing-due", "due", t_string!(i18n, autopay.on_due_date)),
        Choice::new("timing-before", "before", t_string!(i18n, autopay.days_before)),
    ];
    let checked = if rule.timing == "before" { "before" } else { "due" };
    let days = rule.days_before;
    view! {
        <RadioGroup name="timing" class="choice-group timing" legend=t_string!(i18n, autopay.timing_legend) choices checked>
            <div class="field when-before" class:has-error=move || error.get().is_some()>
                <label for="days_before">{t!(i18n, autopay.days_before_label)}</label>
                {move || error.get().map(|m| view! { <p class="field-error" id="days_before-error">{m}</p> })}
                <select id="days_before" name="days_before"
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || error.get().map(|_| "days_before-error")>
                    {(1..=MAX_DAYS_BEFORE_DUE).map(|d| {
                        let value = d.to_string();
                        let chosen = days == value;
                        view! { <option value=value.clone() selected=chosen>{value.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
        </RadioGroup>
    }
}

/// An optional maximum AutoPay never pays above.
#[component]
fn MaximumChoice(rule: RuleForm, error: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="choice-group maximum">
            <legend>{t!(i18n, autopay.maximum_legend)}</legend>
            <span class="choice">
                <input type="checkbox" id="use_maximum" name="use_maximum" value="on" checked=!rule.use_maximum.is_empty()/>
                <label for="use_maximum">{t!(i18n, autopay.use_maximum)}</label>
            </span>
            <div class="field when-maximum" class:has-error=move || error.get().is_some()>
                <label for="maximum">{t!(i18n, autopay.maximum_label)}</label>
                <p class="hint" id="maximum-hint">{t!(i18n, autopay.maximum_hint)}</p>
                {move || error.get().map(|m| view! { <p class="field-error" id="maximum-error">{m}</p> })}
                <input id="maximum" name="maximum" inputmode="decimal" value=rule.maximum.clone()
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || if error.get().is_some() { "maximum-hint maximum-error" } else { "maximum-hint" }/>
            </div>
        </fieldset>
    }
}

/// The review: every fact and the authorization; Create AutoPay enrolls.
#[component]
pub fn AutopayReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let review = Resource::new_blocking(
        move || query.read().clone(),
        |q| async move {
            let Some(account) = query_id(&q, "account") else {
                return Ok(Err(vec![AutopayProblem::NotFound]));
            };
            autopay_review(
                account,
                query_id(&q, "method"),
                q.get("change").is_some(),
                RuleForm {
                    amount_rule: q.get("amount_rule").unwrap_or_default(),
                    fixed_amount: q.get("fixed_amount").unwrap_or_default(),
                    timing: q.get("timing").unwrap_or_default(),
                    days_before: q.get("days_before").unwrap_or_default(),
                    use_maximum: q.get("use_maximum").unwrap_or_default(),
                    maximum: q.get("maximum").unwrap_or_default(),
                },
            )
            .await
        },
    );
    let action = ServerAction::<CreateAutopay>::new();
    let kept = Resource::new_blocking(|| (), |_| take_autopay_outcome());
    let outcome = kept_outcome(kept);
    let problems = summary(i18n, outcome);
    view! {
        <Title text=t_string!(i18n, autopay.review_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || review.get().map(|r| match r {
                Ok(Ok(review)) => view! { <ReviewForm review action problems/> }.into_any(),
                Ok(Err(problems)) if problems.contains(&AutopayProblem::SignInNeeded) => view! {
                    <h1>{t!(i18n, autopay.review_title)}</h1>
                    <SignInNotice>{t!(i18n, autopay.sign_in_needed)}</SignInNotice>
                }.into_any(),
                Ok(Err(problems)) => view! {
                    <h1>{t!(i18n, autopay.review_title)}</h1>
                    <ErrorSummary problems=listed(i18n, problems)/>
                    <p><a href=paths::AUTOPAY_SETTINGS>{t!(i18n, autopay.back_to_settings)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// "Due December 10, 2026 ($61.20)", or the next bill when none is open yet.
fn first_bill_text(i18n: I18n, first_bill: Option<(time::Date, Cents)>) -> String {
    match first_bill {
        Some((due, amount)) => format!(
            "{} {} ({amount})",
            t_string!(i18n, autopay.first_bill_due),
            long_date(due, i18n.get_locale().into())
        ),
        None => t_string!(i18n, autopay.first_bill_next).to_string(),
    }
}

/// The facts of a checked choice, the authorization, and Create AutoPay.
#[component]
fn ReviewForm(
    review: Review,
    action: ServerAction<CreateAutopay>,
    problems: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let back = paths::autopay_enroll(review.account_id, Some(review.method_id), review.changing);
    let first_bill = first_bill_text(i18n, review.first_bill);
    let rule = review
        .rule
        .fields()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value.to_string()/> });
    view! {
        <h1 class="page-path">{heading(i18n, review.changing, &review.number)}</h1>
        <h2>{t!(i18n, autopay.review_title)}</h2>
        <ErrorSummary problems=problems/>
        <dl class="facts">
            <dt>{t!(i18n, autopay.account)}</dt><dd>{review.number.clone()}</dd>
            <dt>{t!(i18n, autopay.payment_method)}</dt><dd>{review.method.clone()}</dd>
            <dt>{t!(i18n, autopay.rule)}</dt><dd>{review.rule_summary.clone()}</dd>
            <dt>{t!(i18n, autopay.first_bill)}</dt><dd>{first_bill}</dd>
        </dl>
        <h3>{t!(i18n, autopay.authorization)}</h3>
        <p class="authorization">{review.authorization.clone()}</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="account_id" value=review.account_id.to_string()/>
            <input type="hidden" name="method_id" value=review.method_id.to_string()/>
            {review.changing.then(|| view! { <input type="hidden" name="change" value="1"/> })}
            <input type="hidden" name="idempotency_key" value=review.idempotency_key.clone()/>
            {rule.into_iter().collect_view()}
            <p>{t!(i18n, autopay.agree)}</p>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, autopay.create)}</button>
                <a class="button secondary" href=back>{t!(i18n, autopay.back)}</a>
            </div>
        </ActionForm>
    }
}

/// The confirmation, made to be printed: the facts only.
#[component]
pub fn AutopayConfirmationPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let confirmation = Resource::new_blocking(
        move || query.read().get("ref").unwrap_or_default(),
        autopay_confirmation,
    );
    view! {
        <Title text=t_string!(i18n, autopay.done_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || confirmation.get().map(|r| match r {
                Ok(Some(c)) => {
                    let first_bill = first_bill_text(i18n, c.first_bill);
                    view! {
                        <div class="confirmation">
                            <crate::print::PrintHeader/>
                            <h1>{if c.active { t_string!(i18n, autopay.done_title) } else { t_string!(i18n, autopay.done_inactive) }}</h1>
                            <p class="notice" role="status">{t!(i18n, autopay.done_text)}</p>
                            <dl class="facts">
                                <dt>{t!(i18n, autopay.reference)}</dt><dd class="reference">{c.reference.clone()}</dd>
                                <dt>{t!(i18n, autopay.account)}</dt><dd>{c.number.clone()}</dd>
                                <dt>{t!(i18n, autopay.payment_method)}</dt><dd>{c.method.clone()}</dd>
                                <dt>{t!(i18n, autopay.rule)}</dt><dd>{c.rule_summary.clone()}</dd>
                                <dt>{t!(i18n, autopay.first_bill)}</dt><dd>{first_bill}</dd>
                                <dt>{t!(i18n, autopay.enrolled_on)}</dt><dd>{long_date(c.enrolled_on, crate::page_lang())}</dd>
                            </dl>
                            <h2>{t!(i18n, autopay.authorization)}</h2>
                            <p class="authorization">{c.authorization.clone()}</p>
                            <div class="actions no-print">
                                <crate::print::PrintButton label=t_string!(i18n, autopay.print).to_string()/>
                                <a class="button secondary" href=paths::AUTOPAY_SETTINGS>{t!(i18n, autopay.back_to_settings)}</a>
                            </div>
                        </div>
                    }.into_any()
                }
                Ok(None) => view! {
                    <h1>{t!(i18n, autopay.done_title)}</h1>
                    <p class="notice">{t!(i18n, autopay.not_found)}</p>
                    <p><a href=paths::AUTOPAY_SETTINGS>{t!(i18n, autopay.back_to_settings)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}
