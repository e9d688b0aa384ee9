//! Backups of the SQLite database: `server backup <file>` while the portal runs, and
//! `server restore <file>` while it is stopped. PostgreSQL has its own tools (pg_dump,
//! pg_restore), which these commands name instead of imitating.

use super::db::{sqlite_file, Backend, Db};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("this portal runs on PostgreSQL: back it up with pg_dump and restore it with pg_restore (see the README)")]
    Postgres,
    #[error("DATABASE_URL does not name a SQLite file")]
    NotAFile,
    #[error("{0} already exists: choose a new name, so that no backup is overwritten")]
    Exists(PathBuf),
    #[error("{0} is not a portal backup that passes SQLite's integrity check: {1}")]
    BadBackup(PathBuf, String),
    #[error("the database is in use: stop the portal (and any `server autopay run`) first, then restore")]
    InUse,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// What a backup or restore holds, for the operator to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub logins: i64,
    pub accounts: i64,
    pub payment_methods: i64,
    pub payments: i64,
    pub bytes: u64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} logins, {} accounts, {} payment methods, {} payments; {} bytes",
            self.logins, self.accounts, self.payment_methods, self.payments, self.bytes
        )
    }
}

/// A consistent copy of the running portal's database. `VACUUM INTO` reads one snapshot
/// (a single read transaction, so writers carry on and nothing half-written is copied);
/// the copy goes to a temporary name, is checked, made durable, then renamed.
pub async fn backup(db: &Db, destination: &Path) -> Result<Contents, BackupError> {
    if db.backend == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    if destination.exists() {
        return Err(BackupError::Exists(destination.to_path_buf()));
    }
    let partial = with_suffix(destination, ".partial");
    let _ = std::fs::remove_file(&partial);
    let target = partial.to_str().ok_or(BackupError::NotAFile)?.to_string();
    sqlx::query("VACUUM INTO ?").bind(target).execute(&db.pool).await?;
    let contents = match check(&partial).await {
        Ok(contents) => contents,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    durable_rename(&partial, destination)?;
    Ok(contents)
}

/// Puts a backup in place of the database named by `database_url`. The current database
/// is kept beside it (`<file>.before-restore-<time>`): a restore loses nothing.
pub async fn restore(database_url: &str, backup: &Path) -> Result<Contents, BackupError> {
    if !database_url.starts_with("sqlite:") {
        return Err(BackupError::Postgres);
    }
    let live = PathBuf::from(sqlite_file(database_url).ok_or(BackupError::NotAFile)?);
    let contents = check(backup).await?;
    let staged = with_suffix(&live, ".restoring");
    copy_durably(backup, &staged)?;
    if live.exists() {
        // Leaving WAL mode needs the only connection to the file: if the portal (or a run)
        // has it open, this fails and nothing is touched. It also folds the WAL into the
        // file, so the copy kept aside is complete.
        let mut conn = SqliteConnectOptions::new()
            .filename(&live)
            .busy_timeout(std::time::Duration::from_millis(200))
            .connect()
            .await?;
        let mode: Result<(String,), _> =
            sqlx::query_as("PRAGMA journal_mode = DELETE").fetch_one(&mut conn).await;
        conn.close().await?;
        if !matches!(mode, Ok((ref m,)) if m.eq_ignore_ascii_case("delete")) {
            let _ = std::fs::remove_file(&staged);
            return Err(BackupError::InUse);
        }
        let kept = with_suffix(&live, &format!(".before-restore-{}", super::db::now()));
        std::fs::rename(&live, &kept).map_err(|e| BackupError::Io(kept.clone(), e))?;
    }
    durable_rename(&staged, &live)?;
    Ok(contents)
}

/// Opens a backup read-only: SQLite's integrity check, and the portal's own tables.
async fn check(path: &Path) -> Result<Contents, BackupError> {
    let bad = |e: String| BackupError::BadBackup(path.to_path_buf(), e);
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| bad(e.to_string()))?;
    let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| bad(e.to_string()))?;
    if verdict != "ok" {
        return Err(bad(verdict));
    }
    let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
    let mut counts = Vec::new();
    for table in ["logins", "accounts", "payment_methods", "payments"] {
        let (n,): (i64,) = sqlx::query_as(&count(table))
            .fetch_one(&mut conn)
            .await
            .map_err(|e| bad(e.to_string()))?;
        counts.push(n);
    }
    conn.close().await?;
    let bytes = std::fs::metadata(path).map_err(|e| BackupError::Io(path.to_path_buf(), e))?.len();
    Ok(Contents {
        logins: counts[0],
        accounts: counts[1],
        payment_methods: counts[2],
        payments: counts[3],
        bytes,
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn copy_durably(from: &Path, to: &Path) -> Result<(), BackupError> {
    std::fs::copy(from, to).map_err(|e| BackupError::Io(to.to_path_buf(), e))?;
    std::fs::File::open(to)
        .and_then(|f| f.sync_all())
        .map_err(|e| BackupError::Io(to.to_path_buf(), e))
}

/// Flushes the file, renames it into place, and flushes the folder that records the rename.
fn durable_rename(from: &Path, to: &Path) -> Result<(), BackupError> {
    let io = |e| BackupError::Io(to.to_path_buf(), e);
    std::fs::File::open(from).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(from, to).map_err(io)?;
    if let Some(folder) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}
