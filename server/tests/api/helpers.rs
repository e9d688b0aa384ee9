use app::domain::{AccountId, BillId, CustomerId, LoginId, MethodId};
use app::email::Mailer;
use app::gateway::Validator;
use app::payments::entry::service::Enterer;
use app::payments::entry::{Keep, MethodForm, MethodProblem};
use app::platform::config::{SmtpConfig, SmtpSecurity};
use app::platform::sessions::Sessions;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use app::registration::service::{self as registration, NewLogin};
use leptos::prelude::LeptosOptions;
use server::{router, AppState};
use sqlx::{Connection, Executor};

/// A fresh, migrated database for one test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn fresh_db() -> TestDb {
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(admin_url) => {
            let name = format!("aqueduct_test_{}", rand::random::<u64>());
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            let url = match admin_url.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{name}"),
                None => unreachable!("a postgres URL has a path"),
            };
            let db = Db::connect(&url).await.expect("connect to the test database");
            db.migrate().await.expect("migrate");
            TestDb { db, url, _dir: None }
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            let db = Db::connect(&url).await.expect("connect to SQLite");
            db.migrate().await.expect("migrate");
            TestDb { db, url, _dir: Some(dir) }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub client: reqwest::Client,
    /// The app's own mailer: what it queues is delivered by the app's delivery loop.
    pub mailer: Mailer,
    /// The app's texter: the development outbox.
    pub texter: app::sms::Texter,
    _db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_config()).await
}

/// The app with a configuration of the test's choosing.
pub async fn spawn_app_with(config: Config) -> TestApp {
    spawn_on(config, fresh_db().await, Validator::sandbox()).await
}

/// The app with a bank account validation service of the test's choosing.
pub async fn spawn_app_validated_by(config: Config, validator: Validator) -> TestApp {
    spawn_on(config, fresh_db().await, validator).await
}

/// A second instance of the portal on `first`'s database, as a second machine would run
/// it: its own connection pool, session store, mailer and memory; only the database shared.
pub async fn spawn_instance_beside(first: &TestApp) -> TestApp {
    let url = database_url(first);
    let db = Db::connect(&url).await.expect("connect to the shared database");
    spawn_on(test_config(), TestDb { db, url, _dir: None }, Validator::sandbox()).await
}

async fn spawn_on(config: Config, test_db: TestDb, validator: Validator) -> TestApp {
    let db = test_db.db.clone();
    let leptos_options = LeptosOptions::builder()
        .output_name("aqueduct")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    let sessions = Sessions::open(&test_db.url).await.expect("session store");
    let mailer = Mailer::from_config(&config).expect("mailer");
    tokio::spawn(mailer.clone().run(db.clone()));
    let vault = Vault::from_config(&config).expect("vault");
    let texter = app::sms::Texter::from_config(&config, &db).expect("texter");
    let state = AppState {
        leptos_options,
        config,
        db: db.clone(),
        sessions,
        mailer: mailer.clone(),
        texter: texter.clone(),
        vault,
        gateway: app::gateway::Gateway::sandbox(),
        validator,
    };
    let app = router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .await
            .expect("serve");
    });
    let client = browser();
    TestApp { base: format!("http://{addr}"), db, client, mailer, texter, _db: test_db }
}

/// The test database's URL, for running the server binary against it.
pub fn database_url(app: &TestApp) -> String {
    app._db.url.clone()
}

/// The SMS vendor's token in tests.
pub const SMS_INBOUND_TOKEN: &str = "test-inbound-token";

/// The configuration tests run with: development defaults, and the test command's SMTP
/// server (maildev) when it runs, so that emails really travel over SMTP.
pub fn test_config() -> Config {
    let smtp =
        std::env::var("TEST_SMTP_PORT").ok().and_then(|p| p.parse().ok()).map(|port| SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            from: "portal@example.org".into(),
            ..SmtpConfig::default()
        });
    Config {
        database_url: String::new(),
        public_base_url: "http://portal.test".into(),
        dev_mode: true,
        smtp,
        texts: app::platform::config::TextsConfig {
            sender: "outbox".into(),
            inbound_token: Some(SMS_INBOUND_TOKEN.into()),
        },
        ..Config::default()
    }
}

/// An address no other test uses: the test SMTP server is shared by every test.
pub fn unique_email(name: &str) -> String {
    format!("{name}.{}@example.com", rand::random::<u64>())
}

/// An email as the recipient got it.
#[derive(Debug, Clone)]
pub struct ReceivedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl ReceivedEmail {
    /// The first link into the portal that starts with `prefix` (e.g. "/reset-password").
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = format!("http://portal.test{prefix}");
        self.text
            .split_whitespace()
            .find(|w| w.starts_with(&start))
            .map(|w| w["http://portal.test".len()..].to_string())
    }
}

/// Waits (up to 10 s) until `to` has received at least `count` emails and returns them all,
/// oldest first: from the test SMTP server when the test command started one, else from
/// the development outbox.
pub async fn inbox(db: &Db, to: &str, count: usize) -> Vec<ReceivedEmail> {
    let mut got = Vec::new();
    for _ in 0..100 {
        got = match std::env::var("MAILDEV_URL") {
            Ok(url) => maildev_messages(&url, to).await,
            Err(_) => app::email::data::to_address(db, to)
                .await
                .expect("outbox")
                .into_iter()
                .filter(|e| e.sent_at.is_some())
                .map(|e| ReceivedEmail { subject: e.subject, text: e.body_text, html: e.body_html })
                .collect(),
        };
        if got.len() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    got
}

async fn maildev_messages(url: &str, to: &str) -> Vec<ReceivedEmail> {
    let body = reqwest::get(format!("{url}/email"))
        .await
        .expect("maildev")
        .text()
        .await
        .expect("maildev body");
    let all: Vec<serde_json::Value> = serde_json::from_str(&body).expect("maildev JSON");
    all.into_iter()
        .filter(|m| {
            m["to"].as_array().is_some_and(|list| {
                list.iter()
                    .any(|r| r["address"].as_str().is_some_and(|a| a.eq_ignore_ascii_case(to)))
            })
        })
        .map(|m| ReceivedEmail {
            subject: m["subject"].as_str().unwrap_or_default().to_string(),
            text: m["text"].as_str().unwrap_or_default().to_string(),
            html: m["html"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// The day the demo data is loaded for: the tests' "today".
pub const TODAY: time::Date = time::macros::date!(2026 - 11 - 26);

/// The password every test customer registers with.
pub const PASSWORD: &str = "river stones at dawn";

/// The demo customers, accounts and bills (safe to load twice).
pub async fn with_demo(db: &Db) {
    app::import::demo::load(db, &letterhead(), TODAY).await.unwrap();
}

/// The letterhead of the emails an import queues (to former customers of moved accounts).
pub fn letterhead() -> app::email::Letterhead {
    app::email::Letterhead::from_config(&test_config())
}

/// A new login: terms accepted, in English.
pub fn login<'a>(email: &'a str, password: &'a str) -> NewLogin<'a> {
    NewLogin {
        email,
        password,
        password_confirm: password,
        accepted_terms: true,
        locale: "en",
        terms_version: "t1",
    }
}

/// The vault of an app on the test configuration's payment keys.
pub fn vault() -> Vault {
    Vault::from_config(&test_config()).unwrap()
}

/// The wallet's form for a checking account.
pub fn echeck(routing: &str, account: &str, again: &str) -> MethodForm {
    MethodForm {
        kind: Some("echeck".into()),
        account_type: Some("checking".into()),
        routing_number: Some(routing.into()),
        account_number: Some(account.into()),
        account_number_confirm: Some(again.into()),
        bank_name: Some("First Test Bank".into()),
        holder_name: Some("Alex Rivera".into()),
        ..MethodForm::default()
    }
}

/// The wallet's form for a card (`kind`: debit or credit).
pub fn card(kind: &str, number: &str, expiry: &str, code: &str) -> MethodForm {
    MethodForm {
        kind: Some(kind.into()),
        card_number: Some(number.into()),
        card_name: Some("Alex Rivera".into()),
        expiry: Some(expiry.into()),
        security_code: Some(code.into()),
        billing_zip: Some("97501".into()),
        ..MethodForm::default()
    }
}

/// A browser of its own (its own cookies) that shows redirects rather than following them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

/// The `Set-Cookie` header of the session cookie, if the response sets one.
pub fn session_set_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("aqueduct_session="))
        .map(str::to_string)
}

/// Just `aqueduct_session=<id>`, to send back.
pub fn session_pair(r: &reqwest::Response) -> Option<String> {
    session_set_cookie(r).and_then(|c| c.split(';').next().map(str::to_string))
}

pub fn location(r: &reqwest::Response) -> String {
    // leptos_axum appends an empty query when it sends a plain form post back to its page.
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_end_matches('?')
        .to_string()
}

/// A customer of the demo data who registered a login (password `PASSWORD`).
pub struct Registered {
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    /// The account the login was registered with.
    pub account_id: AccountId,
    pub email: String,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.page_request(path).send().await.expect("request")
    }

    /// As a browser asks for a page (leptos_axum answers redirects with a 302 only then).
    fn page_request(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.base)).header("accept", "text/html")
    }

    /// A page's HTML, as `get` asks for it.
    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("the page's text")
    }

    /// The same, from another browser (another cookie jar).
    pub async fn page_as(&self, client: &reqwest::Client, path: &str) -> String {
        let request = client.get(format!("{}{path}", self.base)).header("accept", "text/html");
        request.send().await.expect("request").text().await.expect("the page's text")
    }

    /// A page's HTML for a browser that asks for `lang` first (its Accept-Language header;
    /// a language cookie this client holds would still win).
    pub async fn page_in(&self, path: &str, lang: &str) -> String {
        let request = self.page_request(path).header("accept-language", lang);
        request.send().await.expect("request").text().await.expect("the page's text")
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn post_form(
        &self,
        function: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_form_as(&self.client, function, referer, fields).await
    }

    /// The same, from another browser (another cookie jar).
    pub async fn post_form_as(
        &self,
        client: &reqwest::Client,
        function: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/{function}", self.base))
            .header("accept", "text/html")
            .header("referer", format!("{}{referer}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// The sign-in form, posted from its page.
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("sign_in", "/sign-in", &[("email", email), ("password", password)]).await
    }

    /// The sign-out button of the account page.
    pub async fn sign_out(&self) -> reqwest::Response {
        self.post_form("sign_out", "/account", &[]).await
    }

    /// Registers a login for the customer owning `number` (the demo data loaded), as the
    /// services do it; not signed in.
    pub async fn register(&self, number: &str, zip: &str) -> Registered {
        let account_id =
            registration::find_account(&self.db, "10.7.7.7", number, zip).await.unwrap().unwrap();
        let email = unique_email("customer");
        let login_id =
            registration::create_login(&self.db, &caller(), account_id, login(&email, PASSWORD))
                .await
                .unwrap()
                .unwrap();
        let customer_id =
            app::auth::data::login_session(&self.db, login_id).await.unwrap().unwrap().customer_id;
        Registered { login_id, customer_id, account_id, email }
    }

    /// Adds a payment method to the customer's wallet, within the default limits.
    pub async fn add_method(
        &self,
        customer_id: CustomerId,
        form: &MethodForm,
    ) -> Result<MethodId, Vec<MethodProblem>> {
        self.add_method_as(&adder(customer_id), form).await
    }

    /// Adds a payment method as `adder` (a customer, from an address, within some limits).
    pub async fn add_method_as(
        &self,
        adder: &Enterer<'_>,
        form: &MethodForm,
    ) -> Result<MethodId, Vec<MethodProblem>> {
        let gateway = app::gateway::Gateway::sandbox();
        let vault = vault();
        let keep = Keep::Saved { make_default: form.make_default.is_some() };
        let entered = app::payments::entry::service::enter(
            &self.db, &vault, &gateway, adder, form, TODAY, keep,
        );
        entered.await.unwrap()
    }

    /// Alex (12345678-1234567) with a login, a bank account, a card and AutoPay on the bank
    /// account, signed in on `self.client`: (customer id, account id).
    pub async fn signed_in_with_autopay(&self) -> (CustomerId, AccountId) {
        with_demo(&self.db).await;
        let alex = self.register("12345678-1234567", "97501").await;
        let bank = echeck("021000021", "11112222", "11112222");
        let bank = self.add_method(alex.customer_id, &bank).await.unwrap();
        let card = card("debit", "4111111111111111", "04/29", "123");
        self.add_method(alex.customer_id, &card).await.unwrap();
        let customer_id = alex.customer_id;
        let checked = app::autopay::service::check(
            &self.db,
            customer_id,
            alex.account_id,
            Some(bank),
            &Default::default(),
        )
        .await
        .unwrap()
        .unwrap();
        let enrollment = app::autopay::service::Enrollment {
            customer_id,
            lang: app::email::Lang::En,
            checked: &checked,
            idempotency_key: "hostile-key",
            changing: false,
        };
        app::autopay::service::enroll(&self.db, &self.mailer, &test_config(), enrollment)
            .await
            .unwrap();
        let r = self.sign_in(&alex.email, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 302);
        (alex.customer_id, alex.account_id)
    }

    /// Every stored email's subject, text and HTML, and its secret column, as one text.
    pub async fn stored_emails(&self) -> String {
        let rows: Vec<(String, String, String, Option<String>)> =
            sqlx::query_as("SELECT subject, body_text, body_html, secret FROM emails")
                .fetch_all(&self.db.pool)
                .await
                .unwrap();
        rows.into_iter()
            .map(|(s, t, h, secret)| format!("{s}\n{t}\n{h}\n{}\n", secret.unwrap_or_default()))
            .collect()
    }

    /// Waits (up to 10 s) until every email of the outbox is delivered and has forgotten its
    /// secret (the delivery loop does both just after the SMTP server took the message).
    pub async fn outbox_settled(&self) {
        for _ in 0..100 {
            let (waiting,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM emails WHERE sent_at IS NULL OR secret IS NOT NULL",
            )
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
            if waiting == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the outbox kept an undelivered message or a secret");
    }
}

static DEFAULT_LIMITS: std::sync::LazyLock<app::platform::config::LimitsConfig> =
    std::sync::LazyLock::new(Default::default);

/// A customer adding a method from a test's own address, within the default limits.
pub fn adder(customer_id: CustomerId) -> Enterer<'static> {
    Enterer { customer_id, client: "192.0.2.1", limits: &DEFAULT_LIMITS }
}

/// A customer adding more methods than a household may keep: for tests about something
/// else (concurrency, backups) than the cap.
pub fn roomy_adder(customer_id: CustomerId) -> Enterer<'static> {
    static ROOMY: std::sync::LazyLock<app::platform::config::LimitsConfig> =
        std::sync::LazyLock::new(|| app::platform::config::LimitsConfig {
            saved_methods: 1_000_000,
            ..Default::default()
        });
    Enterer { customer_id, client: "192.0.2.1", limits: &ROOMY }
}

/// A test calling a service as one client, within the default limits.
pub fn caller() -> app::platform::throttle::Caller<'static> {
    app::platform::throttle::Caller { client: "192.0.2.1", limits: &DEFAULT_LIMITS }
}

pub async fn count(db: &Db, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .expect("count");
    n
}

/// A tiny SMTP server for one test, so that a test can configure real SMTP delivery
/// wherever it runs (CI's maildev is not there locally). It speaks just enough SMTP for
/// lettre and keeps each message as received.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    received: std::sync::Arc<std::sync::Mutex<Vec<SunkMessage>>>,
}

#[derive(Debug, Clone)]
struct SunkMessage {
    recipients: Vec<String>,
    data: String,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let sink = Self { port, received: Default::default() };
        let accepting = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(accepting.clone().converse(stream));
            }
        });
        sink
    }

    /// The configuration of an app that delivers to this sink.
    pub fn config(&self) -> Config {
        Config {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port: self.port,
                security: SmtpSecurity::None,
                from: "portal@example.org".into(),
                ..SmtpConfig::default()
            }),
            ..test_config()
        }
    }

    async fn converse(self, stream: tokio::net::TcpStream) {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let mut recipients = Vec::new();
        let _ = write.write_all(b"220 sink ESMTP\r\n").await;
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_ascii_uppercase();
            let answer: &[u8] = if command.starts_with("RCPT TO:") {
                let address = line.trim_end()[8..]
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                recipients.push(address);
                b"250 ok\r\n"
            } else if command == "DATA" {
                let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                let mut data = String::new();
                loop {
                    let mut line = String::new();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Undo the sender's dot-stuffing.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let message = SunkMessage { recipients: std::mem::take(&mut recipients), data };
                self.received.lock().unwrap().push(message);
                b"250 queued\r\n"
            } else if command == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                // EHLO, HELO, MAIL FROM, RSET, NOOP.
                if command.starts_with("MAIL FROM:") || command == "RSET" {
                    recipients.clear();
                }
                b"250 ok\r\n"
            };
            if write.write_all(answer).await.is_err() {
                return;
            }
        }
    }

    /// Waits (up to 10 s) until `to` has received at least `count` messages; returns them
    /// all, oldest first, decoded (quoted-printable or base64 parts as plain text).
    pub async fn inbox(&self, to: &str, count: usize) -> Vec<ReceivedEmail> {
        let mut got = Vec::new();
        for _ in 0..100 {
            got = self
                .received
                .lock()
                .unwrap()
                .iter()
                .filter(|m| m.recipients.iter().any(|r| r.eq_ignore_ascii_case(to)))
                .map(|m| {
                    let decoded = decode_mime(&m.data);
                    let subject = m
                        .data
                        .lines()
                        .find_map(|l| l.strip_prefix("Subject: "))
                        .unwrap_or_default()
                        .to_string();
                    ReceivedEmail { subject, text: decoded.clone(), html: decoded }
                })
                .collect();
            if got.len() >= count {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        got
    }
}

/// A MIME message with each part's body decoded by its Content-Transfer-Encoding, headers
/// and all, as one text: enough to find a link in it.
fn decode_mime(raw: &str) -> String {
    let mut out = String::new();
    let mut encoding = String::new();
    let mut in_body = false;
    let mut body = String::new();
    let flush = |out: &mut String, body: &mut String, encoding: &str| {
        out.push_str(&decode_part(body, encoding));
        body.clear();
    };
    for line in raw.split("\r\n") {
        if line.starts_with("--") {
            flush(&mut out, &mut body, &encoding);
            out.push_str(line);
            out.push('\n');
            (in_body, encoding) = (false, String::new());
        } else if in_body {
            body.push_str(line);
            body.push_str("\r\n");
        } else {
            if line.is_empty() {
                in_body = true;
            } else if let Some(value) =
                line.to_ascii_lowercase().strip_prefix("content-transfer-encoding:")
            {
                encoding = value.trim().to_string();
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    flush(&mut out, &mut body, &encoding);
    out
}

fn decode_part(body: &str, encoding: &str) -> String {
    match encoding {
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, compact)
                .unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        "quoted-printable" => String::from_utf8_lossy(&decode_quoted_printable(body)).into_owned(),
        _ => body.to_string(),
    }
}

fn decode_quoted_printable(body: &str) -> Vec<u8> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes[i + 1..].starts_with(b"\r\n") {
                i += 3; // a soft line break
                continue;
            }
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// A portal whose AutoPay run writes its bank files into a folder of its own, with the demo
/// data loaded.
pub struct Portal {
    pub app: TestApp,
    pub config: Config,
    _folder: tempfile::TempDir,
}

pub async fn portal(prenotes: bool) -> Portal {
    let folder = tempfile::tempdir().unwrap();
    let mut config = test_config();
    config.autopay.nacha_folder = folder.path().to_path_buf();
    config.autopay.prenotes = prenotes;
    let app = spawn_app_with(config.clone()).await;
    with_demo(&app.db).await;
    Portal { app, config, _folder: folder }
}

impl Portal {
    pub fn vault(&self) -> Vault {
        Vault::from_config(&self.config).unwrap()
    }

    pub async fn run_with(
        &self,
        gateway: &app::gateway::Gateway,
        day: time::Date,
    ) -> app::autopay::run::RunReport {
        let vault = self.vault();
        let ctx = app::autopay::run::RunContext {
            db: &self.app.db,
            mailer: &self.app.mailer,
            vault: &vault,
            gateway,
            config: &self.config.autopay,
        };
        app::autopay::run::run(&ctx, day).await.unwrap()
    }

    pub async fn run(&self, day: time::Date) -> app::autopay::run::RunReport {
        self.run_with(&app::gateway::Gateway::sandbox(), day).await
    }

    /// Every file in the folder, read back: (entries, prenotes, total cents) each.
    pub fn files(&self) -> Vec<(usize, usize, u64)> {
        let mut names: Vec<_> = std::fs::read_dir(&self.config.autopay.nacha_folder)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).unwrap();
                assert!(
                    path.extension().is_some_and(|e| e == "ach"),
                    "only finished files in the folder: {path:?}"
                );
                assert!(text.lines().all(|l| l.len() == 94), "94-character records");
                assert_eq!(text.lines().count() % 10, 0, "blocked to 10");
                let s = app::nacha::read(&text)
                    .expect("every file reads back with its totals and hash");
                (s.entries, s.prenotes, s.total_debit_cents)
            })
            .collect()
    }
}

pub async fn account_id(app: &TestApp, account_number: &str) -> AccountId {
    let (id,): (AccountId,) = sqlx::query_as("SELECT id FROM accounts WHERE account_number = $1")
        .bind(account_number)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

pub async fn bill(
    app: &TestApp,
    account_number: &str,
    bill_date: &str,
    due: &str,
    cents: i64,
) -> BillId {
    let account = account_id(app, account_number).await;
    let (id,): (BillId,) = sqlx::query_as(
        "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4, 1000, 0, 0) RETURNING id",
    )
    .bind(account)
    .bind(bill_date)
    .bind(due)
    .bind(cents)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

pub fn bank() -> MethodForm {
    MethodForm {
        bank_name: Some("Demo Bank".into()),
        ..echeck("091000019", "123456789", "123456789")
    }
}

pub async fn enroll(
    p: &Portal,
    customer_id: CustomerId,
    account: AccountId,
    method: MethodId,
    form: &app::domain::autopay::RuleForm,
) -> String {
    let checked = app::autopay::service::check(&p.app.db, customer_id, account, Some(method), form)
        .await
        .unwrap()
        .unwrap();
    let key = unique_email("key");
    let enrollment = app::autopay::service::Enrollment {
        customer_id,
        lang: app::email::Lang::En,
        checked: &checked,
        idempotency_key: &key,
        changing: false,
    };
    app::autopay::service::enroll(&p.app.db, &p.app.mailer, &p.config, enrollment).await.unwrap()
}

/// A refused import's problem as the command line says it, in English.
pub fn problem_text(p: &app::import::LineProblem) -> String {
    app::forms::import_problem_text(app::i18n::Locale::en, &p.problem)
}
