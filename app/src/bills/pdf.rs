//! `GET /billing/bills/{bill_id}/pdf`: the utility's PDF of a bill, to its owner only. An
//! axum handler rather than a page (a page is HTML); it asks `auth` who is signed in
//! (`customer_of_request`, as every page does).

use crate::domain::BillId;
use crate::platform::{Config, Db};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};

/// The PDF's own Content-Security-Policy. Nothing may load but the PDF itself; Chrome shows
/// a PDF as a plugin of its document with inline styles of its viewer, and under the pages'
/// `object-src 'none'` (the default policy) it shows a blocked-content notice instead.
pub const PDF_POLICY: &str = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The customer's PDF of bill `raw_id`. Signed out: the sign-in page. Not a bill id, no
/// such bill, another customer's bill, or a bill without a PDF: the same 404.
#[tracing::instrument(skip_all, fields(bill = %raw_id))]
pub async fn serve(db: Db, config: Config, parts: http::request::Parts, raw_id: &str) -> Response {
    let policy = parts.extensions.get::<crate::platform::security::PagePolicySlot>().cloned();
    let (signed_in, _) = crate::auth::customer_of_request(&db, config, parts).await;
    let Some(customer) = signed_in else {
        return Redirect::to(crate::paths::SIGN_IN).into_response();
    };
    let Ok(id) = raw_id.parse::<BillId>() else { return not_found() };
    match super::data::document(&db, customer, id).await {
        Ok(Some((pdf, bill_date))) => {
            if let Some(slot) = policy {
                slot.put(PDF_POLICY.to_string());
            }
            pdf_response(pdf, &bill_date)
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = ?e, "reading a bill's PDF");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Bill not found. / Factura no encontrada.").into_response()
}

/// Shown in the browser (inline), kept by no cache: a bill is personal.
fn pdf_response(pdf: Vec<u8>, bill_date: &str) -> Response {
    // The bill date is ISO text from our own table: safe in a quoted file name.
    let name = format!("inline; filename=\"bill-{bill_date}.pdf\"");
    let disposition = HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("inline"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        pdf,
    )
        .into_response()
}
