//! The back office's customer search and customer's page (issue 18), as plain functions
//! over the database (their server functions and the staff guard come with the staff's
//! sign-in): every kind of search, accents and case folded, partial addresses, numbers
//! with and without hyphen and leading zeros, pages, names and addresses kept folded by
//! the import and the start-up; the page's masked methods, return codes, email delivery
//! states, sign-in lock and last sign-in.

use crate::helpers::{
    account_id, bill, card, enroll, fresh_db, letterhead, portal, unique_email, with_demo,
    Registered, PASSWORD, TODAY,
};
use app::backoffice::customer::{self, CustomerFile, EmailState, NextDraft};
use app::backoffice::search::{self, SearchPage, PAGE_SIZE};
use app::domain::payment::PaymentState;
use app::domain::staff_search::SearchQuery;
use app::domain::{Cents, CustomerId, PaymentId};
use app::import::import_accounts;
use app::platform::config::LimitsConfig;
use app::platform::Db;
use time::macros::date;

const HEADER: &str = "customer_number,customer_name,account_number,service_address,service_city,\
service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip\n";

/// Besides the demo's (Alex Rivera 12345678 at 123 Main St and 45 Oak Ave, María López
/// 23456789 at 9 Pear Blossom Ln, Sam Chen 00345678 at 300 Rogue River Hwy).
const MORE: &str = "\
55500001,María José Ñúñez,5550001,1209 West Main Street,Medford,OR,97501,PO Box 9,Medford,OR,97501
55500002,Jose Nunez-Smith,5550002,77 Pear Blossom Lane,Central Point,OR,97502,77 Pear Blossom Lane,Central Point,OR,97502
55500003,O'Brien Family Trust,5550003,12 Oak Ave,Medford,OR,97504,12 Oak Ave,Medford,OR,97504
55500004,Ana Lopez,5550004,1200 Oak Ave,Medford,OR,97504,1200 Oak Ave,Medford,OR,97504
55500005,Main Street Bakery,5550005,5 Elm St,Ashland,OR,97520,5 Elm St,Ashland,OR,97520
";

async fn seeded() -> crate::helpers::TestDb {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    import_accounts(&t.db, &letterhead(), format!("{HEADER}{MORE}").as_bytes()).await.unwrap();
    t
}

async fn page(db: &Db, raw: &str, page: u32) -> SearchPage {
    let query = SearchQuery::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
    search::search(db, &query, page).await.unwrap()
}

/// The `customer-account` numbers the first page of a search finds, in its order.
async fn found(db: &Db, raw: &str) -> Vec<String> {
    let results = page(db, raw, 0).await;
    assert!(!results.more, "{raw:?} found more than a page");
    results.hits.into_iter().map(|h| h.number).collect()
}

#[tokio::test]
async fn a_bill_number_is_found_in_every_form_a_caller_reads_it() {
    let t = seeded().await;
    for raw in ["12345678-1234567", "123456781234567", "12345678 1234567", "1234 5678 – 123 4567"]
    {
        assert_eq!(found(&t.db, raw).await, ["12345678-1234567"], "{raw}");
    }
    for raw in ["345678-34567", "00345678-0034567", "345678 - 0034567", "003456780034567"] {
        assert_eq!(found(&t.db, raw).await, ["00345678-0034567"], "{raw}");
    }
    // Both numbers must belong together: Alex's customer number with Sam's account is none.
    assert!(found(&t.db, "12345678-0034567").await.is_empty());
}

#[tokio::test]
async fn one_number_finds_the_customers_accounts_or_the_account() {
    let t = seeded().await;
    assert_eq!(found(&t.db, "12345678").await, ["12345678-1234567", "12345678-7654321"]);
    assert_eq!(found(&t.db, "7654321").await, ["12345678-7654321"]);
    // Sam: the customer number without its zeros, the account number without its zeros.
    assert_eq!(found(&t.db, "345678").await, ["00345678-0034567"]);
    assert_eq!(found(&t.db, "34567").await, ["00345678-0034567"]);
    assert_eq!(found(&t.db, "0034567").await, ["00345678-0034567"]);
    assert!(found(&t.db, "9999999").await.is_empty());
    let hit = &page(&t.db, "2345678", 0).await.hits[0];
    assert_eq!(hit.name, "María López");
    assert_eq!(hit.service_address, "9 Pear Blossom Ln, Medford, OR 97502");
    assert!(!hit.registered);
}

#[tokio::test]
async fn an_email_finds_the_logins_customer_or_the_account_it_is_billed_to() {
    let t = seeded().await;
    let email = unique_email("alex");
    let maria =
        app::registration::service::find_account(&t.db, "10.1.1.1", "23456789-2345678", "97502")
            .await
            .unwrap()
            .unwrap();
    let alex =
        app::registration::service::find_account(&t.db, "10.1.1.1", "12345678-1234567", "97501")
            .await
            .unwrap()
            .unwrap();
    app::registration::service::create_login(
        &t.db,
        &crate::helpers::caller(),
        alex,
        crate::helpers::login(&email, PASSWORD),
    )
    .await
    .unwrap()
    .unwrap();
    sqlx::query("UPDATE accounts SET delivery_method = 'email', delivery_email = 'maria@example.org' WHERE id = $1")
        .bind(maria)
        .execute(&t.db.pool)
        .await
        .unwrap();
    let results = page(&t.db, &format!("  {}  ", email.to_uppercase()), 0).await;
    let numbers: Vec<&str> = results.hits.iter().map(|h| h.number.as_str()).collect();
    assert_eq!(numbers, ["12345678-1234567", "12345678-7654321"]);
    assert!(results.hits.iter().all(|h| h.registered && h.name == "Alex Rivera"));
    assert_eq!(found(&t.db, "Maria@Example.org").await, ["23456789-2345678"]);
    assert!(found(&t.db, "nobody@example.org").await.is_empty());
}

#[tokio::test]
async fn a_name_is_found_whatever_its_accents_case_and_word_order() {
    let t = seeded().await;
    let names = |raw: &'static str| {
        let db = t.db.clone();
        async move {
            let hits = page(&db, raw, 0).await.hits;
            hits.into_iter().map(|h| h.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(names("nunez").await, ["Jose Nunez-Smith", "María José Ñúñez"]);
    assert_eq!(names("ÑÚÑEZ maría").await, ["María José Ñúñez"]);
    assert_eq!(names("nunez jose").await, ["Jose Nunez-Smith", "María José Ñúñez"]);
    assert_eq!(names("smith nunez").await, ["Jose Nunez-Smith"]);
    assert_eq!(names("lopez").await, ["Ana Lopez", "María López"]);
    assert_eq!(names("LÓPEZ").await, ["Ana Lopez", "María López"]);
    assert_eq!(names("obrien").await, ["O'Brien Family Trust"]);
    assert_eq!(names("O’Brien").await, ["O'Brien Family Trust"]);
    // A word's start: Rivera, and Sam Chen's Rogue River Hwy.
    assert_eq!(names("riv").await, ["Alex Rivera", "Alex Rivera", "Sam Chen"]);
    assert!(names("ivera").await.is_empty(), "not the middle of a word");
    assert!(names("rivera chen").await.is_empty(), "every word, of one customer");
}

#[tokio::test]
async fn a_service_address_is_found_from_part_of_it() {
    let t = seeded().await;
    assert_eq!(found(&t.db, "1209 main street").await, ["55500001-5550001"]);
    assert_eq!(found(&t.db, "1209 W. Main St").await, ["55500001-5550001"]);
    // A house number is a whole word: 12 Oak Ave, not 1200 Oak Ave.
    assert_eq!(found(&t.db, "12 oak").await, ["55500003-5550003"]);
    assert_eq!(found(&t.db, "1200 Oak Avenue").await, ["55500004-5550004"]);
    // In the order of the names: Jose Nunez-Smith, then María López.
    assert_eq!(found(&t.db, "Pear Blossom").await, ["55500002-5550002", "23456789-2345678"]);
    assert_eq!(found(&t.db, "central point").await, ["55500002-5550002"]);
    assert_eq!(found(&t.db, "300 Rogue 97501").await, ["00345678-0034567"]);
    assert!(found(&t.db, "300 rogue 97502").await.is_empty());
}

#[tokio::test]
async fn nobody_is_found_by_someone_elses_data() {
    let t = seeded().await;
    // "Main" is in the bakery's name and in three streets: words find either...
    let mut main = found(&t.db, "main").await;
    main.sort();
    assert_eq!(main, ["12345678-1234567", "55500001-5550001", "55500005-5550005"]);
    // ...but a house number first searches addresses only: not the bakery at 5 Elm St.
    assert_eq!(found(&t.db, "123 main").await, ["12345678-1234567"]);
    // Alex's second account is found by its own address, not by his other one's.
    assert_eq!(found(&t.db, "45 oak").await, ["12345678-7654321"]);
    // María López's street does not find María José Ñúñez, nor her name the other María.
    assert!(!found(&t.db, "pear blossom").await.contains(&"55500001-5550001".to_string()));
    assert_eq!(found(&t.db, "maria jose").await, ["55500001-5550001"]);
}

#[tokio::test]
async fn results_come_a_page_at_a_time_in_a_stable_order() {
    let t = fresh_db().await;
    let mut csv = HEADER.to_string();
    for i in 1..=45 {
        // Accents on every other name: the order is the folded one.
        let name = if i % 2 == 0 {
            format!("Páger {:02}", 46 - i)
        } else {
            format!("Pager {:02}", 46 - i)
        };
        csv.push_str(&format!(
            "{:08},{name},{:07},{i} Paging Loop,Medford,OR,97501,{i} Paging Loop,Medford,OR,97501\n",
            70_000_000 + i,
            7_000_000 + i
        ));
    }
    import_accounts(&t.db, &letterhead(), csv.as_bytes()).await.unwrap();
    let mut all = Vec::new();
    for (n, (size, more)) in [(20, true), (20, true), (5, false)].into_iter().enumerate() {
        let results = page(&t.db, "paging loop", n as u32).await;
        assert_eq!((results.hits.len(), results.more, results.page), (size, more, n as u32));
        all.extend(results.hits.into_iter().map(|h| h.name));
    }
    let expected: Vec<String> = (1..=45)
        .map(|n| if (46 - n) % 2 == 0 { format!("Páger {n:02}") } else { format!("Pager {n:02}") })
        .collect();
    assert_eq!(all, expected);
    assert_eq!(PAGE_SIZE, 20);
    assert!(page(&t.db, "paging loop", 3).await.hits.is_empty());
    // One word, a name's or a street's: each branch reads only up to the page it is
    // asked for, and the pages are the same.
    for word in ["pager", "paging"] {
        let mut again = Vec::new();
        for n in 0..3 {
            again.extend(page(&t.db, word, n).await.hits.into_iter().map(|h| h.name));
        }
        assert_eq!(again, expected, "{word}");
    }
}

#[tokio::test]
async fn a_phone_number_finds_the_customer_however_it_is_read_out() {
    let t = seeded().await;
    let alex = ["12345678-1234567", "12345678-7654321"];
    for raw in ["541-555-0101", "(541) 555-0101", "+1 541 555 0101", "5415550101"] {
        assert_eq!(found(&t.db, raw).await, alex, "{raw}");
    }
    assert!(found(&t.db, "541 555 0199").await.is_empty());
    // The accounts file's optional column: a phone given, then cleared.
    let header = HEADER.replace('\n', ",phone\n");
    let ana =
        "55500004,Ana Lopez,5550004,1200 Oak Ave,Medford,OR,97504,1200 Oak Ave,Medford,OR,97504";
    let given = format!("{header}{ana},(541) 774-2430\n");
    import_accounts(&t.db, &letterhead(), given.as_bytes()).await.unwrap();
    assert_eq!(found(&t.db, "541.774.2430").await, ["55500004-5550004"]);
    let customer = search::search(&t.db, &SearchQuery::parse("5417742430").unwrap(), 0).await;
    let ana_id = customer.unwrap().hits[0].customer_id;
    assert_eq!(file(&t.db, ana_id).await.phone.as_deref(), Some("(541) 774-2430"));
    let bad = format!("{header}{ana},774-2430\n");
    let error = import_accounts(&t.db, &letterhead(), bad.as_bytes()).await.unwrap_err();
    assert!(
        error.to_string().contains("line 2: phone: must be a phone number of 10 digits"),
        "{error}"
    );
    let cleared = format!("{header}{ana},\n");
    import_accounts(&t.db, &letterhead(), cleared.as_bytes()).await.unwrap();
    assert!(found(&t.db, "541.774.2430").await.is_empty());
    assert_eq!(file(&t.db, ana_id).await.phone, None);
}

#[tokio::test]
async fn names_and_addresses_stay_folded_through_imports_and_the_start_up() {
    let t = seeded().await;
    // The import renames a customer and moves an account: the new words find them, the old ones not.
    let moved = "55500001,María José Ñúñez-Álvarez,5550001,8 Siskiyou Boulevard,Ashland,OR,97520,PO Box 9,Medford,OR,97501\n";
    import_accounts(&t.db, &letterhead(), format!("{HEADER}{moved}").as_bytes()).await.unwrap();
    assert_eq!(found(&t.db, "alvarez").await, ["55500001-5550001"]);
    assert_eq!(found(&t.db, "8 siskiyou blvd").await, ["55500001-5550001"]);
    assert!(found(&t.db, "1209 main").await.is_empty());
    // Rows written without their folded columns (before migration 0014, or straight into
    // the tables) are folded when the portal starts.
    sqlx::query("INSERT INTO customers (id, customer_number, name, created_at, updated_at) VALUES (9001, '90000001', 'Zoë Ångström', 0, 0)")
        .execute(&t.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO accounts (id, account_number, customer_id, service_address, service_city, service_state, service_zip, \
         mailing_address, mailing_city, mailing_state, mailing_zip, created_at, updated_at) \
         VALUES (9001, '9000001', 9001, '4 Ünter Straße', 'Talent', 'OR', '97540', '-', '-', 'OR', '97540', 0, 0)",
    )
    .execute(&t.db.pool)
    .await
    .unwrap();
    assert!(found(&t.db, "angstrom").await.is_empty(), "not folded yet");
    t.db.migrate().await.unwrap();
    assert_eq!(found(&t.db, "zoe angstrom").await, ["90000001-9000001"]);
    assert_eq!(found(&t.db, "4 unter strasse").await, ["90000001-9000001"]);
    assert_eq!(t.db.fold_missing().await.unwrap(), 0, "nothing left to fold");
}

// ---------------------------------------------------------------------------------------
// The customer's page

async fn file(db: &Db, customer: CustomerId) -> CustomerFile {
    customer::view(db, customer, &LimitsConfig::default(), TODAY).await.unwrap().unwrap()
}

/// Emails in each delivery state to `to` (the delivery loop leaves them alone: not due),
/// and one to someone else.
async fn emails_in_every_state(db: &Db, to: &str) {
    let later = app::platform::db::now() + 3600;
    let rows = [
        ("bill-ready", "Sent one", Some(1_700_000_000_i64), 1_i64, None, None),
        ("password-reset", "Failed one", None, 10, Some("550 mailbox unavailable"), None),
        ("autopay-receipt", "Retrying one", None, 2, Some("421 try again later"), None),
        ("delivery-verify", "Waiting one tok-SECRET-123", None, 0, None, Some("tok-SECRET-123")),
    ];
    for (kind, subject, sent_at, attempts, error, secret) in rows {
        sqlx::query(
            "INSERT INTO emails (to_address, locale, kind, subject, body_text, body_html, created_at, sent_at, \
             last_error, attempts, next_attempt_at, secret) VALUES ($1, 'en', $2, $3, 'body', 'body', 1700000000, $4, $5, $6, $7, $8)",
        )
        .bind(to)
        .bind(kind)
        .bind(subject)
        .bind(sent_at)
        .bind(error)
        .bind(attempts)
        .bind(later)
        .bind(secret)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO emails (to_address, locale, kind, subject, body_text, body_html, created_at, sent_at) \
         VALUES ('someone.else@example.org', 'en', 'bill-ready', 'Not theirs', 'b', 'b', 1700000000, 1700000001)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
}

/// A payment of `bill` with `method` in `status`.
async fn payment(
    db: &Db,
    bill: app::domain::BillId,
    account: app::domain::AccountId,
    method: app::domain::MethodId,
    status: &str,
    return_code: Option<&str>,
    reason: Option<&str>,
) -> PaymentId {
    let (id,): (PaymentId,) = sqlx::query_as(
        "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, draft_date, status, \
         return_code, failure_reason, channel, created_at, updated_at) \
         VALUES ($1, $2, $3, 4410, '2026-11-20', $4, $5, $6, 'one_time', 0, 0) RETURNING id",
    )
    .bind(bill)
    .bind(account)
    .bind(method)
    .bind(status)
    .bind(return_code)
    .bind(reason)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn the_customers_page_shows_masked_methods_returns_emails_autopay_and_the_login() {
    let p = portal(false).await;
    let db = p.app.db.clone();
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let bank = p.app.add_method(alex, &crate::helpers::bank()).await.unwrap();
    let visa =
        p.app.add_method(alex, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    let account = account_id(&p.app, "1234567").await;
    enroll(&p, alex, account, bank, &Default::default()).await;
    let due = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let returned = payment(&db, due, account, bank, "returned", Some("R01"), None).await;
    payment(&db, due, account, visa, "skipped", None, Some("over the customer's maximum")).await;
    emails_in_every_state(&db, &email).await;
    assert_eq!(p.app.sign_in(&email, PASSWORD).await.status().as_u16(), 302);

    let f = file(&db, alex).await;
    assert_eq!((f.name.as_str(), f.customer_number.as_str()), ("Alex Rivera", "12345678"));
    let numbers: Vec<&str> = f.accounts.iter().map(|a| a.number.as_str()).collect();
    assert_eq!(numbers, ["12345678-1234567", "12345678-7654321"]);
    // Methods masked: last four only, and nothing anywhere in the page's data holds more.
    let labels: Vec<String> = f.methods.iter().map(|m| m.label(app::i18n::Locale::en)).collect();
    assert_eq!(labels, ["Checking *****6789 · Demo Bank", "Visa *****1111 | Exp 04/29"]);
    let everything = serde_json::to_string(&f).unwrap();
    for secret in ["123456789", "4111111111111111", "tok-SECRET-123", "091000019"] {
        assert!(!everything.contains(secret), "{secret} reached the page's data");
    }
    // AutoPay: the method masked, the rule, the next draft: the oldest bill still owing
    // and not past due (the demo's, due December 1, 2026), on its due date.
    let first = &f.accounts[0];
    let autopay = first.autopay.as_ref().expect("AutoPay");
    assert_eq!(autopay.method.label(app::i18n::Locale::en), "Checking *****6789");
    assert_eq!(autopay.rule, Default::default());
    assert_eq!(
        autopay.next_draft,
        Some(NextDraft::Planned { date: date!(2026 - 12 - 01), amount: Cents(7345) })
    );
    assert!(f.accounts[1].autopay.is_none());
    assert_eq!((first.balance, first.due_date), (Cents(6120), Some(date!(2027 - 06 - 20))));
    // Payments: the return with its code, the skipped one with its reason.
    let r = f.payments.iter().find(|x| x.id == returned).expect("the returned payment");
    assert_eq!((r.state, r.return_code.as_deref()), (PaymentState::Returned, Some("R01")));
    let skipped = f.payments.iter().find(|x| x.status == "skipped").expect("skipped");
    assert_eq!(skipped.failure_reason.as_deref(), Some("over the customer's maximum"));
    assert_eq!(skipped.method.last4, "1111");
    // Emails: each state, the failure's reason, no token, nobody else's.
    let state = |subject: &str| {
        f.emails.iter().find(|e| e.subject.starts_with(subject)).map(|e| e.state.clone())
    };
    assert_eq!(state("Sent one"), Some(EmailState::Sent { at: 1_700_000_000 }));
    assert_eq!(
        state("Failed one"),
        Some(EmailState::Failed { reason: "550 mailbox unavailable".into() })
    );
    assert_eq!(
        state("Retrying one"),
        Some(EmailState::Retrying { attempts: 2, reason: "421 try again later".into() })
    );
    assert_eq!(state("Waiting one"), Some(EmailState::Waiting));
    assert!(state("Not theirs").is_none());
    assert!(f.emails.iter().all(|e| e.to == email));
    // The login: registered, signed in just now, not locked.
    let login = f.login.expect("registered");
    assert_eq!((login.email.as_str(), login.locale.as_str()), (email.as_str(), "en"));
    let now = app::platform::db::now();
    assert!(login.last_sign_in_at.is_some_and(|at| (now - at).abs() < 60));
    assert_eq!((login.failed_sign_ins, login.locked_until), (0, None));
}

#[tokio::test]
async fn a_locked_login_says_until_when_and_a_pending_verification_shows() {
    let p = portal(false).await;
    let db = p.app.db.clone();
    let Registered { customer_id, login_id, email, account_id, .. } =
        p.app.register("23456789-2345678", "97502").await;
    let limits = LimitsConfig::default();
    for _ in 0..limits.sign_in_failures_per_email - 1 {
        let _ = p.app.sign_in(&email, "not the password").await;
    }
    let login = file(&db, customer_id).await.login.unwrap();
    assert_eq!(
        (login.failed_sign_ins, login.locked_until),
        (limits.sign_in_failures_per_email - 1, None)
    );
    assert_eq!(login.last_sign_in_at, None, "never signed in");
    let _ = p.app.sign_in(&email, "not the password").await;
    let login = file(&db, customer_id).await.login.unwrap();
    let now = app::platform::db::now();
    let until = login.locked_until.expect("locked");
    assert!(until > now && until <= now + 15 * 60, "{until} vs {now}");
    assert_eq!(login.failed_sign_ins, limits.sign_in_failures_per_email);

    app::platform::tokens::issue(
        &db,
        app::platform::tokens::Purpose::DeliveryEmail,
        login_id,
        Some(account_id),
        Some("maria.new@example.org"),
        3600,
    )
    .await
    .unwrap();
    let f = file(&db, customer_id).await;
    let pending = f.accounts[0].delivery.pending.clone().expect("pending");
    assert_eq!(pending.email, "maria.new@example.org");
    assert!(pending.expires_at > now);
    assert_eq!(f.accounts[0].delivery.email, None, "still on paper");
}

#[tokio::test]
async fn a_customer_without_a_login_has_a_page_without_anyone_elses_data() {
    let p = portal(false).await;
    let db = p.app.db.clone();
    // Alex has a login, methods and emails; Sam has none of them.
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    p.app.add_method(alex, &crate::helpers::bank()).await.unwrap();
    emails_in_every_state(&db, &email).await;
    let (sam,): (CustomerId,) =
        sqlx::query_as("SELECT id FROM customers WHERE customer_number = '00345678'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let f = file(&db, sam).await;
    assert_eq!(f.name, "Sam Chen");
    assert!(f.login.is_none());
    assert!(f.methods.is_empty() && f.payments.is_empty() && f.emails.is_empty());
    assert_eq!(f.accounts.len(), 1);
    assert_eq!(f.accounts[0].bills.len(), 3, "the demo's three bills");
    assert!(customer::view(&db, CustomerId(987_654), &LimitsConfig::default(), TODAY)
        .await
        .unwrap()
        .is_none());
}
