use app::platform::{Config, Db};
use leptos::prelude::LeptosOptions;
use app::platform::sessions::Sessions;
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
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
            admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
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
    _db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    let test_db = fresh_db().await;
    let db = test_db.db.clone();
    let config = Config { database_url: String::new(), ..Config::default() };
    let leptos_options = LeptosOptions::builder()
        .output_name("aqueduct")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    let sessions = Sessions::open(&test_db.url).await.expect("session store");
    let state = AppState { leptos_options, config, db: db.clone(), sessions };
    let app = router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .await
            .expect("serve");
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp { base: format!("http://{addr}"), db, client, _db: test_db }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        // As a browser asks for a page (leptos_axum answers redirects with a 302 only then).
        self.client.get(format!("{}{path}", self.base)).header("accept", "text/html").send().await.expect("request")
    }
}

pub async fn count(db: &Db, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .expect("count");
    n
}
