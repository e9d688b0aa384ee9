//! `GET /billing/payments.csv`: Payment History as a CSV file, with the page's filters. An
//! axum handler rather than a page (a page is HTML); it asks `auth` who is signed in
//! (`customer_of_request`).

use super::HistoryPayment;
use crate::domain::{format, Lang};
use crate::i18n::{td_string, Locale};
use crate::platform::{Config, Db};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};

/// The signed-in customer's payments as a CSV download, filtered as the address says (a bad
/// filter is no filter, as on the page). Signed out: the sign-in page.
#[tracing::instrument(skip_all)]
pub async fn serve(db: Db, config: Config, parts: http::request::Parts) -> Response {
    let query = parts.uri.query().unwrap_or_default().to_string();
    let (signed_in, locale) = crate::auth::customer_of_request(&db, config, parts).await;
    let Some(customer) = signed_in else {
        return Redirect::to(crate::paths::SIGN_IN).into_response();
    };
    let lang = Lang::from_locale(&locale);
    let (account, year) = filters(&query);
    let found = super::service::history(&db, customer, lang, account.as_deref(), year.as_deref());
    let written = match found.await {
        Ok(history) => write(&history.payments, lang.into()),
        Err(e) => Err(e.to_string()),
    };
    match written {
        Ok(body) => csv_response(body),
        Err(e) => {
            tracing::error!(error = %e, "writing Payment History as CSV");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response()
        }
    }
}

/// The `account` and `year` of the query, as a browser's form sends them; of a repeated
/// one, the last, as the page reads it.
fn filters(query: &str) -> (Option<String>, Option<String>) {
    let (mut account, mut year) = (None, None);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "account" => account = Some(value.into_owned()),
            "year" => year = Some(value.into_owned()),
            _ => {}
        }
    }
    (account, year)
}

/// A download, kept by no cache: payments are personal.
fn csv_response(body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"payments.csv\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The CSV text: a header row in the customer's language, then one row per payment. Dates
/// are ISO (a spreadsheet reads them as dates), amounts plain decimals.
pub fn write(payments: &[HistoryPayment], locale: Locale) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        td_string!(locale, history.date),
        td_string!(locale, history.account),
        td_string!(locale, history.amount),
        td_string!(locale, history.fee),
        td_string!(locale, history.method),
        td_string!(locale, history.reference),
        td_string!(locale, history.state),
    ];
    out.write_record(header.map(cell)).map_err(|e| e.to_string())?;
    for p in payments {
        // A returned payment's reason, and a retry's original, travel in the status cell.
        let state = p.status_text(locale);
        out.write_record([
            format::iso_date(p.date),
            cell(&p.number),
            decimal(p.amount),
            decimal(p.fee),
            cell(&p.method),
            cell(&p.reference),
            cell(&state),
        ])
        .map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}

/// A text cell that a spreadsheet cannot take for a formula: one starting with `=`, `+`,
/// `-`, `@` (or a tab or carriage return, which some read past) is prefixed with `'`.
/// Dates and amounts are written by us from numbers and need no such care.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub use crate::domain::format::decimal;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::payment::PaymentState;
    use crate::domain::Cents;
    use crate::domain::{PaymentId, SubmissionId};

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_is_made_text() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("Visa *****1111"), "Visa *****1111");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn amounts_are_plain_decimals() {
        assert_eq!(decimal(Cents(8417)), "84.17");
        assert_eq!(decimal(Cents(120450)), "1204.50");
        assert_eq!(decimal(Cents(5)), "0.05");
        assert_eq!(decimal(Cents(-500)), "-5.00");
    }

    #[test]
    fn the_file_has_a_header_in_the_customers_language_and_one_row_per_payment() {
        let p = HistoryPayment {
            id: PaymentId(9),
            date: time::macros::date!(2026 - 12 - 02),
            number: "=cmd|'/c calc'!A1".into(),
            amount: Cents(8417),
            fee: Cents(150),
            method: "Visa *****1111".into(),
            reference: "P00000009".into(),
            state: PaymentState::Paid,
            channel: super::super::Channel::OneTime,
            submission: Some(SubmissionId(5)),
            return_code: None,
            retry_of: None,
        };
        let en = String::from_utf8(write(std::slice::from_ref(&p), Locale::en).unwrap()).unwrap();
        let lines: Vec<&str> = en.lines().collect();
        assert_eq!(
            lines,
            [
                "Payment date,Account,Amount,Convenience fee,Payment method,Reference number,Status",
                "2026-12-02,'=cmd|'/c calc'!A1,84.17,1.50,Visa *****1111,P00000009,Paid",
            ]
        );
        let es = String::from_utf8(write(&[p], Locale::es).unwrap()).unwrap();
        assert!(es.starts_with("Fecha de pago,Cuenta,Monto,"), "{es}");
        assert!(es.trim_end().ends_with(",Pagado"), "{es}");
    }

    #[test]
    fn the_last_of_each_filter_is_read_and_the_rest_ignored() {
        assert_eq!(filters("account=3&year=2026"), (Some("3".into()), Some("2026".into())));
        assert_eq!(filters("year=2025&year=2024&x=1"), (None, Some("2024".into())));
        assert_eq!(filters("%ZZ&&=="), (None, None));
    }
}
