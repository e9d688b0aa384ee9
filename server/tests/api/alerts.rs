//! Water-use alerts after reads imports: a running toilet alerted once however often its
//! reads are imported, resolved when the reads show it stopped, a gap that neither starts
//! nor ends one, a day of high use against the usual day, the email to the verified address
//! and the banner until the customer dismisses it.

use crate::helpers::{spawn_app, with_demo, TestApp, PASSWORD};
use app::import::reads::import_reads;
use app::water::alerts::{after_import, AlertContext, AlertReport};
use time::{Date, Duration};

const HEADER: &str = "account_number,meter_id,read_at,gallons,interval_minutes\n";
pub const SAM: &str = "0034567";

/// Hourly reads of Sam's meter: each day from `from`, the gallons of each hour (`None`: no
/// read).
pub fn hours(from: Date, days: &[[Option<&str>; 24]]) -> String {
    let mut out = String::from(HEADER);
    for (n, day) in days.iter().enumerate() {
        let date = app::domain::format::iso_date(from + Duration::days(n as i64));
        for (hour, gallons) in day.iter().enumerate() {
            if let Some(g) = gallons {
                out.push_str(&format!("{SAM},MTR-S,{date}T{hour:02}:00:00-08:00,{g},60\n"));
            }
        }
    }
    out
}

pub async fn import_and_alert(app: &TestApp, file: &str) -> AlertReport {
    let open = || Ok(std::io::Cursor::new(file.as_bytes().to_vec()));
    let report = import_reads(&app.db, open, &mut |_, _| {}).await.unwrap();
    let ctx = AlertContext {
        db: &app.db,
        mailer: &app.mailer,
        texter: &app.texter,
        rules: Default::default(),
    };
    after_import(&ctx, report.accounts.iter().copied()).await.unwrap()
}

async fn alert_emails(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT to_address, subject FROM emails WHERE kind LIKE 'usage-alert%' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

/// Sam's bills go to a verified address (where alerts are sent).
pub async fn sam_on_paperless(app: &TestApp) {
    sqlx::query(
        "UPDATE accounts SET delivery_method = 'email', delivery_email = 'sam@example.org' \
         WHERE account_number = $1",
    )
    .bind(SAM)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

pub const FLAPPER: [Option<&str>; 24] = [Some("4"); 24];

#[tokio::test]
async fn a_running_toilet_is_alerted_once_and_resolved_when_it_stops() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    sam_on_paperless(&app).await;
    let nov_1 = time::macros::date!(2026 - 11 - 01);
    let three_days = hours(nov_1, &[FLAPPER, FLAPPER, FLAPPER]);
    let first = import_and_alert(&app, &three_days).await;
    assert_eq!((first.started, first.resolved, first.emails), (1, 0, 1));
    let again = import_and_alert(&app, &three_days).await;
    assert_eq!(again, AlertReport::default(), "the same reads again: nothing new");
    let still = import_and_alert(&app, &hours(nov_1 + Duration::days(3), &[FLAPPER])).await;
    assert_eq!(still, AlertReport::default(), "one alert per episode, not one a day");

    // A gap: unknown, so the alert stays open.
    let mut gap = FLAPPER;
    gap[3] = None;
    let gapped = import_and_alert(&app, &hours(nov_1 + Duration::days(4), &[gap])).await;
    assert_eq!(gapped, AlertReport::default(), "a missing hour is not zero use");

    // Fixed: the night reads show no flow.
    let mut fixed = FLAPPER;
    fixed[2] = Some("0");
    let resolved = import_and_alert(&app, &hours(nov_1 + Duration::days(5), &[fixed])).await;
    assert_eq!((resolved.started, resolved.resolved, resolved.emails), (0, 1, 1));
    let emails = alert_emails(&app).await;
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert_eq!(emails[0].0, "sam@example.org");
    assert!(emails[0].1.contains("check for a leak") && emails[1].1.contains("resolved"));
    let started: Vec<(i64,)> = sqlx::query_as("SELECT started_at FROM usage_alerts")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    // It started on the 48th hour of running: November 2, 23:00 local.
    let nov_2_23h = (app::water::series::unix_day(nov_1) + 1) * 86_400 + 23 * 3600;
    assert_eq!(started, [(nov_2_23h,)]);
}

#[tokio::test]
async fn irrigation_at_night_is_no_alert_and_a_day_of_twice_the_usual_is() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let mut usual = [Some("0"); 24];
    for hour in [6, 7, 8, 18, 19] {
        usual[hour] = Some("20");
    }
    // Six hours of sprinklers a night: high for hours, but not eight, and not around the clock.
    let mut watering = usual;
    watering[..6].fill(Some("40"));
    let from = time::macros::date!(2026 - 10 - 01);
    let mut days = vec![usual; 30];
    days.extend([watering; 3]);
    let quiet = import_and_alert(&app, &hours(from, &days)).await;
    assert_eq!(quiet.started, 1, "only the high use: 340 gallons a day against 100");
    let kinds: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM usage_alerts").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(kinds, [("high_use".to_string(),)]);
    assert!(alert_emails(&app).await.is_empty(), "no verified address: no email");
}

#[tokio::test]
async fn the_alert_shows_on_the_usage_page_until_dismissed() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let sam = app.register("00345678-0034567", "97501").await;
    let nov_1 = time::macros::date!(2026 - 11 - 01);
    import_and_alert(&app, &hours(nov_1, &[FLAPPER, FLAPPER, FLAPPER])).await;
    app.sign_in(&sam.email, PASSWORD).await;
    let page = app.page("/billing/water-use").await;
    assert!(
        page.contains(
            "Water has been running every hour for two days since November 2, 2026, 23:00"
        ),
        "{page}"
    );
    assert!(page.contains("/billing/water-use/what-to-check"), "{page}");
    let overview = app.page("/account").await;
    assert!(overview.contains("Water-use alert on this account"), "{overview}");
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM usage_alerts").fetch_one(&app.db.pool).await.unwrap();
    let account = sam.account_id.to_string();
    let fields = [
        ("account", account.as_str()),
        ("alert", &id.to_string()),
        ("back", "/billing/water-use?scale=day"),
    ];
    app.post_form("dismiss_usage_alert", "/billing/water-use", &fields).await;
    let page = app.page("/billing/water-use").await;
    assert!(!page.contains("running every hour"), "dismissed: {page}");
    let overview = app.page("/account").await;
    assert!(!overview.contains("Water-use alert on this account"), "{overview}");
    let check = app.page_in("/billing/water-use/what-to-check", "es").await;
    assert!(
        check.contains("Qué revisar si hay una fuga") && check.contains("colorante"),
        "{check}"
    );
}
