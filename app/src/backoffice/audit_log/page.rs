//! `/staff/audit`: the log, filtered by a GET form (so a filtered view is a link), newest
//! first, 50 rows a page, and the same filters as a CSV download.

use super::{audit_log_rows, AuditQuery, PAGE_ROWS};
use crate::audit::{AuditAction, AuditRow};
use crate::backoffice::StaffPage;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A moment as the log shows it: UTC, to the second.
pub fn utc(at: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(format).ok())
        .map_or_else(|| at.to_string(), |t| format!("{t} UTC"))
}

/// An action's name in the page's language (the CSV keeps the stable names).
fn action_name(i18n: crate::forms::I18n, action: AuditAction) -> String {
    match action {
        AuditAction::SignIn => t_string!(i18n, staff.act_sign_in).into(),
        AuditAction::SignInFailed => t_string!(i18n, staff.act_sign_in_failed).into(),
        AuditAction::SignOut => t_string!(i18n, staff.act_sign_out).into(),
        AuditAction::Enrolled => t_string!(i18n, staff.act_enrolled).into(),
        AuditAction::Search => t_string!(i18n, staff.act_search).into(),
        AuditAction::ViewCustomer => t_string!(i18n, staff.act_view_customer).into(),
        AuditAction::CustomerAction => t_string!(i18n, staff.act_customer_action).into(),
        AuditAction::Import => t_string!(i18n, staff.act_import).into(),
        AuditAction::ReadAuditLog => t_string!(i18n, staff.act_read_audit_log).into(),
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.read();
        AuditQuery::from_pairs(
            ["actor", "action", "customer", "from", "to", "before"]
                .map(|k| (k, map.get(k).unwrap_or_default())),
        )
    });
    let rows = Resource::new_blocking(
        move || query.get(),
        |q| audit_log_rows(q.actor, q.action, q.customer, q.from, q.to, q.before),
    );
    view! {
        <Title text=t_string!(i18n, staff.audit_title).to_string()/>
        <StaffPage admin=true>
        <h1>{t!(i18n, staff.audit_title)}</h1>
        <Filters query=query.get_untracked()/>
        <p><a href=move || format!("{}?{}", paths::STAFF_AUDIT_CSV, query.read().to_query(None))>
            {t!(i18n, staff.audit_csv)}
        </a></p>
        <Suspense fallback=|| ()>
            {move || rows.get().map(|found| match found {
                Ok(rows) if rows.is_empty() => view! { <p>{t!(i18n, staff.audit_none)}</p> }.into_any(),
                Ok(rows) => {
                    let older = (rows.len() as i64 == PAGE_ROWS).then(|| rows.last().map(|r| r.id)).flatten();
                    view! {
                        <Rows rows/>
                        {older.map(|id| view! {
                            <p><a href=format!("{}?{}", paths::STAFF_AUDIT, query.read_untracked().to_query(Some(id)))>
                                {t!(i18n, staff.audit_older)}
                            </a></p>
                        })}
                    }.into_any()
                }
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
        </StaffPage>
    }
}

#[component]
fn Filters(query: AuditQuery) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = query.action.clone();
    view! {
        <form method="get" action=paths::STAFF_AUDIT class="form filters">
            <div class="field">
                <label for="actor">{t!(i18n, staff.audit_actor)}</label>
                <input id="actor" name="actor" type="email" value=query.actor/>
            </div>
            <div class="field">
                <label for="action">{t!(i18n, staff.audit_action)}</label>
                <select id="action" name="action">
                    <option value="">{t!(i18n, staff.audit_any)}</option>
                    {AuditAction::ALL.into_iter().map(|a| view! {
                        <option value=a.as_str() selected=chosen == a.as_str()>{action_name(i18n, a)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="customer">{t!(i18n, staff.audit_customer)}</label>
                <input id="customer" name="customer" inputmode="numeric" value=query.customer/>
            </div>
            <div class="field">
                <label for="from">{t!(i18n, staff.audit_from)}</label>
                <input id="from" name="from" type="date" value=query.from/>
            </div>
            <div class="field">
                <label for="to">{t!(i18n, staff.audit_to)}</label>
                <input id="to" name="to" type="date" value=query.to/>
            </div>
            <button type="submit" class="secondary">{t!(i18n, staff.audit_filter)}</button>
        </form>
    }
}

#[component]
fn Rows(rows: Vec<AuditRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="audit-log">
            <caption>{t!(i18n, staff.audit_caption)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, staff.audit_when)}</th>
                <th scope="col">{t!(i18n, staff.audit_actor)}</th>
                <th scope="col">{t!(i18n, staff.audit_action)}</th>
                <th scope="col">{t!(i18n, staff.audit_address)}</th>
                <th scope="col">{t!(i18n, staff.audit_customer)}</th>
                <th scope="col">{t!(i18n, staff.audit_reason)}</th>
                <th scope="col">{t!(i18n, staff.audit_details)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{utc(r.at)}</td>
                        <td>{r.actor}</td>
                        <td>{AuditAction::parse(&r.action).map_or(r.action.clone(), |a| action_name(i18n, a))}</td>
                        <td>{r.address}</td>
                        <td>{r.customer_id.map(|c| c.to_string())}</td>
                        <td>{r.reason}</td>
                        <td><code>{r.details}</code></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
