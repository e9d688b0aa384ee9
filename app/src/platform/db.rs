//! The database: one code path (sqlx's Any driver) over SQLite or PostgreSQL.
//! Every query uses `$1`-style placeholders, which both backends accept.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database behind a connection, for a statement built inside a caller's
    /// transaction (its width decides the placeholders: see `numbered`).
    pub fn of(conn: &sqlx::AnyConnection) -> Self {
        match conn.backend_name() {
            "PostgreSQL" => Self::Postgres,
            _ => Self::Sqlite,
        }
    }
}

/// A connection pool and the backend behind it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL (use sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("could not create the folder for the SQLite file: {0}")]
    Folder(#[from] std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects, creating the SQLite file (and its folder) when needed.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Self::connect_pooled(url, 20).await
    }

    /// The same, keeping up to `connections` connections to PostgreSQL (`Config`'s
    /// `database_connections`). SQLite keeps 8 to its file.
    pub async fn connect_pooled(url: &str, connections: u32) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        if backend == Backend::Sqlite {
            if let Some(parent) = sqlite_file(url)
                .and_then(|f| std::path::Path::new(f).parent().map(|p| p.to_path_buf()))
            {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent)?;
                }
            }
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { connections.max(2) })
            .acquire_timeout(Duration::from_secs(10))
            // A ping before each use finds a PostgreSQL connection the server dropped; an
            // embedded SQLite file cannot drop one, and there the ping was a third of a
            // short query's time (a round trip to the connection's thread).
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers and a writer work at once; a busy timeout makes
                        // writers wait for each other instead of failing; NORMAL sync is
                        // durable across a process crash in WAL mode.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    /// Brings the schema up to date, then folds the names and addresses not folded yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        self.fold_missing().await?;
        Ok(())
    }

    /// Fills the folded columns the back office searches (migration 0014) where they are
    /// still NULL: rows written before them, or by something that does not fold (a bench
    /// writing straight into the tables). The fold is Rust's (`Folded`), as SQLite cannot
    /// take accents off; a page of rows at a time, one statement each. Returns how many.
    pub async fn fold_missing(&self) -> Result<u64, sqlx::Error> {
        use crate::domain::staff_search::Folded;
        const PAGE: i64 = 500;
        let mut folded = 0;
        loop {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, name FROM customers WHERE name_folded IS NULL ORDER BY id LIMIT $1",
            )
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            let values: Vec<(i64, String)> = rows
                .into_iter()
                .map(|(id, name)| (id, Folded::name(&name).as_str().into()))
                .collect();
            match self.set_folded("customers", "name_folded", &values).await? {
                0 => break,
                n => folded += n,
            }
        }
        loop {
            let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
                "SELECT id, service_address, service_city, service_state, service_zip FROM accounts \
                 WHERE service_address_folded IS NULL ORDER BY id LIMIT $1",
            )
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            let values: Vec<(i64, String)> = rows
                .into_iter()
                .map(|(id, street, city, state, zip)| {
                    (id, Folded::service_address(&street, &city, &state, &zip).as_str().into())
                })
                .collect();
            match self.set_folded("accounts", "service_address_folded", &values).await? {
                0 => break,
                n => folded += n,
            }
        }
        if folded > 0 {
            tracing::info!(folded, "names and service addresses folded for searching");
        }
        Ok(folded)
    }

    /// Sets `column` of each row (id, value) of `table`, in one statement; returns how many
    /// rows it changed (none: nothing left to fold, or nothing it can).
    async fn set_folded(
        &self,
        table: &str,
        column: &str,
        values: &[(i64, String)],
    ) -> Result<u64, sqlx::Error> {
        if values.is_empty() {
            return Ok(0);
        }
        let rows: Vec<String> =
            (0..values.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!(
            "WITH v (id, folded) AS (VALUES {}) UPDATE {table} SET {column} = \
             (SELECT v.folded FROM v WHERE v.id = {table}.id) WHERE id IN (SELECT v.id FROM v)",
            rows.join(", ")
        );
        let mut update = sqlx::query(&sql);
        for (id, folded) in values {
            update = update.bind(*id).bind(folded.as_str());
        }
        Ok(update.execute(&self.pool).await?.rows_affected())
    }

    /// `PRAGMA integrity_check` on SQLite; PostgreSQL checks itself.
    pub async fn integrity_ok(&self) -> Result<bool, sqlx::Error> {
        if self.backend == Backend::Postgres {
            return Ok(true);
        }
        let row: (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(row.0 == "ok")
    }
}

pub(crate) fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Seconds since the Unix epoch: how every timestamp is stored.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What a write transaction locks with its first statement.
#[derive(Debug, Clone, Copy)]
pub enum WriteLock {
    /// One customer's row: on PostgreSQL, changes of one customer's data at once queue up
    /// behind each other and see each other's result (which method is the default, how
    /// many are saved); other customers are not held up.
    Customer(CustomerId),
    /// No row: for a batch (an import) that only needs SQLite's write lock.
    Database,
}

impl Db {
    /// Begins a transaction whose first statement is a write. On SQLite the transaction
    /// then holds the write lock and waits its turn (busy timeout) behind the other writers;
    /// one that reads first fails "database is locked" at once when another writer commits
    /// between its first read and its first write. On PostgreSQL it takes `lock`'s row lock.
    pub async fn begin_write(
        &self,
        lock: WriteLock,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let row = match lock {
            WriteLock::Customer(id) => id,
            WriteLock::Database => CustomerId(0),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE customers SET id = id WHERE id = $1")
            .bind(row)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// Whether an error is a unique-constraint violation, by the database's error kind (never
/// by reading its message). Which constraint it was is the caller's to tell, by asking the
/// database (the SQLite driver does not name the constraint).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// The typed ids (and amounts in cents) bind and read as the integers they are stored as.
macro_rules! sql_ids {
    ($($(#[$doc:meta])* $id:ident),* $(,)?) => {$(
        impl sqlx::Type<sqlx::Any> for $id {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <i64 as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Any> for $id {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&self.0, buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $id {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                <i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value).map(Self)
            }
        }
    )*};
}

use crate::domain::ids::*;
use crate::domain::Cents;
every_id!(sql_ids);
sql_ids!(Cents);

/// A calendar date as stored: ISO `YYYY-MM-DD` text. Rows read it as a `time::Date` with
/// `#[sqlx(try_from = "IsoDate")]`, so a malformed date fails the read rather than reaching
/// a page or an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDate(pub time::Date);

impl From<IsoDate> for time::Date {
    fn from(d: IsoDate) -> Self {
        d.0
    }
}

/// A stored date, read from its text (for rows read whole by code this module does not own).
pub fn parse_date(text: &str) -> Result<time::Date, sqlx::Error> {
    stored_date(text).map_err(|e| sqlx::Error::Decode(e.into()))
}

fn stored_date(text: &str) -> Result<time::Date, String> {
    crate::domain::autopay::calendar::parse_iso(text)
        .ok_or_else(|| format!("{text:?} is not a date YYYY-MM-DD"))
}

impl sqlx::Type<sqlx::Any> for IsoDate {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }
    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for IsoDate {
    fn decode(
        value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
    ) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
        Ok(Self(stored_date(&text)?))
    }
}

/// `count` placeholders in order. PostgreSQL numbers them (`$n`); SQLite gets plain `?`,
/// bound in order: a numbered parameter is found by a linear search of the statement's
/// names, when SQLite parses it and when sqlx binds it, so `$n` costs the square of a wide
/// statement's width.
pub fn numbered(backend: Backend, count: usize) -> Vec<String> {
    let one = |k: usize| match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${k}"),
    };
    (1..=count).map(one).collect()
}

/// The `rows` × `per_row` placeholders of a wide statement, a parenthesised group a row.
pub fn placeholders(backend: Backend, rows: usize, per_row: usize) -> String {
    let all = numbered(backend, rows * per_row);
    let row = |row: &[String]| format!("({})", row.join(", "));
    all.chunks(per_row.max(1)).map(row).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_plain_placeholders_and_postgresql_numbered_ones() {
        assert_eq!(placeholders(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(placeholders(Backend::Postgres, 2, 2), "($1, $2), ($3, $4)");
    }

    #[tokio::test]
    async fn a_typed_id_binds_and_reads_as_its_integer() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let (id, plain): (AccountId, i64) = sqlx::query_as("SELECT $1, $2")
            .bind(AccountId(42))
            .bind(MethodId(7))
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!((id, plain), (AccountId(42), 7));
    }

    #[derive(sqlx::FromRow)]
    struct Dated {
        #[sqlx(try_from = "IsoDate")]
        day: time::Date,
    }

    #[tokio::test]
    async fn a_stored_date_reads_as_a_date_and_a_malformed_one_fails() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let row: Dated =
            sqlx::query_as("SELECT '2026-12-10' AS day").fetch_one(&db.pool).await.unwrap();
        assert_eq!(row.day, time::macros::date!(2026 - 12 - 10));
        let bad: Result<Dated, _> =
            sqlx::query_as("SELECT '2026-02-30' AS day").fetch_one(&db.pool).await;
        assert!(bad.is_err());
        assert!(parse_date("12/10/2026").is_err());
    }
}
