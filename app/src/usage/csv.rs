//! `GET /billing/water-use.csv`: the shown chart's numbers as a CSV file, with the page's
//! query. Gallons are exact to the hundredth (as read); a bucket without reads is an empty
//! cell, never 0, and one partly read says so.

use super::UsageQuery;
use crate::domain::format;
use crate::domain::water_use::{Bucket, Scale};
use crate::i18n::{td_string, Locale};
use crate::platform::{Config, Db};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};

/// The signed-in customer's use as the address asks (as the page reads it). Signed out: the
/// sign-in page.
#[tracing::instrument(skip_all)]
pub async fn serve(db: Db, config: Config, parts: http::request::Parts) -> Response {
    let query = query(parts.uri.query().unwrap_or_default());
    let (signed_in, locale) = crate::auth::customer_of_request(&db, config, parts).await;
    let Some(customer) = signed_in else {
        return Redirect::to(crate::paths::SIGN_IN).into_response();
    };
    let today = time::OffsetDateTime::now_utc().date();
    let locale = crate::domain::Lang::from_locale(&locale).into();
    let written = match super::service::usage(&db, customer, &query, today).await {
        Ok(Some(view)) => write(&view, locale),
        Ok(None) => return Redirect::to(crate::paths::ACCOUNT).into_response(),
        Err(e) => Err(e.to_string()),
    };
    match written {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"water-use.csv\""),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing water use as CSV");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response()
        }
    }
}

/// The page's query, as its address carries it.
pub(super) fn query(raw: &str) -> UsageQuery {
    let mut query = UsageQuery::default();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        let value = Some(value.into_owned());
        match key.as_ref() {
            "account" => query.account = value,
            "scale" => query.scale = value,
            "at" => query.at = value,
            _ => {}
        }
    }
    query
}

/// Hundredths of a gallon as a plain decimal ("1234.05"); empty without a read.
fn gallons(bucket: Bucket) -> String {
    bucket.centigallons.map(|c| format!("{}.{:02}", c / 100, c % 100)).unwrap_or_default()
}

fn whole(bucket: Bucket, locale: Locale) -> &'static str {
    match (bucket.centigallons, bucket.complete) {
        (None, _) => td_string!(locale, usage.no_reads),
        (Some(_), true) => td_string!(locale, usage.csv_whole),
        (Some(_), false) => td_string!(locale, usage.partial),
    }
}

/// The CSV text: a header in the customer's language, then a row per bar: when (ISO date,
/// with the hour on the hourly chart), gallons, whether it was read whole, and the same for a
/// year before.
pub fn write(view: &super::UsageView, locale: Locale) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        td_string!(locale, usage.csv_start),
        td_string!(locale, usage.csv_gallons),
        td_string!(locale, usage.csv_read),
        td_string!(locale, usage.csv_year_before_gallons),
        td_string!(locale, usage.csv_year_before_read),
    ];
    out.write_record(header).map_err(|e| e.to_string())?;
    for bar in &view.bars {
        let start = match (view.scale, bar.hour) {
            (Scale::Hour, Some(hour)) => format!("{}T{hour:02}:00", format::iso_date(bar.day)),
            _ => format::iso_date(bar.day),
        };
        let row = [
            start,
            gallons(bar.now),
            whole(bar.now, locale).to_string(),
            gallons(bar.year_before),
            whole(bar.year_before, locale).to_string(),
        ];
        out.write_record(row).map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}
