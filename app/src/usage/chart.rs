//! The chart (SVG drawn on the server: no script) and its data table, the chart's
//! accessible alternative. This period's use is the solid bar; a year before's, the
//! outlined one beside it; a bucket with some intervals unread is hatched; one without any
//! read has no bar but a mark on the axis, so a gap is never drawn as zero use.

use super::{Bar, UsageView};
use crate::domain::water_use::{amount, Bucket, Scale, Unit};
use crate::domain::{format, Lang};
use crate::i18n::*;
use leptos::prelude::*;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
/// Room for the axis labels: left of the plot and below it.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 8.0;
const GRID_LINES: usize = 4;

/// A bar's label on the axis and in the table.
pub fn bar_label(bar: &Bar, scale: Scale, lang: Lang) -> String {
    match (scale, bar.hour) {
        (Scale::Hour, Some(hour)) => format!("{hour:02}:00"),
        (Scale::Month, _) => format::month_year(bar.day, lang),
        _ => format::short_date(bar.day, lang),
    }
}

/// The top of the scale: the highest bar, rounded up to a number that reads well.
fn scale_top(bars: &[Bar], unit: Unit) -> f64 {
    let values = bars.iter().flat_map(|b| [b.now, b.year_before]);
    let high = values.filter_map(|b| b.centigallons).map(|c| unit.value(c)).fold(0.0, f64::max);
    if high <= 0.0 {
        return 1.0;
    }
    let step = 10f64.powf(high.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * step).find(|top| *top >= high).unwrap_or(high)
}

#[component]
pub fn UsageChart(view: UsageView, title: String, summary: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let (unit, scale) = (view.unit, view.scale);
    let top = scale_top(&view.bars, unit);
    let plot_w = WIDTH - LEFT;
    let plot_h = HEIGHT - BOTTOM - TOP;
    let slot = plot_w / view.bars.len().max(1) as f64;
    let y = move |value: f64| TOP + plot_h - value / top * plot_h;
    let every = match scale {
        Scale::Hour => 3,
        Scale::Day => 5,
        Scale::Month => 3,
    };
    let grid = (0..=GRID_LINES).map(move |i| {
        let value = top * i as f64 / GRID_LINES as f64;
        let at = y(value);
        let label = if unit == Unit::Hcf { format!("{value:.1}") } else { format::grouped(value.round() as i64) };
        view! {
            <line class="grid" x1=LEFT.to_string() x2=WIDTH.to_string() y1=at.to_string() y2=at.to_string()/>
            <text class="axis" x=(LEFT - 6.0).to_string() y=(at + 4.0).to_string() text-anchor="end">{label}</text>
        }
    });
    let bars = view.bars.iter().enumerate().map(|(i, bar)| {
        let x = LEFT + slot * i as f64;
        let label = bar_label(bar, scale, lang);
        let tick = (i % every == 0).then(|| view! {
            <text class="axis" x=(x + slot / 2.0).to_string() y=(HEIGHT - 6.0).to_string() text-anchor="middle">{label.clone()}</text>
        });
        view! {
            <g>
                {bar_rect(bar.year_before, x + slot * 0.55, slot * 0.35, &y, unit, "bar-before")}
                {bar_rect(bar.now, x + slot * 0.1, slot * 0.45, &y, unit, "bar-now")}
                {tick}
            </g>
        }
    }).collect_view();
    let unit_name = match unit {
        Unit::Gallons => t_string!(i18n, usage.unit_gallons),
        Unit::Hcf => t_string!(i18n, usage.unit_hcf),
    };
    view! {
        <figure class="usage-chart">
            <svg role="img" aria-labelledby="usage-chart-title usage-chart-desc"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="xMidYMid meet">
                <title id="usage-chart-title">{title}</title>
                <desc id="usage-chart-desc">{summary}</desc>
                <defs>
                    <pattern id="usage-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect class="hatch-back" width="6" height="6"/>
                        <line class="hatch-line" x1="0" y1="0" x2="0" y2="6"/>
                    </pattern>
                </defs>
                {grid.collect_view()}
                <line class="axis-line" x1=LEFT.to_string() x2=WIDTH.to_string()
                    y1=(TOP + plot_h).to_string() y2=(TOP + plot_h).to_string()/>
                {bars}
            </svg>
            <figcaption>
                <span class="key key-now">{t!(i18n, usage.key_now)}</span>
                <span class="key key-before">{t!(i18n, usage.key_year_before)}</span>
                <span class="key key-partial">{t!(i18n, usage.key_partial)}</span>
                <span class="key key-missing">{t!(i18n, usage.key_missing)}</span>
                <span class="unit-note">{unit_name}</span>
            </figcaption>
        </figure>
    }
}

/// A bucket's bar: solid or outlined by `class`, hatched when partly read, a mark on the
/// axis when not read at all.
fn bar_rect(
    bucket: Bucket,
    x: f64,
    width: f64,
    y: &dyn Fn(f64) -> f64,
    unit: Unit,
    class: &'static str,
) -> AnyView {
    let base = y(0.0);
    let Some(centigallons) = bucket.centigallons else {
        return view! {
            <rect class=format!("{class} missing") x=x.to_string() y=(base - 2.0).to_string()
                width=width.to_string() height="2"/>
        }
        .into_any();
    };
    let top = y(unit.value(centigallons));
    let class = if bucket.complete { class.to_string() } else { format!("{class} partial") };
    view! {
        <rect class=class x=x.to_string() y=top.to_string() width=width.to_string()
            height=(base - top).max(0.0).to_string()/>
    }
    .into_any()
}

/// The chart's numbers as a table: every bar, its use, a year before's, and what is missing.
#[component]
pub fn UsageTable(view: UsageView, caption: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let (unit, scale) = (view.unit, view.scale);
    let cell = move |b: Bucket| match b.centigallons {
        None => t_string!(i18n, usage.no_reads).to_string(),
        Some(c) if b.complete => amount(c, unit, lang),
        Some(c) => format!("{} ({})", amount(c, unit, lang), t_string!(i18n, usage.partial)),
    };
    view! {
        <div class="table-scroll"><table class="usage-table">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{match scale {
                    Scale::Hour => t_string!(i18n, usage.col_hour),
                    Scale::Day => t_string!(i18n, usage.col_day),
                    Scale::Month => t_string!(i18n, usage.col_month),
                }}</th>
                <th scope="col">{t!(i18n, usage.col_use)}</th>
                <th scope="col">{t!(i18n, usage.col_year_before)}</th>
            </tr></thead>
            <tbody>
                {view.bars.iter().map(|bar| view! {
                    <tr>
                        <th scope="row">{bar_label(bar, scale, lang)}</th>
                        <td class="amount">{cell(bar.now)}</td>
                        <td class="amount">{cell(bar.year_before)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
