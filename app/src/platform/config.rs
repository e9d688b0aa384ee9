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
    /// Connections this instance keeps to PostgreSQL for the portal; its session store
    /// keeps two fifths as many more. Several instances on one server must stay within
    /// its `max_connections` together (SQLite ignores it).
    pub database_connections: u32,
    /// Where customers reach the portal; links in emails start with it, and an `https`
    /// base URL makes cookies `Secure`.
    pub public_base_url: String,
    /// Development conveniences: the email outbox page (loopback only), the published demo
    /// payment key, the sandbox gateway, the demo data. Off unless set; a portal in
    /// development mode serves only a loopback address over plain http.
    pub dev_mode: bool,
    /// Load the demo customers and bills at start (idempotent). Development mode only.
    pub demo_data: bool,
    /// A signed-in session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// A signed-in session ends this many hours after signing in, however active (the page
    /// warns first): "Stay Signed In" does not stretch it.
    pub session_max_hours: i64,
    pub utility: UtilityConfig,
    /// Outgoing mail. Without it, email goes to the development outbox (dev mode only).
    pub smtp: Option<SmtpConfig>,
    pub secrets: SecretsConfig,
    /// Addresses of the reverse proxies or load balancers in front of the portal. Only a
    /// request from one of them is believed about the client's address (X-Forwarded-For),
    /// which throttling counts by.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The card and wallet processor. Only `sandbox` is built in (development mode only);
    /// see the README for plugging in a real one.
    pub payment_gateway: String,
    /// The bank account validation service a first e-check debit is checked with. Only
    /// `sandbox` is built in (development mode only); see the README.
    pub bank_account_validator: String,
    pub autopay: AutopayConfig,
    pub payments: PaymentsConfig,
    /// The daily cash-receipts file for the utility's billing system (README).
    pub export: ExportConfig,
    /// What the bank's returns set off (`server import ach-returns`).
    pub ach: AchConfig,
    /// How many attempts of each kind are let through (README, Security).
    pub limits: LimitsConfig,
    /// The utility's staff in the back office.
    pub staff: StaffConfig,
    /// The water-use alerts' rules per class of account, in hundredths of a gallon an hour
    /// (README).
    pub usage_alerts: crate::domain::leak::ClassRules,
    /// Text messages (README, Water use).
    pub texts: TextsConfig,
}

/// Who sends text messages, and the secret the sender's inbound webhook (a customer's STOP)
/// must present.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TextsConfig {
    /// "" (the default): no texts are offered. `outbox`: the development outbox
    /// (development mode only). A vendor is plugged in as the README says.
    pub sender: String,
    /// The bearer token of `POST /sms/inbound`; unset: the webhook is off.
    pub inbound_token: Option<String>,
}

/// Staff sessions are shorter than customers': they open every customer's records.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffConfig {
    /// A staff session ends after this many minutes without a request.
    pub idle_minutes: i64,
    /// A staff session ends this many hours after signing in, however active.
    pub max_hours: i64,
}

impl Default for StaffConfig {
    fn default() -> Self {
        Self { idle_minutes: 15, max_hours: 8 }
    }
}

/// Attempt limits. The windows are fixed; the counts are the utility's to tune (a call
/// centre behind one address may need more registrations an hour).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    /// Failed sign-ins of one email in 15 minutes before it is locked for the rest of them.
    pub sign_in_failures_per_email: i64,
    /// Failed sign-ins from one client address (IPv6: its /64) in 15 minutes, whatever the
    /// emails (password spraying).
    pub sign_in_failures_per_address: i64,
    /// Logins created (attempts included) from one address in an hour.
    pub registrations_per_address: i64,
    /// New cards per customer, in an hour and in a day (card testing).
    pub new_cards_per_customer_hour: i64,
    pub new_cards_per_customer_day: i64,
    /// New cards from one address, in an hour and in a day.
    pub new_cards_per_address_hour: i64,
    pub new_cards_per_address_day: i64,
    /// Saved payment methods a customer may keep at once.
    pub saved_methods: i64,
    /// Quick Pay attempts (failed look-ups and payments, declines included) per account
    /// in a day, and from one client address in a day (card testing, guessing).
    pub quick_pay_per_account_day: i64,
    pub quick_pay_per_address_day: i64,
    /// Password checks waiting or running at once; beyond it a sign-in is answered
    /// "busy" (429 with Retry-After).
    pub password_checks_waiting: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            sign_in_failures_per_email: 10,
            sign_in_failures_per_address: 30,
            registrations_per_address: 10,
            new_cards_per_customer_hour: 5,
            new_cards_per_customer_day: 10,
            new_cards_per_address_hour: 10,
            new_cards_per_address_day: 20,
            saved_methods: 10,
            quick_pay_per_account_day: 6,
            quick_pay_per_address_day: 20,
            password_checks_waiting: crate::platform::passwords::MAX_WAITING_HASHES,
        }
    }
}

/// AutoPay collection: when it runs, where bank files go, and what they say about the utility.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AutopayConfig {
    /// "HH:MM" (UTC): the server runs AutoPay for the day at this time. Unset: only
    /// `server autopay run` runs it (e.g. from cron).
    pub run_daily_at: Option<String>,
    /// Where NACHA files are written for the utility's bank.
    pub nacha_folder: std::path::PathBuf,
    /// Send a zero-dollar prenote before a bank account's first debit, and wait
    /// `prenote_wait_days` before debiting it.
    pub prenotes: bool,
    pub prenote_wait_days: i64,
    /// The reminder email goes out this many days before each draft (0: none).
    pub reminder_days: i64,
    /// The utility's bank (ODFI) and the utility as the bank knows it.
    pub bank_routing: String,
    pub bank_name: String,
    /// 10 characters, often "1" and the utility's EIN.
    pub company_id: String,
    pub company_name: String,
    /// On the customer's bank statement, at most 10 characters.
    pub entry_description: String,
}

impl Default for AutopayConfig {
    fn default() -> Self {
        Self {
            run_daily_at: None,
            nacha_folder: "data/nacha".into(),
            prenotes: true,
            prenote_wait_days: 3,
            reminder_days: 3,
            bank_routing: "091000019".into(),
            bank_name: "Demo Bank".into(),
            company_id: "1930000000".into(),
            company_name: "Medford Water".into(),
            entry_description: "WATER BILL".into(),
        }
    }
}

/// Payments posted to the utility's billing system (CIS): where `server export payments`
/// writes its file when not given `--out`, and when the server writes it every day.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportConfig {
    /// The folder the CIS picks the file up from. Unset: no daily export, and the command
    /// needs `--out`.
    pub folder: Option<std::path::PathBuf>,
    /// "HH:MM" (UTC): when the server writes the day's export (when `folder` is set) and
    /// checks the ACH return rates (when `utility.operations_email` is set).
    pub daily_at: String,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self { folder: None, daily_at: "06:00".into() }
    }
}

/// The bank's returns and notices of change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AchConfig {
    /// Debit again a payment returned for insufficient or uncollected funds (R01, R09): on
    /// a later banking day, with entry description `RETRY PYMT`, at most twice within 180
    /// days of the original, as Nacha allows. Off by default.
    pub retry_nsf: bool,
}

/// One-time payments: what they cost and how much may be paid. Amounts are written in
/// dollars, e.g. `card_fee = "1.95"`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentsConfig {
    /// Added to each card or digital-wallet payment, by the utility's tariff (none by default).
    #[serde(with = "dollars")]
    pub card_fee: crate::domain::Cents,
    /// Added to each e-check payment (none by default).
    #[serde(with = "dollars")]
    pub echeck_fee: crate::domain::Cents,
    /// How much more than the balance a customer may pay (none: no credit balance).
    #[serde(with = "dollars")]
    pub overpayment_limit: crate::domain::Cents,
}

/// Dollar amounts in the configuration, read exactly (never through a float).
mod dollars {
    use crate::domain::Cents;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(amount: &Cents, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}.{:02}", amount.0 / 100, amount.0 % 100))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Cents, D::Error> {
        let text = String::deserialize(d)?;
        match Cents::parse_dollars(&text) {
            Ok(c) if c.0 >= 0 => Ok(c),
            _ => Err(serde::de::Error::custom(format!(
                "\"{text}\" is not an amount in dollars like \"1.95\""
            ))),
        }
    }
}

/// An SMTP relay, e.g. `AQUEDUCT_SMTP__HOST=smtp.example.org`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// `starttls` (the default), `tls` (implicit TLS, usually port 465) or `none` (a relay
    /// on localhost only).
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The From address; the utility's name is shown with it.
    pub from: String,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            from: "no-reply@localhost".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

/// Keys and passwords. Kept out of logs by [`Secret`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretsConfig {
    /// AES-256 keys that encrypt bank account numbers, by key id: 32 bytes, base64. Old
    /// keys stay listed until `server rotate-payment-key` has re-encrypted what they hold.
    pub payment_keys: std::collections::BTreeMap<String, Secret>,
    /// The key id new data is encrypted with.
    pub payment_key_id: String,
}

/// The key id of the published demo key, used only in development mode when no key is set.
pub const DEMO_KEY_ID: &str = "demo";
const DEMO_KEY: &str = "ZGVtby1rZXktZm9yLWRldmVsb3BtZW50LW9ubHkhISE=";

/// A configured secret: readable by the code that needs it, never printed.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(****)")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UtilityConfig {
    pub name: String,
    pub short_name: String,
    pub logo_url: String,
    pub phone: String,
    pub email: String,
    /// Where the daily ACH return-rate alert goes (the utility's operations staff). Unset:
    /// no alert is emailed (`server ach report` still prints the rates).
    #[serde(default)]
    pub operations_email: Option<String>,
    pub terms_version: String,
    pub terms_en: String,
    pub terms_es: String,
    pub faq: Vec<FaqEntry>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/aqueduct.db?mode=rwc".into(),
            database_connections: 20,
            public_base_url: "http://127.0.0.1:3000".into(),
            dev_mode: false,
            demo_data: false,
            session_idle_minutes: 30,
            session_max_hours: 12,
            utility: UtilityConfig::default(),
            smtp: None,
            secrets: SecretsConfig::default(),
            trusted_proxies: Vec::new(),
            payment_gateway: "sandbox".into(),
            bank_account_validator: "sandbox".into(),
            autopay: AutopayConfig::default(),
            payments: PaymentsConfig::default(),
            export: ExportConfig::default(),
            ach: AchConfig::default(),
            limits: LimitsConfig::default(),
            staff: StaffConfig::default(),
            usage_alerts: Default::default(),
            texts: TextsConfig::default(),
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
            operations_email: None,
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
    /// (Boxed: figment's error is large, and it is returned once, at start-up.)
    pub fn load() -> Result<Self, Box<figment::Error>> {
        let file = std::env::var("AQUEDUCT_CONFIG").unwrap_or_else(|_| "aqueduct.toml".into());
        let mut config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("AQUEDUCT_").split("__"))
            .extract()
            .map_err(Box::new)?;
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
            session_idle_minutes: self.session_idle_minutes,
            session_max_hours: self.session_max_hours,
        }
    }

    /// The payment keys by id and the id new data is encrypted with. Development mode
    /// falls back to a published demo key; production must configure its own.
    pub fn payment_keys(
        &self,
    ) -> Result<(std::collections::BTreeMap<String, Secret>, String), String> {
        let secrets = &self.secrets;
        if secrets.payment_keys.is_empty() {
            if self.dev_mode {
                let keys = [(DEMO_KEY_ID.to_string(), Secret(DEMO_KEY.into()))].into();
                return Ok((keys, DEMO_KEY_ID.into()));
            }
            return Err(
                "configure a payment key: secrets.payment_keys.<id> = base64 of 32 random bytes, \
                        and secrets.payment_key_id = <id>"
                    .into(),
            );
        }
        if !secrets.payment_keys.contains_key(&secrets.payment_key_id) {
            return Err(format!(
                "secrets.payment_key_id \"{}\" is not one of secrets.payment_keys",
                secrets.payment_key_id
            ));
        }
        Ok((secrets.payment_keys.clone(), secrets.payment_key_id.clone()))
    }

    /// The absolute lifetime of a signed-in session, in seconds (at least an hour).
    pub fn session_max_secs(&self) -> i64 {
        self.session_max_hours.max(1) * 3600
    }

    pub fn cookies_secure(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }

    /// Refuses a development portal that customers could reach (bound to a non-loopback
    /// address, or announced at an https address) and demo data outside development mode.
    pub fn check_mode(&self, bind: std::net::SocketAddr) -> Result<(), String> {
        if self.demo_data && !self.dev_mode {
            return Err("demo_data = true needs dev_mode = true: the demo customers are not for a real portal".into());
        }
        if !self.dev_mode {
            return Ok(());
        }
        if !bind.ip().is_loopback() {
            return Err(format!(
                "development mode serves only a loopback address (127.0.0.1 or ::1), not {bind}: \
                 its outbox shows every email and it accepts a published demo key. Set dev_mode = false \
                 (with SMTP, a payment key and a payment gateway) to serve customers"
            ));
        }
        if self.cookies_secure() {
            return Err("development mode with an https public_base_url: a real portal must not run in development mode".into());
        }
        Ok(())
    }
}

/// Every X-Forwarded-For line of a request, in order, as one list: a proxy may add its hop
/// as a header line of its own, and the first line alone can be the client's forgery.
pub fn forwarded_for(headers: &http::HeaderMap) -> String {
    let lines: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    lines.join(",")
}

/// Whether every request would share one throttle: it comes from loopback (a reverse proxy
/// on the same machine, most likely) and no proxy is trusted to say who the client is.
pub fn one_throttle_for_all(peer: std::net::IpAddr, trusted: &[std::net::IpAddr]) -> bool {
    peer.is_loopback() && trusted.is_empty()
}

/// Logs, once per process, that every customer shares one throttle (see above).
pub fn warn_once_if_one_throttle_for_all(peer: std::net::IpAddr, trusted: &[std::net::IpAddr]) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    if one_throttle_for_all(peer, trusted) {
        WARNED.call_once(|| {
            tracing::warn!(
                "requests arrive from loopback and trusted_proxies is empty: if a reverse proxy is in front \
                 of the portal, every customer shares one throttle; list it in trusted_proxies"
            )
        });
    }
}

/// The client's address: the socket's peer, unless that peer is a trusted proxy, in which
/// case the right-most address in X-Forwarded-For that is not itself a trusted proxy.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops = forwarded_for.unwrap_or_default().split(',').rev().map(str::trim);
    for hop in hops {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A hop we cannot read ends what we can believe.
            Err(_) => break,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let lb = [ip("10.0.0.2")];
        // Straight from a client: its own address, whatever it claims.
        assert_eq!(client_address(ip("203.0.113.9"), Some("1.2.3.4"), &lb), ip("203.0.113.9"));
        // Through the load balancer: the address it saw.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7"), &lb),
            ip("198.51.100.7")
        );
        // Two trusted hops.
        let two = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("198.51.100.7, 10.0.0.3"), &two),
            ip("198.51.100.7")
        );
        // A garbled header: fall back to the proxy itself.
        assert_eq!(client_address(ip("10.0.0.2"), Some("nonsense"), &lb), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), None, &lb), ip("10.0.0.2"));
    }

    #[test]
    fn every_forwarded_for_line_is_read_and_the_right_most_untrusted_hop_wins() {
        let mut headers = http::HeaderMap::new();
        // The client forged the first line; the load balancer appended its own line.
        headers.append("x-forwarded-for", "6.6.6.6".parse().unwrap());
        headers.append("x-forwarded-for", "198.51.100.7, 10.0.0.3".parse().unwrap());
        let list = super::forwarded_for(&headers);
        assert_eq!(list, "6.6.6.6,198.51.100.7, 10.0.0.3");
        let trusted = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(client_address(ip("10.0.0.2"), Some(&list), &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn production_is_the_default_and_development_stays_on_loopback() {
        let addr = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
        let production = super::Config::default();
        assert!(!production.dev_mode, "production is the default");
        assert!(production.check_mode(addr("0.0.0.0:3000")).is_ok());
        let demo = super::Config { demo_data: true, ..super::Config::default() };
        assert!(demo.check_mode(addr("127.0.0.1:3000")).unwrap_err().contains("dev_mode"));
        let dev = super::Config { dev_mode: true, demo_data: true, ..super::Config::default() };
        assert!(dev.check_mode(addr("127.0.0.1:3000")).is_ok());
        assert!(dev.check_mode(addr("[::1]:3000")).is_ok());
        assert!(dev.check_mode(addr("0.0.0.0:3000")).unwrap_err().contains("loopback"));
        assert!(dev.check_mode(addr("192.168.1.5:3000")).unwrap_err().contains("loopback"));
        let https = super::Config {
            dev_mode: true,
            public_base_url: "https://portal.example".into(),
            ..super::Config::default()
        };
        assert!(https.check_mode(addr("127.0.0.1:3000")).unwrap_err().contains("https"));
    }

    #[test]
    fn loopback_without_trusted_proxies_means_one_throttle_for_all() {
        assert!(super::one_throttle_for_all(ip("127.0.0.1"), &[]));
        assert!(super::one_throttle_for_all(ip("::1"), &[]));
        assert!(!super::one_throttle_for_all(ip("127.0.0.1"), &[ip("127.0.0.1")]));
        assert!(!super::one_throttle_for_all(ip("203.0.113.9"), &[]));
    }

    #[test]
    fn fees_are_read_in_dollars_exactly_and_nonsense_is_refused() {
        use figment::providers::{Format, Serialized, Toml};
        let read = |toml: &str| {
            figment::Figment::from(Serialized::defaults(super::Config::default()))
                .merge(Toml::string(toml))
                .extract::<super::Config>()
                .map_err(|e| e.to_string())
        };
        let config = read("[payments]\ncard_fee = \"1.95\"\noverpayment_limit = \"500\"").unwrap();
        assert_eq!(config.payments.card_fee, crate::domain::Cents(195));
        assert_eq!(config.payments.echeck_fee, crate::domain::Cents(0));
        assert_eq!(config.payments.overpayment_limit, crate::domain::Cents(50000));
        assert!(read("[payments]\ncard_fee = \"1.955\"").is_err());
        assert!(read("[payments]\ncard_fee = \"-1\"").is_err());
    }
}
