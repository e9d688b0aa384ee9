//! The back office's way in (issue 18): enrollment from the printed link (password, an
//! authenticator proved with a code, 10 recovery codes shown once), sign-in with all
//! three, each code once, throttling, disabling, the wall between staff and customer
//! sessions, and the audit log's chain.

use crate::helpers::{browser, location, spawn_app, vault, TestApp, PASSWORD};
use app::audit::data::{verify, ChainBreak};
use app::backoffice::access::service as access;
use app::domain::staff::StaffRole;
use app::domain::AuditId;
use totp_rs::{Builder, Secret};

pub const STAFF_PASSWORD: &str = "quiet reservoir at noon";

/// A staff member as their authenticator app knows them.
pub struct Staff {
    pub email: String,
    pub secret: String,
    pub client: reqwest::Client,
}

impl Staff {
    /// The code the app shows `steps_ahead` time steps from now (the server accepts the
    /// next step too, and each step once).
    pub fn code(&self, steps_ahead: u64) -> String {
        let secret = Secret::try_from_base32(&self.secret).expect("base32 secret");
        let totp = Builder::new().with_secret(secret).build().expect("totp");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        totp.generate(now.as_secs() + 30 * steps_ahead).to_string()
    }
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("{start} in the page")) + start.len();
    &page[from..from + page[from..].find(end).expect("its end")]
}

/// `server staff add`, then the enrollment page read as a browser would.
pub async fn add_staff(app: &TestApp, role: StaffRole) -> (Staff, String) {
    let email = crate::helpers::unique_email("staff");
    let token = access::add_staff(&app.db, &vault(), &email, role).await.expect("added");
    let client = browser();
    let page = app.page_as(&client, &format!("/staff/enroll?token={token}")).await;
    assert!(page.contains("data:image/svg+xml;base64,"), "a QR code: {page}");
    let secret: String =
        between(&page, "<code class=\"secret\">", "</code>").split_whitespace().collect();
    (Staff { email, secret, client }, token)
}

/// Enrolls and signs in; returns the staff member and their recovery codes. The
/// authenticator's codes of the next 30 seconds are used up then (each step is good once,
/// and only the current and next steps are accepted), so a test signs in again with a
/// recovery code.
pub async fn signed_in_staff(app: &TestApp, role: StaffRole) -> (Staff, Vec<String>) {
    let (staff, codes, _) = signed_in_staff_with_code(app, role).await;
    (staff, codes)
}

async fn signed_in_staff_with_code(app: &TestApp, role: StaffRole) -> (Staff, Vec<String>, String) {
    let (staff, token) = add_staff(app, role).await;
    enroll(app, &staff, &token).await;
    let done = app.page_as(&staff.client, "/staff/enroll/done").await;
    let codes: Vec<String> = done
        .split("<li><code>")
        .skip(1)
        .map(|c| c.split("</code>").next().unwrap().to_string())
        .collect();
    let code = staff.code(1);
    let r = sign_in(app, &staff, &code).await;
    assert_eq!(location(&r), "/staff", "signed in");
    (staff, codes, code)
}

/// The enrollment form with the password and the authenticator's current code.
async fn enroll(app: &TestApp, staff: &Staff, token: &str) {
    let code = staff.code(0);
    let fields = [
        ("token", token),
        ("password", STAFF_PASSWORD),
        ("password_confirm", STAFF_PASSWORD),
        ("code", code.as_str()),
    ];
    let r = app.post_form_as(&staff.client, "staff_enroll", "/staff/enroll", &fields).await;
    assert_eq!(location(&r), "/staff/enroll/done");
}

pub async fn sign_in(app: &TestApp, staff: &Staff, code: &str) -> reqwest::Response {
    let fields = [("email", staff.email.as_str()), ("password", STAFF_PASSWORD), ("code", code)];
    app.post_form_as(&staff.client, "staff_sign_in", "/staff/sign-in", &fields).await
}

#[tokio::test]
async fn a_staff_member_enrolls_once_with_a_strong_password_and_a_working_code() {
    let app = spawn_app().await;
    let (staff, token) = add_staff(&app, StaffRole::Agent).await;
    let weak = [
        ("token", token.as_str()),
        ("password", "short"),
        ("password_confirm", "short"),
        ("code", "000000"),
    ];
    let r = app.post_form_as(&staff.client, "staff_enroll", "/staff/enroll", &weak).await;
    assert!(location(&r).starts_with("/staff/enroll?token="), "back to the form");
    let page = app.page_as(&staff.client, &location(&r)).await;
    assert!(page.contains("Use at least 12 characters") || page.contains("12"), "{page}");
    assert!(page.contains("not the one the app shows now"), "a wrong code is named: {page}");

    let code = staff.code(0);
    let good = [
        ("token", token.as_str()),
        ("password", STAFF_PASSWORD),
        ("password_confirm", STAFF_PASSWORD),
        ("code", code.as_str()),
    ];
    let r = app.post_form_as(&staff.client, "staff_enroll", "/staff/enroll", &good).await;
    assert_eq!(location(&r), "/staff/enroll/done");
    let done = app.page_as(&staff.client, "/staff/enroll/done").await;
    assert_eq!(done.matches("<li><code>").count(), 10, "ten recovery codes: {done}");
    let again = app.page_as(&staff.client, "/staff/enroll/done").await;
    assert_eq!(again.matches("<li><code>").count(), 0, "shown once");

    let page = app.page_as(&browser(), &format!("/staff/enroll?token={token}")).await;
    assert!(page.contains("already been used"), "{page}");
    assert!(!page.contains("data:image/svg+xml"), "the secret is not shown again");
}

#[tokio::test]
async fn signing_in_takes_password_and_a_fresh_code_each_code_once_and_recovery_codes_once() {
    let app = spawn_app().await;
    let (staff, codes, used) = signed_in_staff_with_code(&app, StaffRole::Agent).await;
    let home = app.page_as(&staff.client, "/staff").await;
    assert!(home.contains(&staff.email), "signed in as: {home}");

    // The code that signed in cannot sign in again (another browser replays it).
    let replay = Staff { client: browser(), ..staff_clone(&staff) };
    let r = sign_in(&app, &replay, &used).await;
    assert_ne!(location(&r), "/staff", "a code is good once");
    let wrong = sign_in(&app, &replay, "123456").await;
    assert_ne!(location(&wrong), "/staff");

    let recovery = codes[0].clone();
    let r = sign_in(&app, &replay, &recovery).await;
    assert_eq!(location(&r), "/staff", "a recovery code signs in");
    let other = Staff { client: browser(), ..staff_clone(&staff) };
    let r = sign_in(&app, &other, &recovery.to_lowercase()).await;
    assert_ne!(location(&r), "/staff", "once");
}

fn staff_clone(s: &Staff) -> Staff {
    Staff { email: s.email.clone(), secret: s.secret.clone(), client: s.client.clone() }
}

#[tokio::test]
async fn repeated_failures_lock_a_staff_login_like_a_customers() {
    let app = spawn_app().await;
    let (staff, codes) = signed_in_staff(&app, StaffRole::Agent).await;
    let other = Staff { client: browser(), ..staff_clone(&staff) };
    for _ in 0..10 {
        let fields = [
            ("email", staff.email.as_str()),
            ("password", "wrong password here"),
            ("code", "123456"),
        ];
        app.post_form_as(&other.client, "staff_sign_in", "/staff/sign-in", &fields).await;
    }
    let r = sign_in(&app, &other, &codes[0]).await;
    assert_eq!(r.status().as_u16(), 302, "back to the form");
    let page = app.page_as(&other.client, "/staff/sign-in").await;
    assert!(page.contains("paused"), "locked, even with the right password and code: {page}");
}

#[tokio::test]
async fn disabling_a_staff_member_ends_their_session_at_once() {
    let app = spawn_app().await;
    let (staff, codes) = signed_in_staff(&app, StaffRole::Agent).await;
    assert!(app.page_as(&staff.client, "/staff").await.contains(&staff.email));
    assert!(access::disable_staff(&app.db, &staff.email).await.unwrap());
    let page = app.page_as(&staff.client, "/staff").await;
    assert!(!page.contains(&staff.email), "the session ended");
    assert!(page.contains("Sign in with your staff login"), "{page}");
    let r = sign_in(&app, &staff, &codes[0]).await;
    assert_ne!(location(&r), "/staff", "and cannot sign in again");
}

/// Every staff function, as a visitor and as a signed-in customer: refused (403) or
/// answered with nothing, never a staff page's data.
#[tokio::test]
async fn customers_and_visitors_reach_no_staff_function_and_staff_no_customer_page() {
    let app = spawn_app().await;
    crate::helpers::with_demo(&app.db).await;
    let (staff, _) = signed_in_staff(&app, StaffRole::Admin).await;
    let customer = app.register("12345678-1234567", "97501").await;
    let customer_browser = browser();
    let fields = [("email", customer.email.as_str()), ("password", PASSWORD)];
    app.post_form_as(&customer_browser, "sign_in", "/sign-in", &fields).await;
    for client in [&browser(), &customer_browser] {
        for (function, fields) in STAFF_FUNCTIONS {
            let form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, "")).collect();
            let r = client
                .post(format!("{}/api/{function}", app.base))
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert!(status == 403 || body == "null" || body == "[]", "{function}: {status} {body}");
        }
    }
    // The staff session is no customer's: the overview asks to sign in.
    let overview = app.page_as(&staff.client, "/account").await;
    assert!(!overview.contains("12345678"), "no customer's data for staff");
    // An agent is not an admin.
    let (agent, _) = signed_in_staff(&app, StaffRole::Agent).await;
    let r = agent
        .client
        .post(format!("{}/api/audit_log_rows", app.base))
        .form(&[
            ("actor", ""),
            ("action", ""),
            ("customer", ""),
            ("from", ""),
            ("to", ""),
            ("before", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

/// The back office's server functions that only staff may use, with their fields.
pub const STAFF_FUNCTIONS: &[(&str, &[&str])] = &[
    ("staff_header", &[]),
    ("audit_log_rows", &["actor", "action", "customer", "from", "to", "before"]),
    ("staff_search", &["q", "page"]),
    ("staff_customer", &["customer"]),
    ("staff_act", &["customer", "action", "account", "method", "replacement", "payment", "reason"]),
    ("staff_import_history", &[]),
    ("staff_dashboard", &[]),
];

#[tokio::test]
async fn the_audit_log_records_sign_ins_and_its_chain_names_an_edited_or_removed_row() {
    let app = spawn_app().await;
    let (staff, codes) = signed_in_staff(&app, StaffRole::Admin).await;
    let other = Staff { client: browser(), ..staff_clone(&staff) };
    sign_in(&app, &other, "654321").await;
    sign_in(&app, &other, &codes[0]).await;
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, action FROM audit_log ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(actions, ["enrolled", "sign-in", "sign-in-failed", "sign-in"]);
    assert_eq!(verify(&app.db).await.unwrap(), Ok(4));

    let csv = other.client.get(format!("{}/staff/audit.csv", app.base)).send().await.unwrap();
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.contains("sign-in-failed") && text.contains(&staff.email), "{text}");

    sqlx::query("UPDATE audit_log SET address = '203.0.113.9' WHERE id = $1")
        .bind(rows[1].0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(verify(&app.db).await.unwrap(), Err(ChainBreak::Edited(AuditId(rows[1].0))));
    sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(rows[1].0)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(verify(&app.db).await.unwrap(), Err(ChainBreak::Unlinked(AuditId(rows[2].0))));
}

#[tokio::test]
async fn a_staff_member_who_lost_their_authenticator_enrolls_again_and_the_old_factors_end() {
    let app = spawn_app().await;
    let (staff, codes) = signed_in_staff(&app, StaffRole::Agent).await;
    let token = access::restart_enrollment(&app.db, &vault(), &staff.email)
        .await
        .unwrap()
        .expect("an active staff member");
    let home = app.page_as(&staff.client, "/staff").await;
    assert!(home.contains("Sign in with your staff login"), "the session ended: {home}");
    let r = sign_in(&app, &staff, &codes[1]).await;
    assert_ne!(location(&r), "/staff", "the old recovery codes ended");

    let page = app.page_as(&staff.client, &format!("/staff/enroll?token={token}")).await;
    let secret: String =
        between(&page, "<code class=\"secret\">", "</code>").split_whitespace().collect();
    assert_ne!(secret, staff.secret, "a new secret");
    let renewed = Staff { secret, ..staff };
    enroll(&app, &renewed, &token).await;
    let r = sign_in(&app, &renewed, &renewed.code(1)).await;
    assert_eq!(location(&r), "/staff", "signed in with the new authenticator");
    let nobody = access::restart_enrollment(&app.db, &vault(), "nobody@example.com").await;
    assert!(nobody.unwrap().is_none());
}
