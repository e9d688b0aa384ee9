//! AutoPay pages: the Bill Settings section, enroll (or change), review, confirmation.

use super::*;
use crate::domain::autopay::MAX_DAYS_BEFORE_DUE;
use crate::forms::{kept_outcome, ErrorSummary};
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

type I18n = leptos_i18n::I18nContext<Locale>;

fn message(i18n: I18n, p: AutopayProblem) -> String {
    let s = match p {
        AutopayProblem::MethodMissing => t_string!(i18n, autopay.method_missing),
        AutopayProblem::Rule(r) => match r {
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
        AutopayProblem::NotFound => t_string!(i18n, autopay.not_found),
        AutopayProblem::NotEnrolled => t_string!(i18n, autopay.not_enrolled_problem),
        AutopayProblem::SignInNeeded => t_string!(i18n, autopay.sign_in_needed),
    };
    s.to_string()
}

fn problem_list(i18n: I18n, problems: &[AutopayProblem]) -> Vec<(String, String)> {
    problems.iter().map(|p| (p.field().to_string(), message(i18n, *p))).collect()
}

fn sign_in_notice(i18n: I18n) -> AnyView {
    view! {
        <p class="notice">{t!(i18n, autopay.sign_in_needed)}" "<a href="/sign-in">{t!(i18n, nav.sign_in)}</a></p>
    }
    .into_any()
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
    let problems = Signal::derive(move || problem_list(i18n, &outcome.read().problems));
    view! {
        <Suspense fallback=|| ()>
            <ErrorSummary problems=problems/>
            <Show when=cancelled>
                <p class="notice" role="status">{t!(i18n, autopay.cancelled_notice)}</p>
            </Show>
            {move || accounts.get().map(|r| match r {
                Ok(Some(list)) => list.into_iter().map(|a| view! { <AccountAutopayView account=a cancel/> }).collect_view().into_any(),
                Ok(None) => sign_in_notice(i18n),
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
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
    let enroll_href = format!("/billing/autopay/enroll?account={id}");
    let change_href = format!("/billing/autopay/enroll?account={id}&change=1");
    view! {
        <section class="autopay-account" aria-labelledby=labelled_by>
            <h3 id=heading_id>{t!(i18n, autopay.water_payment)}" # "{account.number.clone()}</h3>
            {match account.current {
                None => view! {
                    <p><strong>{t!(i18n, autopay.status)}</strong>" "{t!(i18n, autopay.not_enrolled)}</p>
                    <p><a class="button primary" href=enroll_href>{t!(i18n, autopay.enroll)}</a></p>
                }.into_any(),
                Some(current) => view! {
                    <dl class="facts">
                        <dt>{t!(i18n, autopay.status)}</dt><dd>{t!(i18n, autopay.enrolled)}</dd>
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

fn query_i64(query: &leptos_router::params::ParamsMap, key: &str) -> Option<i64> {
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
            (query_i64(&q, "account"), query_i64(&q, "method"), q.get("change").is_some())
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
                    {sign_in_notice(i18n)}
                    <p><a href="/billing/settings/autopay">{t!(i18n, autopay.back_to_settings)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
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
    // After a problem, what was chosen; else the current rule (change) or the defaults.
    let kept = outcome.with_untracked(|o| {
        (o.account_id == Some(id) && !o.problems.is_empty()).then(|| o.clone())
    });
    let rule = kept.as_ref().map(|o| o.rule.clone()).unwrap_or(setup.rule.clone());
    let selected = kept.as_ref().and_then(|o| o.method_id).or(setup.selected);
    let mine = move || outcome.read().account_id == Some(id);
    let problems =
        Signal::derive(
            move || if mine() { problem_list(i18n, &outcome.read().problems) } else { vec![] },
        );
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            mine()
                .then(|| {
                    outcome
                        .read()
                        .problems
                        .iter()
                        .copied()
                        .find(|p| p.field() == field)
                        .map(|p| message(i18n, p))
                })
                .flatten()
        })
    };
    let change = if setup.changing { "&change=1" } else { "" };
    let add_new = format!("/billing/settings/wallet/add?autopay={id}{change}");
    let method_error = error_for("method-list");
    let fixed_error = error_for("fixed_amount");
    let days_error = error_for("days_before");
    let maximum_error = error_for("maximum");
    let is_fixed = rule.amount_rule == "fixed";
    let is_before = rule.timing == "before";
    let days = rule.days_before.clone();
    view! {
        <h1 class="page-path">{heading(i18n, setup.changing, &setup.number)}</h1>
        <ErrorSummary problems=problems/>
        <ActionForm action=action attr:class="form autopay-form" attr:novalidate=true>
            <input type="hidden" name="account_id" value=id.to_string()/>
            {setup.changing.then(|| view! { <input type="hidden" name="change" value="1"/> })}
            <fieldset id="method-list" tabindex="-1" class="choice-list" class:has-error=move || method_error.get().is_some()
                aria-describedby=move || method_error.get().map(|_| "method-list-error")>
                <legend><h2>{t!(i18n, autopay.payment_method)}</h2></legend>
                <h3>{t!(i18n, nav.my_wallet)}</h3>
                {move || method_error.get().map(|m| view! { <p class="field-error" id="method-list-error">{m}</p> })}
                {if setup.methods.is_empty() {
                    view! { <p>{t!(i18n, autopay.no_methods)}</p> }.into_any()
                } else {
                    setup.methods.iter().map(|m| {
                        let input_id = format!("method-{}", m.id);
                        let label = m.label(i18n.get_locale());
                        view! {
                            <span class="choice">
                                <input type="radio" id=input_id.clone() name="method_id" value=m.id.to_string() checked=selected == Some(m.id)/>
                                <label for=input_id>{label}</label>
                            </span>
                        }
                    }).collect_view().into_any()
                }}
                <p><a class="button secondary" href=add_new>{t!(i18n, autopay.add_new)}</a></p>
            </fieldset>
            <fieldset class="choice-group amount-rule">
                <legend>{t!(i18n, autopay.amount_legend)}</legend>
                <span class="choice">
                    <input type="radio" id="amount_rule-full" name="amount_rule" value="full" checked=!is_fixed/>
                    <label for="amount_rule-full">{t!(i18n, autopay.full_balance)}</label>
                </span>
                <span class="choice">
                    <input type="radio" id="amount_rule-fixed" name="amount_rule" value="fixed" checked=is_fixed/>
                    <label for="amount_rule-fixed">{t!(i18n, autopay.fixed_amount)}</label>
                </span>
                <div class="field when-fixed" class:has-error=move || fixed_error.get().is_some()>
                    <label for="fixed_amount">{t!(i18n, autopay.fixed_amount_label)}</label>
                    {move || fixed_error.get().map(|m| view! { <p class="field-error" id="fixed_amount-error">{m}</p> })}
                    <input id="fixed_amount" name="fixed_amount" inputmode="decimal" value=rule.fixed_amount.clone()
                        aria-invalid=move || fixed_error.get().is_some().then_some("true")
                        aria-describedby=move || fixed_error.get().map(|_| "fixed_amount-error")/>
                </div>
            </fieldset>
            <fieldset class="choice-group timing">
                <legend>{t!(i18n, autopay.timing_legend)}</legend>
                <span class="choice">
                    <input type="radio" id="timing-due" name="timing" value="due" checked=!is_before/>
                    <label for="timing-due">{t!(i18n, autopay.on_due_date)}</label>
                </span>
                <span class="choice">
                    <input type="radio" id="timing-before" name="timing" value="before" checked=is_before/>
                    <label for="timing-before">{t!(i18n, autopay.days_before)}</label>
                </span>
                <div class="field when-before" class:has-error=move || days_error.get().is_some()>
                    <label for="days_before">{t!(i18n, autopay.days_before_label)}</label>
                    {move || days_error.get().map(|m| view! { <p class="field-error" id="days_before-error">{m}</p> })}
                    <select id="days_before" name="days_before"
                        aria-invalid=move || days_error.get().is_some().then_some("true")
                        aria-describedby=move || days_error.get().map(|_| "days_before-error")>
                        {(1..=MAX_DAYS_BEFORE_DUE).map(|d| {
                            let value = d.to_string();
                            let chosen = days == value;
                            view! { <option value=value.clone() selected=chosen>{value.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </fieldset>
            <fieldset class="choice-group maximum">
                <legend>{t!(i18n, autopay.maximum_legend)}</legend>
                <span class="choice">
                    <input type="checkbox" id="use_maximum" name="use_maximum" value="on" checked=!rule.use_maximum.is_empty()/>
                    <label for="use_maximum">{t!(i18n, autopay.use_maximum)}</label>
                </span>
                <div class="field when-maximum" class:has-error=move || maximum_error.get().is_some()>
                    <label for="maximum">{t!(i18n, autopay.maximum_label)}</label>
                    <p class="hint" id="maximum-hint">{t!(i18n, autopay.maximum_hint)}</p>
                    {move || maximum_error.get().map(|m| view! { <p class="field-error" id="maximum-error">{m}</p> })}
                    <input id="maximum" name="maximum" inputmode="decimal" value=rule.maximum.clone()
                        aria-invalid=move || maximum_error.get().is_some().then_some("true")
                        aria-describedby=move || if maximum_error.get().is_some() { "maximum-hint maximum-error" } else { "maximum-hint" }/>
                </div>
            </fieldset>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, autopay.continue_button)}</button>
                <a class="button secondary" href="/billing/settings/autopay">{t!(i18n, autopay.back)}</a>
            </div>
        </ActionForm>
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
            let Some(account) = query_i64(&q, "account") else {
                return Ok(Err(vec![AutopayProblem::NotFound]));
            };
            autopay_review(
                account,
                query_i64(&q, "method"),
                q.get("change").is_some(),
                q.get("amount_rule"),
                q.get("fixed_amount"),
                q.get("timing"),
                q.get("days_before"),
                q.get("use_maximum"),
                q.get("maximum"),
            )
            .await
        },
    );
    let action = ServerAction::<CreateAutopay>::new();
    let kept = Resource::new_blocking(|| (), |_| take_autopay_outcome());
    let outcome = kept_outcome(kept);
    let problems = Signal::derive(move || problem_list(i18n, &outcome.read().problems));
    view! {
        <Title text=t_string!(i18n, autopay.review_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || review.get().map(|r| match r {
                Ok(Ok(review)) => {
                    let back = format!(
                        "/billing/autopay/enroll?account={}&method={}{}",
                        review.account_id, review.method_id, if review.changing { "&change=1" } else { "" }
                    );
                    let first_bill = match review.first_bill.clone() {
                        Some((due, amount)) => format!("{} {due} ({amount})", t_string!(i18n, autopay.first_bill_due)),
                        None => t_string!(i18n, autopay.first_bill_next).to_string(),
                    };
                    let rule = review.rule.clone();
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
                            <input type="hidden" name="amount_rule" value=rule.amount_rule/>
                            <input type="hidden" name="fixed_amount" value=rule.fixed_amount/>
                            <input type="hidden" name="timing" value=rule.timing/>
                            <input type="hidden" name="days_before" value=rule.days_before/>
                            <input type="hidden" name="use_maximum" value=rule.use_maximum/>
                            <input type="hidden" name="maximum" value=rule.maximum/>
                            <p>{t!(i18n, autopay.agree)}</p>
                            <div class="actions">
                                <button type="submit" class="primary">{t!(i18n, autopay.create)}</button>
                                <a class="button secondary" href=back>{t!(i18n, autopay.back)}</a>
                            </div>
                        </ActionForm>
                    }.into_any()
                }
                Ok(Err(problems)) if problems.contains(&AutopayProblem::SignInNeeded) => view! {
                    <h1>{t!(i18n, autopay.review_title)}</h1>
                    {sign_in_notice(i18n)}
                }.into_any(),
                Ok(Err(problems)) => view! {
                    <h1>{t!(i18n, autopay.review_title)}</h1>
                    <ErrorSummary problems=Signal::derive(move || problem_list(i18n, &problems))/>
                    <p><a href="/billing/settings/autopay">{t!(i18n, autopay.back_to_settings)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
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
                    let first_bill = match c.first_bill.clone() {
                        Some((due, amount)) => format!("{} {due} ({amount})", t_string!(i18n, autopay.first_bill_due)),
                        None => t_string!(i18n, autopay.first_bill_next).to_string(),
                    };
                    view! {
                        <div class="confirmation">
                            <h1>{if c.active { t_string!(i18n, autopay.done_title) } else { t_string!(i18n, autopay.done_inactive) }}</h1>
                            <p class="notice" role="status">{t!(i18n, autopay.done_text)}</p>
                            <dl class="facts">
                                <dt>{t!(i18n, autopay.reference)}</dt><dd class="reference">{c.reference.clone()}</dd>
                                <dt>{t!(i18n, autopay.account)}</dt><dd>{c.number.clone()}</dd>
                                <dt>{t!(i18n, autopay.payment_method)}</dt><dd>{c.method.clone()}</dd>
                                <dt>{t!(i18n, autopay.rule)}</dt><dd>{c.rule_summary.clone()}</dd>
                                <dt>{t!(i18n, autopay.first_bill)}</dt><dd>{first_bill}</dd>
                                <dt>{t!(i18n, autopay.enrolled_on)}</dt><dd>{c.enrolled_on.clone()}</dd>
                            </dl>
                            <h2>{t!(i18n, autopay.authorization)}</h2>
                            <p class="authorization">{c.authorization.clone()}</p>
                            <div class="actions no-print">
                                <button type="button" class="primary print-button" on:click=move |_| {
                                    let _ = window().print();
                                }>{t!(i18n, autopay.print)}</button>
                                <a class="button secondary" href="/billing/settings/autopay">{t!(i18n, autopay.back_to_settings)}</a>
                            </div>
                        </div>
                    }.into_any()
                }
                Ok(None) => view! {
                    <h1>{t!(i18n, autopay.done_title)}</h1>
                    <p class="notice">{t!(i18n, autopay.not_found)}</p>
                    <p><a href="/billing/settings/autopay">{t!(i18n, autopay.back_to_settings)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::pages::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}
