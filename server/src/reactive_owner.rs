//! Every request starts without a reactive owner on its thread.
//!
//! Leptos keeps "the current reactive owner" in a thread-local, and leptos_axum makes each
//! page's and each server function's owner a child of it (`Owner::new()`). That thread-local
//! is not always put back: `Owner::new_root` sets it for good, and a panic inside
//! `Owner::with` skips the restore. A worker thread can therefore still name the owner of
//! another request that is in flight, and the next request polled on that thread becomes
//! its child — so when the other request ends first, its cleanup disposes this request's
//! signals while this one still runs (seen under load as "Tried to access a reactive value
//! that has already been disposed" inside `/api/get_wallet`, which dropped the connection).
//! Clearing the thread-local before each poll of a request keeps requests apart; Leptos
//! itself restores what it sets around its own polls, so nothing it needs is lost.

use leptos::prelude::Owner;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A request's future, each poll of it begun on a thread with no reactive owner.
pub struct Isolated<F>(Pin<Box<F>>);

impl<F: Future> Isolated<F> {
    pub fn new(future: F) -> Self {
        Self(Box::pin(future))
    }
}

impl<F: Future> Future for Isolated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        forget_thread_owner();
        self.0.as_mut().poll(cx)
    }
}

/// Forgets the thread's current owner, if one is still alive (a dead one cannot adopt).
fn forget_thread_owner() {
    if let Some(owner) = Owner::current() {
        owner.unset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a request's first owner, made as leptos_axum makes it, has a parent.
    async fn adopted() -> bool {
        Owner::new().parent().is_some()
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_request_is_not_adopted_by_an_owner_left_on_its_thread() {
        let leftover = Owner::new_root(None);
        leftover.set();
        assert!(adopted().await, "without isolation the leftover adopts it");
        leftover.set();
        assert!(!Isolated::new(adopted()).await);
        drop(leftover);
    }
}
