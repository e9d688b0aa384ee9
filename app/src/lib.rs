//! Aqueduct: routes, components and server functions of the customer portal. With `ssr`
//! it also holds what those server functions call (platform, data access, imports).
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod account;
pub mod alert_settings;
pub mod audit;
pub mod auth;
pub mod autopay;
pub mod backoffice;
pub mod billing;
pub mod bills;
pub mod branding;
pub mod delivery;
pub mod domain;
pub mod forms;
pub mod history;
pub mod islands_loader;
pub mod layout;
pub mod pages;
pub mod paths;
pub mod pay;
pub mod payments;
pub mod print;
pub mod quickpay;
pub mod registration;
pub mod usage;
pub mod wallet;
pub mod water;

#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod gateway;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod nacha;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod sms;

use crate::i18n::*;
use leptos::prelude::*;

/// A page's locale as the formats (`domain::format`) and the emails name the language.
impl From<Locale> for domain::Lang {
    fn from(locale: Locale) -> Self {
        match locale {
            Locale::en => Self::En,
            Locale::es => Self::Es,
        }
    }
}

impl From<domain::Lang> for Locale {
    fn from(lang: domain::Lang) -> Self {
        match lang {
            domain::Lang::En => Self::en,
            domain::Lang::Es => Self::es,
        }
    }
}

/// The language of the page being rendered, for the dates and quantities it writes.
pub fn page_lang() -> domain::Lang {
    use_i18n().get_locale().into()
}
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app. `<html>` is bare: leptos_meta adds `lang`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    platform::security::set_page_policy(&options);
    let nonce = use_nonce();
    // The build's stylesheet by its hashed name (only the server renders the shell).
    #[cfg(feature = "ssr")]
    let stylesheet = platform::assets::Build::current().css.clone();
    #[cfg(not(feature = "ssr"))]
    let stylesheet = String::new();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b4f8a"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/favicon.ico" sizes="any"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <script src="/register-sw.js" defer nonce=nonce.clone()></script>
                <script src="/navigate.js" defer nonce=nonce></script>
                <AutoReload options=options.clone()/>
                <islands_loader::IslandScripts/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let branding = branding::provide_branding();
    view! {
        <I18nContextProvider>
            <Title formatter=move |page: String| {
                if page.is_empty() { branding.utility_name.clone() } else { format!("{page} · {}", branding.utility_name) }
            }/>
            <Router>
                <layout::Header/>
                <main id="main" tabindex="-1">
                    // Pages with data render whole (SsrMode::Async) so that they read the same
                    // without JavaScript: out-of-order streaming would need a script.
                    <Routes fallback=pages::NotFound>
                        <Route path=path!("/") view=pages::Home/>
                        <Route path=path!("/faq") view=pages::Faq ssr=SsrMode::Async/>
                        <Route path=path!("/register") view=registration::FindAccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/register/login") view=registration::CreateLoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in") view=registration::SignInPage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view=registration::ForgotPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view=registration::ResetPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/account") view=account::OverviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/terms") view=pages::TermsPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/settings") view=billing::BillSettings ssr=SsrMode::Async/>
                        <Route path=path!("/billing/verify-email") view=delivery::VerifyDeliveryPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/autopay/enroll") view=autopay::EnrollAutopayPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/autopay/review") view=autopay::AutopayReviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/autopay/done") view=autopay::AutopayConfirmationPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/pay") view=pay::PayPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/pay/review") view=pay::PayReviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/pay/done") view=pay::PayConfirmationPage ssr=SsrMode::Async/>
                        <Route path=path!("/pay") view=quickpay::QuickPayPage ssr=SsrMode::Async/>
                        <Route path=path!("/pay/details") view=quickpay::QuickPayDetailsPage ssr=SsrMode::Async/>
                        <Route path=path!("/pay/method") view=quickpay::QuickPayMethodPage ssr=SsrMode::Async/>
                        <Route path=path!("/pay/review") view=quickpay::QuickPayReviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/pay/done") view=quickpay::QuickPayConfirmationPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/settings/wallet/add") view=wallet::AddPaymentMethodPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/settings/:section") view=billing::BillSettings ssr=SsrMode::Async/>
                        <Route path=path!("/billing/bills") view=bills::BillHistoryPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/bills/:bill_id") view=bills::BillPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/payments") view=history::PaymentHistoryPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/payments/:payment_id") view=history::PaymentReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/water-use") view=usage::WaterUsePage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/water-use/what-to-check") view=usage::WhatToCheckPage ssr=SsrMode::Async/>
                        <Route path=path!("/billing/water-use/alerts") view=alert_settings::AlertSettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff") view=backoffice::StaffHomePage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/sign-in") view=backoffice::StaffSignInPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/enroll") view=backoffice::StaffEnrollPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/enroll/done") view=backoffice::StaffEnrolledPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/audit") view=backoffice::AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/imports") view=backoffice::StaffImportsPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/customers") view=backoffice::StaffSearchPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/customers/:id") view=backoffice::StaffCustomerPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <layout::Footer/>
                <layout::FormsSendOnce/>
                <layout::HydrationMarker/>
                // Says each page shown by single-page navigation (public/navigate.js).
                <div id="page-announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
            </Router>
        </I18nContextProvider>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_and_its_language_name_each_other() {
        assert_eq!(domain::Lang::from(Locale::en), domain::Lang::En);
        assert_eq!(domain::Lang::from(Locale::es), domain::Lang::Es);
        for lang in [domain::Lang::En, domain::Lang::Es] {
            assert_eq!(domain::Lang::from(Locale::from(lang)), lang);
        }
        assert_eq!(Locale::from(domain::Lang::Es), Locale::es);
    }
}
