//! Page latency while sign-ins hash passwords (issue: registration and sign-in).
//!
//! `cargo bench -p server --bench signin_latency` starts the portal on 127.0.0.1 with a
//! fresh SQLite file, then measures GET /sign-in (a server-rendered page) twice: idle, and
//! while 20 sign-ins a second each run Argon2id (19 MiB, 2 passes). It prints p50 and p99
//! of both and their ratio; the goal is a loaded p99 at most twice the idle p99. A figure,
//! not a pass/fail test: these machines are shared and noisy.

use app::email::Mailer;
use app::gateway::Gateway;
use app::platform::sessions::Sessions;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use leptos::prelude::LeptosOptions;
use server::{router, AppState};
use std::time::{Duration, Instant};

const LOGINS: usize = 20;
const PASSWORD: &str = "river stones at dawn";
const SIGN_INS_PER_SECOND: u64 = 20;
const PAGE_REQUESTS: usize = 1500;
const PAGE_CONCURRENCY: usize = 4;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    let emails = create_logins(&db).await;

    let config = Config { database_url: url.clone(), dev_mode: true, ..Config::default() };
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
        validator: app::gateway::Validator::sandbox(),
        sessions: Sessions::open(&url).await.expect("sessions"),
        db,
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

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(PAGE_CONCURRENCY)
        .build()
        .expect("client");
    eprintln!("warming up");
    pages(&client, &base, 200).await;
    eprintln!("measuring idle");
    let idle = pages(&client, &base, PAGE_REQUESTS).await;
    eprintln!("measuring under sign-ins");

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let signer = tokio::spawn(sign_ins(base.clone(), emails, stop.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let loaded = pages(&client, &base, PAGE_REQUESTS).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (signed_in, failed, sign_in_p50) = signer.await.expect("sign-ins");

    let (idle_p50, idle_p99) = (percentile(&idle, 50.0), percentile(&idle, 99.0));
    let (loaded_p50, loaded_p99) = (percentile(&loaded, 50.0), percentile(&loaded, 99.0));
    println!("GET /sign-in, {PAGE_REQUESTS} requests, {PAGE_CONCURRENCY} at a time, 127.0.0.1:");
    println!(
        "  idle:                      p50 {:>7.2} ms   p99 {:>7.2} ms",
        ms(idle_p50),
        ms(idle_p99)
    );
    println!(
        "  with {SIGN_INS_PER_SECOND} sign-ins/s hashing: p50 {:>7.2} ms   p99 {:>7.2} ms",
        ms(loaded_p50),
        ms(loaded_p99)
    );
    println!(
        "  loaded p99 / idle p99: {:.2} (goal: 2.00 or less)",
        loaded_p99.as_secs_f64() / idle_p99.as_secs_f64()
    );
    println!(
        "sign-ins during the loaded run: {signed_in} succeeded, {failed} failed, p50 {:.1} ms each",
        ms(sign_in_p50)
    );
}

/// Imports one customer per login and registers them directly through the service layer.
async fn create_logins(db: &Db) -> Vec<String> {
    let mut csv = String::from(
        "customer_number,customer_name,account_number,service_address,service_city,service_state,service_zip,\
         mailing_address,mailing_city,mailing_state,mailing_zip\n",
    );
    for i in 0..LOGINS {
        csv.push_str(&format!(
            "{:08},Bench {i},{:07},1 Way,Medford,OR,97501,1 Way,Medford,OR,97501\n",
            70000000 + i,
            7000000 + i
        ));
    }
    app::import::import_accounts(
        db,
        &app::email::Letterhead::from_config(&app::platform::Config::default()),
        csv.as_bytes(),
    )
    .await
    .expect("import");
    let mut emails = Vec::new();
    for i in 0..LOGINS {
        let number = format!("{:08}-{:07}", 70000000 + i, 7000000 + i);
        let account = app::registration::service::find_account(db, "bench", &number, "97501")
            .await
            .expect("find")
            .expect("found");
        let email = format!("bench{i}@example.com");
        let new = app::registration::service::NewLogin {
            email: &email,
            password: PASSWORD,
            password_confirm: PASSWORD,
            accepted_terms: true,
            locale: "en",
            terms_version: "bench",
        };
        // Each login as if from its own address: the bench measures hashing, not the throttle.
        let client = format!("bench-{i}");
        let caller =
            app::platform::throttle::Caller { client: &client, limits: &Default::default() };
        app::registration::service::create_login(db, &caller, account, new)
            .await
            .expect("create")
            .expect("created");
        emails.push(email);
    }
    emails
}

/// Latencies of `count` page loads, `PAGE_CONCURRENCY` at a time.
async fn pages(client: &reqwest::Client, base: &str, count: usize) -> Vec<Duration> {
    let mut workers = Vec::new();
    for w in 0..PAGE_CONCURRENCY {
        let (client, url) = (client.clone(), format!("{base}/sign-in"));
        let share = count / PAGE_CONCURRENCY + usize::from(w < count % PAGE_CONCURRENCY);
        workers.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(share);
            for _ in 0..share {
                let start = Instant::now();
                let r = client.get(&url).header("accept", "text/html").send().await.expect("page");
                assert!(r.status().is_success(), "page status {}", r.status());
                r.bytes().await.expect("body");
                times.push(start.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::with_capacity(count);
    for w in workers {
        all.extend(w.await.expect("worker"));
    }
    all.sort();
    all
}

/// Starts `SIGN_INS_PER_SECOND` sign-ins a second until stopped, each on its own task so that
/// slow hashing does not lower the rate. Returns (succeeded, failed, median duration).
async fn sign_ins(
    base: String,
    emails: Vec<String>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> (usize, usize, Duration) {
    let mut ticker = tokio::time::interval(Duration::from_millis(1000 / SIGN_INS_PER_SECOND));
    let mut tasks = Vec::new();
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        ticker.tick().await;
        let (base, email) = (base.clone(), emails[n % emails.len()].clone());
        n += 1;
        tasks.push(tokio::spawn(async move {
            // A fresh client per sign-in: each is its own browser, with its own session.
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let start = Instant::now();
            let r = client
                .post(format!("{base}/api/sign_in"))
                .form(&[("email", email.as_str()), ("password", PASSWORD)])
                .send()
                .await;
            let ok = r.is_ok_and(|r| r.status().is_success() || r.status().is_redirection());
            (ok, start.elapsed())
        }));
    }
    let (mut ok, mut failed, mut times) = (0, 0, Vec::new());
    for t in tasks {
        let (success, took) = t.await.expect("sign-in task");
        if success {
            ok += 1;
        } else {
            failed += 1;
        }
        times.push(took);
    }
    times.sort();
    (ok, failed, percentile(&times, 50.0))
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
