//! Hostile input: every server function, signed in, is sent malformed, oversized (1 MB),
//! wrong-typed and Unicode-edge input, as a script and as a form. Each answer is a clear
//! message (or the function's own problem list), never a 5xx, never an internal detail,
//! and nothing is stored.

use crate::helpers::{count, spawn_app, TestApp};

/// Every server function and the fields its forms send. Functions that end the session
/// come last, so that the others are tried signed in.
/// The fields of a payment method's entry form, then those of the form it is part of.
macro_rules! entry_form {
    ($($extra:literal),*) => {
        &[
            "kind",
            "account_type",
            "routing_number",
            "account_number",
            "account_number_confirm",
            "bank_name",
            "holder_name",
            "card_number",
            "card_name",
            "expiry",
            "security_code",
            "billing_zip",
            "wallet",
            "make_default",
            $($extra),*
        ]
    };
}

const FUNCTIONS: &[(&str, &[&str])] = &[
    ("find_account", &["number", "zip"]),
    ("take_find_account_outcome", &[]),
    ("registration_account", &[]),
    ("create_login", &["email", "password", "password_confirm", "accept_terms"]),
    ("take_create_login_outcome", &[]),
    ("sign_in", &["email", "password"]),
    ("take_sign_in_outcome", &[]),
    ("request_password_reset", &["email"]),
    ("take_request_password_reset_outcome", &[]),
    ("reset_link_problem", &["token"]),
    ("reset_password", &["token", "password", "password_confirm"]),
    ("take_reset_password_outcome", &[]),
    ("current_user", &[]),
    ("stay_signed_in", &[]),
    ("delivery_state", &[]),
    ("set_delivery", &["account_id", "method", "email"]),
    ("take_delivery_outcome", &[]),
    ("delivery_link_state", &["token"]),
    ("verify_delivery_email", &["token"]),
    ("get_overview", &[]),
    ("choices_to_pay", &["pairs"]),
    ("review_payment", &["pairs"]),
    ("submit_payment", &["form"]),
    ("take_pay_outcome", &[]),
    ("payment_confirmation", &["submission"]),
    ("cancel_scheduled_payment", &["payment_id", "submission"]),
    ("enter_pay_method", entry_form!("pay_form", "save_to_wallet")),
    ("take_pay_entry_outcome", &[]),
    ("bill_history", &[]),
    ("bill_view", &["bill_id"]),
    ("payment_history", &["account", "year"]),
    ("water_use", &["account", "scale", "at"]),
    ("set_usage_unit", &["unit", "back"]),
    ("dismiss_usage_alert", &["account", "alert", "back"]),
    ("alert_settings", &["account"]),
    (
        "save_alert_settings",
        &[
            "account",
            "email_continuous",
            "email_burst",
            "email_high_use",
            "email_vacation",
            "text_continuous",
            "text_burst",
            "text_high_use",
            "text_vacation",
            "declared_gph",
            "away_from",
            "away_until",
            "away_gallons",
            "text_phone",
            "text_consent",
        ],
    ),
    ("take_alert_settings_outcome", &[]),
    ("payment_receipt", &["payment_id"]),
    ("find_bill_to_pay", &["number", "zip"]),
    ("take_find_bill_outcome", &[]),
    ("quick_pay_details", &[]),
    ("choose_quick_payment", &["amount", "other", "kind", "email"]),
    ("take_quick_pay_outcome", &[]),
    ("quick_pay_entry", &[]),
    ("enter_quick_pay_method", entry_form!()),
    ("take_quick_pay_entry_outcome", &[]),
    ("review_quick_payment", &[]),
    ("submit_quick_payment", &["key"]),
    ("take_quick_pay_review_outcome", &[]),
    ("quick_pay_confirmation", &["submission"]),
    ("get_faq", &[]),
    ("get_terms", &[]),
    ("get_wallet", &[]),
    ("make_default_method", &["id"]),
    ("remove_method", &["id", "replacement"]),
    ("take_wallet_outcome", &[]),
    ("authorize_method_again", &["id", "form_key"]),
    ("add_payment_method", entry_form!("for_autopay", "autopay_change")),
    ("take_add_method_outcome", &[]),
    ("bank_for_routing", &["routing_number"]),
    ("add_method_setup", &[]),
    ("autopay_accounts", &[]),
    ("enroll_setup", &["account_id", "method", "changing"]),
    ("continue_autopay", &RULE_FORM),
    (
        "autopay_review",
        &[
            "account_id",
            "method_id",
            "changing",
            "amount_rule",
            "fixed_amount",
            "timing",
            "days_before",
            "use_maximum",
            "maximum",
        ],
    ),
    (
        "create_autopay",
        &[
            "account_id",
            "method_id",
            "change",
            "idempotency_key",
            "amount_rule",
            "fixed_amount",
            "timing",
            "days_before",
            "use_maximum",
            "maximum",
        ],
    ),
    ("autopay_confirmation", &["reference"]),
    ("cancel_autopay", &["account_id"]),
    ("take_autopay_outcome", &[]),
    ("staff_enrollment", &["token"]),
    ("staff_enroll", &["token", "password", "password_confirm", "code"]),
    ("take_staff_enroll_outcome", &[]),
    ("staff_recovery_codes", &[]),
    ("staff_sign_in", &["email", "password", "code"]),
    ("take_staff_sign_in_outcome", &[]),
    ("staff_header", &[]),
    ("audit_log_rows", &["actor", "action", "customer", "from", "to", "before"]),
    ("staff_dashboard", &[]),
    ("staff_sign_out", &[]),
    ("staff_search", &["q", "page"]),
    ("staff_customer", &["customer"]),
    ("staff_act", &["customer", "action", "account", "method", "replacement", "payment", "reason"]),
    ("take_staff_action_outcome", &[]),
    ("staff_import_history", &[]),
    ("end_idle_session", &[]),
    ("sign_out", &[]),
];

const RULE_FORM: [&str; 9] = [
    "account_id",
    "method_id",
    "change",
    "amount_rule",
    "fixed_amount",
    "timing",
    "days_before",
    "use_maximum",
    "maximum",
];

/// Values no form sends, or sends only by mistake: each is given to every field at once.
fn hostile_values() -> Vec<String> {
    [
        "",
        "   ",
        "-1",
        "0",
        "9223372036854775807",
        "99999999999999999999",
        "1e309",
        "NaN",
        "true",
        "[]",
        "{\"id\":1}",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\u{202E}12345678-1234567",
        "97501\u{200F}",
        "1234\u{0}5678",
        "e\u{301}\u{301}\u{301}\u{301}\u{301}",
        "💧🚰👨‍👩‍👧",
        "ｆｕｌｌｗｉｄｔｈ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    ]
    .into_iter()
    .map(String::from)
    .chain([("x".repeat(1_001)), ("9".repeat(1_000_000))])
    .collect()
}

/// Whole bodies that are not a form at all.
fn hostile_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/x-www-form-urlencoded", b"%ZZ&&==&=%&".to_vec()),
        ("application/x-www-form-urlencoded", b"id=\xff\xfe&number=\xc3\x28".to_vec()),
        ("application/x-www-form-urlencoded", b"id=-1&id=-2&account_id=-1&account_id=x".to_vec()),
        ("application/json", br#"{"id": 1, "account_id": [1, 2], "email": null}"#.to_vec()),
        ("text/plain", vec![b'A'; 1_000_000]),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1\r\n--x--\r\n".to_vec(),
        ),
    ]
}

/// Words that would mean an internal detail reached the customer.
const INTERNALS: &[&str] = &[
    "Args|",
    "Deserialization|",
    "__err",
    "sqlx",
    "SQLite",
    "sqlite",
    "postgres",
    "panicked",
    "invalid digit",
    "missing field",
    "invalid type",
    "internal error",
    "/src/",
    "stack backtrace",
];

const ENGLISH_REFUSALS: &[&str] = &[
    "could not read this form",
    "longer than the portal accepts",
    "more than the portal accepts",
    "for the utility's staff",
];
const SPANISH_REFUSALS: &[&str] = &[
    "No pudimos leer este formulario",
    "más largo de lo que el portal acepta",
    "más de lo que el portal acepta",
    "para el personal de la empresa",
];

/// What any hostile request could have changed, apart from the session and the record of
/// failed attempts (which are there to count them).
async fn stored(app: &TestApp) -> Vec<String> {
    let mut facts = Vec::new();
    for table in [
        "customers",
        "accounts",
        "bills",
        "logins",
        "one_time_tokens",
        "emails",
        "payment_methods",
        "routing_directory",
        "autopay_enrollments",
        "nacha_files",
        "payments",
        "bill_notifications",
        "autopay_reminders",
        "method_authorizations",
    ] {
        facts.push(format!("{table}: {}", count(&app.db, table).await));
    }
    let methods: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, is_default, removed_at, holder_name FROM payment_methods ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let accounts: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, delivery_method, delivery_email FROM accounts ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let logins: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, email, password_hash FROM logins ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let enrollments: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, active, payment_method_id, amount_rule FROM autopay_enrollments ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    facts.push(format!("{methods:?} {accounts:?} {logins:?} {enrollments:?}"));
    facts
}

#[tokio::test]
async fn every_server_function_is_in_the_hostile_input_list() {
    let listed: std::collections::BTreeSet<String> =
        FUNCTIONS.iter().map(|(name, _)| format!("/api/{name}")).collect();
    let registered: std::collections::BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    assert_eq!(listed, registered, "a server function was added or renamed: list it in FUNCTIONS");
}

#[tokio::test]
async fn hostile_input_gets_a_clear_answer_never_a_5xx_and_stores_nothing() {
    let app = spawn_app().await;
    app.signed_in_with_autopay().await;
    let before = stored(&app).await;
    let mut refused = 0;
    for (function, fields) in FUNCTIONS {
        let url = format!("{}/api/{function}", app.base);
        let mut requests: Vec<(String, Vec<u8>)> = hostile_values()
            .into_iter()
            .map(|value| {
                let form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, value.as_str())).collect();
                (
                    "application/x-www-form-urlencoded".to_string(),
                    form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(form)
                        .finish()
                        .into_bytes(),
                )
            })
            .collect();
        requests.extend(hostile_bodies().into_iter().map(|(kind, body)| (kind.to_string(), body)));
        for (content_type, body) in requests {
            // As a script (English) and as a form without JavaScript (Spanish).
            for (accept, language, refusals) in [
                ("application/json", "en", ENGLISH_REFUSALS),
                ("text/html", "es", SPANISH_REFUSALS),
            ] {
                let response = app
                    .client
                    .post(&url)
                    .header("content-type", &content_type)
                    .header("accept", accept)
                    .header("accept-language", language)
                    .header("referer", format!("{}{}", app.base, app::paths::BILL_SETTINGS))
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let location = response
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap_or("").to_string())
                    .unwrap_or_default();
                let text = response.text().await.unwrap();
                let shown = format!("{function} ({accept}, {content_type}, {:.60}): {status} {location} {text:.300}", String::from_utf8_lossy(&body));
                assert!(!status.is_server_error(), "{shown}");
                for word in INTERNALS {
                    assert!(
                        !text.contains(word) && !location.contains(word),
                        "{word} leaked: {shown}"
                    );
                }
                if status.is_client_error() {
                    assert!(
                        refusals.iter().any(|r| text.contains(r)),
                        "a refusal says what is wrong, in {language}: {shown}"
                    );
                    refused += 1;
                }
            }
        }
    }
    assert!(refused > 100, "the hostile requests were refused ({refused})");
    assert_eq!(stored(&app).await, before, "hostile input stored something");
}
