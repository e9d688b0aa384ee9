//! The frame around every page: skip link, top navigation with the Billing dropdown, the
//! language switch, and the footer with customer service.
//!
//! Pages are rendered on the server only; the parts that act in the browser are islands
//! (`#[island]`), which hydrate on their own. An island cannot read the server's context
//! in the browser, so what it needs (texts in the page's language, the idle limit) comes
//! in its props.

use crate::branding::use_branding;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_branding();
    // The back office has its own bar (who is signed in, its menu): the customers' menu
    // and sign-in links would lead staff nowhere.
    let staff = leptos_router::hooks::use_location().pathname.get_untracked().starts_with("/staff");
    let home = if staff { paths::STAFF_HOME } else { paths::HOME };
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <a class="brand" href=home>
                <img src=branding.logo_url.clone() alt="" width="32" height="32"/>
                <span class="brand-name">{branding.short_name.clone()}</span>
                <span class="brand-sub">{t!(i18n, site_title)}</span>
            </a>
            {(!staff).then(|| view! {
                <nav class="top-nav" aria-label=move || t_string!(i18n, nav.main)>
                    <ul>
                        <li><a href=paths::HOME>{t!(i18n, nav.home)}</a></li>
                        <li><BillingMenu/></li>
                        <li><a href=paths::FAQ>{t!(i18n, nav.help)}</a></li>
                    </ul>
                </nav>
                <AuthLinks/>
            })}
            <LanguageSwitch/>
        </header>
    }
}

/// "Sign In" and "Register", or "My Account" and "Sign Out", as the session is when the
/// page is rendered.
#[component]
fn AuthLinks() -> impl IntoView {
    let i18n = use_i18n();
    let idle_secs = use_branding().session_idle_minutes.max(3) as u64 * 60;
    // Who is signed in, and how long the session has before its absolute end (one check).
    let left = Resource::new_blocking(
        || (),
        |_| async {
            let user = crate::auth::current_user().await?;
            Ok::<_, ServerFnError>(user.map(|u| u.seconds_left()))
        },
    );
    // `data-renew`: single-page navigation (public/navigate.js) replaces it on every page,
    // so that the idle timers start again as they do with each whole page.
    view! {
        <div class="auth-links" data-renew="">
            <Suspense fallback=|| ()>
                {move || left.get().map(|result| match result.ok().flatten() {
                    Some(left_secs) => view! {
                        <a href=paths::ACCOUNT>{t!(i18n, nav.my_account)}</a>
                        <crate::auth::SignOutButton/>
                        <IdleWarning idle_secs left_secs=left_secs.max(0) as u64/>
                    }.into_any(),
                    None => view! {
                        <a href=paths::SIGN_IN>{t!(i18n, nav.sign_in)}</a>
                        <a href=paths::REGISTER>{t!(i18n, nav.register)}</a>
                    }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// The Billing tab. A `<details>` element, so it opens by mouse, touch and keyboard even
/// before the WebAssembly loads; once hydrated, Escape, a click outside or Tab past the
/// last item closes it, and Escape returns focus to the tab. The items are rendered on the
/// server and passed to the island as its children.
#[component]
fn BillingMenu() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <BillingDropdown label=t_string!(i18n, nav.billing).to_string()>
            <ul class="nav-dropdown-menu">
                <li><a href=paths::PAY>{t!(i18n, nav.make_payment)}</a></li>
                <li><a href=paths::BILL_SETTINGS>{t!(i18n, nav.bill_settings)}</a></li>
                <li><a href=paths::AUTOPAY_SETTINGS>{t!(i18n, nav.autopay)}</a></li>
                <li><a href=paths::DELIVERY_SETTINGS>{t!(i18n, nav.bill_delivery_method)}</a></li>
                <li><a href=paths::WALLET>{t!(i18n, nav.my_wallet)}</a></li>
                <li><a href=paths::BILL_HISTORY>{t!(i18n, nav.bill_history)}</a></li>
                <li><a href=paths::PAYMENT_HISTORY>{t!(i18n, nav.payment_history)}</a></li>
                <li><a href=paths::WATER_USE>{t!(i18n, nav.water_use)}</a></li>
            </ul>
        </BillingDropdown>
    }
}

#[island]
fn BillingDropdown(label: String, children: Children) -> impl IntoView {
    let details = NodeRef::<leptos::html::Details>::new();
    let summary = NodeRef::<leptos::html::Summary>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Escape" {
            return;
        }
        ev.prevent_default();
        if let Some(d) = details.get() {
            if d.open() {
                d.set_open(false);
                if let Some(s) = summary.get() {
                    let _ = s.focus();
                }
            }
        }
    };
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        // Close when focus leaves the menu entirely (Tab past the last item).
        let Some(d) = details.get() else { return };
        let leaving = ev
            .related_target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Node>().ok())
            .is_none_or(|next| !d.contains(Some(&next)));
        if leaving {
            d.set_open(false);
        }
    };
    view! {
        <details class="nav-dropdown" node_ref=details on:keydown=on_keydown on:focusout=on_focusout>
            <summary node_ref=summary>{label}</summary>
            {children()}
        </details>
    }
}

/// A plain link to the server, which remembers the choice in a cookie and comes back to
/// the same page: it works without JavaScript, and a reload keeps the language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    // The other of the portal's two languages.
    let target_lang = move || match i18n.get_locale() {
        Locale::en => "es",
        Locale::es => "en",
    };
    let href = move || {
        let here = page_address(&location.pathname.get(), &location.search.get());
        format!("/lang/{}?next={}", target_lang(), percent_encode(&here))
    };
    view! {
        <a class="lang-switch" href=href rel="external" hreflang=target_lang lang=target_lang
            aria-label=move || t_string!(i18n, nav.switch_to_label)>
            {t!(i18n, nav.switch_to)}
        </a>
    }
}

/// The page's path and query, to come back to. The router's `search` has no leading `?`.
fn page_address(path: &str, search: &str) -> String {
    match search.trim_start_matches('?') {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
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
    let tel =
        format!("tel:{}", branding.phone.replace(|c: char| !c.is_ascii_digit() && c != '+', ""));
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
                <li><a href=paths::QUICK_PAY>{t!(i18n, footer.quick_pay)}</a></li>
                <li><a href=paths::FAQ>{t!(i18n, footer.faq)}</a></li>
                <li><a href=paths::TERMS>{t!(i18n, footer.terms)}</a></li>
            </ul>
        </footer>
    }
}

/// Marks the page once the WebAssembly has started its islands (tests use it).
#[island]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Sends each form of a page once. Pages post plain forms, so a second press of the button
/// while the first answer is on its way would post again: the same card saved twice, or
/// "already registered" shown over a registration that worked. A page the browser brings
/// back from its memory (Back) can send its forms again.
#[island]
pub fn FormsSendOnce() -> impl IntoView {
    use leptos::web_sys::HtmlFormElement;
    const SENT: &str = "data-sent";
    // Set on <html> by the first of these islands. A page whose whole body single-page
    // navigation replaced brings another; a second pair of listeners would find every form
    // already sent and refuse it.
    const LISTENING: &str = "data-send-once";
    // An effect, so that the listeners exist in the browser only.
    Effect::new(move |_| {
        let Some(root) = document().document_element() else {
            return;
        };
        if root.has_attribute(LISTENING) {
            return;
        }
        let _ = root.set_attribute(LISTENING, "");
        let on_submit = window_event_listener(leptos::ev::submit, |ev| {
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
                return;
            };
            if form.has_attribute(SENT) {
                ev.prevent_default();
            } else {
                let _ = form.set_attribute(SENT, "");
            }
        });
        let on_pageshow = window_event_listener(leptos::ev::pageshow, |ev| {
            if !ev.persisted() {
                return;
            }
            if let Ok(sent) = document().query_selector_all(&format!("form[{SENT}]")) {
                for i in 0..sent.length() {
                    if let Some(form) =
                        sent.item(i).and_then(|n| n.dyn_into::<HtmlFormElement>().ok())
                    {
                        let _ = form.remove_attribute(SENT);
                    }
                }
            }
        });
        on_cleanup(move || {
            on_submit.remove();
            on_pageshow.remove();
            if let Some(root) = document().document_element() {
                let _ = root.remove_attribute(LISTENING);
            }
        });
    });
}

/// Two minutes before the session ends, warns; when it has ended, goes to the sign-in page
/// saying why. It ends after `idle_secs` without a request, or `left_secs` from now when its
/// absolute lifetime (`session_max_hours` after signing in) comes first: then staying
/// cannot help, so the warning says why instead of offering it.
#[component]
fn IdleWarning(idle_secs: u64, left_secs: u64) -> impl IntoView {
    use crate::auth::{EndIdleSession, StaySignedIn};
    use leptos::server_fn::ServerFn;
    let i18n = use_i18n();
    let max_hours = use_branding().session_max_hours.max(1);
    let at_lifetime = left_secs < idle_secs;
    let warning = if at_lifetime {
        t_string!(i18n, session.max_warning)
    } else {
        t_string!(i18n, session.idle_warning)
    };
    let lifetime = format!(
        "{} {max_hours} {}",
        t_string!(i18n, session.max_note_before),
        t_string!(i18n, session.max_note_after)
    );
    view! {
        <IdleTimers ends_in_secs=idle_secs.min(left_secs) warning=warning.to_string() lifetime>
            // Plain posts: staying reloads the page (which restarts the timers); ending
            // comes back as the sign-in page.
            {(!at_lifetime).then(|| view! {
                <form method="post" action=StaySignedIn::url()>
                    <button type="submit" class="primary">{t!(i18n, session.stay)}</button>
                </form>
            })}
            <form method="post" action=EndIdleSession::url() class="idle-end" hidden></form>
        </IdleTimers>
    }
}

/// The timers of the idle warning, which run only in the browser and start with each page
/// (each request keeps the server's session alive too).
#[island]
fn IdleTimers(
    ends_in_secs: u64,
    warning: String,
    lifetime: String,
    children: Children,
) -> impl IntoView {
    use std::time::Duration;
    let show = RwSignal::new(false);
    let panel = NodeRef::<leptos::html::Div>::new();
    let find = move |selector: &str| {
        panel.get_untracked().and_then(|p| p.query_selector(selector).ok().flatten())
    };
    let timers = StoredValue::new(Vec::<TimeoutHandle>::new());
    // An effect, so that the timers start in the browser only.
    Effect::new(move |_| {
        let warn = set_timeout_with_handle(
            move || {
                show.set(true);
                // After the warning is shown (a hidden button cannot take focus).
                queue_microtask(move || {
                    if let Some(button) = find("button")
                        .and_then(|b| b.dyn_into::<leptos::web_sys::HtmlElement>().ok())
                    {
                        let _ = button.focus();
                    }
                });
            },
            // Two minutes ahead, or at once when less is left.
            Duration::from_secs(ends_in_secs.saturating_sub(2 * 60)),
        );
        let end = set_timeout_with_handle(
            move || {
                if let Some(form) = find("form.idle-end")
                    .and_then(|f| f.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
                {
                    let _ = form.submit();
                }
            },
            Duration::from_secs(ends_in_secs),
        );
        timers.update_value(|handles| handles.extend(warn.into_iter().chain(end)));
    });
    on_cleanup(move || {
        timers
            .try_update_value(|handles| handles.drain(..).for_each(|h| h.clear()))
            .unwrap_or_default()
    });
    view! {
        <div class="idle-warning" role="alert" hidden=move || !show.get() node_ref=panel>
            <p>{warning}</p>
            <p>{lifetime}</p>
            {children()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_switch_comes_back_to_the_page_with_its_query() {
        assert_eq!(page_address("/faq", ""), "/faq");
        assert_eq!(
            page_address("/billing/autopay/done", "ref=AP-X"),
            "/billing/autopay/done?ref=AP-X"
        );
        assert_eq!(page_address("/sign-in", "?expired=1"), "/sign-in?expired=1");
        assert_eq!(percent_encode("/done?ref=AP-X"), "/done%3Fref%3DAP-X");
    }
}
