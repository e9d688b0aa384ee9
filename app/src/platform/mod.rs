//! Server-side platform: configuration, the database, security headers. Only with `ssr`.

pub mod config;
pub mod db;
pub mod security;

pub use config::Config;
pub use db::{Backend, Db};
