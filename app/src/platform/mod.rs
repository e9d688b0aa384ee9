//! Server-side platform: configuration, the database, security headers. Only with `ssr`.

pub mod assets;
pub mod backup;
pub mod config;
pub mod db;
pub mod failpoint;
pub mod passwords;
pub mod request;
pub mod security;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod vault;

pub use config::Config;
pub use db::{Backend, Db};

/// What a service function fails with: the database, or a full password-hashing queue.
/// Rule violations are not errors but values (each feature's problem list), shown to the
/// customer in their language.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Busy(#[from] passwords::Busy),
}
