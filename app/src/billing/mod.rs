//! Billing: Bill Settings with its left-side menu. Each section has its own URL, so a
//! reload or a shared link opens the same section.

use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Section {
    AutoPay,
    Delivery,
    Wallet,
}

impl Section {
    pub fn from_slug(slug: Option<&str>) -> Option<Self> {
        match slug {
            None | Some("autopay") => Some(Self::AutoPay),
            Some("delivery") => Some(Self::Delivery),
            Some("wallet") => Some(Self::Wallet),
            Some(_) => None,
        }
    }
    pub fn href(self) -> &'static str {
        match self {
            Self::AutoPay => paths::AUTOPAY_SETTINGS,
            Self::Delivery => paths::DELIVERY_SETTINGS,
            Self::Wallet => paths::WALLET,
        }
    }
}

#[component]
pub fn BillSettings() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let section = Memo::new(move |_| Section::from_slug(params.read().get("section").as_deref()));
    move || {
        match section.get() {
        None => view! { <crate::pages::NotFound/> }.into_any(),
        Some(current) => view! {
            <Title text=t_string!(i18n, bill_settings.title).to_string()/>
            <h1>{t!(i18n, bill_settings.title)}</h1>
            <div class="settings-layout">
                <nav class="side-menu" aria-label=move || t_string!(i18n, bill_settings.menu_label)>
                    <ul>
                        <SideItem section=Section::AutoPay current=current>{t!(i18n, nav.autopay)}</SideItem>
                        <SideItem section=Section::Delivery current=current>{t!(i18n, nav.bill_delivery_method)}</SideItem>
                        <SideItem section=Section::Wallet current=current>{t!(i18n, nav.my_wallet)}</SideItem>
                    </ul>
                </nav>
                <section class="settings-content" aria-labelledby="section-heading">
                    {match current {
                        Section::AutoPay => view! {
                            <h2 id="section-heading">{t!(i18n, nav.autopay)}</h2>
                            <p>{t!(i18n, bill_settings.autopay_intro)}</p>
                            <crate::autopay::AutopaySection/>
                        }.into_any(),
                        Section::Delivery => view! {
                            <h2 id="section-heading">{t!(i18n, nav.bill_delivery_method)}</h2>
                            <p>{t!(i18n, bill_settings.delivery_intro)}</p>
                            <crate::delivery::DeliverySection/>
                        }.into_any(),
                        Section::Wallet => view! {
                            <h2 id="section-heading">{t!(i18n, nav.my_wallet)}</h2>
                            <p>{t!(i18n, bill_settings.wallet_intro)}</p>
                            <crate::wallet::MyWallet/>
                        }.into_any(),
                    }}
                </section>
            </div>
        }
        .into_any(),
    }
    }
}

#[component]
fn SideItem(section: Section, current: Section, children: Children) -> impl IntoView {
    let is_current = section == current;
    view! {
        <li>
            <a href=section.href() class:current=is_current aria-current=is_current.then_some("page")>
                {children()}
            </a>
        </li>
    }
}
