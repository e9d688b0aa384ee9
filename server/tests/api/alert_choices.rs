//! Alert choices: saved from the plain form and read back, bad input named in the
//! customer's language with nothing stored, only the customer's own accounts; the
//! detectors honour them (a declared softener, days away, email off, texts on) and an
//! account's class; a STOP answered to a text ends texts to that number until START.

use crate::alerts::{hours, import_and_alert, sam_on_paperless, FLAPPER, SAM};
use crate::helpers::{location, spawn_app, with_demo, TestApp, PASSWORD, SMS_INBOUND_TOKEN};
use app::domain::alert_choices::Channels;
use app::domain::leak::AlertKind;
use app::domain::meter_read::CentiGallons;
use app::domain::{AccountId, Phone};
use time::{Duration, OffsetDateTime};

const ALERTS: &str = "/billing/water-use/alerts";
const MOBILE: &str = "(541) 774-2430";

/// Sam, signed in.
async fn sam(app: &TestApp) -> AccountId {
    with_demo(&app.db).await;
    let sam = app.register("00345678-0034567", "97501").await;
    app.sign_in(&sam.email, PASSWORD).await;
    sam.account_id
}

async fn save(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let to = location(&app.post_form("save_alert_settings", ALERTS, fields).await);
    to.trim_start_matches(&app.base).to_string()
}

fn mobile() -> Phone {
    Phone::parse(MOBILE).unwrap()
}

async fn texts(app: &TestApp) -> Vec<String> {
    app.texter.deliver_pending(&app.db).await.unwrap();
    app::sms::data::dev_outbox(&app.db, &mobile()).await.unwrap()
}

#[tokio::test]
async fn choices_are_saved_from_the_plain_form_and_read_back() {
    let app = spawn_app().await;
    let account = sam(&app).await;
    let page = app.page(ALERTS).await;
    assert!(
        page.contains("Water-use alerts") && page.contains("Mobile number for texts"),
        "{page}"
    );
    let today = OffsetDateTime::now_utc().date();
    let (from, until) = (today + Duration::days(10), today + Duration::days(20));
    let (from, until) = (app::domain::format::iso_date(from), app::domain::format::iso_date(until));
    let id = account.to_string();
    let done = save(
        &app,
        &[
            ("account", &id),
            ("email_continuous", "yes"),
            ("text_burst", "yes"),
            ("declared_gph", "1.5"),
            ("away_from", &from),
            ("away_until", &until),
            ("away_gallons", "10"),
            ("text_phone", MOBILE),
            ("text_consent", "yes"),
        ],
    )
    .await;
    assert_eq!(done, format!("{ALERTS}?account={id}&saved=1"));
    let page = app.page(&done).await;
    assert!(page.contains("Your alert choices are saved."), "{page}");
    assert!(page.contains(&from) && page.contains("(541) 774-2430"), "shown as saved: {page}");
    let choices = app::water::choices::load(&app.db, account).await.unwrap();
    assert_eq!(choices.channels(AlertKind::Continuous), Channels { email: true, text: false });
    assert_eq!(choices.channels(AlertKind::Burst), Channels { email: false, text: true });
    assert_eq!(choices.declared, CentiGallons(150));
    assert_eq!(choices.away.map(|a| a.allowed), Some(CentiGallons(1_000)));
    assert_eq!(choices.text_phone, Some(mobile()));
    assert!(page.contains("You agreed to get texts at this number"), "{page}");
    let consent = page.split("id=\"text_consent\"").nth(1).and_then(|rest| rest.split('>').next());
    assert!(
        consent.is_some_and(|input| !input.contains("checked")),
        "never ticked for them: {page}"
    );
    // The same number again needs no new consent; a new one does.
    let again = [("account", id.as_str()), ("text_phone", "541.774.2430")];
    assert_eq!(save(&app, &again).await, done);
    let other = [("account", id.as_str()), ("text_phone", "(541) 774-2431")];
    let page = app.page(&save(&app, &other).await).await;
    assert!(page.contains("Tick the box to agree to get texts"), "{page}");
}

#[tokio::test]
async fn bad_input_is_named_in_the_customers_language_and_nothing_is_stored() {
    let app = spawn_app().await;
    let account = sam(&app).await;
    let id = account.to_string();
    let bad = [
        ("account", id.as_str()),
        ("declared_gph", "25"),
        ("away_from", "2020-01-01"),
        ("away_until", "2020-01-05"),
        ("away_gallons", "10"),
        ("text_phone", "774-2430"),
        ("text_burst", "yes"),
    ];
    let back = save(&app, &bad).await;
    assert!(back.starts_with(ALERTS), "back to the form: {back}");
    let page = app.page_in(&back, "es").await;
    for message in [
        "como máximo 20 galones por hora",
        "El último día fuera ya pasó",
        "número de celular de 10 dígitos",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    assert!(page.contains("value=\"774-2430\""), "what was typed is shown again: {page}");
    let stored: Vec<(i64,)> = sqlx::query_as("SELECT account_id FROM usage_alert_settings")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing saved");
    let no_consent = [("account", id.as_str()), ("text_phone", MOBILE)];
    let back = save(&app, &no_consent).await;
    let page = app.page(&back).await;
    assert!(page.contains("Tick the box to agree to get texts"), "{page}");
}

#[tokio::test]
async fn another_customers_account_is_neither_shown_nor_changed() {
    let app = spawn_app().await;
    sam(&app).await;
    let (other,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE account_number = '1234567'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let page = app.page(&format!("{ALERTS}?account={other}")).await;
    assert!(!page.contains(&format!("value=\"{other}\"")), "Sam's own account instead: {page}");
    let back = save(&app, &[("account", &other.to_string()), ("declared_gph", "2")]).await;
    let page = app.page(&back).await;
    assert!(page.contains("We could not find that account among yours"), "{page}");
    let choices = app::water::choices::load(&app.db, AccountId(other)).await.unwrap();
    assert_eq!(choices.declared, CentiGallons(0));
}

#[tokio::test]
async fn a_declared_softener_is_no_leak_and_email_off_sends_none() {
    let app = spawn_app().await;
    let account = sam(&app).await;
    sam_on_paperless(&app).await;
    let id = account.to_string();
    // A softener of 5 gph declared: the 4 gph "flapper" is below it.
    save(&app, &[("account", &id), ("email_continuous", "yes"), ("declared_gph", "5")]).await;
    let nov_1 = time::macros::date!(2026 - 11 - 01);
    let quiet = import_and_alert(&app, &hours(nov_1, &[FLAPPER, FLAPPER, FLAPPER])).await;
    assert_eq!(quiet.started, 0, "declared normal use");
    // No softener, but continuous-flow alerts unticked: nothing is sent or shown.
    save(&app, &[("account", &id), ("email_burst", "yes")]).await;
    let unwanted =
        import_and_alert(&app, &hours(nov_1 + Duration::days(3), &[FLAPPER, FLAPPER, FLAPPER]))
            .await;
    assert_eq!((unwanted.started, unwanted.emails), (0, 0), "not chosen");
}

#[tokio::test]
async fn a_leak_is_texted_with_stop_and_a_stop_ends_texts_until_start() {
    let app = spawn_app().await;
    let production = app::platform::Config { dev_mode: false, ..crate::helpers::test_config() };
    let refused = app::sms::Texter::from_config(&production, &app.db).err();
    assert!(
        refused.is_some_and(|e| e.contains("sends nothing real")),
        "the outbox is for development"
    );
    let account = sam(&app).await;
    let id = account.to_string();
    let fields = [
        ("account", id.as_str()),
        ("text_continuous", "yes"),
        ("text_phone", MOBILE),
        ("text_consent", "yes"),
    ];
    save(&app, &fields).await;
    let nov_1 = time::macros::date!(2026 - 11 - 01);
    let found = import_and_alert(&app, &hours(nov_1, &[FLAPPER, FLAPPER, FLAPPER])).await;
    assert_eq!((found.started, found.emails, found.texts), (1, 0, 1));
    let got = texts(&app).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains(SAM) && got[0].contains("Reply STOP to stop."), "{got:?}");
    assert!(got[0].contains("http://portal.test/billing/water-use?account="), "{got:?}");

    let inbound = |body: &'static str, token: &'static str| {
        app.client
            .post(format!("{}/sms/inbound", app.base))
            .bearer_auth(token)
            .form(&[("From", "+15417742430"), ("Body", body)])
            .send()
    };
    assert_eq!(inbound("STOP", "wrong").await.unwrap().status(), 401, "the vendor's token only");
    assert_eq!(inbound("STOP", SMS_INBOUND_TOKEN).await.unwrap().status(), 204);
    let got = texts(&app).await;
    assert!(got[1].contains("you will get no more texts"), "the STOP is confirmed: {got:?}");
    let page = app.page(&format!("{ALERTS}?account={id}")).await;
    assert!(page.contains("This number replied STOP"), "{page}");

    // The leak stops: the resolution is not texted to a number that said STOP.
    let mut fixed = FLAPPER;
    fixed[2] = Some("0");
    let resolved = import_and_alert(&app, &hours(nov_1 + Duration::days(3), &[fixed])).await;
    assert_eq!((resolved.resolved, resolved.texts), (1, 0));
    assert_eq!(texts(&app).await.len(), 2, "nothing after the STOP's answer");
    assert_eq!(inbound("start", SMS_INBOUND_TOKEN).await.unwrap().status(), 204);
    let got = texts(&app).await;
    assert!(got[2].contains("on again"), "{got:?}");
}

#[tokio::test]
async fn use_on_a_day_away_is_alerted_and_a_commercial_account_has_its_own_flow_rule() {
    let app = spawn_app().await;
    let account = sam(&app).await;
    sam_on_paperless(&app).await;
    // Away for three days around "today" in the reads; 10 gallons a day allowed.
    let today = OffsetDateTime::now_utc().date();
    let from = today - Duration::days(2);
    let iso = app::domain::format::iso_date;
    let fields = [
        ("account", account.to_string()),
        ("email_vacation", "yes".into()),
        ("email_continuous", "yes".into()),
        ("away_from", iso(from)),
        ("away_until", iso(today)),
        ("away_gallons", "10".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    save(&app, &fields).await;
    let mut quiet = [Some("0"); 24];
    quiet[8] = Some("5");
    let mut used = quiet;
    used[12] = Some("40");
    let days = [quiet, used, quiet];
    let found = import_and_alert(&app, &hours(from - Duration::days(1), &[quiet])).await;
    assert_eq!(found.started, 0);
    let found = import_and_alert(&app, &hours(from, &days)).await;
    assert_eq!((found.started, found.resolved, found.emails), (1, 1, 2), "{found:?}");
    let kinds: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM usage_alerts").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(kinds, [("vacation".to_string(),)]);

    // The accounts file makes Sam's account commercial: 4 gph for three days is no leak
    // there (10 gph for a week is).
    let accounts = "customer_number,customer_name,account_number,service_address,service_city,\
service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip,class\n\
00345678,Sam Chen,0034567,300 Rogue River Hwy,Medford,OR,97501,300 Rogue River Hwy,Medford,OR,97501,commercial\n";
    let head = crate::helpers::letterhead();
    app::import::import_accounts(&app.db, &head, accounts.as_bytes()).await.unwrap();
    assert_eq!(
        app::water::choices::class(&app.db, account).await.unwrap(),
        app::domain::leak::ServiceClass::Commercial
    );
    let later = today + Duration::days(1);
    let leak = import_and_alert(&app, &hours(later, &[FLAPPER, FLAPPER, FLAPPER])).await;
    assert_eq!(leak.started, 0, "a commercial account's rule");
}
