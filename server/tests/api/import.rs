use crate::helpers::problem_text;
use crate::helpers::{count, fresh_db, letterhead};
use app::import::{import_accounts, import_bills, ImportError};

const ACCOUNTS: &str = "\
customer_number,customer_name,account_number,service_address,service_city,service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip
12345678,Alex Rivera,1234567,123 Main St,Medford,OR,97501,123 Main St,Medford,OR,97501-1234
12345678,Alex Rivera,7654321,45 Oak Ave,Medford,OR,97504,45 Oak Ave,Medford,OR,97504
345678,Sam Chen,34567,300 Rogue River Hwy,Medford,or,97501,PO Box 1,Ashland,OR,97520
";

const BILLS: &str = "\
account_number,bill_date,due_date,amount,balance,usage_gallons
1234567,2026-10-01,2026-11-01,61.20,0,12240
1234567,2026-11-01,2026-12-01,73.45,73.45,14690
0034567,2026-11-01,2026-12-01,\"$1,047.35\",1047.35,9470
";

#[tokio::test]
async fn a_good_file_is_imported_with_exact_cents_and_padded_numbers() {
    let t = fresh_db().await;
    let report =
        import_accounts(&t.db, &letterhead(), ACCOUNTS.as_bytes()).await.expect("accounts import");
    assert_eq!((report.rows, report.inserted), (3, 3));
    assert_eq!(count(&t.db, "customers").await, 2, "one customer holds two accounts");
    let report = import_bills(&t.db, BILLS.as_bytes()).await.expect("bills import");
    assert_eq!((report.rows, report.inserted, report.new_bill_ids.len()), (3, 3, 3));

    let (customer, zip, state): (String, String, String) = sqlx::query_as(
        "SELECT c.customer_number, a.mailing_zip, a.service_state FROM accounts a \
         JOIN customers c ON c.id = a.customer_id WHERE a.account_number = $1",
    )
    .bind("0034567")
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!((customer.as_str(), zip.as_str(), state.as_str()), ("00345678", "97520", "OR"));
    let (amount,): (i64,) = sqlx::query_as(
        "SELECT b.amount_cents FROM bills b JOIN accounts a ON a.id = b.account_id WHERE a.account_number = $1",
    )
    .bind("0034567")
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(amount, 104735);
}

#[tokio::test]
async fn importing_the_same_files_twice_adds_nothing() {
    let t = fresh_db().await;
    import_accounts(&t.db, &letterhead(), ACCOUNTS.as_bytes()).await.unwrap();
    import_bills(&t.db, BILLS.as_bytes()).await.unwrap();
    let again = import_accounts(&t.db, &letterhead(), ACCOUNTS.as_bytes()).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));
    let again = import_bills(&t.db, BILLS.as_bytes()).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));
    assert!(again.new_bill_ids.is_empty());
    assert_eq!(count(&t.db, "customers").await, 2);
    assert_eq!(count(&t.db, "accounts").await, 3);
    assert_eq!(count(&t.db, "bills").await, 3);
}

#[tokio::test]
async fn a_changed_row_updates_in_place() {
    let t = fresh_db().await;
    import_accounts(&t.db, &letterhead(), ACCOUNTS.as_bytes()).await.unwrap();
    let moved = ACCOUNTS.replace(
        "45 Oak Ave,Medford,OR,97504,45 Oak Ave",
        "46 Oak Ave,Medford,OR,97504,46 Oak Ave",
    );
    let report = import_accounts(&t.db, &letterhead(), moved.as_bytes()).await.unwrap();
    assert_eq!((report.inserted, report.updated, report.unchanged), (0, 1, 2));
    assert_eq!(count(&t.db, "accounts").await, 3);
}

async fn expect_rollback(accounts: &str, line: u64, reason_part: &str) {
    let t = fresh_db().await;
    match import_accounts(&t.db, &letterhead(), accounts.as_bytes()).await {
        Err(ImportError::Rows(rows)) => {
            let (got, reason) = (&rows[0].line, problem_text(&rows[0]));
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!(*got, line, "line number for {reason}");
            assert!(
                reason.contains(reason_part),
                "reason {reason:?} should mention {reason_part:?}"
            );
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    assert_eq!(count(&t.db, "customers").await, 0, "nothing of the file is kept");
    assert_eq!(count(&t.db, "accounts").await, 0, "nothing of the file is kept");
}

#[tokio::test]
async fn a_bad_row_rolls_the_whole_file_back_with_its_line_number() {
    let bad_zip = ACCOUNTS.replace("Ashland,OR,97520", "Ashland,OR,9752");
    expect_rollback(&bad_zip, 4, "mailing_zip").await;
    let bad_number = ACCOUNTS.replace("7654321,45 Oak", "76543X1,45 Oak");
    expect_rollback(&bad_number, 3, "account_number").await;
    let short_row = format!("{ACCOUNTS}99999999,Short Row,1111111\n");
    expect_rollback(&short_row, 5, "columns in the header").await;
    let empty_name = ACCOUNTS.replace("Sam Chen", " ");
    expect_rollback(&empty_name, 4, "customer_name").await;
}

#[tokio::test]
async fn every_bad_row_is_listed_by_line_and_nothing_is_kept() {
    let t = fresh_db().await;
    let bad = ACCOUNTS
        .replace("Ashland,OR,97520", "Ashland,OR,9752")
        .replace("7654321,45 Oak", "76543X1,45 Oak");
    let bad = format!("{bad}99999999,Short Row,1111111\n");
    let error = import_accounts(&t.db, &letterhead(), bad.as_bytes()).await.unwrap_err();
    let ImportError::Rows(rows) = &error else { panic!("{error:?}") };
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 4, 5], "{error}");
    assert!(problem_text(&rows[0]).contains("account_number"));
    assert!(problem_text(&rows[1]).contains("mailing_zip"));
    let expected = "line 5: Values in this row: 3; columns in the header: 11";
    assert!(error.to_string().contains(expected), "{error}");
    assert_eq!(count(&t.db, "accounts").await, 0);
}

#[tokio::test]
async fn a_bill_for_an_unknown_account_rolls_the_bills_file_back() {
    let t = fresh_db().await;
    import_accounts(&t.db, &letterhead(), ACCOUNTS.as_bytes()).await.unwrap();
    let bills = format!("{BILLS}9999999,2026-11-01,2026-12-01,10.00,10.00,100\n");
    match import_bills(&t.db, bills.as_bytes()).await {
        Err(ImportError::Rows(rows)) => {
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].line, 5);
            assert!(problem_text(&rows[0]).contains("9999999"), "{rows:?}");
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    assert_eq!(count(&t.db, "bills").await, 0, "the rows before the bad one were rolled back too");

    let bad_money = BILLS.replace("73.45,73.45", "73.456,73.45");
    let refused = import_bills(&t.db, bad_money.as_bytes()).await.unwrap_err();
    assert_eq!(refused.first_row().map(|r| r.line), Some(3));
    let bad_date = BILLS.replace("2026-10-01,2026-11-01", "2026-02-30,2026-11-01");
    let refused = import_bills(&t.db, bad_date.as_bytes()).await.unwrap_err();
    assert_eq!(refused.first_row().map(|r| r.line), Some(2));
    assert_eq!(count(&t.db, "bills").await, 0);
}

#[tokio::test]
async fn demo_data_loads_twice_without_duplicates() {
    let t = fresh_db().await;
    let today = time::macros::date!(2026 - 11 - 26);
    app::import::demo::load(&t.db, &letterhead(), today).await.unwrap();
    let (accounts, bills) = (count(&t.db, "accounts").await, count(&t.db, "bills").await);
    app::import::demo::load(&t.db, &letterhead(), today).await.unwrap();
    assert_eq!((count(&t.db, "accounts").await, count(&t.db, "bills").await), (accounts, bills));
    assert_eq!(accounts, 4);
    let (open_due,): (String,) =
        sqlx::query_as("SELECT MAX(due_date) FROM bills").fetch_one(&t.db.pool).await.unwrap();
    assert_eq!(open_due, "2026-12-01", "the newest bill is due soon");
}

/// Imports beside a busy portal: customers' changes keep committing while files are
/// written. On SQLite an import's transaction must not read first (it fails "database is
/// locked" at once when another write gets in between its read and its first write); it
/// takes the write lock first and waits its turn instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_succeed_while_the_portal_keeps_writing() {
    let t = fresh_db().await;
    import_accounts(&t.db, &letterhead(), ACCOUNTS.as_bytes()).await.expect("first import");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (pool, stop) = (t.db.pool.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    sqlx::query("UPDATE customers SET updated_at = updated_at WHERE customer_number = '12345678'")
                        .execute(&pool)
                        .await
                        .expect("the portal's write");
                }
            })
        })
        .collect();
    let header = ACCOUNTS.lines().next().unwrap();
    let mut outcome = Ok(());
    for n in 0..200 {
        let file = format!("{header}\n{},Customer {n},{},{n} Main St,Medford,OR,97501,{n} Main St,Medford,OR,97501", 50_000_000 + n, 5_000_000 + n);
        if let Err(e) = import_accounts(&t.db, &letterhead(), file.as_bytes()).await {
            outcome = Err(format!("import {n}: {e}"));
            break;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    outcome.expect("every import beside the portal's writes");
    assert_eq!(count(&t.db, "accounts").await, 203);
}

/// Rows are written a page at a time: a row repeating an earlier one (even on the same
/// page) updates what that row wrote, and a file of several pages is all there.
#[tokio::test]
async fn a_repeated_row_updates_the_earlier_one_and_a_file_of_many_pages_is_whole() {
    let t = fresh_db().await;
    let mut accounts = String::from(ACCOUNTS.lines().next().unwrap());
    accounts.push('\n');
    for i in 0..1_200 {
        let line = format!(
            "{:08},Customer {i},{:07},1 Way,Medford,OR,97501,1 Way,Medford,OR,97501\n",
            50_000_000 + i / 2,
            5_000_000 + i
        );
        accounts.push_str(&line);
    }
    accounts.push_str(
        "50000000,Customer Renamed,5000000,2 Way,Medford,OR,97501,2 Way,Medford,OR,97501\n",
    );
    let report = import_accounts(&t.db, &letterhead(), accounts.as_bytes()).await.unwrap();
    assert_eq!((report.rows, report.inserted, report.updated), (1_201, 1_200, 1));
    assert_eq!(count(&t.db, "customers").await, 600, "two accounts a customer");
    let (name, street): (String, String) = sqlx::query_as(
        "SELECT c.name, a.service_address FROM accounts a JOIN customers c ON c.id = a.customer_id \
         WHERE a.account_number = '5000000'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), street.as_str()), ("Customer Renamed", "2 Way"), "the last row's");

    let mut bills =
        String::from("account_number,bill_date,due_date,amount,balance,usage_gallons\n");
    for i in 0..1_200 {
        bills.push_str(&format!("{:07},2026-11-01,2026-12-01,10.00,10.00,100\n", 5_000_000 + i));
    }
    bills.push_str("5000001,2026-11-01,2026-12-01,10.00,10.00,100\n");
    bills.push_str("5000002,2026-11-01,2026-12-01,12.34,12.34,100\n");
    let report = import_bills(&t.db, bills.as_bytes()).await.unwrap();
    assert_eq!(
        (report.rows, report.inserted, report.updated, report.unchanged),
        (1_202, 1_200, 1, 1)
    );
    assert_eq!(report.new_bill_ids.len(), 1_200);
    assert_eq!(count(&t.db, "bills").await, 1_200);
    let (amount,): (i64,) = sqlx::query_as(
        "SELECT b.amount_cents FROM bills b JOIN accounts a ON a.id = b.account_id \
         WHERE a.account_number = '5000002'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(amount, 1234);
}
