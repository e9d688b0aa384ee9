//! Pages that belong to no single feature: home, help (FAQ and terms), not found.

mod help;
mod home;
mod not_found;

pub use help::{Faq, TermsPage};
pub use home::Home;
pub use not_found::NotFound;

use crate::i18n::*;
use leptos::prelude::*;

/// The generic failure notice: never internals.
#[component]
pub fn ErrorNotice() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice" role="alert">
            <h2>{t!(i18n, error.title)}</h2>
            <p>{t!(i18n, error.body)}</p>
        </div>
    }
}
