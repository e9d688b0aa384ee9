//! My Wallet: adding each kind of method, the default mark, removal (and AutoPay's need
//! for a replacement), another customer's methods out of reach, and nothing readable at rest.

use crate::helpers::{card, count, echeck, location, spawn_app, vault, with_demo, TestApp, TODAY};
use app::domain::MethodId;
use app::payments::entry::{Keep, MethodForm, MethodProblem};
use app::platform::vault::{Vault, VaultError};
use app::wallet::service::{self, rotate_key};
use app::wallet::{data, MethodKind, WalletProblem};

/// The account number of a saved bank account, opened for the row it is stored in.
async fn open_account(
    app: &TestApp,
    vault: &Vault,
    method_id: MethodId,
) -> Result<String, VaultError> {
    let (binding, sealed) =
        data::sealed_account(&app.db, method_id).await.unwrap().expect("a sealed bank account");
    vault.open(&sealed, &binding)
}

#[tokio::test]
async fn each_kind_is_added_masked_and_nothing_full_is_stored() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;

    let bank =
        app.add_method(alex, &echeck("021000021", "000123456789", "000123456789")).await.unwrap();
    let debit =
        app.add_method(alex, &card("debit", "4111 1111 1111 1111", "04/29", "123")).await.unwrap();
    let mut credit_form = card("credit", "3782-822463-10005", "0430", "1234");
    credit_form.make_default = Some("yes".into());
    let credit = app.add_method(alex, &credit_form).await.unwrap();
    let wallet = app
        .add_method(
            alex,
            &MethodForm {
                kind: Some("wallet".into()),
                wallet: Some("sandbox-pay".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let methods = data::methods(&app.db, alex).await.unwrap();
    assert_eq!(methods.len(), 4);
    let by_id = |id: MethodId| methods.iter().find(|m| m.id == id).unwrap();
    assert_eq!(
        (by_id(bank).kind, by_id(bank).last4.as_str(), by_id(bank).bank_account_type.as_deref()),
        (MethodKind::Echeck, "6789", Some("checking"))
    );
    assert_eq!(
        (by_id(debit).brand.as_deref(), by_id(debit).expiry.as_deref()),
        (Some("Visa"), Some("04/29"))
    );
    assert_eq!(
        (by_id(credit).brand.as_deref(), by_id(credit).last4.as_str()),
        (Some("American Express"), "0005")
    );
    assert_eq!(by_id(wallet).brand.as_deref(), Some("Sandbox Pay"));
    // The first method became the default; then "set as default" moved the mark.
    assert!(by_id(credit).is_default);
    assert_eq!(methods.iter().filter(|m| m.is_default).count(), 1);

    // At rest: no full bank account or card number, no security code, anywhere.
    // last4, token, routing number, billing ZIP, sealed account number.
    type StoredMethod = (String, String, String, String, Option<Vec<u8>>);
    let dump: Vec<StoredMethod> = sqlx::query_as(
        "SELECT COALESCE(last4, ''), COALESCE(gateway_token, ''), COALESCE(routing_number, ''), COALESCE(billing_zip, ''), account_ciphertext FROM payment_methods",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let text: String = dump.iter().map(|(a, b, c, d, _)| format!("{a} {b} {c} {d}")).collect();
    for secret in ["000123456789", "123456789", "4111111111111111", "378282246310005", "1234 "] {
        assert!(!text.contains(secret), "{secret} found at rest");
    }
    let cipher =
        dump.iter().find_map(|r| r.4.clone()).expect("the bank account is stored encrypted");
    assert!(!cipher.windows(9).any(|w| w == b"123456789"));
    assert_eq!(open_account(&app, &vault(), bank).await.unwrap(), "000123456789");
}

#[tokio::test]
async fn bad_input_names_each_problem_and_stores_nothing() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let problems =
        app.add_method(alex, &echeck("123456789", "12345678", "12345679")).await.unwrap_err();
    assert_eq!(problems, vec![MethodProblem::RoutingChecksum, MethodProblem::AccountMismatch]);
    let problems =
        app.add_method(alex, &card("credit", "4111111111111112", "10/26", "12")).await.unwrap_err();
    assert_eq!(
        problems,
        vec![MethodProblem::CardChecksum, MethodProblem::ExpiryPast, MethodProblem::CodeThree]
    );
    let problems = app
        .add_method(alex, &card("debit", "4000 0000 0000 0127", "12/30", "123"))
        .await
        .unwrap_err();
    assert_eq!(problems, vec![MethodProblem::CardRefused], "the sandbox's refused card");
    let problems = app.add_method(alex, &MethodForm::default()).await.unwrap_err();
    assert_eq!(problems, vec![MethodProblem::KindMissing]);
    let mut odd = echeck("021000021", "1234", "1234");
    odd.holder_name = Some("\u{200f}\u{0000} ".into());
    odd.bank_name = Some("x".repeat(101));
    let problems = app.add_method(alex, &odd).await.unwrap_err();
    assert_eq!(problems, vec![MethodProblem::BankNameTooLong, MethodProblem::HolderNameEmpty]);
    assert_eq!(count(&app.db, "payment_methods").await, 0);
}

#[tokio::test]
async fn the_bank_name_comes_from_the_routing_directory_when_left_blank() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let mut form = echeck("021000021", "55554444", "55554444");
    form.bank_name = Some("  ".into());
    let id = app.add_method(alex, &form).await.unwrap();
    let methods = data::methods(&app.db, alex).await.unwrap();
    assert_eq!(
        methods.iter().find(|m| m.id == id).unwrap().bank_name.as_deref(),
        Some("JPMORGAN CHASE BANK, NA")
    );
    // Not in the directory and blank: the customer is asked.
    let mut form = echeck("011000015", "55554444", "55554444");
    sqlx::query("DELETE FROM routing_directory").execute(&app.db.pool).await.unwrap();
    form.bank_name = None;
    assert_eq!(app.add_method(alex, &form).await.unwrap_err(), vec![MethodProblem::BankNameEmpty]);
}

#[tokio::test]
async fn default_switches_removal_moves_autopay_and_other_customers_are_out_of_reach() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let maria = app.register("23456789-2345678", "97502").await.customer_id;
    let first = app.add_method(alex, &echeck("021000021", "11112222", "11112222")).await.unwrap();
    let second =
        app.add_method(alex, &card("debit", "4111111111111111", "04/29", "123")).await.unwrap();
    let marias =
        app.add_method(maria, &card("debit", "5555555555554444", "04/29", "123")).await.unwrap();

    assert_eq!(service::make_default(&app.db, alex, second).await.unwrap(), Ok(()));
    let defaults: Vec<MethodId> = data::methods(&app.db, alex)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.is_default)
        .map(|m| m.id)
        .collect();
    assert_eq!(defaults, vec![second]);

    // María's method is not Alex's to see, make default, remove or name as a replacement.
    assert!(data::methods(&app.db, alex).await.unwrap().iter().all(|m| m.id != marias));
    assert_eq!(
        service::make_default(&app.db, alex, marias).await.unwrap(),
        Err(WalletProblem::NotFound)
    );
    assert_eq!(
        service::remove(&app.db, alex, marias, None).await.unwrap(),
        Err(WalletProblem::NotFound)
    );

    // An AutoPay pays with the first method: removing it asks for another first.
    let (account_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE account_number = '1234567'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    sqlx::query(
        "INSERT INTO autopay_enrollments (account_id, payment_method_id, amount_rule, authorization_text, authorization_channel, reference, idempotency_key, created_at) \
         VALUES ($1, $2, 'full', 'text', 'WEB', 'AP-TEST', 'key-1', 0)",
    )
    .bind(account_id)
    .bind(first)
    .execute(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        service::remove(&app.db, alex, first, None).await.unwrap(),
        Err(WalletProblem::NeedsReplacement)
    );
    assert_eq!(
        service::remove(&app.db, alex, first, Some(marias)).await.unwrap(),
        Err(WalletProblem::ReplacementInvalid)
    );
    assert_eq!(service::remove(&app.db, alex, first, Some(second)).await.unwrap(), Ok(()));
    let (uses,): (MethodId,) = sqlx::query_as("SELECT payment_method_id FROM autopay_enrollments")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(uses, second);

    // Removing the default hands the mark to what is left.
    let third =
        app.add_method(alex, &card("credit", "6011111111111117", "04/29", "123")).await.unwrap();
    assert_eq!(service::remove(&app.db, alex, second, Some(third)).await.unwrap(), Ok(()));
    let left = data::methods(&app.db, alex).await.unwrap();
    assert_eq!(left.iter().map(|m| (m.id, m.is_default)).collect::<Vec<_>>(), vec![(third, true)]);
}

#[tokio::test]
async fn the_wallet_works_by_plain_form_posts() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let email = app.register("12345678-1234567", "97501").await.email;
    // Signed out, the add form asks to sign in and a post stores nothing.
    assert!(app
        .page(app::paths::ADD_METHOD)
        .await
        .contains("Sign in to see and change your payment methods"));
    app.post_form("add_payment_method", "/billing/settings/wallet/add", &[("kind", "debit")]).await;
    assert_eq!(count(&app.db, "payment_methods").await, 0);

    app.sign_in(&email, "river stones at dawn").await;
    let r = app
        .post_form(
            "add_payment_method",
            "/billing/settings/wallet/add",
            &[
                ("kind", "echeck"),
                ("account_type", "savings"),
                ("routing_number", "111000025"),
                ("account_number", "987654321"),
                ("account_number_confirm", "987654320"),
                ("bank_name", ""),
                ("holder_name", "Alex Rivera"),
                ("card_number", ""),
                ("security_code", ""),
            ],
        )
        .await;
    assert!(location(&r).ends_with("/billing/settings/wallet/add"));
    let page = app.page("/billing/settings/wallet/add").await;
    assert!(page.contains("The two account numbers do not match"));
    assert!(page.contains("value=\"111000025\""), "what was typed is kept");
    assert!(
        !page.contains("987654321") && !page.contains("987654320"),
        "but neither account number"
    );

    let r = app
        .post_form(
            "add_payment_method",
            "/billing/settings/wallet/add",
            &[
                ("kind", "echeck"),
                ("account_type", "savings"),
                ("routing_number", "111000025"),
                ("account_number", "987654321"),
                ("account_number_confirm", "987654321"),
                ("bank_name", ""),
                ("holder_name", "Alex Rivera"),
                ("make_default", "yes"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/billing/settings/wallet?done=added");
    let page = app.page("/billing/settings/wallet?done=added").await;
    assert!(
        page.contains("Savings *****4321 · BANK OF AMERICA, N.A."),
        "masked, with the directory's bank name"
    );
    assert!(page.contains("The payment method was added."));
    assert!(!page.contains("987654321"));
}

#[tokio::test]
async fn rotating_the_key_re_encrypts_every_bank_account() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let id = app.add_method(alex, &echeck("021000021", "246813579", "246813579")).await.unwrap();
    let mut config = crate::helpers::test_config();
    let (mut keys, _) = config.payment_keys().unwrap();
    keys.insert(
        "2026-11".into(),
        app::platform::config::Secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=".into()),
    );
    config.secrets.payment_keys = keys;
    config.secrets.payment_key_id = "2026-11".into();
    let new_vault = Vault::from_config(&config).unwrap();
    assert_eq!(rotate_key(&app.db, &new_vault).await.unwrap(), 1);
    assert_eq!(rotate_key(&app.db, &new_vault).await.unwrap(), 0, "nothing left to move");
    let (_, sealed) = data::sealed_account(&app.db, id).await.unwrap().unwrap();
    assert_eq!(sealed.key_id, "2026-11");
    assert_eq!(open_account(&app, &new_vault, id).await.unwrap(), "246813579");
}

/// Through the server functions themselves, as a browser would call them: signed in as
/// María, every function that takes an id is given Alex's ids, and nothing of Alex's is
/// read or changed.
#[tokio::test]
async fn another_customer_cannot_reach_anything_through_any_server_function() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let alex_bank =
        app.add_method(alex, &echeck("021000021", "11112222", "11112222")).await.unwrap();
    let alex_card =
        app.add_method(alex, &card("debit", "4111111111111111", "04/29", "123")).await.unwrap();
    let (alex_account,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE account_number = '1234567'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    use app::domain::AccountId;
    let checked = app::autopay::service::check(
        &app.db,
        alex,
        AccountId(alex_account),
        Some(alex_bank),
        &Default::default(),
    )
    .await
    .unwrap()
    .unwrap();
    let config = crate::helpers::test_config();
    let enrollment = app::autopay::service::Enrollment {
        customer_id: alex,
        lang: app::email::Lang::En,
        checked: &checked,
        idempotency_key: "alex-key",
        changing: false,
    };
    let alex_reference =
        app::autopay::service::enroll(&app.db, &app.mailer, &config, enrollment).await.unwrap();
    let snapshot = || async {
        let methods: Vec<(i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, is_default, removed_at FROM payment_methods ORDER BY id")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        let accounts: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, delivery_method FROM accounts ORDER BY id")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        let tokens = count(&app.db, "one_time_tokens").await;
        let enrollments: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT id, active, payment_method_id FROM autopay_enrollments ORDER BY id",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        (methods, accounts, tokens, enrollments)
    };
    let before = snapshot().await;

    let maria = app.register("23456789-2345678", "97502").await.email;
    app.sign_in(&maria, "river stones at dawn").await;

    let (bank, card_id, acct) =
        (alex_bank.to_string(), alex_card.to_string(), alex_account.to_string());
    let attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("make_default_method", vec![("id", &card_id)]),
        ("remove_method", vec![("id", &bank)]),
        ("remove_method", vec![("id", &bank), ("replacement", &card_id)]),
        (
            "set_delivery",
            vec![("account_id", &acct), ("method", "email"), ("email", "thief@example.com")],
        ),
        ("set_delivery", vec![("account_id", &acct), ("method", "paper")]),
        ("continue_autopay", vec![("account_id", &acct), ("method_id", &bank)]),
        (
            "create_autopay",
            vec![
                ("account_id", &acct),
                ("method_id", &bank),
                ("change", "1"),
                ("idempotency_key", "thief"),
            ],
        ),
        ("cancel_autopay", vec![("account_id", &acct)]),
        (
            "autopay_review",
            vec![("account_id", &acct), ("method_id", &bank), ("changing", "false")],
        ),
    ];
    for (function, fields) in attempts {
        let r = app
            .client
            .post(format!("{}/api/{function}", app.base))
            .header("accept", "application/json")
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success() || r.status().is_client_error(),
            "{function}: {}",
            r.status()
        );
        let body = r.text().await.unwrap();
        assert!(body.contains("NotFound"), "{function} must refuse another customer's id: {body}");
    }
    // The reading functions answer with María's own data only.
    let reads: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("get_wallet", vec![]),
        ("delivery_state", vec![]),
        ("get_overview", vec![]),
        ("autopay_accounts", vec![]),
        ("enroll_setup", vec![("account_id", &acct), ("changing", "true")]),
        ("autopay_confirmation", vec![("reference", &alex_reference)]),
    ];
    for (function, fields) in reads {
        let response = app
            .client
            .post(format!("{}/api/{function}", app.base))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{function}: {}", response.status());
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("1234567")
                && !body.contains("*****2222")
                && !body.contains("\"1111\"")
                && !body.contains(&alex_reference),
            "{function}: {body}"
        );
    }
    // María's own account with Alex's bank account: not hers to choose.
    let (maria_account,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE account_number = '2345678'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let maria_account = maria_account.to_string();
    let fields = [
        ("account_id", maria_account.as_str()),
        ("method_id", bank.as_str()),
        ("idempotency_key", "borrowed"),
    ];
    let body = app
        .client
        .post(format!("{}/api/create_autopay", app.base))
        .header("accept", "application/json")
        .form(&fields)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("MethodMissing"), "{body}");
    assert_eq!(snapshot().await, before, "nothing of Alex's changed");
}

#[tokio::test]
async fn a_card_of_an_unknown_brand_is_saved_without_a_made_up_brand_name() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let id =
        app.add_method(alex, &card("credit", "9000 0000 0000 0001", "04/29", "123")).await.unwrap();
    let methods = data::methods(&app.db, alex).await.unwrap();
    let saved = methods.iter().find(|m| m.id == id).unwrap();
    assert_eq!(
        (saved.brand.as_deref(), saved.last4.as_str()),
        (None, "0001"),
        "the page names it in the customer's language"
    );
}

/// Adds, default changes and removals of one wallet at the same moment: each is saved (none
/// fails "database is busy"), and the wallet ends with exactly one default.
#[tokio::test]
async fn many_wallet_changes_at_once_all_succeed_and_one_method_stays_default() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    app.add_method(alex, &echeck("021000021", "70000000", "70000000")).await.unwrap();
    let mut changes = tokio::task::JoinSet::new();
    for n in 0..20 {
        let db = app.db.clone();
        changes.spawn(async move {
            let mut form = echeck("021000021", &format!("7{n:07}1"), &format!("7{n:07}1"));
            form.make_default = (n % 3 == 0).then(|| "on".to_string());
            let adder = crate::helpers::roomy_adder(alex);
            let keep = Keep::Saved { make_default: form.make_default.is_some() };
            let added = app::payments::entry::service::enter(
                &db,
                &vault(),
                &app::gateway::Gateway::sandbox(),
                &adder,
                &form,
                TODAY,
                keep,
            )
            .await
            .unwrap()
            .unwrap();
            if n % 4 == 0 {
                assert!(matches!(
                    data::set_default(&db, alex, added).await.unwrap(),
                    data::DefaultSet::Set
                ));
            }
            if n % 5 == 0 {
                assert!(matches!(
                    data::remove(&db, alex, added, None).await.unwrap(),
                    data::Removal::Removed { autopay_moved: 0 }
                ));
            }
        });
    }
    while let Some(done) = changes.join_next().await {
        done.unwrap();
    }
    let (kept, defaults): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(is_default), 0) AS BIGINT) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL",
    )
    .bind(alex)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(kept, 1 + 20 - 4, "every add saved, every removal done");
    assert_eq!(defaults, 1, "one default, whatever the order");
}

/// Every byte the session store holds, all rows (its table is `tower_sessions` on SQLite
/// and `tower_sessions.session` on PostgreSQL, as tower-sessions-sqlx-store names them).
async fn session_store_bytes(app: &TestApp) -> Vec<u8> {
    let table = match app.db.backend {
        app::platform::db::Backend::Sqlite => "tower_sessions",
        app::platform::db::Backend::Postgres => "tower_sessions.session",
    };
    let rows: Vec<(Vec<u8>,)> =
        sqlx::query_as(&format!("SELECT data FROM {table}")).fetch_all(&app.db.pool).await.unwrap();
    rows.into_iter().flat_map(|(data,)| data).collect()
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A failed add-payment post without JavaScript: what is kept for the page it returns to
/// (in the session store: unencrypted, in backups) holds no card or bank account number,
/// and neither does the page; the page asks for the number again.
#[tokio::test]
async fn a_failed_plain_form_keeps_no_card_or_account_number_in_the_session_or_the_page() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let email = app.register("12345678-1234567", "97501").await.email;
    app.sign_in(&email, "river stones at dawn").await;

    let card = "4111111111111111";
    let r = app
        .post_form(
            "add_payment_method",
            "/billing/settings/wallet/add",
            &[
                ("kind", "debit"),
                ("card_number", card),
                ("card_name", "Alex Rivera"),
                ("expiry", "13/29"),
                ("security_code", "123"),
                ("billing_zip", "97501"),
            ],
        )
        .await;
    assert!(location(&r).ends_with("/billing/settings/wallet/add"));
    let stored = session_store_bytes(&app).await;
    assert!(
        holds(&stored, "Alex Rivera"),
        "the answer is kept in the session store (what this test reads)"
    );
    assert!(!holds(&stored, card), "the card number is in the session store");
    let page = app.page(app::paths::ADD_METHOD).await;
    assert!(page.contains("The month is between 01 and 12."), "the problem is shown");
    assert!(page.contains("For your security, enter the card number again."));
    assert!(page.contains("value=\"Alex Rivera\""), "what is not a number is kept");
    assert!(
        !page.contains(card) && !page.contains("value=\"123\""),
        "the card number or code is in the page"
    );

    let bank_account = "987654321";
    let r = app
        .post_form(
            "add_payment_method",
            "/billing/settings/wallet/add",
            &[
                ("kind", "echeck"),
                ("account_type", "checking"),
                ("routing_number", "111000026"),
                ("account_number", bank_account),
                ("account_number_confirm", bank_account),
                ("holder_name", "Alex Rivera"),
            ],
        )
        .await;
    assert!(location(&r).ends_with("/billing/settings/wallet/add"));
    assert!(
        !holds(&session_store_bytes(&app).await, bank_account),
        "the account number is in the session store"
    );
    let page = app.page(app::paths::ADD_METHOD).await;
    assert!(page.contains("This routing number is not valid"), "the problem is shown");
    assert!(page.contains("For your security, enter the account number again."));
    assert!(page.contains("value=\"111000026\""), "the routing number is kept");
    assert!(!page.contains(bank_account), "the account number is in the page");
    assert_eq!(count(&app.db, "payment_methods").await, 0);
}

/// A ciphertext copied into another customer's row (with its key id) does not open there;
/// the original still opens in its own row.
#[tokio::test]
async fn a_bank_account_ciphertext_opens_only_in_its_own_row() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let maria = app.register("23456789-2345678", "97502").await.customer_id;
    let alex_bank =
        app.add_method(alex, &echeck("021000021", "000123456789", "000123456789")).await.unwrap();
    let maria_bank =
        app.add_method(maria, &echeck("021000021", "11112222", "11112222")).await.unwrap();
    copy_sealed_account(&app, alex_bank, maria_bank).await;
    assert_eq!(open_account(&app, &vault(), maria_bank).await, Err(VaultError::Undecryptable));
    assert_eq!(open_account(&app, &vault(), alex_bank).await.unwrap(), "000123456789");
    // And a second bank account of the same customer is another row too.
    let alex_second =
        app.add_method(alex, &echeck("021000021", "55556666", "55556666")).await.unwrap();
    copy_sealed_account(&app, alex_bank, alex_second).await;
    assert_eq!(open_account(&app, &vault(), alex_second).await, Err(VaultError::Undecryptable));
}

/// What an attacker with write access to the database would do: one row's sealed number,
/// key id and binding flag into another row.
async fn copy_sealed_account(app: &TestApp, from: MethodId, to: MethodId) {
    let (ciphertext, key_id, bound): (Vec<u8>, String, i64) =
        sqlx::query_as("SELECT account_ciphertext, account_key_id, account_bound FROM payment_methods WHERE id = $1")
            .bind(from)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    sqlx::query("UPDATE payment_methods SET account_ciphertext = $1, account_key_id = $2, account_bound = $3 WHERE id = $4")
        .bind(ciphertext)
        .bind(key_id)
        .bind(bound)
        .bind(to)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

/// A row sealed before binding existed (no associated data, `account_bound` 0) still opens,
/// and `rotate-payment-key` re-seals it bound even under the current key.
#[tokio::test]
async fn rows_sealed_before_binding_still_open_and_rotation_binds_them() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let maria = app.register("23456789-2345678", "97502").await.customer_id;
    let id = app.add_method(alex, &echeck("021000021", "246813579", "246813579")).await.unwrap();
    let other = app.add_method(maria, &echeck("021000021", "11112222", "11112222")).await.unwrap();
    let legacy = vault().seal_unbound_legacy("246813579");
    sqlx::query("UPDATE payment_methods SET account_ciphertext = $1, account_key_id = $2, account_bound = 0 WHERE id = $3")
        .bind(&legacy.bytes)
        .bind(&legacy.key_id)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(open_account(&app, &vault(), id).await.unwrap(), "246813579");

    assert_eq!(rotate_key(&app.db, &vault()).await.unwrap(), 1, "the legacy row is re-sealed");
    assert_eq!(rotate_key(&app.db, &vault()).await.unwrap(), 0, "nothing left to bind");
    let (_, sealed) = data::sealed_account(&app.db, id).await.unwrap().unwrap();
    assert!(sealed.bound);
    assert_eq!(open_account(&app, &vault(), id).await.unwrap(), "246813579");
    copy_sealed_account(&app, id, other).await;
    assert_eq!(open_account(&app, &vault(), other).await, Err(VaultError::Undecryptable));
}
