//! The history of imports made on the web.

use super::{ImportEntry, ImportSummary, LineProblem};
use crate::domain::StaffId;
use crate::platform::db::now;
use crate::platform::Db;

/// An import to record.
pub struct NewImport<'a> {
    pub staff: StaffId,
    pub actor: &'a str,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub rows: i64,
    pub imported: bool,
    pub summary: Option<&'a ImportSummary>,
    pub problems: &'a [LineProblem],
}

pub async fn record(db: &Db, import: &NewImport<'_>) -> Result<i64, sqlx::Error> {
    let problems = serde_json::to_string(import.problems).unwrap_or_else(|_| "[]".into());
    let summary = import.summary.and_then(|s| serde_json::to_string(s).ok()).unwrap_or_default();
    let outcome = if import.imported { "imported" } else { "refused" };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO imports (at, staff_id, actor, kind, file_name, row_count, outcome, summary, problems) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(now())
    .bind(import.staff)
    .bind(import.actor)
    .bind(import.kind)
    .bind(import.file_name)
    .bind(import.rows)
    .bind(outcome)
    .bind(summary)
    .bind(problems)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

type Row = (i64, i64, String, String, String, i64, String, String, String);

/// The newest `limit` imports, newest first.
pub async fn newest(db: &Db, limit: i64) -> Result<Vec<ImportEntry>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor, kind, file_name, row_count, outcome, summary, problems \
         FROM imports ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(entry).collect())
}

fn entry(row: Row) -> ImportEntry {
    let (id, at, actor, kind, file_name, rows, outcome, summary, problems) = row;
    ImportEntry {
        id,
        at,
        actor,
        kind,
        file_name,
        rows,
        imported: outcome == "imported",
        summary: serde_json::from_str(&summary).ok(),
        problems: serde_json::from_str(&problems).unwrap_or_default(),
    }
}
