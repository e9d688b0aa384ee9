//! The dashboard's markup, rendered on the server: a heading per figure (h2 the dashboard,
//! h3 each figure), its number, what it counts, and its 30 days as an inline SVG line
//! whose text alternative says where it went ("From 40.00% (2026-11-01) to 50.00%
//! (2026-11-26) over the last 30 days"). Today's payments and the return rates are also
//! tables with their caption and headers.

use super::{
    staff_dashboard, AutopayRun, DashboardFigures, ExportDone, ImportDone, ImportKind,
    PaymentGroup, Returns, Share, Trend, Unit,
};
use crate::domain::ach_rates::{self, Standing};
use crate::domain::format::{date_time_utc, grouped, iso_date};
use crate::domain::payment::PaymentState;
use crate::domain::{Cents, Lang};
use crate::forms::I18n;
use crate::i18n::*;
use crate::payments::{state_label, MethodKind};
use leptos::prelude::*;

/// The dashboard's figures: a resource of the page itself (see `StaffPage`).
pub fn dashboard_resource() -> Resource<Result<DashboardFigures, ServerFnError>> {
    Resource::new_blocking(|| (), |_| staff_dashboard())
}

/// The dashboard, for signed-in staff (inside `StaffPage`).
#[component]
pub fn Dashboard(figures: Resource<Result<DashboardFigures, ServerFnError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || figures.get().map(|found| match found {
                Ok(figures) => view! { <Figures figures/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

fn lang(i18n: I18n) -> Lang {
    Lang::from(i18n.get_locale_untracked())
}

#[component]
fn Figures(figures: DashboardFigures) -> impl IntoView {
    let i18n = use_i18n();
    let DashboardFigures {
        today,
        registered,
        registered_trend,
        paperless,
        paperless_trend,
        autopay,
        autopay_trend,
        payments_today,
        payments_trend,
        returns,
        returns_trend,
        emails_failing,
        emails_trend,
        last_autopay_run,
        autopay_run_trend,
        last_export,
        export_trend,
        last_import,
        import_trend,
    } = figures;
    let (run_number, run_detail) = autopay_run_text(i18n, last_autopay_run.as_ref());
    let (export_number, export_detail) = export_text(i18n, last_export.as_ref());
    let (import_number, import_detail) = import_text(i18n, last_import.as_ref());
    let payments_count: i64 = payments_today.iter().map(|g| g.count).sum();
    let overall = returns.rates.last().map(|r| r.rate().percent()).unwrap_or_default();
    let fact = |title: &'static str, number: String, detail: String, trend: Trend| Facts {
        title,
        number,
        detail,
        trend,
    };
    // A list of one component, not nine in a row: the view's type (and the stack its
    // rendering takes) stays small.
    let figures = vec![
        share_facts(i18n, t_string!(i18n, dashboard.registered), registered, registered_trend),
        share_facts(i18n, t_string!(i18n, dashboard.paperless), paperless, paperless_trend),
        share_facts(i18n, t_string!(i18n, dashboard.autopay), autopay, autopay_trend),
        fact(
            t_string!(i18n, dashboard.payments_today),
            grouped(payments_count),
            t_string!(i18n, dashboard.payments_trend).into(),
            payments_trend,
        ),
        fact(
            t_string!(i18n, dashboard.returns),
            overall,
            returns_detail(i18n, &returns),
            returns_trend,
        ),
        fact(
            t_string!(i18n, dashboard.emails_failing),
            grouped(emails_failing),
            t_string!(i18n, dashboard.emails_detail).into(),
            emails_trend,
        ),
        fact(
            t_string!(i18n, dashboard.last_autopay_run),
            run_number,
            run_detail,
            autopay_run_trend,
        ),
        fact(t_string!(i18n, dashboard.last_export), export_number, export_detail, export_trend),
        fact(t_string!(i18n, dashboard.last_import), import_number, import_detail, import_trend),
    ];
    view! {
        <section class="staff-dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title">{t!(i18n, dashboard.title)}</h2>
            <p class="hint">{t!(i18n, dashboard.as_of)}" "{iso_date(today)}" (UTC)"</p>
            <div class="dashboard-figures">
                {figures.into_iter().map(|facts| view! { <Figure facts/> }).collect_view()}
            </div>
            {view! { <PaymentsToday groups=payments_today/> }.into_any()}
            {view! { <ReturnRates returns/> }.into_any()}
        </section>
    }
}

/// "Never", and what the chart counts.
fn never(i18n: I18n, trend: &str) -> (String, String) {
    (t_string!(i18n, dashboard.never).to_string(), trend.to_string())
}

/// The run's date, and when it finished with what it did (and how its trend reads).
fn autopay_run_text(i18n: I18n, run: Option<&AutopayRun>) -> (String, String) {
    let Some(run) = run else { return never(i18n, t_string!(i18n, dashboard.autopay_run_trend)) };
    let detail = format!(
        "{} {} · {} {} · {} {} · {} {} · {}",
        t_string!(i18n, dashboard.finished),
        date_time_utc(run.finished_at, lang(i18n)),
        grouped(run.payments_created),
        t_string!(i18n, dashboard.payments_created),
        grouped(run.bank_files),
        t_string!(i18n, dashboard.bank_files),
        grouped(run.runs),
        t_string!(i18n, dashboard.runs),
        t_string!(i18n, dashboard.autopay_run_trend),
    );
    (iso_date(run.day), detail)
}

fn export_text(i18n: I18n, export: Option<&ExportDone>) -> (String, String) {
    let Some(e) = export else { return never(i18n, t_string!(i18n, dashboard.export_trend)) };
    let detail = format!(
        "{} · {} {} · {} · {}",
        e.file_name,
        grouped(e.lines),
        t_string!(i18n, dashboard.lines),
        e.total,
        t_string!(i18n, dashboard.export_trend),
    );
    (date_time_utc(e.at, lang(i18n)), detail)
}

fn import_text(i18n: I18n, import: Option<&ImportDone>) -> (String, String) {
    let Some(i) = import else { return never(i18n, t_string!(i18n, dashboard.import_trend)) };
    let detail = format!(
        "{} · {} {} · {}",
        import_kind(i18n, i.kind),
        grouped(i.rows),
        t_string!(i18n, dashboard.rows),
        t_string!(i18n, dashboard.import_trend),
    );
    (date_time_utc(i.at, lang(i18n)), detail)
}

fn import_kind(i18n: I18n, kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Accounts => t_string!(i18n, dashboard.import_accounts),
        ImportKind::Bills => t_string!(i18n, dashboard.import_bills),
        ImportKind::BillDocuments => t_string!(i18n, dashboard.import_documents),
        ImportKind::AchReturns => t_string!(i18n, dashboard.import_ach_returns),
        ImportKind::Reads => t_string!(i18n, dashboard.import_reads),
    }
}

fn returns_detail(i18n: I18n, returns: &Returns) -> String {
    format!(
        "{} {} · {} {} · {}",
        grouped(returns.returned as i64),
        t_string!(i18n, dashboard.returned_of),
        grouped(returns.debits as i64),
        t_string!(i18n, dashboard.debits_60),
        t_string!(i18n, dashboard.returns_trend),
    )
}

/// A share of all accounts: "50.00%", and "2 of 4 accounts".
fn share_facts(i18n: I18n, title: &'static str, share: Share, trend: Trend) -> Facts {
    let detail = format!(
        "{} {} {} {} · {}",
        grouped(share.part),
        t_string!(i18n, dashboard.of),
        grouped(share.whole),
        t_string!(i18n, dashboard.accounts),
        t_string!(i18n, dashboard.share_trend),
    );
    Facts { title, number: share.percent(), detail, trend }
}

/// What one figure shows.
struct Facts {
    title: &'static str,
    number: String,
    /// What it counts, and what its chart counts.
    detail: String,
    trend: Trend,
}

/// One figure: its heading, its number, what it counts, its chart.
#[component]
fn Figure(facts: Facts) -> impl IntoView {
    let Facts { title, number, detail, trend } = facts;
    view! {
        <section class="dashboard-figure">
            <h3>{title}</h3>
            <p class="dashboard-number">{number}</p>
            {(!detail.is_empty()).then(|| view! { <p class="hint">{detail}</p> })}
            <Sparkline trend/>
        </section>
    }
}

const WIDTH: i64 = 120;
const HEIGHT: i64 = 32;

/// The trend as a line; a day not known breaks it. Its text alternative names the first
/// and last values known.
#[component]
fn Sparkline(trend: Trend) -> impl IntoView {
    let i18n = use_i18n();
    let label = trend_text(i18n, &trend);
    let segments = segments(&trend);
    view! {
        <svg class="sparkline" role="img" aria-label=label
            width=WIDTH.to_string() height=HEIGHT.to_string()
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")>
            {segments.into_iter().map(|points| match points.as_slice() {
                [(x, y)] => view! { <circle cx=x.to_string() cy=y.to_string() r="1.5"/> }.into_any(),
                _ => {
                    let line: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
                    view! { <polyline fill="none" stroke="currentColor" stroke-width="1.5" points=line.join(" ")/> }.into_any()
                }
            }).collect_view()}
        </svg>
    }
}

/// The runs of consecutive known days, as points in the chart's box (the lowest value at
/// the bottom; a flat line in the middle).
fn segments(trend: &Trend) -> Vec<Vec<(i64, i64)>> {
    let known = trend.values.iter().flatten();
    let (low, high) = (known.clone().copied().min(), known.copied().max());
    let (Some(low), Some(high)) = (low, high) else { return Vec::new() };
    let last = (trend.values.len() as i64 - 1).max(1);
    let y = |v: i64| {
        if high == low {
            HEIGHT / 2
        } else {
            (HEIGHT - 2) - (v - low) * (HEIGHT - 4) / (high - low)
        }
    };
    let mut out: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, value) in trend.values.iter().enumerate() {
        match value {
            Some(v) => current.push((i as i64 * WIDTH / last, y(*v))),
            None if current.is_empty() => {}
            None => out.push(std::mem::take(&mut current)),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn value_text(unit: Unit, value: i64) -> String {
    match unit {
        Unit::Count => grouped(value),
        Unit::Percent => format!("{}.{:02}%", value / 100, value % 100),
    }
}

/// "From 40.00% (2026-11-01) to 50.00% (2026-11-26), over the last 30 days."
fn trend_text(i18n: I18n, trend: &Trend) -> String {
    let Some(((first_day, first), (last_day, last))) = trend.ends() else {
        return t_string!(i18n, dashboard.trend_none).to_string();
    };
    format!(
        "{} {} ({}) {} {} ({}), {}",
        t_string!(i18n, dashboard.trend_from),
        value_text(trend.unit, first),
        iso_date(first_day),
        t_string!(i18n, dashboard.trend_to),
        value_text(trend.unit, last),
        iso_date(last_day),
        t_string!(i18n, dashboard.trend_days),
    )
}

fn method_text(i18n: I18n, method: MethodKind) -> &'static str {
    match method {
        MethodKind::Echeck => t_string!(i18n, dashboard.method_echeck),
        MethodKind::Debit => t_string!(i18n, dashboard.method_debit),
        MethodKind::Credit => t_string!(i18n, dashboard.method_credit),
        MethodKind::Wallet => t_string!(i18n, dashboard.method_wallet),
    }
}

/// Today's payments by method and state.
#[component]
fn PaymentsToday(groups: Vec<PaymentGroup>) -> impl IntoView {
    let i18n = use_i18n();
    if groups.is_empty() {
        return view! {
            <h3>{t!(i18n, dashboard.payments_table)}</h3>
            <p>{t!(i18n, dashboard.no_payments_today)}</p>
        }
        .into_any();
    }
    view! {
        <h3>{t!(i18n, dashboard.payments_table)}</h3>
        <div class="table-scroll"><table>
            <caption>{t!(i18n, dashboard.payments_table)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, dashboard.col_method)}</th>
                <th scope="col">{t!(i18n, dashboard.col_state)}</th>
                <th scope="col">{t!(i18n, dashboard.col_count)}</th>
                <th scope="col">{t!(i18n, dashboard.col_amount)}</th>
            </tr></thead>
            <tbody>
                {groups.into_iter().map(|g| view! {
                    <tr>
                        <th scope="row">{method_text(i18n, g.method)}</th>
                        <td>{state_label(i18n, PaymentState::from_status(&g.status))}</td>
                        <td>{grouped(g.count)}</td>
                        <td>{Cents::to_string(&g.amount)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

fn measure_text(i18n: I18n, measure: u8) -> &'static str {
    match measure {
        0 => t_string!(i18n, dashboard.measure_unauthorized),
        1 => t_string!(i18n, dashboard.measure_administrative),
        _ => t_string!(i18n, dashboard.measure_overall),
    }
}

fn standing_text(i18n: I18n, standing: Standing) -> &'static str {
    match standing {
        Standing::Ok => t_string!(i18n, dashboard.standing_ok),
        Standing::Watch => t_string!(i18n, dashboard.standing_watch),
        Standing::Over => t_string!(i18n, dashboard.standing_over),
    }
}

/// The three return rates of the last 60 days against Nacha's thresholds.
#[component]
fn ReturnRates(returns: Returns) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3>{t!(i18n, dashboard.rates_heading)}</h3>
        <div class="table-scroll"><table>
            <caption>{t!(i18n, dashboard.rates_caption)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, dashboard.col_measure)}</th>
                <th scope="col">{t!(i18n, dashboard.col_returns)}</th>
                <th scope="col">{t!(i18n, dashboard.col_rate)}</th>
                <th scope="col">{t!(i18n, dashboard.col_threshold)}</th>
                <th scope="col">{t!(i18n, dashboard.col_standing)}</th>
            </tr></thead>
            <tbody>
                {returns.rates.into_iter().map(|line| {
                    let rate = line.rate();
                    view! {
                        <tr>
                            <th scope="row">{measure_text(i18n, line.measure)}</th>
                            <td>{grouped(line.returns as i64)}</td>
                            <td>{rate.percent()}</td>
                            <td>{ach_rates::threshold_text(rate.measure.threshold_bp())}</td>
                            <td>{standing_text(i18n, rate.standing())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
