//! Its own test binary, so that the process's count of Argon2 verifications belongs to this
//! one test: 200 wrong passwords for one email sent at once reach Argon2 at most as often
//! as the lockout allows, and the right password right after is refused too.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use app::platform::passwords::verifications_run;
use app::registration::service::{self, NewLogin};

const PASSWORD: &str = "river stones at dawn";

#[tokio::test]
async fn parallel_wrong_passwords_reach_argon2_at_most_as_often_as_the_lockout_allows() {
    // Behind a trusted proxy each guess comes from its own address, so only the per-email
    // lockout stands between the guesses and Argon2.
    let config = app::platform::Config {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..helpers::test_config()
    };
    let limit = config.limits.sign_in_failures_per_email;
    let app = helpers::spawn_app_with(config).await;
    app::import::demo::load(&app.db, app.mailer.letterhead(), time::macros::date!(2026 - 11 - 26))
        .await
        .unwrap();
    let account = service::find_account(&app.db, "192.0.2.1", "12345678-1234567", "97501")
        .await
        .unwrap()
        .unwrap();
    let email = helpers::unique_email("lockout");
    let login = NewLogin {
        email: &email,
        password: PASSWORD,
        password_confirm: PASSWORD,
        accepted_terms: true,
        locale: "en",
        terms_version: "t1",
    };
    service::create_login(&app.db, &helpers::caller(), account, login).await.unwrap().unwrap();

    let sign_in = |password: &'static str, n: u32| {
        let request = app
            .client
            .post(format!("{}/api/sign_in", app.base))
            .header("x-forwarded-for", format!("198.51.{}.{}", n / 250, n % 250 + 1))
            .form(&[("email", email.as_str()), ("password", password)]);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let before = verifications_run();
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..200 {
        guesses.spawn(sign_in("wrong guess number one", n));
    }
    let answers = guesses.join_all().await;
    let verified = verifications_run() - before;
    assert!(
        answers.iter().all(|a| a.contains("SignInFailed") || a.contains("Locked")),
        "{:?}",
        &answers[..3]
    );
    assert!(verified <= limit as u64, "{verified} Argon2 verifications ran for a limit of {limit}");
    assert!(verified >= 1, "the first guesses were checked");

    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let right = sign_in(PASSWORD, 999).await;
    assert!(right.contains("Locked"), "the right password after the burst is refused too: {right}");
}
