//! Its own test binary, so that the process's tracing subscriber is this test's: every
//! statement sqlx runs (the portal's and the session store's) is counted while one
//! signed-in page renders. A page reads what it shows and writes nothing; each page has a
//! budget of statements, so a query added per account, or a second check of the session,
//! shows up here before it shows up in `scripts/load.sh bench`. Then every statement of
//! those pages and of the AutoPay run is planned: none may read a whole large table, and
//! none of the run's pages may sort everything it could read first.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// The statements sqlx reported, as their summaries ("SELECT … FROM logins", "UPDATE …").
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

impl Statements {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if !event.metadata().target().starts_with("sqlx::query") {
            return;
        }
        let mut statement = Statement::default();
        event.record(&mut statement);
        self.0.lock().unwrap().push(statement.0);
    }
}

/// sqlx names a statement by its `summary` (the whole of a short one) and gives a longer
/// one whole in `db.statement`.
#[derive(Default)]
struct Statement(String);

impl Visit for Statement {
    fn record_str(&mut self, field: &Field, value: &str) {
        let whole = field.name() == "db.statement" && !value.trim().is_empty();
        if whole || (field.name() == "summary" && self.0.is_empty()) {
            self.0 = value.trim().to_string();
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

fn is_write(statement: &str) -> bool {
    let s = statement.trim_start().to_ascii_lowercase();
    ["insert", "update", "delete"].iter().any(|w| s.starts_with(w))
}

/// The signed-in pages a customer visits most, with the most statements each may run (the
/// session's load and the login's check included). The demo customer has two accounts.
const BUDGETS: &[(&str, usize)] = &[
    ("/account", 7),
    ("/billing/settings", 6),
    ("/billing/settings/wallet", 3),
    ("/billing/settings/autopay", 6),
    ("/billing/settings/delivery", 6),
    ("/billing/bills", 4),
    ("/billing/payments", 5),
];

#[tokio::test]
async fn pages_read_within_budget_and_write_nothing_and_pages_and_autopay_use_indexes() {
    let statements = Statements::default();
    let subscriber = tracing_subscriber::registry().with(statements.clone());
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let app = helpers::spawn_app().await;
    app.signed_in_with_autopay().await;
    app.outbox_settled().await;
    // The first visit may mark the session active; what is counted is a page after that.
    for (path, _) in BUDGETS {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let mut report = Vec::new();
    let mut every = std::collections::BTreeSet::new();
    for (path, budget) in BUDGETS {
        // The fewest of three: the mailer's loop may run a query of its own meanwhile.
        let mut fewest: Option<Vec<String>> = None;
        for _ in 0..3 {
            statements.take();
            let page = app.get(path).await;
            assert_eq!(page.status(), 200, "{path}");
            page.text().await.unwrap();
            let ran = statements.take();
            if fewest.as_ref().is_none_or(|f| ran.len() < f.len()) {
                fewest = Some(ran);
            }
        }
        let ran = fewest.unwrap_or_default();
        let writes: Vec<_> = ran.iter().filter(|s| is_write(s)).collect();
        assert!(writes.is_empty(), "{path} wrote: {writes:#?}");
        assert!(ran.len() >= 2, "{path}: the session and the login are read: {ran:#?}");
        report.push(format!("{path}: {} statements", ran.len()));
        assert!(ran.len() <= *budget, "{path} ran {} statements: {ran:#?}", ran.len());
        every.extend(ran);
    }
    println!("{}", report.join("\n"));
    let run = autopay_statements(&app, &statements).await;
    let paged = "SELECT id FROM emails WHERE sent_at IS NULL ORDER BY subject LIMIT $1";
    let sorting = plan(&app.db, paged).await;
    assert!(page_sorted_whole(&sorting, paged).is_some(), "a sort is seen: {sorting:#?}");
    let mut sorted = std::collections::BTreeSet::new();
    for statement in run.iter().collect::<std::collections::BTreeSet<_>>() {
        if let Some(sort) = page_sorted_whole(&plan(&app.db, statement).await, statement) {
            sorted.insert(format!("{sort}\n  in {statement}"));
        }
    }
    let sorted: Vec<_> = sorted.into_iter().collect();
    assert!(sorted.is_empty(), "a run's page sorts all it could read:\n{}", sorted.join("\n"));
    every.extend(run);
    let unindexed = plan(&app.db, "SELECT id FROM emails WHERE subject = $1").await;
    let seen = full_scan(&unindexed, "SELECT id FROM emails WHERE subject = $1").is_some();
    assert!(seen, "a scan is seen for what it is: {unindexed:#?}");
    let mut scans = Vec::new();
    for statement in &every {
        let plan = plan(&app.db, statement).await;
        if let Some(scan) = full_scan(&plan, statement) {
            scans.push(format!("{scan}\n  in {statement}"));
        }
    }
    assert!(scans.is_empty(), "a page's query reads a whole table:\n{}", scans.join("\n"));
}

/// What the daily AutoPay run asks, run for each day of the demo bills' next two months: a
/// run reads every due bill of a utility, so its statements are planned like a page's.
async fn autopay_statements(app: &helpers::TestApp, statements: &Statements) -> Vec<String> {
    let folder = tempfile::tempdir().unwrap();
    let mut config = helpers::test_config();
    config.autopay.nacha_folder = folder.path().to_path_buf();
    let vault = helpers::vault();
    let gateway = app::gateway::Gateway::sandbox();
    let ctx = app::autopay::run::RunContext {
        db: &app.db,
        mailer: &app.mailer,
        vault: &vault,
        gateway: &gateway,
        config: &config.autopay,
    };
    statements.take();
    let mut paid = 0;
    for day in 0..60 {
        let report = app::autopay::run::run(&ctx, helpers::TODAY + time::Duration::days(day));
        paid += report.await.unwrap().payments_created;
    }
    assert!(paid > 0, "the runs paid a bill, so their every step ran");
    // Its statements that have a plan: not BEGIN, COMMIT or a lock.
    let planned = |s: &String| {
        let s = s.trim_start().to_ascii_uppercase();
        ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].iter().any(|k| s.starts_with(k))
    };
    statements.take().into_iter().filter(planned).collect()
}

/// The query plan's lines. PostgreSQL's is its generic plan (the one for any parameters)
/// with sequential scans made a last resort, so a scan left in it has no index to use,
/// however few rows the test's tables hold.
async fn plan(db: &app::platform::Db, statement: &str) -> Vec<String> {
    use sqlx::{Executor, Row};
    if db.backend == app::platform::db::Backend::Sqlite {
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {statement}"))
            .fetch_all(&db.pool)
            .await
            .unwrap_or_else(|e| panic!("EXPLAIN {statement}: {e}"));
        return rows.iter().map(|r| r.get::<String, _>("detail")).collect();
    }
    let parameters = (1..=999).rev().find(|n| statement.contains(&format!("${n}"))).unwrap_or(0);
    let nulls = vec!["NULL"; parameters].join(", ");
    let mut conn = db.pool.acquire().await.unwrap();
    conn.execute(sqlx::raw_sql(
        "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; DEALLOCATE ALL",
    ))
    .await
    .unwrap();
    conn.execute(sqlx::raw_sql(&format!("PREPARE page_query AS {statement}"))).await.unwrap();
    let explain = if parameters == 0 {
        "EXPLAIN EXECUTE page_query".to_string()
    } else {
        format!("EXPLAIN EXECUTE page_query({nulls})")
    };
    let rows = sqlx::raw_sql(&explain).fetch_all(&mut *conn).await.unwrap();
    conn.execute(sqlx::raw_sql("DEALLOCATE ALL; RESET ALL")).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

/// The line of a plan that sorts before taking a page (`ORDER BY … LIMIT`): a run that
/// walks a million payments a page at a time must read them in an index's order, or each
/// page sorts everything left again. SQLite says `USE TEMP B-TREE FOR ORDER BY`;
/// PostgreSQL a `Sort` node.
fn page_sorted_whole<'p>(plan: &'p [String], statement: &str) -> Option<&'p String> {
    if !statement.to_ascii_uppercase().contains(" LIMIT ") {
        return None;
    }
    plan.iter().find(|line| {
        let line = line.trim_start().trim_start_matches("->").trim_start();
        line.starts_with("USE TEMP B-TREE FOR ORDER BY") || line.starts_with("Sort ")
    })
}

/// Tables that stay small whatever the utility's size, which a plan may read whole: the
/// bank files (a few a day) and the ACH return-rate alerts (a few a year).
const SMALL_TABLES: [&str; 2] = ["nacha_files", "ach_rate_alerts"];

/// The first line of a plan that reads a whole table (SQLite's `SCAN t`, PostgreSQL's
/// `Seq Scan on t`), but for a subquery's or a constant's rows and the small tables.
fn full_scan<'p>(plan: &'p [String], statement: &str) -> Option<&'p String> {
    // SQLite's plan of an insert of values lists a scan of each table whose foreign key
    // names it, which it runs only to settle a deferred constraint: never here.
    let upper = statement.to_ascii_uppercase();
    if upper.starts_with("INSERT") && !upper.contains("SELECT") {
        return None;
    }
    // SQLite names a table by its alias in the statement ("SCAN f" for "nacha_files f").
    let small = |name: &str| {
        SMALL_TABLES.iter().any(|t| *t == name || statement.contains(&format!("{t} {name} ")))
    };
    // A subquery of the statement, scanned by its name ("SCAN latest" for "(…) AS latest").
    let named_subquery = |name: &str| statement.contains(&format!(") AS {name} "));
    plan.iter().find(|line| {
        let line = line.trim_start().trim_start_matches("->").trim_start();
        let Some(scanned) = line.strip_prefix("SCAN ").or(line.strip_prefix("Seq Scan on ")) else {
            return false;
        };
        let table = scanned.split_whitespace().next().unwrap_or_default();
        // "SCAN (subquery-3)": the rows a subquery (a window's, say) already found.
        let subquery =
            line.contains("SUBQUERY") || table.starts_with("(subquery-") || named_subquery(table);
        !line.starts_with("SCAN CONSTANT ROW") && !subquery && !small(table)
    })
}
