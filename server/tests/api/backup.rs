//! Backups: a consistent copy taken while the portal is busy writing, restored in place of
//! a database, and refused wherever it would lose something.

use crate::helpers::{count, database_url, spawn_app, unique_email};
use crate::registration::{login, with_demo};
use crate::wallet::echeck;
use app::platform::Db;
use app::registration::service as registration;
use app::wallet::service;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn server(url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("AQUEDUCT_DEV_MODE", "true")
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

fn said(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn a_backup_taken_during_writes_is_consistent_and_restores_and_the_server_starts_on_it() {
    let app = spawn_app().await;
    let url = database_url(&app);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portal-backup.db");
    let file_arg = file.to_str().unwrap().to_string();
    if !url.starts_with("sqlite:") {
        let out = server(&url, &["backup", &file_arg]);
        assert!(!out.status.success() && said(&out).contains("pg_dump"), "{}", said(&out));
        return;
    }
    with_demo(&app.db).await;
    let account = registration::find_account(&app.db, "10.8.8.8", "12345678-1234567", "97501")
        .await
        .unwrap()
        .unwrap();
    let login_id = registration::create_login(
        &app.db,
        &crate::helpers::caller(),
        account,
        login(&unique_email("backup"), "river stones at dawn"),
    )
    .await
    .unwrap()
    .unwrap();
    let customer = app::auth::data::customer_of_login(&app.db, app::domain::LoginId(login_id))
        .await
        .unwrap()
        .unwrap()
        .0;

    // A customer saving bank accounts as fast as the portal takes them, during the backup.
    let stop = Arc::new(AtomicBool::new(false));
    let vault = app::platform::vault::Vault::from_config(&crate::helpers::test_config()).unwrap();
    let writer = {
        let (app, stop, vault) = (&app, stop.clone(), &vault);
        async move {
            let mut saved = 0;
            while !stop.load(Ordering::Relaxed) {
                // More than a household keeps: this test is about the backup, not the cap.
                let form = echeck("021000021", &format!("5{saved:07}"), &format!("5{saved:07}"));
                let sandbox = app::gateway::Gateway::sandbox();
                service::add(
                    &app.db,
                    &vault,
                    &sandbox,
                    &crate::helpers::roomy_adder(customer),
                    &form,
                    time::macros::date!(2026 - 11 - 26),
                )
                .await
                .unwrap()
                .unwrap();
                saved += 1;
            }
            saved
        }
    };
    let backup = async {
        while count(&app.db, "payment_methods").await < 5 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let (url, file_arg) = (url.clone(), file_arg.clone());
        let out = tokio::task::spawn_blocking(move || server(&url, &["backup", &file_arg]))
            .await
            .unwrap();
        stop.store(true, Ordering::Relaxed);
        out
    };
    let (saved, out) = tokio::join!(writer, backup);
    assert!(out.status.success() && said(&out).contains("Backed up to"), "{}", said(&out));
    let backed_up = Db::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    assert!(backed_up.integrity_ok().await.unwrap());
    let in_backup = count(&backed_up, "payment_methods").await;
    assert!(
        (5..=saved).contains(&in_backup),
        "the backup holds {in_backup} of {saved} saved, a moment's snapshot"
    );
    // Each saved method is whole in the backup: its sealed account number is there.
    let (whole,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payment_methods WHERE kind = 'echeck' AND account_ciphertext IS NOT NULL AND account_key_id IS NOT NULL")
        .fetch_one(&backed_up.pool)
        .await
        .unwrap();
    assert_eq!(whole, in_backup);
    backed_up.pool.close().await;

    let again = server(&url, &["backup", &file_arg]);
    assert!(
        !again.status.success() && said(&again).contains("already exists"),
        "a backup is never overwritten: {}",
        said(&again)
    );

    // The running portal's own database cannot be replaced under it.
    let live_before = count(&app.db, "payment_methods").await;
    let refused = server(&url, &["restore", &file_arg]);
    assert!(!refused.status.success() && said(&refused).contains("in use"), "{}", said(&refused));
    assert_eq!(count(&app.db, "payment_methods").await, live_before);

    // A stopped portal's database: replaced, the old one kept, and the server starts on it.
    let restored = dir.path().join("restored.db");
    let restored_url = format!("sqlite://{}?mode=rwc", restored.display());
    let first = server(&restored_url, &["restore", &file_arg]);
    assert!(first.status.success(), "{}", said(&first));
    let second = server(&restored_url, &["restore", &file_arg]);
    assert!(second.status.success() && said(&second).contains("Restored"), "{}", said(&second));
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("restored.db.before-restore-"))
        .count();
    assert_eq!(kept, 1, "the database a restore replaced is kept beside it");
    let started = server(&restored_url, &["migrate"]);
    assert!(started.status.success(), "{}", said(&started));
    let db = Db::connect(&restored_url).await.unwrap();
    assert!(db.integrity_ok().await.unwrap());
    assert_eq!(count(&db, "payment_methods").await, in_backup);

    // Something that is not a backup is refused before anything is touched.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database").unwrap();
    let refused = server(&restored_url, &["restore", junk.to_str().unwrap()]);
    assert!(
        !refused.status.success() && said(&refused).contains("integrity"),
        "{}",
        said(&refused)
    );
    assert_eq!(count(&db, "payment_methods").await, in_backup);
}
