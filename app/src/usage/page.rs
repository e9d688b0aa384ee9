//! The Water Use page: rendered whole on the server (links and plain forms, no island).

use super::chart::{UsageChart, UsageTable};
use super::{water_use, BillCheck, DismissUsageAlert, SetUsageUnit, ShownAlert, UsageView};
use crate::domain::leak::AlertKind;
use crate::domain::water_use::local_time;
use crate::domain::water_use::{amount, whole_total, Bucket, Scale, Unit};
use crate::domain::{format, Lang};
use crate::forms::{AccountChoice, I18n};
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use time::Duration;

#[component]
pub fn WaterUsePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let usage = Resource::new_blocking(
        move || {
            let q = query.read();
            (q.get("account"), q.get("scale"), q.get("at"))
        },
        |(account, scale, at)| water_use(account, scale, at),
    );
    view! {
        <Title text=t_string!(i18n, usage.title).to_string()/>
        <Suspense fallback=|| ()>
            {move || usage.get().map(|result| match result {
                Ok(Some(view)) => view! { <Usage view/> }.into_any(),
                Ok(None) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

/// The period's name: a day, two days, or two months.
fn period_title(view: &UsageView, lang: Lang) -> String {
    let last = view.days.until - Duration::days(1);
    match view.scale {
        Scale::Hour => format::long_date(view.days.from, lang),
        Scale::Day => format!(
            "{} – {}",
            format::long_date(view.days.from, lang),
            format::long_date(last, lang)
        ),
        Scale::Month => format!(
            "{} – {}",
            format::month_year(view.days.from, lang),
            format::month_year(last, lang)
        ),
    }
}

/// The period's total, or how many of its bars lack reads.
fn total_text(i18n: I18n, view: &UsageView, lang: Lang) -> String {
    let now: Vec<Bucket> = view.bars.iter().map(|b| b.now).collect();
    let sum: i64 = now.iter().filter_map(|b| b.centigallons).sum();
    match whole_total(&now) {
        (Some(total), _) => {
            format!("{}: {}", t_string!(i18n, usage.total), amount(total, view.unit, lang))
        }
        (None, missing) => format!(
            "{}: {} · {}: {missing}",
            t_string!(i18n, usage.total_read),
            amount(sum, view.unit, lang),
            t_string!(i18n, usage.not_read_whole)
        ),
    }
}

fn bill_text(i18n: I18n, check: BillCheck, unit: Unit, lang: Lang) -> (String, &'static str) {
    match check {
        BillCheck::AddsUp { gallons } => (
            format!(
                "{} {}",
                t_string!(i18n, usage.bill_adds_up),
                amount(gallons * 100, unit, lang)
            ),
            "notice",
        ),
        BillCheck::Missing { days, gallons } => (
            format!(
                "{} {days}. {} {}",
                t_string!(i18n, usage.bill_missing_days),
                t_string!(i18n, usage.bill_billed),
                amount(gallons * 100, unit, lang)
            ),
            "notice warning",
        ),
        BillCheck::Differs { read_centigallons, gallons } => (
            format!(
                "{} {}. {} {}",
                t_string!(i18n, usage.bill_reads_add_up),
                amount(read_centigallons, unit, lang),
                t_string!(i18n, usage.bill_billed),
                amount(gallons * 100, unit, lang)
            ),
            "notice warning",
        ),
    }
}

#[component]
fn Usage(view: UsageView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let title = period_title(&view, lang);
    let total = total_text(i18n, &view, lang);
    let bill = view.bill.map(|check| {
        let (text, class) = bill_text(i18n, check, view.unit, lang);
        view! { <p class=class role="status">{text}</p> }
    });
    let no_hours = (view.scale == Scale::Hour && !view.hourly)
        .then(|| view! { <p class="notice" role="status">{t!(i18n, usage.daily_only)}</p> });
    let unread = view.bars.iter().all(|b| b.now.centigallons.is_none());
    let no_reads = unread
        .then(|| view! { <p class="notice" role="status">{t!(i18n, usage.no_reads_here)}</p> });
    let caption = format!("{} · {title}", t_string!(i18n, usage.table_caption));
    let previous = view.link(view.scale, view.previous);
    let next = view.next.map(|at| view.link(view.scale, at));
    let here = view.here();
    let csv = here.replacen(paths::WATER_USE, paths::WATER_USE_CSV, 1);
    let green_button = here.replacen(paths::WATER_USE, paths::WATER_USE_GREEN_BUTTON, 1);
    view! {
        <h1>{t!(i18n, usage.title)}</h1>
        <Alerts view=view.clone()/>
        <p>{t!(i18n, usage.intro)}</p>
        <p><a href=format!("{}?account={}", paths::WATER_ALERTS, view.account)>{t!(i18n, usage.alert_choices)}</a></p>
        <AccountChoice action=paths::WATER_USE id="usage-account" accounts=view.accounts.clone()
            chosen=view.account keep=("scale", view.scale.as_str().to_string())/>
        <ScaleTabs view=view.clone()/>
        <h2 id="usage-period">{title.clone()}</h2>
        <p class="usage-total">{total.clone()}</p>
        {bill}
        {no_hours}
        {no_reads}
        <UsageChart view=view.clone() title=title summary=total/>
        <nav class="usage-steps" aria-label=t_string!(i18n, usage.steps)>
            <a href=previous rel="prev">{t!(i18n, usage.previous)}</a>
            {next.map(|href| view! { <a href=href rel="next">{t!(i18n, usage.next)}</a> })}
        </nav>
        <UsageTable view=view.clone() caption/>
        <UnitChoice view=view.clone()/>
        <p class="usage-downloads">
            <a class="button secondary" href=csv download="water-use.csv">{t!(i18n, usage.download_csv)}</a>" "
            <a class="button secondary" href=green_button download="green-button-water.xml">{t!(i18n, usage.download_green_button)}</a>
        </p>
    }
}

#[component]
fn ScaleTabs(view: UsageView) -> impl IntoView {
    let i18n = use_i18n();
    let at = view.anchor();
    view! {
        <nav class="usage-scales" aria-label=t_string!(i18n, usage.scales)>
            <ul>
                {Scale::ALL.into_iter().map(|scale| {
                    let label = match scale {
                        Scale::Hour => t_string!(i18n, usage.by_hour),
                        Scale::Day => t_string!(i18n, usage.by_day),
                        Scale::Month => t_string!(i18n, usage.by_month),
                    };
                    let current = (scale == view.scale).then_some("page");
                    view! { <li><a href=view.link(scale, at) aria-current=current>{label}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// Gallons or HCF, kept for the customer's next visit: a plain form to the server.
#[component]
fn UnitChoice(view: UsageView) -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetUsageUnit>::new();
    let back = view.here();
    let chosen = view.unit;
    let choice = move |unit: Unit, label: &'static str| {
        let id = format!("usage-unit-{}", unit.as_str());
        view! {
            <div class="radio">
                <input type="radio" id=id.clone() name="unit" value=unit.as_str() checked=unit == chosen/>
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <ActionForm action=set attr:class="usage-unit">
            <input type="hidden" name="back" value=back/>
            <fieldset>
                <legend>{t!(i18n, usage.unit_legend)}</legend>
                {choice(Unit::Gallons, t_string!(i18n, usage.unit_gallons))}
                {choice(Unit::Hcf, t_string!(i18n, usage.unit_hcf))}
            </fieldset>
            <button type="submit" class="secondary">{t!(i18n, usage.unit_save)}</button>
        </ActionForm>
    }
}

fn alert_text(i18n: I18n, alert: &ShownAlert, lang: Lang) -> String {
    let what = match alert.kind {
        AlertKind::Continuous => t_string!(i18n, usage.alert_continuous),
        AlertKind::Burst => t_string!(i18n, usage.alert_burst),
        AlertKind::HighUse => t_string!(i18n, usage.alert_high_use),
        AlertKind::Vacation => t_string!(i18n, usage.alert_vacation),
    };
    let since = local_time(alert.started, lang);
    match alert.resolved {
        None => format!("{what} {} {since}.", t_string!(i18n, usage.alert_since)),
        Some(end) => format!(
            "{} {what} {} {since} ({} {}).",
            t_string!(i18n, usage.alert_resolved),
            t_string!(i18n, usage.alert_since),
            t_string!(i18n, usage.alert_until),
            local_time(end, lang)
        ),
    }
}

/// The account's alerts, each until dismissed: what was seen and since when, the hours on
/// the chart, what to check.
#[component]
fn Alerts(view: UsageView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let back = view.here();
    let shown: Vec<_> = view.alerts.clone().into_iter().map(|alert| {
        let back = back.clone();
        let dismiss = ServerAction::<DismissUsageAlert>::new();
        let day = crate::domain::water_use::local_day(alert.started).unwrap_or(view.days.from);
        let hours = view.link(Scale::Hour, day);
        let account = view.account.to_string();
        let class = if alert.resolved.is_some() { "notice" } else { "notice warning" };
        view! {
            <section class=class role="status" aria-label=t_string!(i18n, usage.alert_label)>
                <p><strong>{alert_text(i18n, &alert, lang)}</strong></p>
                <p>
                    <a href=hours>{t!(i18n, usage.alert_see_hours)}</a>" · "
                    <a href=paths::WHAT_TO_CHECK>{t!(i18n, usage.alert_check)}</a>
                </p>
                <ActionForm action=dismiss>
                    <input type="hidden" name="account" value=account/>
                    <input type="hidden" name="alert" value=alert.id.to_string()/>
                    <input type="hidden" name="back" value=back/>
                    <button type="submit" class="secondary">{t!(i18n, usage.alert_dismiss)}</button>
                </ActionForm>
            </section>
        }
    }).collect();
    shown
}

/// What to check when an alert says water keeps running: public, linked from every alert.
#[component]
pub fn WhatToCheckPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, leaks.title).to_string()/>
        <h1>{t!(i18n, leaks.title)}</h1>
        <p>{t!(i18n, leaks.intro)}</p>
        <h2>{t!(i18n, leaks.meter_title)}</h2>
        <p>{t!(i18n, leaks.meter)}</p>
        <h2>{t!(i18n, leaks.toilet_title)}</h2>
        <p>{t!(i18n, leaks.toilet)}</p>
        <h2>{t!(i18n, leaks.irrigation_title)}</h2>
        <p>{t!(i18n, leaks.irrigation)}</p>
        <h2>{t!(i18n, leaks.softener_title)}</h2>
        <p>{t!(i18n, leaks.softener)}</p>
        <h2>{t!(i18n, leaks.call_title)}</h2>
        <p>{t!(i18n, leaks.call)}</p>
        <p><a href=paths::WATER_USE>{t!(i18n, leaks.back)}</a></p>
    }
}
