//! SQL for the routing directory: the banks of routing numbers (from the Federal Reserve's
//! FedACH file), which the add-a-bank-account form fills in and `server import routing`
//! loads.

use crate::domain::RoutingNumber;
use crate::platform::db::Db;

/// The bank of a routing number, when the directory knows it.
pub async fn bank_name(db: &Db, routing: &RoutingNumber) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT bank_name FROM routing_directory WHERE routing_number = $1")
            .bind(routing.as_str())
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|r| r.0))
}

/// One institution of a FedACH directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub routing: RoutingNumber,
    pub bank_name: String,
    pub city: String,
    pub state: String,
}

/// Loads directory entries in one transaction (idempotent); returns how many changed.
pub async fn upsert_directory(db: &Db, entries: &[DirectoryEntry]) -> Result<usize, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let mut changed = 0;
    for e in entries {
        let done = sqlx::query(
            "INSERT INTO routing_directory (routing_number, bank_name, city, state) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (routing_number) DO UPDATE SET bank_name = excluded.bank_name, city = excluded.city, \
             state = excluded.state \
             WHERE routing_directory.bank_name <> excluded.bank_name OR routing_directory.city <> excluded.city \
             OR routing_directory.state <> excluded.state",
        )
        .bind(e.routing.as_str())
        .bind(&e.bank_name)
        .bind(&e.city)
        .bind(&e.state)
        .execute(&mut *tx)
        .await?;
        changed += done.rows_affected() as usize;
    }
    tx.commit().await?;
    Ok(changed)
}
