//! Configuration from defaults, then `aqueduct.toml` (or the file named by
//! `AQUEDUCT_CONFIG`), then `AQUEDUCT_*` environment variables (nested keys with `__`,
//! e.g. `AQUEDUCT_UTILITY__PHONE`), then `DATABASE_URL`.

use crate::branding::{Branding, FaqEntry};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://path?mode=rwc` (the default) or `postgres://…`.
    pub database_url: String,
    /// Where customers reach the portal; links in emails start with it, and an `https`
    /// base URL makes cookies `Secure`.
    pub public_base_url: String,
    /// Development conveniences (the email outbox page). Never on in production.
    pub dev_mode: bool,
    /// Load the demo customers and bills at start (idempotent).
    pub demo_data: bool,
    /// A signed-in session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    pub utility: UtilityConfig,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UtilityConfig {
    pub name: String,
    pub short_name: String,
    pub logo_url: String,
    pub phone: String,
    pub email: String,
    pub terms_version: String,
    pub terms_en: String,
    pub terms_es: String,
    pub faq: Vec<FaqEntry>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/aqueduct.db?mode=rwc".into(),
            public_base_url: "http://127.0.0.1:3000".into(),
            dev_mode: true,
            demo_data: false,
            session_idle_minutes: 30,
            utility: UtilityConfig::default(),
        }
    }
}

impl Default for UtilityConfig {
    /// A demo utility modelled on the printed tutorial the portal follows.
    fn default() -> Self {
        let faq = |qe: &str, ae: &str, qs: &str, as_: &str| FaqEntry {
            question_en: qe.into(),
            answer_en: ae.into(),
            question_es: qs.into(),
            answer_es: as_.into(),
        };
        Self {
            name: "Medford Water".into(),
            short_name: "Medford Water".into(),
            logo_url: "/icons/icon-192.png".into(),
            phone: "541-774-2430".into(),
            email: "customerservice@medfordwater.org".into(),
            terms_version: "2026-11".into(),
            terms_en: "By creating a login you agree to use this portal only for accounts you are responsible for, to keep your password secret, and to tell customer service if you think someone else has used your login. Payments you authorize are drafted as described when you authorize them. We keep your information as our privacy policy describes.".into(),
            terms_es: "Al crear un inicio de sesión, usted acepta usar este portal solo para las cuentas de las que es responsable, mantener su contraseña en secreto e informar a servicio al cliente si cree que otra persona ha usado su inicio de sesión. Los pagos que usted autorice se cobran como se describe al autorizarlos. Guardamos su información como lo describe nuestra política de privacidad.".into(),
            faq: vec![
                faq(
                    "Where do I find my customer and account numbers?",
                    "Near the top right corner of your paper bill, printed as Customer Number-Account Number, for example 12345678-1234567.",
                    "¿Dónde encuentro mi número de cliente y mi número de cuenta?",
                    "Cerca de la esquina superior derecha de su factura impresa, con el formato Número de Cliente-Número de Cuenta, por ejemplo 12345678-1234567.",
                ),
                faq(
                    "When is an AutoPay payment drafted?",
                    "On the due date of each bill, or the number of days before it that you choose.",
                    "¿Cuándo se cobra un pago automático?",
                    "En la fecha de vencimiento de cada factura, o los días antes que usted elija.",
                ),
                faq(
                    "How do I switch to paperless billing?",
                    "Open Billing, then Bill Settings, then Bill Delivery Method. Select Email and press Send Verification Email, then open the link we email you.",
                    "¿Cómo me cambio a la facturación electrónica?",
                    "Abra Facturación, luego Configuración de factura y luego Método de entrega de factura. Seleccione Correo electrónico, pulse Enviar correo electrónico de verificación y abra el enlace que le enviamos.",
                ),
            ],
        }
    }
}

impl Config {
    /// Reads the configuration; a malformed file or variable is an error, never ignored.
    pub fn load() -> Result<Self, figment::Error> {
        let file = std::env::var("AQUEDUCT_CONFIG").unwrap_or_else(|_| "aqueduct.toml".into());
        let mut config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("AQUEDUCT_").split("__"))
            .extract()?;
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.trim().is_empty() {
                config.database_url = url;
            }
        }
        Ok(config)
    }

    /// What every page shows: name, logo and how to reach customer service.
    pub fn branding(&self) -> Branding {
        Branding {
            utility_name: self.utility.name.clone(),
            short_name: self.utility.short_name.clone(),
            logo_url: self.utility.logo_url.clone(),
            phone: self.utility.phone.clone(),
            email: self.utility.email.clone(),
        }
    }

    pub fn cookies_secure(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }
}
