//! Crash: the server binary is killed (SIGKILL) while registrations and wallet changes are
//! in flight, then started again on the same database. Every change that was answered as
//! saved is there, the database passes its integrity check, and the server starts cleanly.
//! `CRASH_OPS` sets the number of changes (1,000 by default).

use crate::helpers::fresh_db;
use app::platform::Db;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const PASSWORD: &str = "river stones at dawn";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn server(url: &str, config: &std::path::Path, port: u16, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(args)
        .env("DATABASE_URL", url)
        .env("AQUEDUCT_CONFIG", config)
        .env("AQUEDUCT_DEV_MODE", "true")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn wait_until_serving(base: &str, child: &mut Child) {
    for _ in 0..600 {
        assert!(child.try_wait().unwrap().is_none(), "the server exited while starting");
        if reqwest::get(format!("{base}/faq")).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not start within a minute");
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A server function called as the hydrated page calls it; true when it answered with no
/// problem (the change is saved), false for problems, None when no answer came.
async fn saved(
    client: &reqwest::Client,
    base: &str,
    function: &str,
    fields: &[(&str, &str)],
    forwarded_for: &str,
) -> Option<bool> {
    let response = client
        .post(format!("{base}/api/{function}"))
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .form(fields)
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return Some(false);
    }
    let body: serde_json::Value = serde_json::from_str(&response.text().await.ok()?).ok()?;
    Some(body["problems"].as_array().is_some_and(|p| p.is_empty()))
}

/// Finds account `n`'s bill and creates its login, in a browser of its own.
async fn register(base: &str, n: usize) -> (reqwest::Client, Option<bool>) {
    let client = browser();
    let ip = format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256);
    let found = saved(
        &client,
        base,
        "find_account",
        &[("number", &format!("7{n:07}-7{n:06}")), ("zip", "97501")],
        &ip,
    )
    .await;
    if found != Some(true) {
        return (client, found.map(|_| false));
    }
    let email = format!("crash{n}@example.com");
    let fields = [
        ("email", email.as_str()),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("accept_terms", "on"),
    ];
    let created = saved(&client, base, "create_login", &fields, &ip).await;
    (client, created)
}

async fn add_bank_account(client: &reqwest::Client, base: &str, n: usize) -> Option<bool> {
    let number = format!("9{n:07}");
    let holder = format!("Crash Holder {n}");
    let fields = [
        ("kind", "echeck"),
        ("account_type", "checking"),
        ("routing_number", "021000021"),
        ("account_number", number.as_str()),
        ("account_number_confirm", number.as_str()),
        ("bank_name", "Crash Test Bank"),
        ("holder_name", holder.as_str()),
    ];
    saved(client, base, "add_payment_method", &fields, "10.255.0.1").await
}

#[derive(Debug, Clone, Copy)]
enum Change {
    Registration(usize),
    BankAccount(usize),
}

#[tokio::test]
async fn changes_answered_as_saved_survive_a_kill_9_and_the_server_starts_cleanly() {
    let operations: usize =
        std::env::var("CRASH_OPS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let registrations = operations * 3 / 10;
    let wallets = 8;
    let test_db = fresh_db().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("aqueduct.toml");
    // Every browser of the test has its own address (the throttles count per address).
    // Each wallet takes many bank accounts: this test is about the crash, not the cap.
    std::fs::write(
        &config,
        "trusted_proxies = [\"127.0.0.1\"]\n[limits]\nsaved_methods = 1000000\n",
    )
    .unwrap();
    let mut csv = String::from("customer_number,customer_name,account_number,service_address,service_city,service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip\n");
    for n in 0..registrations + wallets {
        csv.push_str(&format!("7{n:07},Crash Customer {n},7{n:06},{n} Test Way,Medford,OR,97501,{n} Test Way,Medford,OR,97501\n"));
    }
    let accounts = dir.path().join("accounts.csv");
    std::fs::write(&accounts, csv).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let imported =
        server(&test_db.url, &config, port, &["import", "accounts", accounts.to_str().unwrap()])
            .status()
            .unwrap();
    assert!(imported.success());

    let mut child = server(&test_db.url, &config, port, &[]).spawn().unwrap();
    wait_until_serving(&base, &mut child).await;
    // Signed-in customers whose wallets change during the crash.
    let mut signed_in = Vec::new();
    for n in registrations..registrations + wallets {
        let (client, created) = register(&base, n).await;
        assert_eq!(created, Some(true), "customer {n} registers before the crash");
        signed_in.push(client);
    }
    let signed_in = Arc::new(signed_in);

    // The changes, 32 at a time, in a mixed order.
    let slots = Arc::new(tokio::sync::Semaphore::new(32));
    let mut in_flight = tokio::task::JoinSet::new();
    for i in 0..operations {
        let change = if i % 10 < 3 && i / 10 * 3 + i % 10 < registrations {
            Change::Registration(i / 10 * 3 + i % 10)
        } else {
            Change::BankAccount(i)
        };
        let (base, slots, signed_in) = (base.clone(), slots.clone(), signed_in.clone());
        in_flight.spawn(async move {
            let _slot = slots.acquire_owned().await.unwrap();
            let answer = match change {
                Change::Registration(n) => register(&base, n).await.1,
                Change::BankAccount(n) => {
                    add_bank_account(&signed_in[n % signed_in.len()], &base, n).await
                }
            };
            (change, answer)
        });
    }
    let mut answered_saved = Vec::new();
    let mut answers = 0;
    let mut killed = false;
    while let Some(done) = in_flight.join_next().await {
        let (change, answer) = done.unwrap();
        if answer.is_some() {
            answers += 1;
        }
        if answer == Some(true) {
            answered_saved.push(change);
        }
        if !killed && answers >= operations / 2 {
            child.kill().unwrap(); // SIGKILL: no shutdown, no flush, mid-transaction
            child.wait().unwrap();
            killed = true;
        }
    }
    assert!(killed, "the server was killed while changes were in flight");
    let registered = answered_saved.iter().filter(|c| matches!(c, Change::Registration(_))).count();
    let added = answered_saved.len() - registered;
    eprintln!("answered before the kill: {answers} of {operations}; saved: {registered} registrations, {added} bank accounts");
    assert!(
        registered > 0 && added > 0 && answered_saved.len() >= operations / 3,
        "{registered} registrations and {added} bank accounts answered as saved before the kill"
    );

    // Started again on the same database: it starts, and everything answered as saved is there.
    let mut child = server(&test_db.url, &config, port, &[]).spawn().unwrap();
    wait_until_serving(&base, &mut child).await;
    let db = Db::connect(&test_db.url).await.unwrap();
    assert!(db.integrity_ok().await.unwrap(), "the database passes its integrity check");
    for change in &answered_saved {
        let (query, value) = match change {
            Change::Registration(n) => {
                ("SELECT COUNT(*) FROM logins WHERE email = $1", format!("crash{n}@example.com"))
            }
            Change::BankAccount(n) => (
                "SELECT COUNT(*) FROM payment_methods WHERE holder_name = $1",
                format!("Crash Holder {n}"),
            ),
        };
        let (found,): (i64,) =
            sqlx::query_as(query).bind(&value).fetch_one(&db.pool).await.unwrap();
        assert_eq!(found, 1, "{change:?} was answered as saved but is not there after the crash");
    }
    // A login saved just before the crash signs in on the restarted server.
    if let Some(Change::Registration(n)) =
        answered_saved.iter().rev().find(|c| matches!(c, Change::Registration(_)))
    {
        let client = browser();
        let email = format!("crash{n}@example.com");
        let signed = saved(
            &client,
            &base,
            "sign_in",
            &[("email", email.as_str()), ("password", PASSWORD)],
            "10.254.0.1",
        )
        .await;
        assert_eq!(signed, Some(true), "crash{n} signs in after the restart");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
