//! Two instances of the portal on one database, sharing nothing in memory (as two machines
//! behind a load balancer): a session started on one is honoured and ended on the other,
//! and failed sign-ins are counted across both.

use crate::helpers::{spawn_app, spawn_instance_beside, with_demo};

async fn call(
    client: &reqwest::Client,
    base: &str,
    function: &str,
    fields: &[(&str, &str)],
) -> String {
    client
        .post(format!("{base}/api/{function}"))
        .header("accept", "application/json")
        .form(fields)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn sessions_and_sign_in_throttling_hold_across_two_instances() {
    let a = spawn_app().await;
    let b = spawn_instance_beside(&a).await;
    with_demo(&a.db).await;
    let email = a.register("12345678-1234567", "97501").await.email;

    // One browser: signed in on A, it is signed in on B; signed out on B, it is out on A.
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signed = call(
        &browser,
        &a.base,
        "sign_in",
        &[("email", &email), ("password", "river stones at dawn")],
    )
    .await;
    assert!(signed.contains("\"problems\":[]"), "{signed}");
    let on_a = call(&browser, &a.base, "current_user", &[]).await;
    let on_b = call(&browser, &b.base, "current_user", &[]).await;
    assert!(
        on_a.contains("Alex Rivera") && on_b == on_a,
        "B knows the session A started: {on_a} / {on_b}"
    );
    assert!(
        call(&browser, &b.base, "get_overview", &[]).await.contains("1234567"),
        "and shows the customer's account"
    );
    call(&browser, &b.base, "sign_out", &[]).await;
    assert_eq!(
        call(&browser, &a.base, "current_user", &[]).await,
        "null",
        "signed out on B is signed out on A"
    );

    // Wrong passwords, alternating between the instances: the lock counts them all.
    let attacker = reqwest::Client::builder().cookie_store(true).build().unwrap();
    for attempt in 0..10 {
        let base = if attempt % 2 == 0 { &a.base } else { &b.base };
        let answer = call(
            &attacker,
            base,
            "sign_in",
            &[("email", &email), ("password", "wrong guess here")],
        )
        .await;
        // The tenth failure, wherever it lands, is the one that locks.
        let expected = if attempt < 9 { "SignInFailed" } else { "Locked" };
        assert!(answer.contains(expected), "attempt {attempt}: {answer}");
    }
    for base in [&a.base, &b.base] {
        let answer = call(
            &attacker,
            base,
            "sign_in",
            &[("email", &email), ("password", "river stones at dawn")],
        )
        .await;
        assert!(
            answer.contains("Locked"),
            "locked on both instances, even with the right password: {answer}"
        );
    }
}
