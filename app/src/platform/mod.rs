//! Server-side platform: configuration, the database, security headers. Only with `ssr`.

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
