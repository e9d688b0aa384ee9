//! The server: the router and its middleware. `main.rs` adds the command line.

mod middleware;

use app::platform::{Config, Db};
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// What every handler and server function can reach.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Config,
    pub db: Db,
}

/// Builds the whole application: pages, server functions, static files, middleware.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.config.clone());
            provide_context(state.db.clone());
        }
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    Router::new()
        .route("/lang/{code}", get(middleware::set_language))
        .route(
            "/api/{*fn_name}",
            axum::routing::post({
                let context = context.clone();
                move |req| leptos_axum::handle_server_fns_with_context(context.clone(), req)
            })
            .get({
                let context = context.clone();
                move |req| leptos_axum::handle_server_fns_with_context(context.clone(), req)
            }),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::middleware::from_fn(middleware::locale_from_cookie))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .with_state(state)
}
