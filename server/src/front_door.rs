//! The service the listener serves. This build's static files are answered from memory
//! before anything else — no routing, no middleware: a file's headers were computed at
//! start — and every other request goes to the router, polled with no stray reactive
//! owner on its thread (`reactive_owner`).

use crate::reactive_owner::Isolated;
use crate::static_files::StaticFiles;
use axum::extract::Request;
use axum::response::Response;
use axum::Router;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower::Service;

/// The static files held in memory, then the router.
#[derive(Clone)]
pub struct FrontDoor {
    files: StaticFiles,
    router: Router,
}

impl FrontDoor {
    pub fn new(files: StaticFiles, router: Router) -> Self {
        Self { files, router }
    }

    /// What `axum::serve` takes, with each connection's peer address for the throttles.
    pub fn into_make_service_with_connect_info<C>(
        self,
    ) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Self, C> {
        axum::ServiceExt::<Request>::into_make_service_with_connect_info(self)
    }
}

impl Service<Request> for FrontDoor {
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Answer {
        match self.files.answer(&request) {
            Some(file) => Answer::File(Some(file)),
            None => Answer::Routed(Isolated::new(self.router.call(request))),
        }
    }
}

/// A file's answer, ready at once, or the router's.
pub enum Answer {
    File(Option<Response>),
    Routed(Isolated<axum::routing::future::RouteFuture<Infallible>>),
}

impl Future for Answer {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Answer::File(file) => Poll::Ready(Ok(file.take().expect("a file answered once"))),
            Answer::Routed(routed) => Pin::new(routed).poll(cx),
        }
    }
}
