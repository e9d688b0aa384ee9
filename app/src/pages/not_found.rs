use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any path the portal does not have; answers 404, never internals.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, not_found.title).to_string()/>
        <h1>{t!(i18n, not_found.title)}</h1>
        <p>{t!(i18n, not_found.body)}</p>
        <p><a href=paths::HOME>{t!(i18n, not_found.home_link)}</a></p>
    }
}
