//! What the benchmarks share.

/// Peak resident memory of this process so far, in MiB (Linux's VmHWM; 0 elsewhere).
pub fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// A PostgreSQL database a bench made, to drop at its end.
#[allow(dead_code)] // Not every bench measures both databases.
pub struct Cleanup {
    admin: String,
    name: String,
}

#[allow(dead_code)]
impl Cleanup {
    pub async fn drop_database(self) {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::PgConnection::connect(&self.admin).await.expect("admin connection");
        let drop = format!("DROP DATABASE {} WITH (FORCE)", self.name);
        conn.execute(drop.as_str()).await.expect("drop");
    }
}

/// A fresh database: SQLite in a temporary folder, or, when `TEST_DATABASE_URL` names a
/// PostgreSQL server, a new database there (dropped by its `Cleanup`).
#[allow(dead_code)] // Not every bench measures both databases.
pub async fn fresh_database(
) -> (app::platform::Db, &'static str, Option<Cleanup>, Option<tempfile::TempDir>) {
    use app::platform::Db;
    use sqlx::{Connection, Executor};
    if let Some(admin) =
        std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))
    {
        let name = format!("aqueduct_bench_{}", rand::random::<u32>());
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("TEST_DATABASE_URL");
        conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create database");
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => unreachable!("a postgres URL has a path"),
        };
        let db = Db::connect(&url).await.expect("database");
        db.migrate().await.expect("migrate");
        return (db, "PostgreSQL", Some(Cleanup { admin, name }), None);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    (db, "SQLite", None, Some(dir))
}
