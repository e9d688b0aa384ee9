//! The customer's page: props in, markup out, rendered on the server. One heading per part
//! (h1 the customer, h2 each part, h3 within an account), every list a table with its
//! caption and headers. Instants in UTC (the portal keeps no time zone of its own).

use super::{
    AccountFile, AutopayState, BillLine, CustomerFile, EmailLine, EmailState, LoginState,
    NextDraft, PaymentLine,
};
use crate::backoffice::actions::{ActOn, ActionOutcome, ActionResult, Target};
use crate::domain::autopay::{AmountRule, AutopayRule};
use crate::domain::payment::PaymentState;
use crate::domain::{format, CustomerId, Lang};
use crate::forms::I18n;
use crate::i18n::*;
use crate::payments::{return_reason_text, state_label, SavedMethod};
use leptos::prelude::*;

#[component]
pub fn CustomerPage(file: CustomerFile, #[prop(optional)] outcome: ActionOutcome) -> impl IntoView {
    let i18n = use_i18n();
    let CustomerFile {
        customer_id: customer,
        customer_number,
        name,
        phone,
        login,
        accounts,
        methods,
        payments,
        more_payments,
        emails,
    } = file;
    let registered = login.is_some();
    view! {
        <article class="staff-customer">
            <h1>{name}</h1>
            <dl class="facts">
                <dt>{t!(i18n, backoffice.customer_number)}</dt>
                <dd class="reference">{customer_number}</dd>
                {phone.map(|phone| view! {
                    <dt>{t!(i18n, backoffice.phone)}</dt>
                    <dd>{phone}</dd>
                })}
            </dl>
            <ActionResult outcome/>
            <Login customer login/>
            {accounts.into_iter().map(|account| view! { <Account customer account/> }).collect_view()}
            <Methods customer methods/>
            <Payments customer registered payments more=more_payments/>
            <Emails emails/>
        </article>
    }
}

fn lang(i18n: I18n) -> Lang {
    Lang::from(i18n.get_locale_untracked())
}

fn yes_no(i18n: I18n, yes: bool) -> &'static str {
    if yes {
        t_string!(i18n, backoffice.answer_yes)
    } else {
        t_string!(i18n, backoffice.answer_no)
    }
}

#[component]
fn Login(customer: CustomerId, login: Option<LoginState>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang(i18n);
    let Some(login) = login else {
        return view! {
            <section aria-labelledby="staff-login">
                <h2 id="staff-login">{t!(i18n, backoffice.login_heading)}</h2>
                <p>{t!(i18n, backoffice.not_registered)}</p>
            </section>
        }
        .into_any();
    };
    let language = match Lang::from_locale(&login.locale) {
        Lang::En => t_string!(i18n, backoffice.language_en),
        Lang::Es => t_string!(i18n, backoffice.language_es),
    };
    let last = match login.last_sign_in_at {
        Some(at) => format::date_time_utc(at, lang),
        None => t_string!(i18n, backoffice.not_recorded).to_string(),
    };
    let locked = login.locked_until.is_some();
    let lock = match login.locked_until {
        Some(until) => format!(
            "{} {}",
            t_string!(i18n, backoffice.locked_until),
            format::date_time_utc(until, lang)
        ),
        None => t_string!(i18n, backoffice.not_locked).to_string(),
    };
    view! {
        <section aria-labelledby="staff-login">
            <h2 id="staff-login">{t!(i18n, backoffice.login_heading)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, backoffice.login_email)}</dt><dd>{login.email}</dd>
                <dt>{t!(i18n, backoffice.login_language)}</dt><dd>{language}</dd>
                <dt>{t!(i18n, backoffice.registered_at)}</dt>
                <dd>{format::date_time_utc(login.registered_at, lang)}</dd>
                <dt>{t!(i18n, backoffice.last_sign_in)}</dt><dd>{last}</dd>
                <dt>{t!(i18n, backoffice.failed_sign_ins)}</dt>
                <dd>{login.failed_sign_ins.to_string()}</dd>
                <dt>{t!(i18n, backoffice.lock_state)}</dt>
                <dd class:warning=locked>{lock}</dd>
            </dl>
            <div class="staff-actions">
                {locked.then(|| view! { <ActOn customer target=Target::UnlockSignIn/> })}
                <ActOn customer target=Target::SendPasswordReset/>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Account(customer: CustomerId, account: AccountFile) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang(i18n);
    let heading_id = format!("staff-account-{}", account.account_id);
    let labelled_by = heading_id.clone();
    let due = match account.due_date {
        Some(date) => format::long_date(date, lang),
        None => t_string!(i18n, backoffice.no_bill).to_string(),
    };
    let delivery = match &account.delivery.email {
        Some(email) => format!("{} {email}", t_string!(i18n, backoffice.paperless_to)),
        None => t_string!(i18n, backoffice.paper).to_string(),
    };
    let id = account.account_id;
    let resend = account.delivery.pending.is_some();
    let paperless = resend || account.delivery.email.is_some();
    let pending = account.delivery.pending.clone().map(|p| {
        format!(
            "{}: {} ({} {})",
            t_string!(i18n, backoffice.pending_verification),
            p.email,
            t_string!(i18n, backoffice.link_until),
            format::date_time_utc(p.expires_at, lang)
        )
    });
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("{} {}", t_string!(i18n, backoffice.account_heading), account.number)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, backoffice.service_address)}</dt><dd>{account.service_address}</dd>
                <dt>{t!(i18n, backoffice.mailing_address)}</dt><dd>{account.mailing_address}</dd>
                <dt>{t!(i18n, backoffice.balance)}</dt>
                <dd class="amount">{format::money(account.balance, lang)}</dd>
                <dt>{t!(i18n, backoffice.due_date)}</dt><dd>{due}</dd>
                <dt>{t!(i18n, backoffice.delivery)}</dt>
                <dd>{delivery}{pending.map(|p| view! { <br/><span class="pending">{p}</span> })}</dd>
            </dl>
            <div class="staff-actions">
                {resend.then(|| view! { <ActOn customer target=Target::ResendVerification(id)/> })}
                {paperless.then(|| view! { <ActOn customer target=Target::SwitchToPaper(id)/> })}
            </div>
            <Autopay customer account=id autopay=account.autopay/>
            <Bills bills=account.bills/>
        </section>
    }
}

#[component]
fn Autopay(
    customer: CustomerId,
    account: crate::domain::AccountId,
    autopay: Option<AutopayState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang(i18n);
    let locale = i18n.get_locale_untracked();
    let Some(a) = autopay else {
        return view! {
            <h3>{t!(i18n, backoffice.autopay)}</h3>
            <p>{t!(i18n, backoffice.autopay_none)}</p>
        }
        .into_any();
    };
    let next = match (&a.suspended_code, a.next_draft) {
        (Some(code), _) => format!(
            "{} ({})",
            t_string!(i18n, backoffice.suspended),
            return_reason_text(locale, code)
        ),
        (None, draft) => next_draft_text(i18n, draft),
    };
    view! {
        <h3>{t!(i18n, backoffice.autopay)}</h3>
        <dl class="facts">
            <dt>{t!(i18n, backoffice.autopay_method)}</dt><dd>{a.method.label(locale)}</dd>
            <dt>{t!(i18n, backoffice.autopay_rule)}</dt><dd>{rule_text(i18n, &a.rule)}</dd>
            <dt>{t!(i18n, backoffice.next_draft)}</dt>
            <dd class:warning=a.suspended_code.is_some()>{next}</dd>
            <dt>{t!(i18n, backoffice.autopay_since)}</dt>
            <dd>{format::date_time_utc(a.since, lang)}</dd>
            <dt>{t!(i18n, backoffice.reference)}</dt><dd class="reference">{a.reference}</dd>
        </dl>
        <div class="staff-actions"><ActOn customer target=Target::CancelAutopay(account)/></div>
    }
    .into_any()
}

/// "The full balance of each bill, 3 days before its due date, up to $150.00."
pub fn rule_text(i18n: I18n, rule: &AutopayRule) -> String {
    let lang = lang(i18n);
    let amount = match rule.amount {
        AmountRule::FullBalance => t_string!(i18n, backoffice.rule_full).to_string(),
        AmountRule::Fixed(c) => {
            format!("{} {}", t_string!(i18n, backoffice.rule_fixed), format::money(c, lang))
        }
    };
    let timing = match rule.days_before_due {
        0 => t_string!(i18n, backoffice.rule_on_due).to_string(),
        d => format!("{d} {}", t_string!(i18n, backoffice.rule_days_before)),
    };
    let maximum = rule
        .maximum
        .map(|m| {
            format!(", {} {}", t_string!(i18n, backoffice.rule_maximum), format::money(m, lang))
        })
        .unwrap_or_default();
    format!("{amount}, {timing}{maximum}.")
}

fn next_draft_text(i18n: I18n, draft: Option<NextDraft>) -> String {
    let lang = lang(i18n);
    let on = |date, amount| {
        format!("{} · {}", format::long_date(date, lang), format::money(amount, lang))
    };
    match draft {
        None => t_string!(i18n, backoffice.no_draft).to_string(),
        Some(NextDraft::Planned { date, amount }) => on(date, amount),
        Some(NextDraft::Pending { date, amount }) => {
            format!("{} ({})", on(date, amount), t_string!(i18n, backoffice.draft_pending))
        }
        Some(NextDraft::OverMaximum { date, amount, maximum }) => format!(
            "{} ({}: {})",
            on(date, amount),
            t_string!(i18n, backoffice.draft_over_maximum),
            format::money(maximum, lang)
        ),
    }
}

#[component]
fn Bills(bills: Vec<BillLine>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang(i18n);
    view! {
        <h3>{t!(i18n, backoffice.bills_heading)}</h3>
        {if bills.is_empty() {
            view! { <p>{t!(i18n, backoffice.no_bill)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll"><table class="bills">
                    <caption>{t!(i18n, backoffice.bills_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, backoffice.bill_date)}</th>
                        <th scope="col">{t!(i18n, backoffice.due_date)}</th>
                        <th scope="col">{t!(i18n, backoffice.amount)}</th>
                        <th scope="col">{t!(i18n, backoffice.balance)}</th>
                    </tr></thead>
                    <tbody>{bills.into_iter().map(|b| view! {
                        <tr>
                            <th scope="row">{format::long_date(b.bill_date, lang)}</th>
                            <td>{format::long_date(b.due_date, lang)}</td>
                            <td class="amount">{format::money(b.amount, lang)}</td>
                            <td class="amount">{format::money(b.balance, lang)}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any()
        }}
    }
}

#[component]
fn Methods(customer: CustomerId, methods: Vec<SavedMethod>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let usable: Vec<_> =
        methods.iter().filter(|m| m.usable()).map(|m| (m.id, m.label(locale))).collect();
    let rows = methods
        .into_iter()
        .map(|m| {
            let replacements = if m.autopay_uses > 0 {
                usable.iter().filter(|(id, _)| *id != m.id).cloned().collect()
            } else {
                Vec::new()
            };
            let target = Target::RemovePaymentMethod { method: m.id, replacement: None };
            let status = match &m.unusable_code {
                Some(code) => format!(
                    "{}: {}",
                    t_string!(i18n, backoffice.unusable),
                    return_reason_text(locale, code)
                ),
                None => t_string!(i18n, backoffice.usable).to_string(),
            };
            view! {
                <tr>
                    <th scope="row">{m.label(locale)}</th>
                    <td>{yes_no(i18n, m.is_default)}</td>
                    <td>{yes_no(i18n, m.autopay_uses > 0)}</td>
                    <td class:warning=m.unusable_code.is_some()>{status}</td>
                    <td><ActOn customer target replacements/></td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="staff-methods">
            <h2 id="staff-methods">{t!(i18n, backoffice.methods_heading)}</h2>
            {if rows.is_empty() {
                view! { <p>{t!(i18n, backoffice.no_methods)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll"><table>
                        <caption>{t!(i18n, backoffice.methods_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, backoffice.method)}</th>
                            <th scope="col">{t!(i18n, backoffice.default_method)}</th>
                            <th scope="col">{t!(i18n, backoffice.autopay_uses)}</th>
                            <th scope="col">{t!(i18n, backoffice.state)}</th>
                            <th scope="col">{t!(i18n, backoffice.actions_col)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

fn channel_text(i18n: I18n, channel: &str) -> &'static str {
    match channel {
        "autopay" => t_string!(i18n, backoffice.channel_autopay),
        "quick_pay" => t_string!(i18n, backoffice.channel_quick_pay),
        _ => t_string!(i18n, backoffice.channel_one_time),
    }
}

#[component]
fn Payments(
    customer: CustomerId,
    registered: bool,
    payments: Vec<PaymentLine>,
    more: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang(i18n);
    let locale = i18n.get_locale_untracked();
    let rows = payments
        .into_iter()
        .map(|p| {
            let receipt = registered
                && matches!(
                    p.state,
                    PaymentState::Paid | PaymentState::SentToBank | PaymentState::Pending
                );
            let target = Target::ResendReceipt(p.id);
            view! {
                <tr>
                    <th scope="row">{format::long_date(p.date, lang)}</th>
                    <td>{p.number.clone()}</td>
                    <td class="amount">{format::money(p.amount, lang)}</td>
                    <td>{p.method.label(locale)}</td>
                    <td>{channel_text(i18n, &p.channel)}</td>
                    <td class="reference">{p.reference.clone()}</td>
                    <td><PaymentStateCell p/></td>
                    <td>{receipt.then(|| view! { <ActOn customer target/> })}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="staff-payments">
            <h2 id="staff-payments">{t!(i18n, backoffice.payments_heading)}</h2>
            {if rows.is_empty() {
                view! { <p>{t!(i18n, backoffice.no_payments)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll"><table>
                        <caption>{t!(i18n, backoffice.payments_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, backoffice.payment_date)}</th>
                            <th scope="col">{t!(i18n, backoffice.account_heading)}</th>
                            <th scope="col">{t!(i18n, backoffice.amount)}</th>
                            <th scope="col">{t!(i18n, backoffice.method)}</th>
                            <th scope="col">{t!(i18n, backoffice.channel)}</th>
                            <th scope="col">{t!(i18n, backoffice.reference)}</th>
                            <th scope="col">{t!(i18n, backoffice.state)}</th>
                            <th scope="col">{t!(i18n, backoffice.actions_col)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                }.into_any()
            }}
            {more.then(|| view! { <p>{t!(i18n, backoffice.more_payments)}</p> })}
        </section>
    }
}

/// A payment's state as the customer sees it (a skipped one, as staff know it), with the
/// bank's return reason, why it was declined or skipped, and what it retries.
#[component]
fn PaymentStateCell(p: PaymentLine) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let state = if p.status == "skipped" {
        t_string!(i18n, backoffice.skipped).to_string()
    } else {
        state_label(i18n, p.state)
    };
    let returned = p.return_code.as_deref().map(|code| return_reason_text(locale, code));
    let retry = p.retry_of.map(|r| format!("{} {r}", t_string!(i18n, backoffice.retry_of)));
    view! {
        {state}
        {returned.map(|r| view! { <br/><span class="return-reason">{r}</span> })}
        {p.failure_reason.map(|r| view! { <br/><span class="failure-reason">{r}</span> })}
        {retry.map(|r| view! { <br/><span class="retry-of">{r}</span> })}
    }
}

fn email_state_text(i18n: I18n, state: &EmailState) -> String {
    let lang = lang(i18n);
    match state {
        EmailState::Sent { at } => {
            format!(
                "{} {}",
                t_string!(i18n, backoffice.email_sent),
                format::date_time_utc(*at, lang)
            )
        }
        EmailState::Waiting => t_string!(i18n, backoffice.email_waiting).to_string(),
        EmailState::Retrying { attempts, reason } => format!(
            "{} ({attempts} {}): {reason}",
            t_string!(i18n, backoffice.email_retrying),
            t_string!(i18n, backoffice.attempts)
        ),
        EmailState::Failed { reason } => {
            format!("{}: {reason}", t_string!(i18n, backoffice.email_failed))
        }
    }
}

#[component]
fn Emails(emails: Vec<EmailLine>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang(i18n);
    let rows = emails
        .into_iter()
        .map(|e| {
            let failed = matches!(e.state, EmailState::Failed { .. } | EmailState::Retrying { .. });
            view! {
                <tr>
                    <th scope="row">{format::date_time_utc(e.created_at, lang)}</th>
                    <td>{e.to}</td>
                    <td>{e.subject}<br/><span class="email-kind">{e.kind}</span></td>
                    <td class:warning=failed>{email_state_text(i18n, &e.state)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="staff-emails">
            <h2 id="staff-emails">{t!(i18n, backoffice.emails_heading)}</h2>
            {if rows.is_empty() {
                view! { <p>{t!(i18n, backoffice.no_emails)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll"><table>
                        <caption>{t!(i18n, backoffice.emails_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, backoffice.email_queued)}</th>
                            <th scope="col">{t!(i18n, backoffice.email_to)}</th>
                            <th scope="col">{t!(i18n, backoffice.email_subject)}</th>
                            <th scope="col">{t!(i18n, backoffice.email_delivery)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}
