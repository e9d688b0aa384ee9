//! Imports on the web (issue 18): an admin uploads a bills file with an error (nothing is
//! written, the line is named), then the corrected file (imported); both are in the history
//! and the audit log; an agent and a visitor cannot upload.

use crate::helpers::{browser, count, location, spawn_app, with_demo, TestApp};
use crate::staff::signed_in_staff;
use app::domain::staff::StaffRole;

const BAD_BILLS: &str = "account_number,bill_date,due_date,amount,balance,usage_gallons
1234567,2026-12-01,2026-12-31,61.20,61.20,12240
1234567,2026-12-01,2026-12-31,not money,0,14690
";
const GOOD_BILLS: &str = "account_number,bill_date,due_date,amount,balance,usage_gallons
1234567,2026-12-01,2026-12-31,61.20,61.20,12240
7654321,2026-12-01,2026-12-31,73.45,73.45,14690
";

/// The page's form as a browser sends it: multipart, from the imports page.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    file_name: &str,
    content: &str,
) -> reqwest::Response {
    upload_bytes(app, client, kind, file_name, content.as_bytes()).await
}

async fn upload_bytes(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    file_name: &str,
    content: &[u8],
) -> reqwest::Response {
    let boundary = "aqueduct-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    client
        .post(format!("{}/staff/imports/upload", app.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("referer", format!("{}/staff/imports", app.base))
        .header("accept", "text/html")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A zip of `files` (name, bytes), compressed as an office's zip tool does.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n").into_bytes()
}

const MANIFEST: &str = "account_number,bill_date,file\n";

#[tokio::test]
async fn an_admin_uploads_a_bills_file_with_an_error_then_the_good_one() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let (admin, _) = signed_in_staff(&app, StaffRole::Admin).await;
    let bills = count(&app.db, "bills").await;

    let r = upload(&app, &admin.client, "bills", "december-bills.csv", BAD_BILLS).await;
    let refused_at = location(&r);
    assert!(refused_at.starts_with("/staff/imports?id="), "{refused_at}");
    let page = app.page_as(&admin.client, &refused_at).await;
    assert!(page.contains("Not imported") && page.contains("Line 3"), "{page}");
    assert_eq!(count(&app.db, "bills").await, bills, "nothing of the file was written");

    let r = upload(&app, &admin.client, "bills", "december-bills-fixed.csv", GOOD_BILLS).await;
    let page = app.page_as(&admin.client, &location(&r)).await;
    assert!(
        page.contains("Imported.") && page.contains("Rows: 2 · Added: 2 · Updated: 0"),
        "{page}"
    );
    assert_eq!(count(&app.db, "bills").await, bills + 2);
    assert!(page.contains("december-bills.csv") && page.contains(&admin.email), "the history");

    // An accounts file that only updates is the dashboard's last import too.
    let accounts = "customer_number,customer_name,account_number,service_address,service_city,\
service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip
12345678,Alex Rivera,1234567,123 Main St,Medford,OR,97501,PO Box 7,Medford,OR,97501
";
    let r = upload(&app, &admin.client, "accounts", "alex-moved.csv", accounts).await;
    let page = app.page_as(&admin.client, &location(&r)).await;
    assert!(page.contains("Rows: 1 · Added: 0 · Updated: 1"), "{page}");
    let now = app::platform::db::now();
    let figures = app::backoffice::dashboard::figures(&app.db, now).await.unwrap();
    let last = figures.last_import.expect("an import");
    assert_eq!((last.kind, last.rows), (app::backoffice::dashboard::ImportKind::Accounts, 1));

    let none = upload(&app, &admin.client, "", "x.csv", GOOD_BILLS).await;
    assert_eq!(location(&none), "/staff/imports?problem=no-kind");
    let page = app.page_as(&admin.client, "/staff/imports?problem=no-kind").await;
    assert!(page.contains("Choose what the file holds"), "{page}");

    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT action, details FROM audit_log WHERE action = 'import' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].1.contains("refused") && rows[1].1.contains("imported"), "{rows:?}");
}

#[tokio::test]
async fn an_agent_and_a_visitor_cannot_upload() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let (agent, _) = signed_in_staff(&app, StaffRole::Agent).await;
    let bills = count(&app.db, "bills").await;
    for client in [&agent.client, &browser()] {
        let r = upload(&app, client, "bills", "bills.csv", GOOD_BILLS).await;
        assert_eq!(r.status().as_u16(), 403);
    }
    assert_eq!(count(&app.db, "bills").await, bills);
    assert_eq!(count(&app.db, "imports").await, 0);
    let page = app.page_as(&agent.client, "/staff/imports").await;
    assert!(!page.contains("Upload and import"), "no form for an agent: {page}");
}

#[tokio::test]
async fn an_admin_uploads_bills_pdfs_as_a_zip_and_every_bad_row_is_listed() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let (admin, _) = signed_in_staff(&app, StaffRole::Admin).await;
    let alex = pdf("alex");
    let send = |name: &'static str, bytes: Vec<u8>| {
        let (app, client) = (&app, &admin.client);
        async move {
            let r = upload_bytes(app, client, "bill-documents", name, &bytes).await;
            app.page_as(client, &location(&r)).await
        }
    };

    // Two bad rows: both are named, and nothing is written.
    let manifest =
        format!("{MANIFEST}1234567,2026-11-01,missing.pdf\n7654321,2026-13-01,alex.pdf\n");
    let bad = zip_of(&[("manifest.csv", manifest.as_bytes()), ("alex.pdf", &alex)]);
    let at = location(&upload_bytes(&app, &admin.client, "bill-documents", "bad.zip", &bad).await);
    let page = app.page_as(&admin.client, &at).await;
    assert!(
        page.contains("Not imported") && page.contains("Line 2") && page.contains("Line 3"),
        "{page}"
    );
    assert!(page.contains("missing.pdf") && page.contains("bill_date"), "{page}");
    assert_eq!(count(&app.db, "bill_documents").await, 0);
    // The same refusal to a Spanish-speaking admin: the problems in Spanish.
    let url = format!("{}{at}", app.base);
    let es = admin.client.get(url).header("accept-language", "es").send().await.unwrap();
    let es = es.text().await.unwrap();
    assert!(es.contains("No se puede leer el archivo") && es.contains("missing.pdf"), "{es}");
    assert!(es.contains("bill_date: debe ser una fecha escrita AAAA-MM-DD"), "{es}");

    // A name that would land outside the folder, no manifest, not a zip: refused whole.
    let manifest = format!("{MANIFEST}1234567,2026-11-01,alex.pdf\n");
    let escaping = zip_of(&[("manifest.csv", manifest.as_bytes()), ("../alex.pdf", &alex)]);
    let page = send("up.zip", escaping).await;
    assert!(page.contains("outside the archive") && page.contains("The file"), "{page}");
    let unnamed = zip_of(&[("alex.pdf", &alex)]);
    let page = send("n.zip", unnamed).await;
    assert!(page.contains("has no manifest at its top: manifest.csv"), "{page}");
    let page = send("x.zip", manifest.clone().into_bytes()).await;
    assert!(page.contains("not a zip archive"), "{page}");
    assert_eq!(count(&app.db, "bill_documents").await, 0);

    let good = zip_of(&[("manifest.csv", manifest.as_bytes()), ("alex.pdf", &alex)]);
    let page = send("nov.zip", good).await;
    assert!(page.contains("Imported.") && page.contains("Rows: 1 · Added: 1"), "{page}");
    let (stored,): (Vec<u8>,) =
        sqlx::query_as("SELECT pdf FROM bill_documents").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, alex);
}

#[tokio::test]
async fn an_admin_uploads_meter_reads() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let (admin, _) = signed_in_staff(&app, StaffRole::Admin).await;
    let reads = "account_number,meter_id,read_at,gallons,interval_minutes
1234567,MTR-1,2026-11-01T00:00:00-08:00,4.5,60
1234567,MTR-1,2026-11-01T01:00:00-08:00,3,60
";
    let r = upload(&app, &admin.client, "reads", "reads.csv", reads).await;
    let page = app.page_as(&admin.client, &location(&r)).await;
    let summary = "Rows: 2 · Added or corrected: 2 · Unchanged: 0";
    assert!(page.contains("Imported.") && page.contains(summary), "{page}");
    assert_eq!(count(&app.db, "meter_reads").await, 2);
    // A corrected read is counted as such, and the unchanged one as unchanged.
    let corrected = reads.replace(",3,60", ",3.25,60");
    let r = upload(&app, &admin.client, "reads", "reads-corrected.csv", &corrected).await;
    let page = app.page_as(&admin.client, &location(&r)).await;
    let summary = "Rows: 2 · Added or corrected: 1 · Unchanged: 1";
    assert!(page.contains(summary), "{page}");
    let now = app::platform::db::now();
    let figures = app::backoffice::dashboard::figures(&app.db, now).await.unwrap();
    let last = figures.last_import.expect("an import");
    assert_eq!((last.kind, last.rows), (app::domain::ImportKind::Reads, 2));
}

#[tokio::test]
async fn a_bank_file_that_is_not_nacha_is_refused_with_why_in_the_admins_language() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let (admin, _) = signed_in_staff(&app, StaffRole::Admin).await;
    // Ten records, as a bank blocks them, but of 80 characters instead of 94.
    let short = format!("{}\n", "1".repeat(80)).repeat(10);
    let r = upload(&app, &admin.client, "ach-returns", "returns.ach", &short).await;
    let at = location(&r);
    let page = app.page_as(&admin.client, &at).await;
    assert!(page.contains("Not imported"), "{page}");
    assert!(page.contains("A record must have 94 characters; this one has: 80"), "{page}");
    let url = format!("{}{at}", app.base);
    let es = admin.client.get(url).header("accept-language", "es").send().await.unwrap();
    let es = es.text().await.unwrap();
    assert!(es.contains("Un registro debe tener 94 caracteres; este tiene: 80"), "{es}");
    assert!(es.contains("No es un archivo de devoluciones del banco"), "{es}");
}
