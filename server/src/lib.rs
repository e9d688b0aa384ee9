//! The server: the router and its middleware. `main.rs` adds the command line.

mod dev_outbox;
pub mod front_door;
mod middleware;
mod reactive_owner;
pub mod scheduler;
mod server_fns;
mod site_files;
mod static_files;

use app::email::Mailer;
use app::gateway::{Gateway, Validator};
use app::platform::sessions::Sessions;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use app::sms::Texter;
use app::{shell, App};
use axum::routing::get;
use axum::serve::{ListenerExt, TapIo};
use axum::Router;
use front_door::FrontDoor;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpStream;
use tower_http::compression::CompressionLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The listener the portal serves on: every accepted connection with Nagle's algorithm
/// off. A static file's response goes out in two writes (head, then body), and with Nagle
/// on the second waited for the client's delayed acknowledgement, some 40 ms a file on a
/// reused connection.
pub fn listener(
    tcp: tokio::net::TcpListener,
) -> TapIo<tokio::net::TcpListener, fn(&mut TcpStream)> {
    tcp.tap_io(no_delay as fn(&mut TcpStream))
}

fn no_delay(stream: &mut TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "TCP_NODELAY could not be set");
    }
}

/// What every handler and server function can reach.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Config,
    pub db: Db,
    pub sessions: Sessions,
    pub mailer: Mailer,
    pub texter: Texter,
    pub vault: Vault,
    pub gateway: Gateway,
    /// The bank account validation service (NACHA's rule for a first WEB debit).
    pub validator: Validator,
}

/// Builds the whole application: pages, server functions, static files, middleware.
pub fn router(state: AppState) -> FrontDoor {
    let session_layer = SessionManagerLayer::new(state.sessions.clone())
        .with_name(session_cookie_name(&state.config))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.cookies_secure())
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::minutes(
            state.config.session_idle_minutes,
        )));
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.config.clone());
            provide_context(state.db.clone());
            provide_context(state.mailer.clone());
            provide_context(state.texter.clone());
            provide_context(state.vault.clone());
            provide_context(state.gateway.clone());
            provide_context(state.validator.clone());
            provide_context(app::auth::RequestIdentity::default());
        }
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let mut router = Router::new();
    if state.config.dev_mode {
        // Development only: the mailbox of a portal that has no SMTP server.
        router = router.route("/dev/outbox", get(dev_outbox::page));
    }
    if state.config.texts.inbound_token.is_some() {
        router = router.route(app::paths::SMS_INBOUND, axum::routing::post(sms_inbound));
    }
    let build = app::platform::assets::Build::current();
    let site_files = site_files::SiteFiles::load(&state.leptos_options, build);
    let static_files =
        static_files::StaticFiles::load(&state.leptos_options.site_root, build, &state.config);
    let routed = router
        .route("/sw.js", get(site_files::service_worker).with_state(site_files.clone()))
        .route("/offline.html", get(site_files::offline_page).with_state(site_files))
        .route("/lang/{code}", get(middleware::set_language))
        .route(app::paths::BILL_PDF_ROUTE, get(bill_pdf))
        .route(app::paths::PAYMENT_HISTORY_CSV, get(payments_csv))
        .route(app::paths::WATER_USE_CSV, get(water_use_csv))
        .route(app::paths::WATER_USE_GREEN_BUTTON, get(green_button))
        .route(app::paths::STAFF_AUDIT_CSV, get(audit_csv))
        .route(
            app::paths::STAFF_IMPORTS_UPLOAD,
            axum::routing::post(staff_upload).layer(axum::extract::DefaultBodyLimit::max(
                app::backoffice::imports::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/api/{*fn_name}", axum::routing::any(server_fns::unknown_function))
        .leptos_routes_with_context(&state, routes, context.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::middleware::from_fn(server_fns::guard))
        .layer(session_layer)
        // Outside the sessions (a refused form leaves no session behind), inside the
        // language (the refusal speaks the customer's).
        .layer(axum::middleware::from_fn_with_state(
            state.config.clone(),
            middleware::same_origin_only,
        ))
        .layer(axum::middleware::from_fn(middleware::locale_from_cookie))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.config.clone(),
            middleware::security_headers,
        ))
        .with_state(state);
    FrontDoor::new(static_files, routed)
}

/// A bill's PDF, to its owner (`app::bills::pdf`); the request's parts carry its session.
async fn bill_pdf(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(bill_id): axum::extract::Path<String>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    app::bills::pdf::serve(state.db, state.config, parts, &bill_id).await
}

/// Payment History as CSV (`app::history::csv`); the request's parts carry its session,
/// its language and its filters.
async fn payments_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    app::history::csv::serve(state.db, state.config, parts).await
}

/// Water Use's chart as CSV (`app::usage::csv`), for the signed-in customer.
async fn water_use_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    app::usage::csv::serve(state.db, state.config, parts).await
}

/// Green Button "Download My Data" (`app::usage::green_button`), for the signed-in customer.
async fn green_button(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    app::usage::green_button::serve(state.db, state.config, parts).await
}

/// The audit log as CSV, for admins (`app::backoffice::audit_log::csv`).
async fn audit_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    app::backoffice::audit_log::csv::serve(state.db, state.config, parts).await
}

/// A file an admin uploads to import (`app::backoffice::imports::upload`).
async fn staff_upload(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use app::backoffice::imports::upload::{receive, Services};
    let services = Services {
        db: &state.db,
        config: &state.config,
        mailer: &state.mailer,
        texter: &state.texter,
        vault: &state.vault,
    };
    receive(services, request).await
}

/// What a number answered our texts (STOP), from the SMS vendor.
async fn sms_inbound(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
    axum::Form(inbound): axum::Form<app::sms::inbound::Inbound>,
) -> axum::response::Response {
    app::sms::inbound::serve(&state.db, &state.texter, &state.config, &headers, inbound).await
}

/// The session cookie. Over HTTPS the `__Host-` prefix makes the browser refuse it unless
/// it is Secure, for this host only (no Domain) and for every path: a sibling subdomain or
/// a plain-HTTP page cannot plant or overwrite it. Plain HTTP (development, tests) cannot
/// have the prefix.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.cookies_secure() {
        "__Host-aqueduct_session"
    } else {
        "aqueduct_session"
    }
}

/// The pages of the app, found once per process. Walking the app is deterministic, and doing it
/// once keeps several routers built side by side (the integration tests) from walking it at the
/// same time: leptos_axum's walk was seen to panic intermittently when they did.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The path of every page, as the router knows it (parameters as `{section}`):
/// tests walk them all.
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_string()).collect()
}
