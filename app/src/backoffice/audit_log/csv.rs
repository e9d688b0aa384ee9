//! `GET /staff/audit.csv`: the audit log with the page's filters, as CSV, for admins. An
//! axum handler (a page is HTML) that asks `auth` who is signed in, as Payment History's
//! CSV does. All matching rows, read a page at a time; the download itself is logged.

use super::{AuditQuery, PAGE_ROWS};
use crate::audit::AuditAction;
use crate::platform::{Config, Db};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

#[tracing::instrument(skip_all)]
pub async fn serve(db: Db, config: Config, parts: http::request::Parts) -> Response {
    let query = AuditQuery::from_pairs(
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k, v.into_owned())),
    );
    let filters = query.to_query(None);
    let admin = crate::backoffice::request::in_request(&parts, &db, &config, async move {
        let admin = crate::auth::require_admin().await.ok()?;
        let details = serde_json::json!({ "format": "csv", "filters": filters });
        super::record(admin, AuditAction::ReadAuditLog, None, None, &details.to_string())
            .await
            .ok()?;
        Some(admin)
    });
    if admin.await.is_none() {
        return (StatusCode::FORBIDDEN, "Staff administrators only. / Solo para administradores.")
            .into_response();
    }
    match write(&db, &query).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"audit-log.csv\""),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing the audit log as CSV");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response()
        }
    }
}

async fn write(db: &Db, query: &AuditQuery) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| e.to_string();
    out.write_record([
        "id",
        "at_utc",
        "actor",
        "action",
        "address",
        "customer_id",
        "reason",
        "details",
    ])
    .map_err(e)?;
    let mut filter = query.filter();
    loop {
        let rows = crate::audit::data::rows(db, &filter, PAGE_ROWS * 20)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = rows.last() else { break };
        filter.before = Some(last.id);
        for r in &rows {
            let customer = r.customer_id.map(|c| c.to_string()).unwrap_or_default();
            out.write_record([
                r.id.to_string().as_str(),
                &super::page::utc(r.at),
                &cell(&r.actor),
                &r.action,
                &r.address,
                &customer,
                &cell(r.reason.as_deref().unwrap_or_default()),
                &cell(&r.details),
            ])
            .map_err(e)?;
        }
    }
    out.into_inner().map_err(|e| e.to_string())
}

/// A typed value as a cell a spreadsheet shows as text: one starting like a formula gets a
/// leading apostrophe (OWASP's advice on CSV injection).
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
