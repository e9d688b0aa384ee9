//! Bill History, the printable bill, the PDFs of `server import bill-documents` and who may
//! read them.

use crate::helpers::problem_text;
use crate::helpers::{browser, count, fresh_db, location, spawn_app, with_demo, TestApp, PASSWORD};
use app::import::{import_bill_documents, ImportError, MAX_PDF_BYTES};
use std::path::Path;

/// A small but whole PDF (header and end marker), different for each `text`.
fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// Imports the manifest `rows` (after its header) from `dir`.
async fn import(
    db: &app::platform::Db,
    dir: &Path,
    rows: &str,
) -> Result<app::import::ImportReport, ImportError> {
    let manifest = format!("account_number,bill_date,file\n{rows}");
    import_bill_documents(db, manifest.as_bytes(), dir).await
}

async fn bill_id(db: &app::platform::Db, account: &str, bill_date: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT b.id FROM bills b JOIN accounts a ON a.id = b.account_id \
         WHERE a.account_number = $1 AND b.bill_date = $2",
    )
    .bind(account)
    .bind(bill_date)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    id
}

async fn add_bill(db: &app::platform::Db, account: &str, bill_date: time::Date) {
    let iso = app::domain::autopay::calendar::iso(bill_date);
    sqlx::query(
        "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, \
         usage_gallons, created_at, updated_at) \
         SELECT id, $2, $2, 1234, 0, 6200, 0, 0 FROM accounts WHERE account_number = $1",
    )
    .bind(account)
    .bind(iso)
    .execute(&db.pool)
    .await
    .unwrap();
}

/// A page's text, without the markers leptos leaves between the text nodes it renders.
async fn page_text(r: reqwest::Response) -> String {
    r.text().await.unwrap().replace("<!>", "")
}

async fn get_as(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.unwrap()
}

/// Signs the demo customer of `number` in on a browser of its own.
async fn signed_in(app: &TestApp, number: &str, zip: &str) -> reqwest::Client {
    let customer = app.register(number, zip).await;
    let client = browser();
    let fields = [("email", customer.email.as_str()), ("password", PASSWORD)];
    let r = app.post_form_as(&client, "sign_in", "/sign-in", &fields).await;
    assert_eq!(r.status().as_u16(), 302, "signed in");
    client
}

#[tokio::test]
async fn bill_history_shows_the_customers_own_bills_of_24_months_in_their_language() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let start = app::bills::history_start(time::OffsetDateTime::now_utc().date());
    add_bill(&app.db, "1234567", start).await; // 24 months and a day: left out
    add_bill(&app.db, "1234567", start + time::Duration::days(1)).await;
    let alex = signed_in(&app, "12345678-1234567", "97501").await;
    let page = get_as(&app, &alex, app::paths::BILL_HISTORY).await;
    assert_eq!(page.status(), 200);
    let html = page_text(page).await;
    assert!(html.contains("<h1>Bill History</h1>"), "{html}");
    assert!(html.contains("12345678-1234567") && html.contains("12345678-7654321"));
    assert!(!html.contains("23456789-2345678"), "another customer's account");
    // Alex's two accounts have 3 demo bills each, and one more is within 24 months.
    assert_eq!(html.matches(">View Bill<").count(), 7, "{html}");
    assert!(html.contains("<caption>Bills of account 12345678-1234567</caption>"));
    assert!(html.contains("<th scope=\"col\">Due date</th>"));
    let newest =
        app::domain::format::long_date(start + time::Duration::days(1), app::domain::Lang::En);
    assert!(html.contains(&newest), "{newest}");
    let left_out = app::domain::format::long_date(start, app::domain::Lang::En);
    assert!(!html.contains(&format!(">{left_out}<")), "{left_out} is 24 months old");
    assert!(html.contains("6,200 gallons") && html.contains("$12.34"));

    // In Spanish, as chosen.
    get_as(&app, &alex, "/lang/es?next=/").await;
    let html = page_text(get_as(&app, &alex, app::paths::BILL_HISTORY).await).await;
    assert!(html.contains("<h1>Historial de facturas</h1>"));
    assert!(html.contains(">Ver factura<") && html.contains("Fecha de vencimiento"));
    assert!(html.contains("6,200 galones"));
    let newest =
        app::domain::format::long_date(start + time::Duration::days(1), app::domain::Lang::Es);
    assert!(html.contains(&newest), "{newest}");
    assert!(html.contains("Historial de facturas</a>"), "the Billing menu names it");

    // The overview links to it; signed out, it asks to sign in.
    let overview = page_text(get_as(&app, &alex, app::paths::ACCOUNT).await).await;
    assert!(overview.contains(&format!("href=\"{}\"", app::paths::BILL_HISTORY)));
    let stranger = get_as(&app, &browser(), app::paths::BILL_HISTORY).await;
    assert_eq!(location(&stranger), app::paths::SIGN_IN);
}

#[tokio::test]
async fn the_printable_bill_is_its_owners_only() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = signed_in(&app, "12345678-1234567", "97501").await;
    let maria = signed_in(&app, "23456789-2345678", "97502").await;
    let id = bill_id(&app.db, "1234567", "2026-11-01").await;
    let page = get_as(&app, &alex, &app::paths::bill(app::domain::BillId(id))).await;
    assert_eq!(page.status(), 200);
    let html = page_text(page).await;
    for part in [
        "Water bill · November 2026",
        "Alex Rivera",
        "123 Main St",
        "Medford, OR 97501",
        "November 1, 2026",
        "December 1, 2026",
        "$73.45",
        "14,690 gallons",
        "How to pay",
        "http://portal.test",
        "541-774-2430",
        "12345678-1234567",
        "class=\"print-header\"",
    ] {
        assert!(html.contains(part), "the bill shows {part}");
    }
    assert!(!html.contains("Open the PDF"), "this bill has no PDF");
    let theirs = get_as(&app, &maria, &app::paths::bill(app::domain::BillId(id))).await;
    assert_eq!(theirs.status(), 404, "another customer's bill is not found");
    assert!(!theirs.text().await.unwrap().contains("Alex Rivera"));
    assert_eq!(get_as(&app, &alex, "/billing/bills/999999").await.status(), 404);
    assert_eq!(get_as(&app, &alex, "/billing/bills/abc").await.status(), 404);
    let signed_out = get_as(&app, &browser(), &app::paths::bill(app::domain::BillId(id))).await;
    assert_eq!(location(&signed_out), app::paths::SIGN_IN);
}

#[tokio::test]
async fn the_pdf_is_served_inline_uncached_to_its_owner_and_is_not_found_for_anyone_else() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = pdf("alex november");
    write(dir.path(), "alex.pdf", &bytes);
    import(&app.db, dir.path(), "1234567,2026-11-01,alex.pdf\n").await.unwrap();
    let id = app::domain::BillId(bill_id(&app.db, "1234567", "2026-11-01").await);
    let alex = signed_in(&app, "12345678-1234567", "97501").await;
    let maria = signed_in(&app, "23456789-2345678", "97502").await;

    let r = get_as(&app, &alex, &app::paths::bill_pdf(id)).await;
    assert_eq!(r.status(), 200);
    let header = |name: &str| r.headers().get(name).unwrap().to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-disposition"), "inline; filename=\"bill-2026-11-01.pdf\"");
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-security-policy"), app::bills::pdf::PDF_POLICY, "its own policy");
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // The history links to it, and the HTML bill stays its accessible version.
    let html = page_text(get_as(&app, &alex, app::paths::BILL_HISTORY).await).await;
    assert!(html.contains(&format!("href=\"{}\"", app::paths::bill_pdf(id))));
    assert!(html.contains(&format!("href=\"{}\"", app::paths::bill(id))));
    let bill = page_text(get_as(&app, &alex, &app::paths::bill(id)).await).await;
    assert!(bill.contains("Open the PDF of this bill"));

    let theirs = get_as(&app, &maria, &app::paths::bill_pdf(id)).await;
    assert_eq!(theirs.status(), 404, "another customer's bill");
    let missing = get_as(&app, &maria, "/billing/bills/999999/pdf").await;
    assert_eq!(missing.status(), 404, "the same answer as a bill that does not exist");
    let no_pdf = bill_id(&app.db, "1234567", "2026-10-01").await;
    assert_eq!(get_as(&app, &alex, &format!("/billing/bills/{no_pdf}/pdf")).await.status(), 404);
    assert_eq!(get_as(&app, &alex, "/billing/bills/x/pdf").await.status(), 404);
    let stranger = get_as(&app, &browser(), &app::paths::bill_pdf(id)).await;
    assert!(stranger.status().is_redirection());
    assert_eq!(location(&stranger), app::paths::SIGN_IN);
}

#[tokio::test]
async fn a_manifest_is_imported_once_and_a_new_file_replaces_a_bills_pdf() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("november")).unwrap();
    write(dir.path(), "november/alex.pdf", &pdf("alex"));
    write(dir.path(), "sam.pdf", &pdf("sam"));
    let rows = "1234567,2026-11-01,november/alex.pdf\n34567,2026-11-01,sam.pdf\n";
    let report = import(&t.db, dir.path(), rows).await.unwrap();
    assert_eq!((report.rows, report.inserted, report.updated, report.unchanged), (2, 2, 0, 0));
    assert_eq!(count(&t.db, "bill_documents").await, 2);

    let again = import(&t.db, dir.path(), rows).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2), "nothing changes");

    write(dir.path(), "sam.pdf", &pdf("sam, reissued"));
    let reissued = import(&t.db, dir.path(), rows).await.unwrap();
    assert_eq!((reissued.inserted, reissued.updated, reissued.unchanged), (0, 1, 1));
    assert_eq!(count(&t.db, "bill_documents").await, 2);
    let (stored,): (Vec<u8>,) = sqlx::query_as(
        "SELECT d.pdf FROM bill_documents d JOIN bills b ON b.id = d.bill_id \
         JOIN accounts a ON a.id = b.account_id WHERE a.account_number = '0034567'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, pdf("sam, reissued"));
}

/// Imports `bad` after a good row, expects its line and reason, and that nothing was kept.
async fn refused(db: &app::platform::Db, dir: &Path, bad: &str, reason_part: &str) {
    let rows = format!("1234567,2026-11-01,good.pdf\n{bad}\n");
    match import(db, dir, &rows).await {
        Err(ImportError::Rows(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            let (line, reason) = (&problems[0].line, problem_text(&problems[0]));
            assert_eq!(*line, 3, "{reason}");
            assert!(reason.contains(reason_part), "{reason:?} should say {reason_part:?}");
        }
        other => panic!("{bad}: expected a row error, got {other:?}"),
    }
    assert_eq!(count(db, "bill_documents").await, 0, "{bad}: nothing of the manifest is kept");
}

#[tokio::test]
async fn a_bad_row_of_a_manifest_keeps_nothing_and_names_its_line() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.pdf", &pdf("good"));
    write(dir.path(), "page.html", b"<html><body>%%EOF</body></html>");
    write(dir.path(), "cut.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n");
    // As big as the limit and one byte more, without writing 10 MB.
    let big = std::fs::File::create(dir.path().join("big.pdf")).unwrap();
    big.set_len(MAX_PDF_BYTES + 1).unwrap();
    let d = dir.path();
    refused(&t.db, d, "7654321,2026-11-01,page.html", "is not a PDF").await;
    refused(&t.db, d, "7654321,2026-11-01,cut.pdf", "no %%EOF").await;
    refused(&t.db, d, "7654321,2026-11-01,big.pdf", "in bytes: 10485761 > 10485760").await;
    refused(&t.db, d, "7654321,2026-11-01,missing.pdf", "missing.pdf").await;
    refused(&t.db, d, "9999999,2026-11-01,good.pdf", "not in the portal; import it first: 9999999")
        .await;
    refused(&t.db, d, "7654321,2020-01-01,good.pdf", "import the bills first: 7654321, 2020-01-01")
        .await;
    refused(&t.db, d, "7654321,2026-13-01,good.pdf", "bill_date").await;
    refused(&t.db, d, "1234567,2026-11-01,good.pdf", "already on line: 2").await;
    refused(&t.db, d, "7654321,2026-11-01,/etc/passwd", "inside the manifest's folder").await;
    std::fs::create_dir(d.join("sub")).unwrap();
    write(&d.join("sub"), "good.pdf", &pdf("good"));
    refused(&t.db, &d.join("sub"), "7654321,2026-11-01,../good.pdf", "inside the manifest").await;
}

#[tokio::test]
async fn the_command_line_imports_a_manifest_and_refuses_a_bad_one_whole() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "alex.pdf", &pdf("alex"));
    write(dir.path(), "notes.txt", b"not a bill");
    let manifest = dir.path().join("manifest.csv");
    let server = |rows: &str| {
        std::fs::write(&manifest, format!("account_number,bill_date,file\n{rows}")).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["import", "bill-documents"])
            .arg(&manifest)
            .env("DATABASE_URL", crate::helpers::database_url(&app))
            .env("AQUEDUCT_DEV_MODE", "true")
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let bad = server("1234567,2026-11-01,alex.pdf\n1234567,2026-10-01,notes.txt\n");
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        said.contains("line 3") && said.contains("Nothing from this file was imported"),
        "{said}"
    );
    assert_eq!(count(&app.db, "bill_documents").await, 0);
    let good = server("1234567,2026-11-01,alex.pdf\n");
    let said = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{said}{}", String::from_utf8_lossy(&good.stderr));
    assert!(said.contains("1 rows — 1 PDFs added, 0 replaced, 0 unchanged"), "{said}");
    assert_eq!(count(&app.db, "bill_documents").await, 1);
}
