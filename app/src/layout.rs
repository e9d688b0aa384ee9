//! The frame around every page: skip link, top navigation with the Billing dropdown, the
//! language switch, and the footer with customer service.

use crate::branding::use_branding;
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_branding();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <a class="brand" href="/">
                <img src=branding.logo_url.clone() alt="" width="32" height="32"/>
                <span class="brand-name">{branding.short_name.clone()}</span>
                <span class="brand-sub">{t!(i18n, site_title)}</span>
            </a>
            <nav class="top-nav" aria-label=move || t_string!(i18n, nav.main)>
                <ul>
                    <li><a href="/">{t!(i18n, nav.home)}</a></li>
                    <li><BillingMenu/></li>
                    <li><a href="/faq">{t!(i18n, nav.help)}</a></li>
                </ul>
            </nav>
            <AuthLinks/>
            <LanguageSwitch/>
        </header>
    }
}

/// "Sign In" and "Register", or "My Account" and "Sign Out". Read again on every
/// navigation, so that it follows signing in and out.
#[component]
fn AuthLinks() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let user = Resource::new_blocking(move || location.pathname.get(), |_| crate::registration::current_user());
    view! {
        <div class="auth-links">
            <Suspense fallback=|| ()>
                {move || user.get().map(|result| match result.ok().flatten() {
                    Some(_) => view! {
                        <a href="/account">{t!(i18n, nav.my_account)}</a>
                        <crate::registration::SignOutButton/>
                        <IdleWarning/>
                    }.into_any(),
                    None => view! {
                        <a href="/sign-in">{t!(i18n, nav.sign_in)}</a>
                        <a href="/register">{t!(i18n, nav.register)}</a>
                    }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// The Billing tab. A `<details>` element, so it opens by mouse, touch and keyboard even
/// before the WebAssembly loads; once hydrated, Escape, a click outside or choosing an
/// item closes it, and Escape returns focus to the tab.
#[component]
fn BillingMenu() -> impl IntoView {
    let i18n = use_i18n();
    let details = NodeRef::<leptos::html::Details>::new();
    let summary = NodeRef::<leptos::html::Summary>::new();
    let close = move |refocus: bool| {
        if let Some(d) = details.get() {
            if d.open() {
                d.set_open(false);
                if refocus {
                    if let Some(s) = summary.get() {
                        let _ = s.focus();
                    }
                }
            }
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close(true);
        }
    };
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        // Close when focus leaves the menu entirely (Tab past the last item).
        let Some(d) = details.get() else { return };
        let leaving = ev
            .related_target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Node>(t).ok())
            .is_none_or(|next| !d.contains(Some(&next)));
        if leaving {
            d.set_open(false);
        }
    };
    // A click on an item navigates (client-side after hydration): close the menu too.
    let on_click_item = move |_| close(false);
    view! {
        <details class="nav-dropdown" node_ref=details on:keydown=on_keydown on:focusout=on_focusout>
            <summary node_ref=summary>{t!(i18n, nav.billing)}</summary>
            <ul class="nav-dropdown-menu">
                <li><a href="/billing/settings" on:click=on_click_item>{t!(i18n, nav.bill_settings)}</a></li>
                <li><a href="/billing/settings/autopay" on:click=on_click_item>{t!(i18n, nav.autopay)}</a></li>
                <li><a href="/billing/settings/delivery" on:click=on_click_item>{t!(i18n, nav.bill_delivery_method)}</a></li>
                <li><a href="/billing/settings/wallet" on:click=on_click_item>{t!(i18n, nav.my_wallet)}</a></li>
            </ul>
        </details>
    }
}

/// A plain link to the server, which remembers the choice in a cookie and comes back to
/// the same page: it works without JavaScript, and a reload keeps the language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let href = move || {
        let target = match i18n.get_locale() {
            Locale::en => "es",
            Locale::es => "en",
        };
        let here = format!("{}{}", location.pathname.get(), location.search.get());
        format!("/lang/{target}?next={}", percent_encode(&here))
    };
    let target_lang = move || match i18n.get_locale() {
        Locale::en => "es",
        Locale::es => "en",
    };
    view! {
        <a class="lang-switch" href=href rel="external" hreflang=target_lang lang=target_lang
            aria-label=move || t_string!(i18n, nav.switch_to_label)>
            {t!(i18n, nav.switch_to)}
        </a>
    }
}

fn percent_encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_branding();
    let tel = format!("tel:{}", branding.phone.replace(|c: char| !c.is_ascii_digit() && c != '+', ""));
    let mailto = format!("mailto:{}", branding.email);
    view! {
        <footer class="site-footer">
            <section aria-labelledby="footer-contact">
                <h2 id="footer-contact">{t!(i18n, footer.customer_service)}</h2>
                <p class="utility-name">{branding.utility_name.clone()}</p>
                <p>{t!(i18n, footer.phone)}": " <a href=tel>{branding.phone.clone()}</a></p>
                <p>{t!(i18n, footer.email)}": " <a href=mailto>{branding.email.clone()}</a></p>
            </section>
            <ul class="footer-links">
                <li><a href="/faq">{t!(i18n, footer.faq)}</a></li>
                <li><a href="/terms">{t!(i18n, footer.terms)}</a></li>
            </ul>
        </footer>
    }
}

/// Marks the page once the WebAssembly has taken over (tests and styles use it).
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Two minutes before an idle session ends, offers to stay signed in; when it has ended,
/// goes to the sign-in page saying why. Timers run only in the browser and restart at
/// every navigation (each request keeps the server's session alive too).
#[component]
fn IdleWarning() -> impl IntoView {
    use std::time::Duration;
    let i18n = use_i18n();
    let minutes = crate::branding::use_branding().session_idle_minutes.max(3) as u64;
    let location = use_location();
    let stay = ServerAction::<crate::registration::StaySignedIn>::new();
    let show = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let timers = StoredValue::new(Vec::<TimeoutHandle>::new());
    let clear_timers = move || {
        timers.try_update_value(|handles| handles.drain(..).for_each(|h| h.clear()));
    };
    Effect::new(move |_| {
        location.pathname.track();
        stay.version().track();
        clear_timers();
        show.set(false);
        let warn = set_timeout_with_handle(
            move || {
                show.set(true);
                // After the warning is shown (a hidden button cannot take focus).
                queue_microtask(move || {
                    if let Some(b) = button.get_untracked() {
                        let _ = b.focus();
                    }
                });
            },
            Duration::from_secs((minutes - 2) * 60),
        );
        let end = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async {
                    let _ = crate::registration::end_idle_session().await;
                    let _ = window().location().set_href("/sign-in?expired=1");
                });
            },
            Duration::from_secs(minutes * 60),
        );
        timers.try_update_value(|handles| handles.extend(warn.into_iter().chain(end)));
    });
    // This header part is rebuilt at every navigation: the old timers must not outlive it.
    on_cleanup(clear_timers);
    view! {
        <div class="idle-warning" role="alert" hidden=move || !show.get()>
            <p>{t!(i18n, session.idle_warning)}</p>
            <ActionForm action=stay>
                <button type="submit" class="primary" node_ref=button>{t!(i18n, session.stay)}</button>
            </ActionForm>
        </div>
    }
}
