//! `GET /billing/water-use/green-button.xml`: Green Button "Download My Data" — the shown
//! period's reads as an ESPI Atom feed (NAESB REQ.21): a UsagePoint of service kind 2
//! (water), its MeterReading, a ReadingType per interval length (US gallons, uom 128, in
//! hundredths: power of ten -2, delta data) and an IntervalBlock per local day with each
//! interval as read. An interval without a read is left out, never written as zero.

use super::UsageQuery;
use crate::domain::AccountId;
use crate::platform::{Config, Db};
use crate::water::series::{self, Interval};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::collections::BTreeMap;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ESPI: &str = "http://naesb.org/espi";
/// ESPI's ServiceKind of water.
pub const SERVICE_KIND_WATER: &str = "2";
/// ESPI's UnitSymbolKind of US gallons.
pub const UOM_US_GALLONS: &str = "128";
/// ESPI's accumulation behaviour of use within each interval (delta data).
const DELTA_DATA: &str = "4";
/// ESPI's commodity of drinking water (potable water).
const POTABLE_WATER: &str = "9";

/// The signed-in customer's reads of the shown period (as the page reads the address).
#[tracing::instrument(skip_all)]
pub async fn serve(db: Db, config: Config, parts: http::request::Parts) -> Response {
    let query = super::csv::query(parts.uri.query().unwrap_or_default());
    let base = config.public_base_url.trim_end_matches('/').to_string();
    let (signed_in, _) = crate::auth::customer_of_request(&db, config, parts).await;
    let Some(customer) = signed_in else {
        return Redirect::to(crate::paths::SIGN_IN).into_response();
    };
    match feed(&db, customer, &query, &base).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml")),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"green-button-water.xml\""),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            body,
        )
            .into_response(),
        Ok(None) => Redirect::to(crate::paths::ACCOUNT).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing a Green Button file");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response()
        }
    }
}

/// The feed of the period the query shows; `None` without an account.
pub async fn feed(
    db: &Db,
    customer: crate::domain::CustomerId,
    query: &UsageQuery,
    base: &str,
) -> Result<Option<Vec<u8>>, String> {
    let today = time::OffsetDateTime::now_utc().date();
    let view =
        super::service::usage(db, customer, query, today).await.map_err(|e| e.to_string())?;
    let Some(view) = view else { return Ok(None) };
    let (from, until) = (series::unix_day(view.days.from), series::unix_day(view.days.until));
    let intervals =
        series::intervals(db, view.account, from, until).await.map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc();
    write(view.account, &intervals, now, base).map(Some).map_err(|e| e.to_string())
}

type Xml = Writer<Vec<u8>>;

fn text(w: &mut Xml, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}

/// One Atom entry: its id, links, title, the ESPI resource in its content, and dates.
fn entry(
    w: &mut Xml,
    (id, href, title): (&str, &str, &str),
    updated: &str,
    content: impl FnOnce(&mut Xml) -> std::io::Result<()>,
) -> std::io::Result<()> {
    w.create_element("entry").write_inner_content(|w| {
        text(w, "id", id)?;
        w.create_element("link")
            .with_attributes([("rel", "self"), ("href", href)])
            .write_empty()?;
        text(w, "title", title)?;
        w.create_element("content").write_inner_content(content)?;
        text(w, "published", updated)?;
        text(w, "updated", updated)?;
        Ok(())
    })?;
    Ok(())
}

/// The feed's bytes: the usage point, its meter reading, and for each interval length its
/// reading type and a block per local day.
pub fn write(
    account: AccountId,
    intervals: &[Interval],
    now: time::OffsetDateTime,
    base: &str,
) -> std::io::Result<Vec<u8>> {
    let updated = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let point = format!("{base}/espi/1_1/resource/UsagePoint/{account}");
    let id = |part: &str| format!("tag:aqueduct,2026:account-{account}/{part}");
    let mut by_length: BTreeMap<i64, BTreeMap<i64, Vec<&Interval>>> = BTreeMap::new();
    for i in intervals {
        by_length.entry(i.minutes).or_default().entry(i.local_day()).or_default().push(i);
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("feed")
        .with_attributes([("xmlns", ATOM), ("xmlns:espi", ESPI)])
        .write_inner_content(|w| {
            text(w, "id", &id("feed"))?;
            text(w, "title", "Green Button: water use")?;
            text(w, "updated", &updated)?;
            w.create_element("link")
                .with_attributes([("rel", "self"), ("href", point.as_str())])
                .write_empty()?;
            entry(w, (&id("usage-point"), &point, "Water service"), &updated, |w| {
                w.create_element("espi:UsagePoint").write_inner_content(|w| {
                    w.create_element("espi:ServiceCategory")
                        .write_inner_content(|w| text(w, "espi:kind", SERVICE_KIND_WATER))?;
                    Ok(())
                })?;
                Ok(())
            })?;
            for (minutes, days) in &by_length {
                let reading = format!("{point}/MeterReading/{minutes}");
                entry(
                    w,
                    (&id(&format!("meter-reading-{minutes}")), &reading, "Meter reads"),
                    &updated,
                    |w| {
                        w.create_element("espi:MeterReading").write_empty()?;
                        Ok(())
                    },
                )?;
                let kind = format!("{base}/espi/1_1/resource/ReadingType/{minutes}");
                entry(
                    w,
                    (&id(&format!("reading-type-{minutes}")), &kind, "US gallons"),
                    &updated,
                    |w| reading_type(w, *minutes),
                )?;
                for (day, reads) in days {
                    let block = format!("{reading}/IntervalBlock/{day}");
                    entry(
                        w,
                        (&id(&format!("block-{minutes}-{day}")), &block, "Interval block"),
                        &updated,
                        |w| interval_block(w, *day, reads),
                    )?;
                }
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn reading_type(w: &mut Xml, minutes: i64) -> std::io::Result<()> {
    w.create_element("espi:ReadingType").write_inner_content(|w| {
        text(w, "espi:accumulationBehaviour", DELTA_DATA)?;
        text(w, "espi:commodity", POTABLE_WATER)?;
        text(w, "espi:flowDirection", "1")?;
        text(w, "espi:intervalLength", &(minutes * 60).to_string())?;
        text(w, "espi:powerOfTenMultiplier", "-2")?;
        text(w, "espi:uom", UOM_US_GALLONS)?;
        Ok(())
    })?;
    Ok(())
}

/// A local day's intervals: the block spans the day (from its first read's offset), each
/// reading its start (Unix seconds), length and hundredths of a gallon.
fn interval_block(w: &mut Xml, day: i64, reads: &[&Interval]) -> std::io::Result<()> {
    let offset = reads.first().map_or(0, |r| r.utc_offset_minutes * 60);
    let start = day * series::DAY - offset;
    w.create_element("espi:IntervalBlock").write_inner_content(|w| {
        w.create_element("espi:interval").write_inner_content(|w| {
            text(w, "espi:duration", &series::DAY.to_string())?;
            text(w, "espi:start", &start.to_string())
        })?;
        for r in reads {
            w.create_element("espi:IntervalReading").write_inner_content(|w| {
                w.create_element("espi:timePeriod").write_inner_content(|w| {
                    text(w, "espi:duration", &(r.minutes * 60).to_string())?;
                    text(w, "espi:start", &r.read_at.to_string())
                })?;
                text(w, "espi:value", &r.centigallons.to_string())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}
