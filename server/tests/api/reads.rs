//! Meter reads (`server import reads`, issue 19): hourly and daily reads imported, the same
//! file again changing nothing and a corrected read replacing its value; every bad row named
//! and nothing kept; a meter that moves to another account; a file of several pages; the
//! command line.

use crate::helpers::{count, fresh_db, spawn_app, with_demo};
use app::import::reads::{import_reads, ReadsReport};
use app::import::ImportError;
use app::platform::Db;

const HEADER: &str = "account_number,meter_id,read_at,gallons,interval_minutes\n";

async fn import(db: &Db, rows: &str) -> Result<ReadsReport, ImportError> {
    let file = format!("{HEADER}{rows}");
    let open = || Ok(std::io::Cursor::new(file.clone().into_bytes()));
    import_reads(db, open, &mut |_, _| {}).await
}

/// (account number, read_at, hundredths of a gallon) of every stored read, in order.
async fn stored(db: &Db) -> Vec<(String, i64, i64)> {
    sqlx::query_as(
        "SELECT a.account_number, r.read_at, r.centigallons FROM meter_reads r \
         JOIN accounts a ON a.id = r.account_id ORDER BY r.meter_id, r.read_at",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

/// The day totals the import keeps, (account, meter, local day, hundredths, minutes), and
/// what the reads themselves sum to: they must agree after every import.
async fn day_totals(db: &Db) -> Vec<(i64, String, i64, i64, i64)> {
    let kept: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT account_id, meter_id, local_day, centigallons, minutes FROM meter_read_days \
         ORDER BY account_id, meter_id, local_day",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let summed: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT account_id, meter_id, (read_at + utc_offset_minutes * 60) / 86400 AS d, \
         CAST(SUM(centigallons) AS BIGINT), CAST(SUM(interval_minutes) AS BIGINT) FROM meter_reads \
         GROUP BY account_id, meter_id, (read_at + utc_offset_minutes * 60) / 86400 \
         ORDER BY account_id, meter_id, d",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(kept, summed, "the day totals are the reads' sums");
    kept
}

/// Midnight of 2026-11-01 in Oregon (PST, UTC-8), in Unix seconds.
const NOV_1: i64 = 1_793_520_000;

#[tokio::test]
async fn reads_import_once_and_a_corrected_read_replaces_its_value() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let rows = "1234567,MTR-1,2026-11-01T00:00:00-08:00,4.5,60\n\
                1234567,MTR-1,2026-11-01T01:00:00-08:00,0,60\n\
                7654321,MTR-2,2026-11-01T00:00:00-08:00,412.25,1440\n";
    let report = import(&t.db, rows).await.unwrap();
    assert_eq!((report.rows, report.written, report.unchanged), (3, 3, 0));
    assert_eq!(report.accounts.len(), 2);
    assert_eq!(
        stored(&t.db).await,
        [
            ("1234567".into(), NOV_1, 450),
            ("1234567".into(), NOV_1 + 3600, 0),
            ("7654321".into(), NOV_1, 41225)
        ]
    );
    let again = import(&t.db, rows).await.unwrap();
    assert_eq!((again.written, again.unchanged), (0, 3), "the same file changes nothing");
    let corrected = import(&t.db, "1234567,MTR-1,2026-11-01T08:00:00Z,5,60\n").await.unwrap();
    assert_eq!((corrected.written, corrected.unchanged), (1, 0), "the same hour, written in UTC");
    assert_eq!(stored(&t.db).await[0], ("1234567".into(), NOV_1, 500));
    assert_eq!(count(&t.db, "meter_reads").await, 3);
    assert_eq!(count(&t.db, "meter_read_files").await, 3, "each file is recorded");
    let days = day_totals(&t.db).await;
    let nov_1 = NOV_1 / 86_400;
    let mtr_1: Vec<_> = days.iter().filter(|d| d.1 == "MTR-1").map(|d| (d.2, d.3, d.4)).collect();
    assert_eq!(mtr_1, [(nov_1, 500, 120)], "the corrected hour is in its day's total");
}

#[tokio::test]
async fn a_read_corrected_to_another_account_or_day_moves_its_day_total() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let rows = "1234567,MTR-3,2026-11-01T22:00:00-08:00,2,60\n\
                1234567,MTR-3,2026-11-01T23:00:00-08:00,3,60\n";
    import(&t.db, rows).await.unwrap();
    assert_eq!(day_totals(&t.db).await.len(), 1);
    // The last hour belonged to the next account, and was read where the clock is UTC-7.
    import(&t.db, "2345678,MTR-3,2026-11-02T00:00:00-07:00,3,60\n").await.unwrap();
    let days: Vec<(String, i64, i64)> =
        day_totals(&t.db).await.into_iter().map(|d| (d.1, d.2, d.3)).collect();
    let nov_1 = NOV_1 / 86_400;
    assert_eq!(days.len(), 2, "{days:?}");
    let accounts: std::collections::BTreeSet<i64> =
        day_totals(&t.db).await.iter().map(|d| d.0).collect();
    assert_eq!(accounts.len(), 2, "each day with its account");
    assert!(days.contains(&("MTR-3".into(), nov_1, 200)), "{days:?}");
    assert!(days.contains(&("MTR-3".into(), nov_1 + 1, 300)), "{days:?}");
}

#[tokio::test]
async fn every_bad_row_is_named_and_nothing_is_kept() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let rows = "1234567,MTR-1,2026-11-01T00:00:00-08:00,4.5,60\n\
                1234567,MTR-1,2026-11-01T01:00:00,4.5,60\n\
                1234567,MTR-1,2026-11-01T02:30:00-08:00,4.5,60\n\
                1234567,MTR-1,2026-11-01T03:00:00-08:00,-2,60\n\
                9999999,MTR-9,2026-11-01T00:00:00-08:00,1,60\n\
                1234567,MTR-1,2026-11-01T04:00:00-08:00,1,45\n\
                1234567,MTR 1,2026-11-01T05:00:00-08:00,1,60\n";
    let error = import(&t.db, rows).await.unwrap_err();
    let ImportError::Rows(problems) = &error else { panic!("{error:?}") };
    let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8], "{error}");
    let text = error.to_string();
    for said in [
        "offset",
        "start its interval",
        "gallons",
        "not in the portal; import it first: 9999999",
        "interval_minutes",
        "meter_id",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
    assert_eq!(count(&t.db, "meter_reads").await, 0);
    assert_eq!(count(&t.db, "meter_read_files").await, 0);
}

#[tokio::test]
async fn a_meter_that_moves_leaves_its_earlier_reads_with_the_earlier_account() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    // MTR-7 served 1234567 until November 2, then 2345678.
    let rows = "1234567,MTR-7,2026-11-01T00:00:00-08:00,100,1440\n\
                2345678,MTR-7,2026-11-02T00:00:00-08:00,80,1440\n";
    import(&t.db, rows).await.unwrap();
    assert_eq!(
        stored(&t.db).await,
        [("1234567".into(), NOV_1, 10000), ("2345678".into(), NOV_1 + 86_400, 8000)]
    );
    assert_eq!(day_totals(&t.db).await.len(), 2, "a day total each account");
}

#[tokio::test]
async fn a_file_of_several_pages_is_written_whole_or_not_at_all() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    // 12,000 hourly reads of one meter: 500 days, three pages.
    let mut rows = String::new();
    for hour in 0..12_000i64 {
        let at = time::OffsetDateTime::from_unix_timestamp(NOV_1 + hour * 3600).unwrap();
        let at = at.format(&time::format_description::well_known::Rfc3339).unwrap();
        rows.push_str(&format!("1234567,MTR-1,{at},{}.{:02},60\n", hour % 7, hour % 100));
    }
    let bad = format!("{rows}1234567,MTR-1,not a time,1,60\n");
    let error = import(&t.db, &bad).await.unwrap_err();
    assert_eq!(error.first_row().map(|p| p.line), Some(12_002));
    assert_eq!(count(&t.db, "meter_reads").await, 0);

    let mut passes = Vec::new();
    let file = format!("{HEADER}{rows}");
    let open = || Ok(std::io::Cursor::new(file.clone().into_bytes()));
    let report =
        import_reads(&t.db, open, &mut |pass, bytes| passes.push((pass, bytes))).await.unwrap();
    assert_eq!((report.rows, report.written), (12_000, 12_000));
    assert_eq!(count(&t.db, "meter_reads").await, 12_000);
    let total: i64 =
        sqlx::query_as::<_, (i64,)>("SELECT CAST(SUM(centigallons) AS BIGINT) FROM meter_reads")
            .fetch_one(&t.db.pool)
            .await
            .unwrap()
            .0;
    let expected: i64 = (0..12_000i64).map(|h| (h % 7) * 100 + h % 100).sum();
    assert_eq!(total, expected, "every hundredth kept");
    // Written in UTC from 08:00: 500 days of hours touch 501 UTC days.
    assert_eq!(day_totals(&t.db).await.len(), 501, "days split between pages are whole");
    use app::import::reads::Pass::{Checking, Writing};
    assert_eq!(passes.iter().filter(|p| p.0 == Checking).count(), 3);
    assert_eq!(passes.last(), Some(&(Writing, file.len() as u64)), "the bar reaches the end");
}

#[tokio::test]
async fn the_command_imports_a_file_and_refuses_a_bad_one_whole() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reads.csv");
    let server = |rows: &str| {
        std::fs::write(&file, format!("{HEADER}{rows}")).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["import", "reads"])
            .arg(&file)
            .env("DATABASE_URL", crate::helpers::database_url(&app))
            .env("AQUEDUCT_DEV_MODE", "true")
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let bad = server("1234567,MTR-1,2026-11-01T00:00:00-08:00,4.5,60\n1234567,MTR-1,2026-11-01T01:00:00-08:00,lots,60\n");
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(said.contains("line 3: gallons") && said.contains("Nothing from this file"), "{said}");
    assert_eq!(count(&app.db, "meter_reads").await, 0);
    let good = server("1234567,MTR-1,2026-11-01T00:00:00-08:00,4.5,60\n");
    let said = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    assert!(said.contains("1 reads — 1 added or corrected, 0 unchanged; 1 accounts"), "{said}");
}
