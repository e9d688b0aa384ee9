//! Server-side platform: configuration, the database, security headers. Only with `ssr`.

pub mod backup;
pub mod config;
pub mod db;
pub mod passwords;
pub mod security;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod vault;

pub use config::Config;
pub use db::{Backend, Db};

/// What a service function fails with: only the database. Rule violations are not errors
/// but values (each feature's problem list), shown to the customer in their language.
#[derive(Debug)]
pub enum ServiceError {
    Db(sqlx::Error),
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e)
    }
}
