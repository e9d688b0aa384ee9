use crate::helpers::{
    fresh_db, location, login, session_pair, session_set_cookie, spawn_app, with_demo, TestApp,
};
use app::registration::service::{self, NewLogin};
use app::registration::Problem;

#[tokio::test]
async fn find_my_account_follows_the_bill_rules() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let find = |n: &'static str, z: &'static str| {
        let db = t.db.clone();
        async move { service::find_account(&db, "10.0.0.1", n, z).await.unwrap() }
    };
    assert!(find("12345678-1234567", "97501").await.is_ok());
    assert!(find(" 12345678 – 1234567 ", "97501-1234").await.is_ok(), "en dash, spaces, ZIP+4");
    assert!(find("345678-34567", "97501").await.is_ok(), "leading zeros left out");
    assert!(find("23456789-2345678", "97520").await.is_ok(), "the mailing ZIP works too");
    assert_eq!(find("123456781234567", "97501").await, Err(vec![Problem::NumberMissingHyphen]));
    assert_eq!(
        find("1234567A-1234567", "").await,
        Err(vec![Problem::NumberNotDigits, Problem::ZipEmpty])
    );
    // A wrong ZIP and an unknown number get the same message.
    assert_eq!(find("12345678-1234567", "97999").await, Err(vec![Problem::NoMatch]));
    assert_eq!(find("12345678-1111111", "97501").await, Err(vec![Problem::NoMatch]));
}

#[tokio::test]
async fn lookups_are_throttled_per_address_and_per_account_number() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    for _ in 0..5 {
        assert_eq!(
            service::find_account(&t.db, "10.0.0.2", "12345678-1234567", "11111").await.unwrap(),
            Err(vec![Problem::NoMatch])
        );
    }
    // Blocked now, even with the right numbers, from that address and for that account.
    assert!(
        matches!(service::find_account(&t.db, "10.0.0.2", "23456789-2345678", "97502").await.unwrap(), Err(p) if matches!(p[..], [Problem::TryLater(m)] if (1..=15).contains(&m)))
    );
    assert!(
        matches!(service::find_account(&t.db, "10.9.9.9", "12345678-1234567", "97501").await.unwrap(), Err(p) if matches!(p[..], [Problem::TryLater(_)]))
    );
    // Another address and another account are not affected.
    assert!(service::find_account(&t.db, "10.9.9.9", "23456789-2345678", "97502")
        .await
        .unwrap()
        .is_ok());
}

#[tokio::test]
async fn a_customer_registers_once_and_an_email_holds_one_login() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let account = service::find_account(&t.db, "10.0.0.3", "12345678-1234567", "97501")
        .await
        .unwrap()
        .unwrap();
    let id = service::create_login(
        &t.db,
        &crate::helpers::caller(),
        account,
        login("Alex@Example.com ", "river stones at dawn"),
    )
    .await
    .unwrap();
    assert!(id.is_ok());
    // The customer's other account is already covered by that login.
    assert_eq!(
        service::find_account(&t.db, "10.0.0.3", "12345678-7654321", "97504").await.unwrap(),
        Err(vec![Problem::AlreadyRegistered])
    );
    let other = service::find_account(&t.db, "10.0.0.3", "23456789-2345678", "97502")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        service::create_login(
            &t.db,
            &crate::helpers::caller(),
            other,
            login("alex@example.com", "another long phrase")
        )
        .await
        .unwrap(),
        Err(vec![Problem::EmailTaken])
    );
    // Even a login created behind the check's back (another tab) is refused by the database.
    assert_eq!(
        service::create_login(
            &t.db,
            &crate::helpers::caller(),
            account,
            login("second@example.com", "river stones at dawn")
        )
        .await
        .unwrap(),
        Err(vec![Problem::AlreadyRegistered])
    );
}

#[tokio::test]
async fn new_passwords_follow_the_rules_and_nothing_is_stored_when_refused() {
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let account = service::find_account(&t.db, "10.0.0.4", "12345678-1234567", "97501")
        .await
        .unwrap()
        .unwrap();
    let cases = [
        (login("alex@example.com", "short"), vec![Problem::PasswordTooShort]),
        (login("alex@example.com", "1qaz2wsx3edc"), vec![Problem::PasswordCommon]),
        (
            login("riverside@example.com", "my riverside garden"),
            vec![Problem::PasswordContainsEmail],
        ),
        (login("not an email", "river stones at dawn"), vec![Problem::EmailFormat]),
        (
            NewLogin {
                password_confirm: "river stones at dusk",
                ..login("alex@example.com", "river stones at dawn")
            },
            vec![Problem::PasswordMismatch],
        ),
        (
            NewLogin { accepted_terms: false, ..login("alex@example.com", "river stones at dawn") },
            vec![Problem::TermsNeeded],
        ),
    ];
    for (new, expected) in cases {
        assert_eq!(
            service::create_login(&t.db, &crate::helpers::caller(), account, new).await.unwrap(),
            Err(expected)
        );
    }
    assert_eq!(crate::helpers::count(&t.db, "logins").await, 0);
}

#[tokio::test]
async fn ten_failed_sign_ins_lock_the_login_email_the_owner_once_and_unknown_emails_look_the_same()
{
    let t = fresh_db().await;
    with_demo(&t.db).await;
    let mailer = app::email::Mailer::from_config(&crate::helpers::test_config()).unwrap();
    let email = crate::helpers::unique_email("alex");
    let account = service::find_account(&t.db, "10.0.0.5", "12345678-1234567", "97501")
        .await
        .unwrap()
        .unwrap();
    service::create_login(
        &t.db,
        &crate::helpers::caller(),
        account,
        login(&email, "river stones at dawn"),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(service::sign_in(
        &t.db,
        &mailer,
        &crate::helpers::caller(),
        &email.to_uppercase(),
        "river stones at dawn"
    )
    .await
    .unwrap()
    .is_ok());
    assert_eq!(
        service::sign_in(
            &t.db,
            &mailer,
            &crate::helpers::caller(),
            "nobody@example.com",
            "whatever it is"
        )
        .await
        .unwrap(),
        Err(Problem::SignInFailed)
    );
    for _ in 0..9 {
        assert_eq!(
            service::sign_in(&t.db, &mailer, &crate::helpers::caller(), &email, "wrong guess here")
                .await
                .unwrap(),
            Err(Problem::SignInFailed)
        );
    }
    // The tenth failure starts the lockout and says so.
    assert!(matches!(
        service::sign_in(&t.db, &mailer, &crate::helpers::caller(), &email, "wrong guess here")
            .await
            .unwrap(),
        Err(Problem::Locked(_))
    ));
    assert!(matches!(
        service::sign_in(&t.db, &mailer, &crate::helpers::caller(), &email, "river stones at dawn")
            .await
            .unwrap(),
        Err(Problem::Locked(_))
    ));
    mailer.deliver_pending(&t.db).await.unwrap();
    let mail = crate::helpers::inbox(&t.db, &email, 1).await;
    assert_eq!(mail.len(), 1, "one lockout email, however many attempts follow");
    assert!(mail[0].subject.starts_with("Sign-in paused"));
    assert!(
        mail[0].text.contains("15 minutes")
            && mail[0].text.contains(&format!("http://portal.test{}", app::paths::FORGOT_PASSWORD))
    );
}

#[tokio::test]
async fn the_whole_journey_works_without_javascript() {
    let app = spawn_app().await;
    with_demo(&app.db).await;

    // A mistake comes back to the form, with the message and what was typed.
    let r = app
        .post_form("find_account", "/register", &[("number", "123456781234567"), ("zip", "97501")])
        .await;
    assert_eq!(
        (r.status().as_u16(), location(&r).as_str()),
        (302, format!("{}{}", app.base, app::paths::REGISTER).as_str())
    );
    let page = app.page(app::paths::REGISTER).await;
    assert!(page.contains("Separate the customer number and the account number with a hyphen"));
    assert!(page.contains("value=\"123456781234567\""));
    // Shown once.
    assert!(!app.page(app::paths::REGISTER).await.contains("with a hyphen, for"));

    let r = app
        .post_form("find_account", "/register", &[("number", "12345678-1234567"), ("zip", "97501")])
        .await;
    assert_eq!(location(&r), "/register/login");
    let page = app.page("/register/login").await;
    assert!(page.contains("12345678-1234567"), "the found account is shown");

    let r = app
        .post_form(
            "create_login",
            "/register/login",
            &[
                ("email", "alex@example.com"),
                ("password", "river stones at dawn"),
                ("password_confirm", "river stones at dawn"),
                ("accept_terms", "yes"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/account");
    let cookie = session_set_cookie(&r).unwrap_or_default();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let page = app.page(app::paths::ACCOUNT).await;
    assert!(page.contains("WATER PAYMENT #"));
    assert!(
        page.contains("12345678-1234567") && page.contains("12345678-7654321"),
        "both accounts of the customer"
    );
    assert!(!page.contains("23456789-2345678"), "never another customer's account");
    assert!(page.contains("Alex Rivera"));

    let r = app.sign_out().await;
    assert_eq!(r.status().as_u16(), 302);
    let r = app.get(app::paths::ACCOUNT).await;
    assert_eq!((r.status().as_u16(), location(&r)), (302, app::paths::SIGN_IN.to_string()));

    let r = app.sign_in("alex@example.com", "wrong password!").await;
    assert!(location(&r).ends_with("/sign-in"));
    assert!(app
        .page(app::paths::SIGN_IN)
        .await
        .contains("The email address or password is not correct."));
    let r = app.sign_in("alex@example.com", "river stones at dawn").await;
    assert_eq!(location(&r), "/account");
    assert!(app.page("/account").await.contains("12345678-1234567"));
}

#[tokio::test]
async fn a_session_id_changes_at_sign_in_and_the_old_one_is_useless_after_sign_out() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    // Finding the account starts a session (it holds the found account).
    let r = app
        .post_form("find_account", "/register", &[("number", "12345678-1234567"), ("zip", "97501")])
        .await;
    let registration_session = session_pair(&r).expect("a session for the registration");
    let r = app
        .post_form(
            "create_login",
            "/register/login",
            &[
                ("email", "alex@example.com"),
                ("password", "river stones at dawn"),
                ("password_confirm", "river stones at dawn"),
                ("accept_terms", "yes"),
            ],
        )
        .await;
    let signed_in_session = session_pair(&r).expect("a session cookie at sign-in");
    assert_ne!(signed_in_session, registration_session, "signing in issues a new session id");

    let other_client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let account_with = |cookie: String| {
        let request = other_client
            .get(format!("{}{}", app.base, app::paths::ACCOUNT))
            .header("accept", "text/html")
            .header("cookie", cookie);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(
        account_with(registration_session.clone()).await,
        302,
        "the pre-sign-in id is not signed in"
    );
    assert_eq!(
        account_with(signed_in_session.clone()).await,
        200,
        "the signed-in id reaches the account"
    );
    app.sign_out().await;
    assert_eq!(account_with(signed_in_session).await, 302, "after sign-out the old id is useless");
}

/// Behind a trusted load balancer each client is throttled on its own; without that
/// setting, a forged X-Forwarded-For does not escape the throttle.
#[tokio::test]
async fn throttling_counts_real_clients_behind_trusted_proxies_only() {
    async fn lookup(app: &TestApp, forwarded_for: &str, n: u32) -> String {
        app.client
            .post(format!("{}/api/find_account", app.base))
            .header("x-forwarded-for", forwarded_for)
            .form(&[("number", format!("99999999-{:07}", n)), ("zip", "97501".to_string())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
    let behind_proxy = app::platform::Config {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..crate::helpers::test_config()
    };
    let app = crate::helpers::spawn_app_with(behind_proxy).await;
    with_demo(&app.db).await;
    for n in 0..5 {
        assert!(lookup(&app, "198.51.100.7", n).await.contains("NoMatch"));
    }
    assert!(lookup(&app, "198.51.100.7", 9).await.contains("TryLater"), "that client is throttled");
    assert!(lookup(&app, "198.51.100.8", 10).await.contains("NoMatch"), "another client is not");

    let direct = spawn_app().await;
    with_demo(&direct.db).await;
    for n in 0..5 {
        assert!(lookup(&direct, &format!("203.0.113.{n}"), n).await.contains("NoMatch"));
    }
    assert!(
        lookup(&direct, "203.0.113.99", 9).await.contains("TryLater"),
        "a forged header changes nothing"
    );
}

/// Alex's login on `app`, with the password `river stones at dawn`.
async fn alex(app: &TestApp) -> String {
    with_demo(&app.db).await;
    app.register("12345678-1234567", "97501").await.email
}

/// A sign-in form posted by a page, which names itself in `headers` (Origin, Referer).
async fn sign_in_from(app: &TestApp, email: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request =
        app.client.post(format!("{}/api/sign_in", app.base)).header("accept", "text/html");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.form(&[("email", email), ("password", "river stones at dawn")]).send().await.unwrap()
}

async fn signed_in(app: &TestApp) -> bool {
    app.get(app::paths::ACCOUNT).await.status() == 200
}

/// Login CSRF: another site's hidden form posting the attacker's credentials must not sign
/// the visitor in. (Issue 14, point 6; before: 302 to /account with a session cookie.)
#[tokio::test]
async fn a_form_from_another_site_is_refused_and_signs_nobody_in() {
    let app = spawn_app().await;
    let email = alex(&app).await;
    let own_page = format!("{}{}", app.base, app::paths::SIGN_IN);
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("origin", "https://evil.example"), ("referer", own_page.as_str())],
        vec![("referer", "https://evil.example/win-a-prize")],
        vec![("origin", "http://portal.test.evil.example")],
    ] {
        let r = sign_in_from(&app, &email, &headers).await;
        assert_eq!(r.status().as_u16(), 403, "{headers:?}");
        assert_eq!(session_set_cookie(&r), None, "no session for {headers:?}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("This form was sent from another website")
                && !page.contains("evil.example"),
            "{page}"
        );
        assert!(!signed_in(&app).await, "{headers:?}");
    }
    // In Spanish, and to a script as the error its pages show.
    let r = sign_in_from(
        &app,
        &email,
        &[("origin", "https://evil.example"), ("accept-language", "es")],
    )
    .await;
    assert!(r.text().await.unwrap().contains("Este formulario se envió desde otro sitio web"));
    let r = app
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", "https://evil.example")
        .form(&[("email", email.as_str()), ("password", "river stones at dawn")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r
        .text()
        .await
        .unwrap()
        .starts_with("ServerError|This form was sent from another website"));
    assert!(!signed_in(&app).await);

    // The portal's own pages: by the address asked for, or by its public base URL; by
    // Origin, or by Referer when a browser sends no Origin.
    let own_pages = [
        vec![("origin", app.base.clone())],
        vec![("origin", "http://portal.test".to_string())],
        vec![("referer", format!("{}{}", app.base, app::paths::SIGN_IN))],
    ];
    for headers in own_pages {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let r = sign_in_from(&app, &email, &headers).await;
        assert_eq!(location(&r), app::paths::ACCOUNT, "{headers:?}");
        assert!(session_set_cookie(&r).is_some());
        assert!(signed_in(&app).await);
        app.sign_out().await;
    }
    // Reading is never refused: a link from another site opens the page.
    let r = app
        .client
        .get(format!("{}{}", app.base, app::paths::SIGN_IN))
        .header("referer", "https://evil.example/")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// Moves the signed-in session's recorded sign-in time `secs` into the past, as if it had
/// signed in that long ago (the session store is the portal's own).
async fn age_session(app: &TestApp, session: &str, secs: i64) {
    use tower_sessions::SessionStore;
    let store =
        app::platform::sessions::Sessions::open(&crate::helpers::database_url(app)).await.unwrap();
    let id: tower_sessions::session::Id =
        session.trim_start_matches("aqueduct_session=").parse().unwrap();
    let mut record = store.load(&id).await.unwrap().expect("a stored session");
    let at = record
        .data
        .get(app::auth::session::SIGNED_IN_AT)
        .and_then(|v| v.as_i64())
        .expect("the sign-in time");
    record.data.insert(app::auth::session::SIGNED_IN_AT.into(), (at - secs).into());
    store.save(&record).await.unwrap();
}

/// "Stay Signed In" kept a session alive forever; now it ends `session_max_hours` after
/// signing in however active. (Issue 14, point 7; before: still signed in at the end.)
#[tokio::test]
async fn a_session_ends_twelve_hours_after_signing_in_however_active() {
    let app = spawn_app().await;
    let email = alex(&app).await;
    let r = app.sign_in(&email, "river stones at dawn").await;
    let session = session_pair(&r).expect("signed in");
    let twelve_hours = 12 * 3600;

    // A minute before the end: still signed in, and the page's warning is set to fire
    // before that end, saying why.
    age_session(&app, &session, twelve_hours - 60).await;
    let page = app.page(app::paths::ACCOUNT).await;
    assert!(
        page.contains("you are signed out 12 hours after signing in, even when active"),
        "{page}"
    );
    assert!(
        page.contains("there is a limit to how long a session lasts"),
        "the warning for the lifetime, not for idleness"
    );
    assert!(!page.contains("Stay Signed In"), "staying cannot help then");
    let user = app
        .client
        .post(format!("{}/api/current_user", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ends_at =
        serde_json::from_str::<serde_json::Value>(&user).ok().and_then(|u| u["ends_at"].as_i64());
    let left = ends_at.unwrap_or_else(|| panic!("{user}")) - app::platform::db::now();
    assert!((1..=60).contains(&left), "{left}");
    // Staying signed in (and being active) does not move the end.
    let stay = app
        .client
        .post(format!("{}/api/stay_signed_in", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(stay, "true");
    assert!(signed_in(&app).await);
    age_session(&app, &session, 61).await;
    assert!(!signed_in(&app).await, "past the lifetime");
    let stay = app
        .client
        .post(format!("{}/api/stay_signed_in", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(stay, "false");
    assert!(!signed_in(&app).await);

    // A fresh session is far from the end: the page warns of idleness as before.
    app.sign_in(&email, "river stones at dawn").await;
    let page = app.page("/account").await;
    assert!(
        page.contains("Stay Signed In")
            && page.contains("you are signed out 12 hours after signing in")
    );
}

#[tokio::test]
async fn a_login_race_lost_at_the_database_is_named_by_the_constraint_that_stopped_it() {
    use app::platform::passwords::PasswordHashString;
    use app::registration::data::{create_login, CreateLoginError};
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let customer = |number: &'static str| {
        let db = app.db.clone();
        async move {
            let (id,): (i64,) =
                sqlx::query_as("SELECT id FROM customers WHERE customer_number = $1")
                    .bind(number)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            id
        }
    };
    let (alex, maria) = (customer("12345678").await, customer("23456789").await);
    let hash = || PasswordHashString::from_stored("$argon2id$v=19$m=19456,t=2,p=1$x$y".into());
    let email = |text: &str| app::domain::Email::parse(text).unwrap();
    let (first, second) = (email("first@example.com"), email("second@example.com"));
    create_login(&app.db, app::domain::CustomerId(alex), &first, &hash(), "en", "t1")
        .await
        .unwrap();
    // The checks before the insert passed for both (a race): the database decides.
    let same_email =
        create_login(&app.db, app::domain::CustomerId(maria), &first, &hash(), "en", "t1").await;
    assert!(matches!(same_email, Err(CreateLoginError::EmailTaken)), "{same_email:?}");
    let same_customer =
        create_login(&app.db, app::domain::CustomerId(alex), &second, &hash(), "en", "t1").await;
    assert!(matches!(same_customer, Err(CreateLoginError::AlreadyRegistered)), "{same_customer:?}");
    assert_eq!(crate::helpers::count(&app.db, "logins").await, 1);
}
