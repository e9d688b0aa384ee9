//! The utility's public face — name, logo, customer-service phone and email, FAQ and
//! terms — configurable so that another utility can deploy the same portal.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Branding {
    pub utility_name: String,
    pub short_name: String,
    pub logo_url: String,
    pub phone: String,
    pub email: String,
    /// Minutes without a request before a signed-in session ends (the page warns first).
    pub session_idle_minutes: i64,
    /// Hours after signing in when a session ends, however active.
    pub session_max_hours: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaqEntry {
    pub question_en: String,
    pub answer_en: String,
    pub question_es: String,
    pub answer_es: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Terms {
    pub version: String,
    pub text_en: String,
    pub text_es: String,
}

/// Makes the branding available to every component. Pages are rendered on the server
/// only (the browser hydrates islands, which get what they need as props), so it comes from
/// the configuration.
pub fn provide_branding() -> Branding {
    #[cfg(feature = "ssr")]
    let branding = use_context::<crate::platform::Config>()
        .map(|c| c.branding())
        .unwrap_or_else(|| crate::platform::Config::default().branding());
    #[cfg(not(feature = "ssr"))]
    let branding = unreachable_on_client();
    provide_context(branding.clone());
    branding
}

#[cfg(not(feature = "ssr"))]
fn unreachable_on_client() -> Branding {
    // Only reached if the whole app ran in the browser, which Aqueduct never does; an
    // empty branding is better than a panic in the customer's browser.
    Branding {
        utility_name: String::new(),
        short_name: String::new(),
        logo_url: String::new(),
        phone: String::new(),
        email: String::new(),
        session_idle_minutes: 30,
        session_max_hours: 12,
    }
}

pub fn use_branding() -> Branding {
    expect_context::<Branding>()
}

#[server(endpoint = "get_faq")]
pub async fn get_faq() -> Result<Vec<FaqEntry>, ServerFnError> {
    let config = expect_context::<crate::platform::Config>();
    Ok(config.utility.faq.clone())
}

#[server(endpoint = "get_terms")]
pub async fn get_terms() -> Result<Terms, ServerFnError> {
    let config = expect_context::<crate::platform::Config>();
    Ok(Terms {
        version: config.utility.terms_version.clone(),
        text_en: config.utility.terms_en.clone(),
        text_es: config.utility.terms_es.clone(),
    })
}
