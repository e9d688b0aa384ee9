//! `POST /staff/imports`: a multipart form with the kind of file and the file. Admins only.
//! The file is imported by the command line's own functions (checked whole, then written
//! in one transaction, or not at all), the outcome recorded in the history and the audit
//! log, and the browser sent to the page that shows it.

use super::data::{self, NewImport};
use super::{AnswersSummary, ImportKind, ImportSummary, UploadProblem};
use crate::audit::AuditAction;
use crate::auth::StaffMember;
use crate::backoffice::request::in_request;
use crate::domain::{ImportProblem, LineProblem};
use crate::email::{Letterhead, Mailer};
use crate::import::{self, ImportError};
use crate::payments::returns::{self, ReturnsContext, ReturnsError};
use crate::platform::vault::Vault;
use crate::platform::{Config, Db};
use axum::extract::{FromRequest, Multipart};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

/// What the upload needs of the server.
pub struct Services<'a> {
    pub db: &'a Db,
    pub config: &'a Config,
    pub mailer: &'a Mailer,
    pub texter: &'a crate::sms::Texter,
    pub vault: &'a Vault,
}

/// The file as uploaded.
struct Upload {
    kind: ImportKind,
    file_name: String,
    bytes: Vec<u8>,
}

/// How an import went.
struct Outcome {
    rows: i64,
    summary: Option<ImportSummary>,
    problems: Vec<LineProblem>,
}

impl Outcome {
    fn rows(report: &import::ImportReport) -> Self {
        let summary = ImportSummary::Rows {
            rows: report.rows as u64,
            added: report.inserted as u64,
            updated: report.updated as u64,
            unchanged: report.unchanged as u64,
        };
        Self { rows: report.rows as i64, summary: Some(summary), problems: Vec::new() }
    }
}

#[tracing::instrument(skip_all)]
pub async fn receive(s: Services<'_>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let admin = in_request(&parts, s.db, s.config, crate::auth::require_admin()).await;
    let Ok(admin) = admin else {
        return (StatusCode::FORBIDDEN, "Staff administrators only. / Solo para administradores.")
            .into_response();
    };
    let request = axum::extract::Request::from_parts(parts.clone(), body);
    let upload = match read(request).await {
        Ok(upload) => upload,
        Err(problem) => {
            let to = format!("{}?problem={}", crate::paths::STAFF_IMPORTS, problem.as_str());
            return Redirect::to(&to).into_response();
        }
    };
    let outcome = match run(&s, &upload).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(error = %e, "importing an uploaded file");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response();
        }
    };
    match remember(&s, &parts, admin, &upload, &outcome).await {
        Ok(id) => Redirect::to(&format!("{}?id={id}", crate::paths::STAFF_IMPORTS)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "recording an import");
            (StatusCode::INTERNAL_SERVER_ERROR, "Please try again. / Inténtelo de nuevo.")
                .into_response()
        }
    }
}

/// The form's `kind` and `file`, the file whole (up to `MAX_FILE_BYTES`).
async fn read(request: axum::extract::Request) -> Result<Upload, UploadProblem> {
    let mut form =
        Multipart::from_request(request, &()).await.map_err(|_| UploadProblem::NoFile)?;
    let (mut kind, mut file) = (None, None);
    while let Some(field) = form.next_field().await.map_err(|_| UploadProblem::TooLarge)? {
        match field.name() {
            Some("kind") => {
                let text = field.text().await.map_err(|_| UploadProblem::NoKind)?;
                kind = ImportKind::parse(text.trim());
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| UploadProblem::TooLarge)?;
                if bytes.len() > super::MAX_FILE_BYTES {
                    return Err(UploadProblem::TooLarge);
                }
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let kind = kind.ok_or(UploadProblem::NoKind)?;
    match file {
        Some((file_name, bytes)) if !bytes.is_empty() => Ok(Upload { kind, file_name, bytes }),
        _ => Err(UploadProblem::NoFile),
    }
}

/// Imports the file as the command line does: `Err` only when the server failed.
async fn run(s: &Services<'_>, upload: &Upload) -> Result<Outcome, String> {
    let bytes = upload.bytes.as_slice();
    let report = match upload.kind {
        ImportKind::Accounts => {
            import::import_accounts(s.db, &Letterhead::from_config(s.config), bytes).await
        }
        ImportKind::Bills => import::import_bills(s.db, bytes).await,
        ImportKind::BillDocuments => return bill_documents(s, upload).await,
        ImportKind::AchReturns => return ach_returns(s, upload).await,
        ImportKind::Reads => return reads(s, upload).await,
    };
    match report {
        Ok(report) => {
            let ids = &report.new_bill_ids;
            crate::email::paperless::announce_bills(s.db, s.mailer, ids)
                .await
                .map_err(|e| format!("{e:?}"))?;
            Ok(Outcome::rows(&report))
        }
        Err(e) => refused_import(e),
    }
}

/// A refused CSV import's problems, by line; `Err` when the database failed.
fn refused_import(error: ImportError) -> Result<Outcome, String> {
    match error {
        ImportError::Rows(rows) => Ok(refused(rows)),
        ImportError::Db(e) => Err(e.to_string()),
    }
}

fn refused(problems: Vec<LineProblem>) -> Outcome {
    Outcome { rows: 0, summary: None, problems }
}

/// A zip of bills' PDFs: unpacked into a folder that lives as long as the import, then
/// imported from there as `server import bill-documents` does.
async fn bill_documents(s: &Services<'_>, upload: &Upload) -> Result<Outcome, String> {
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    let archive = std::io::Cursor::new(upload.bytes.as_slice());
    if let Err(problem) =
        super::archive::unpack(archive, folder.path()).map_err(|e| e.to_string())?
    {
        return Ok(refused(vec![LineProblem::new(0, problem)]));
    }
    let manifest = std::fs::File::open(folder.path().join(super::archive::MANIFEST))
        .map_err(|e| e.to_string())?;
    match import::import_bill_documents(s.db, manifest, folder.path()).await {
        Ok(report) => Ok(Outcome::rows(&report)),
        Err(e) => refused_import(e),
    }
}

/// Meter reads, checked then written as `server import reads` does, then the alerts over
/// the accounts they touched.
async fn reads(s: &Services<'_>, upload: &Upload) -> Result<Outcome, String> {
    use crate::water::alerts::{after_import, AlertContext};
    let open = || Ok(std::io::Cursor::new(upload.bytes.as_slice()));
    match import::reads::import_reads(s.db, open, &mut |_, _| {}).await {
        Ok(report) => {
            let ctx = AlertContext {
                db: s.db,
                mailer: s.mailer,
                texter: s.texter,
                rules: s.config.usage_alerts,
            };
            let accounts = report.accounts.iter().copied();
            after_import(&ctx, accounts).await.map_err(|e| format!("{e:?}"))?;
            if let Err(e) = s.texter.deliver_pending(s.db).await {
                tracing::warn!(error = %e, "alert texts left queued");
            }
            let summary = ImportSummary::Reads {
                rows: report.rows,
                written: report.written,
                unchanged: report.unchanged,
            };
            Ok(Outcome { rows: report.rows as i64, summary: Some(summary), problems: Vec::new() })
        }
        Err(e) => refused_import(e),
    }
}

async fn ach_returns(s: &Services<'_>, upload: &Upload) -> Result<Outcome, String> {
    let ctx = ReturnsContext { db: s.db, vault: s.vault, mailer: s.mailer, config: &s.config.ach };
    let today = time::OffsetDateTime::now_utc().date();
    match returns::import(&ctx, &upload.file_name, &upload.bytes, today).await {
        Ok(report) => Ok(Outcome {
            rows: report.entries as i64,
            summary: Some(answers_summary(&report)),
            problems: Vec::new(),
        }),
        Err(ReturnsError::NotNacha(e)) => {
            let problem = ImportProblem::NotNacha { fault: e.reason };
            Ok(refused(vec![LineProblem::new(e.line as u64, problem)]))
        }
        Err(ReturnsError::Unmatched(entries)) => Ok(refused(
            entries
                .into_iter()
                .map(|u| {
                    let problem = ImportProblem::UnmatchedTrace { trace: u.trace };
                    LineProblem::new(u.line as u64, problem)
                })
                .collect(),
        )),
        Err(ReturnsError::Db(e)) => Err(e.to_string()),
    }
}

fn answers_summary(report: &returns::ImportReport) -> ImportSummary {
    let a = &report.applied;
    ImportSummary::Answers(AnswersSummary {
        entries: report.entries as u64,
        already_imported: report.already_imported,
        returned: a.returned as u64,
        retries: a.retries as u64,
        unusable: a.methods_unusable as u64,
        suspended: a.enrollments_suspended as u64,
        corrected: a.corrected as u64,
        noted: a.noted as u64,
        already_done: a.already_done as u64,
        emails: a.emails as u64,
    })
}

/// The history's row and the audit log's.
async fn remember(
    s: &Services<'_>,
    parts: &http::request::Parts,
    admin: StaffMember,
    upload: &Upload,
    outcome: &Outcome,
) -> Result<i64, String> {
    let actor = crate::auth::staff_data::by_id(s.db, admin.id)
        .await
        .map_err(|e| e.to_string())?
        .map(|r| r.email)
        .unwrap_or_default();
    let imported = outcome.problems.is_empty();
    let entry = NewImport {
        staff: admin.id,
        actor: &actor,
        kind: upload.kind.as_str(),
        file_name: &upload.file_name,
        rows: outcome.rows,
        imported,
        summary: outcome.summary.as_ref(),
        problems: &outcome.problems,
    };
    let id = data::record(s.db, &entry).await.map_err(|e| e.to_string())?;
    let details = serde_json::json!({
        "import": id,
        "kind": upload.kind.as_str(),
        "file": upload.file_name,
        "rows": outcome.rows,
        "outcome": if imported { "imported" } else { "refused" },
    });
    let details = details.to_string();
    let audit =
        crate::backoffice::audit_log::record(admin, AuditAction::Import, None, None, &details);
    in_request(parts, s.db, s.config, audit).await.map_err(|e| e.to_string())?;
    Ok(id)
}
