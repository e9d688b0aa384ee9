//! What the request says about its caller apart from who is signed in: the address the
//! throttles count, and the language the page was shown in. Here rather than in `auth`,
//! as neither is identity: a caller who is not signed in has both, and the throttles and
//! emails of every feature ask for them.

/// The caller's address as throttles count it (an IPv6 address by its /64), seen through
/// the trusted proxies (see the configuration).
pub async fn client_address() -> String {
    let Ok(info) = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await
    else {
        return "unknown".into();
    };
    let trusted = leptos::prelude::use_context::<super::Config>()
        .map(|c| c.trusted_proxies)
        .unwrap_or_default();
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let forwarded =
        parts.as_ref().map(|p| super::config::forwarded_for(&p.headers)).unwrap_or_default();
    let peer = info.0.ip();
    super::config::warn_once_if_one_throttle_for_all(peer, &trusted);
    super::throttle::address_subject(super::config::client_address(
        peer,
        Some(&forwarded),
        &trusted,
    ))
}

/// The locale the page was shown in ("en" or "es").
pub fn request_locale() -> String {
    let locale: crate::i18n::Locale = leptos_i18n::locale::resolve_locale();
    locale.to_string()
}
