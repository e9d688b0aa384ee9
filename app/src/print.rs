//! What every printable page shares: the header a printed page starts with (the utility's
//! name, logo and contact, and the day it was printed, in the page's language). Printing
//! hides the site's navigation (`@media print` in `style/main.css`), so without it a
//! printed confirmation would not say whose it is.

use crate::branding::use_branding;
use crate::domain::{format, Lang};
use crate::i18n::*;
use leptos::prelude::*;

/// Today, by the server's clock (UTC): pages are rendered on the server only.
pub fn today() -> time::Date {
    #[cfg(feature = "ssr")]
    let today = time::OffsetDateTime::now_utc().date();
    // Only reached if the whole app ran in the browser, which Aqueduct never does (as
    // `branding::unreachable_on_client`).
    #[cfg(not(feature = "ssr"))]
    let today = time::Date::MIN;
    today
}

/// The top of a printed page. Printed only, unless `on_screen` (a bill shows its
/// letterhead on screen too; "Printed on" is for paper only either way).
#[component]
pub fn PrintHeader(#[prop(optional)] on_screen: bool) -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_branding();
    let printed = format::long_date(today(), Lang::from(i18n.get_locale_untracked()));
    let class = if on_screen { "print-header" } else { "print-header print-only" };
    view! {
        <div class=class>
            <img src=branding.logo_url.clone() alt="" width="48" height="48"/>
            <div>
                <p class="print-utility">{branding.utility_name.clone()}</p>
                <p>{format!("{} · {}", branding.phone, branding.email)}</p>
                <p class="print-only">{format!("{} {printed}", t_string!(i18n, print.printed_on))}</p>
            </div>
        </div>
    }
}

/// A Print button and, for a browser without JavaScript, the hint to use its own Print
/// command. `label` is the button's text, in the page's language.
#[component]
pub fn PrintButton(label: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PrintButtonIsland label/>
        <noscript><p class="print-hint">{t!(i18n, print.use_browser)}</p></noscript>
    }
}

/// The button itself: pages are rendered on the server, so only an island can print. It is
/// rendered hidden and shown once the island runs, so a page without JavaScript (or before
/// the WebAssembly has loaded) never shows a button that does nothing.
#[island]
fn PrintButtonIsland(label: String) -> impl IntoView {
    let ready = RwSignal::new(false);
    // An effect runs in the browser only.
    Effect::new(move |_| ready.set(true));
    view! {
        <button type="button" class="primary print-button" hidden=move || !ready.get()
            on:click=|_| {
                let _ = window().print();
            }>
            {label}
        </button>
    }
}
