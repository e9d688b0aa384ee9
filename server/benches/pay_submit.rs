//! Submit Payment under load (issue 16, Proof): exactly once, and how long it takes.
//!
//! `cargo bench -p server --features app/ssr --bench pay_submit` starts the portal on
//! 127.0.0.1 with a fresh SQLite file (or, when `TEST_DATABASE_URL` names a PostgreSQL
//! server, a fresh database on it), signs in 201 customers (each with one account, a bill
//! due in 20 days and a saved card), then posts Submit Payment
//!
//! 1. 200 times at once, one form of each of 200 customers (each its own browser), and
//! 2. 200 times at once, the same form (one form key) of the 201st customer: a double click,
//!    many tabs, a retrying proxy.
//!
//! and prints for each: the answers, the payments created, the duplicates (a second payment
//! of an account, or of the form: must be 0), and p50/p99 of the posts' latency. Cards are
//! charged through the sandbox gateway within the request, as in production. Figures, not a
//! test: these machines are shared and noisy.

use app::domain::{AccountId, MethodId};
use app::email::Mailer;
use app::gateway::{Gateway, Validator};
use app::pay::{LineForm, PayForm};
use app::platform::sessions::Sessions;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use leptos::prelude::LeptosOptions;
use server::{router, AppState};
use sqlx::{Connection, Executor};
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 200;
const PASSWORD: &str = "river stones at dawn";

#[tokio::main]
async fn main() {
    let (db, url, label, _dir) = database().await;
    let seeding = Instant::now();
    seed(&db, CUSTOMERS + 1).await;
    let base = start(&db, &url).await;
    let browsers = sign_in_all(&base, CUSTOMERS + 1).await;
    println!(
        "Submit Payment on {label}, 127.0.0.1 ({} customers seeded and signed in in {:.1} s):",
        CUSTOMERS + 1,
        seeding.elapsed().as_secs_f64()
    );

    let posts =
        (0..CUSTOMERS).map(|i| (browsers[i].clone(), form(i, &format!("bench-form-key-{i:06}"))));
    let answers = submit_all(&base, posts.collect()).await;
    let (payments, duplicates) = payments_and_duplicates(&db, "1 = 1").await;
    report(&format!("{CUSTOMERS} customers at once"), &answers, payments, duplicates);

    let same = form(CUSTOMERS, "bench-the-same-form-key");
    let posts = (0..CUSTOMERS).map(|_| (browsers[CUSTOMERS].clone(), same.clone()));
    let answers = submit_all(&base, posts.collect()).await;
    let account = format!("a.id = {}", CUSTOMERS + 1);
    let (payments, duplicates) = payments_and_duplicates(&db, &account).await;
    let one_form = payments.saturating_sub(1);
    report(
        &format!("one form key, {CUSTOMERS} times at once"),
        &answers,
        payments,
        duplicates.max(one_form),
    );
}

/// A fresh database: SQLite in a temporary folder, or a new PostgreSQL database.
async fn database() -> (Db, String, &'static str, Option<tempfile::TempDir>) {
    if let Some(admin) =
        std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))
    {
        let name = format!("aqueduct_bench_{}", rand::random::<u32>());
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("TEST_DATABASE_URL");
        conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create database");
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => unreachable!("a postgres URL has a path"),
        };
        let db = Db::connect(&url).await.expect("database");
        db.migrate().await.expect("migrate");
        return (db, url, "PostgreSQL", None);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    (db, url, "SQLite", Some(dir))
}

/// Customer `i + 1` has account `i + 1`, its bill, a login and a card (method `i + 1`),
/// written straight into the tables: the bench measures paying, not registering.
async fn seed(db: &Db, count: usize) {
    let today = time::OffsetDateTime::now_utc().date();
    let billed = (today - time::Duration::days(5)).to_string();
    let due = (today + time::Duration::days(20)).to_string();
    let password =
        app::domain::NewPassword::parse(PASSWORD, PASSWORD, "bench", |_| false).expect("password");
    let hash = app::platform::passwords::hash(&password).await.expect("hash");
    let mut tx = db.pool.begin().await.expect("begin");
    for i in 0..count {
        let id = i as i64 + 1;
        sqlx::query("INSERT INTO customers (id, customer_number, name, created_at, updated_at) VALUES ($1, $2, 'Bench', 0, 0)")
            .bind(id)
            .bind(format!("{:08}", 20_000_000 + i))
            .execute(&mut *tx)
            .await
            .expect("customer");
        sqlx::query(
            "INSERT INTO accounts (id, account_number, customer_id, service_address, service_city, service_state, service_zip, \
             mailing_address, mailing_city, mailing_state, mailing_zip, created_at, updated_at) \
             VALUES ($1, $2, $1, '1 Main St', 'Medford', 'OR', '97501', '1 Main St', 'Medford', 'OR', '97501', 0, 0)",
        )
        .bind(id)
        .bind(format!("{:07}", 2_000_000 + i))
        .execute(&mut *tx)
        .await
        .expect("account");
        sqlx::query(
            "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4, 3000, 0, 0)",
        )
        .bind(id)
        .bind(&billed)
        .bind(&due)
        .bind(4000 + id)
        .execute(&mut *tx)
        .await
        .expect("bill");
        sqlx::query(
            "INSERT INTO logins (customer_id, email, password_hash, terms_version, terms_accepted_at, created_at, updated_at) \
             VALUES ($1, $2, $3, 't', 0, 0, 0)",
        )
        .bind(id)
        .bind(email(i))
        .bind(hash.as_stored())
        .execute(&mut *tx)
        .await
        .expect("login");
        sqlx::query(
            "INSERT INTO payment_methods (id, customer_id, kind, last4, holder_name, card_brand, exp_month, exp_year, \
             gateway_token, is_default, created_at) VALUES ($1, $1, 'credit', '1111', 'Bench', 'visa', 4, 2030, 'sbx_card_ok_bench', 1, 0)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .expect("card");
    }
    tx.commit().await.expect("commit");
}

fn email(i: usize) -> String {
    format!("payer{i}@example.org")
}

/// Starts the portal on a free port: its address.
async fn start(db: &Db, url: &str) -> String {
    let config = Config { database_url: url.into(), dev_mode: true, ..Config::default() };
    let leptos_options = LeptosOptions::builder()
        .output_name("aqueduct")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    let state = AppState {
        leptos_options,
        mailer: Mailer::from_config(&config).expect("mailer"),
        texter: app::sms::Texter::disabled(),
        vault: Vault::from_config(&config).expect("vault"),
        gateway: Gateway::sandbox(),
        validator: Validator::sandbox(),
        sessions: Sessions::open(url).await.expect("sessions"),
        db: db.clone(),
        config,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    base
}

/// One browser (its own cookies) per customer, signed in one after the other.
async fn sign_in_all(base: &str, count: usize) -> Vec<reqwest::Client> {
    let mut browsers = Vec::with_capacity(count);
    for i in 0..count {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        let r = client
            .post(format!("{base}/api/sign_in"))
            .header("accept", "text/html")
            .header("referer", format!("{base}/sign-in"))
            .form(&[("email", email(i).as_str()), ("password", PASSWORD)])
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status().as_u16(), 302, "customer {i} signs in");
        browsers.push(client);
    }
    browsers
}

/// Customer `i + 1`'s form: the balance of their account, today, by their card.
fn form(i: usize, key: &str) -> PayForm {
    let id = i as i64 + 1;
    PayForm {
        key: key.into(),
        date: time::OffsetDateTime::now_utc().date().to_string(),
        method: Some(MethodId(id)),
        new: None,
        again: false,
        lines: vec![LineForm {
            account_id: AccountId(id),
            pay: true,
            other_chosen: false,
            other: String::new(),
        }],
    }
}

/// The answers to posting every form at once: where each went, and how long it took.
struct Answers {
    latencies: Vec<Duration>,
    confirmed: usize,
    other: usize,
    /// Distinct confirmation pages answered.
    confirmations: usize,
    /// The first answer that was not a confirmation: status and where it went.
    first_other: Option<String>,
}

async fn submit_all(base: &str, posts: Vec<(reqwest::Client, PayForm)>) -> Answers {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(posts.len()));
    let tasks: Vec<_> = posts
        .into_iter()
        .map(|(client, form)| {
            let (base, start) = (base.to_string(), start.clone());
            tokio::spawn(async move {
                let query = form.query();
                start.wait().await;
                let began = Instant::now();
                let r = client
                    .post(format!("{base}/api/submit_payment"))
                    .header("accept", "text/html")
                    .header("referer", format!("{base}/billing/pay/review?{query}"))
                    .form(&[("form", query.as_str())])
                    .send()
                    .await
                    .expect("submit");
                let status = r.status().as_u16();
                let location = r
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let location = format!("{status} {location}");
                let _ = r.bytes().await;
                (began.elapsed(), location)
            })
        })
        .collect();
    let (mut latencies, mut done) = (Vec::new(), Vec::new());
    let (mut other, mut first_other) = (0, None);
    for t in tasks {
        let (took, location) = t.await.expect("post");
        latencies.push(took);
        if location.starts_with("302 ") && location.contains("/billing/pay/done?ref=") {
            done.push(location);
        } else {
            other += 1;
            first_other.get_or_insert(location);
        }
    }
    latencies.sort();
    let confirmed = done.len();
    done.sort();
    done.dedup();
    Answers { latencies, confirmed, other, confirmations: done.len(), first_other }
}

/// One-time payments of the accounts `filter` picks (on `a`), and how many of them are a
/// second payment of an account.
async fn payments_and_duplicates(db: &Db, filter: &str) -> (i64, i64) {
    let (payments, accounts): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), COUNT(DISTINCT p.account_id) FROM payments p JOIN accounts a ON a.id = p.account_id \
         WHERE p.channel = 'one_time' AND {filter}"
    ))
    .fetch_one(&db.pool)
    .await
    .expect("count");
    (payments, payments - accounts)
}

fn report(what: &str, a: &Answers, payments: i64, duplicates: i64) {
    println!(
        "  {what}: {} answered with a confirmation ({} distinct), {} otherwise; \
         payments created {payments}, duplicates {duplicates}; p50 {:.1} ms, p99 {:.1} ms",
        a.confirmed,
        a.confirmations,
        a.other,
        ms(percentile(&a.latencies, 50.0)),
        ms(percentile(&a.latencies, 99.0)),
    );
    if let Some(first) = &a.first_other {
        println!("    first other answer: {first}");
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
