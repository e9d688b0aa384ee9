//! Back-office work done in a plain axum handler (a download, an upload) rather than a
//! server function: it runs with the request and the server's resources in context, so
//! `auth` sees who is signed in and the audit log where the request came from.

use crate::platform::{Config, Db};
use leptos::prelude::*;
use std::future::Future;

pub async fn in_request<T>(
    parts: &http::request::Parts,
    db: &Db,
    config: &Config,
    work: impl Future<Output = T>,
) -> T {
    let owner = Owner::new();
    let scoped = owner.with(|| {
        provide_context(parts.clone());
        provide_context(db.clone());
        provide_context(config.clone());
        ScopedFuture::new(work)
    });
    scoped.await
}
