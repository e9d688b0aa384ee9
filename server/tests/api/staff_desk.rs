//! The back office over HTTP, as an agent's browser without JavaScript uses it: find the
//! customer by a number read out on the phone, open their page, act with a reason (none
//! given: nothing done), and every search, page view and action in the audit log.

use crate::helpers::{browser, caller, location, spawn_app, with_demo, PASSWORD};
use crate::staff::signed_in_staff;
use app::domain::staff::StaffRole;

/// The agent's form for `action` on the customer's page.
async fn act(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    customer: &str,
    action: &str,
    extra: &[(&str, &str)],
) -> String {
    let page = format!("/staff/customers/{customer}");
    let mut fields = vec![("customer", customer), ("action", action)];
    fields.extend_from_slice(extra);
    let r = app.post_form_as(client, "staff_act", &page, &fields).await;
    assert_eq!(location(&r), page, "back to the customer's page");
    app.page_as(client, &page).await
}

#[tokio::test]
async fn an_agent_finds_a_caller_by_spoken_number_unlocks_them_and_each_step_is_logged() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await;
    let (db, mailer, caller) = (&app.db, &app.mailer, caller());
    for _ in 0..10 {
        let wrong = "not the password at all";
        let r = app::registration::service::sign_in(db, mailer, &caller, &alex.email, wrong);
        assert!(r.await.unwrap().is_err());
    }
    let (agent, _) = signed_in_staff(&app, StaffRole::Agent).await;

    let found = app.page_as(&agent.client, "/staff/customers?q=1234+5678+123+4567").await;
    let link = format!("/staff/customers/{}", alex.customer_id);
    assert!(found.contains(&link) && found.contains("Alex Rivera"), "{found}");
    let refused = app.page_as(&agent.client, "/staff/customers?q=x").await;
    assert!(refused.contains("at least two letters or digits"), "{refused}");

    let page = app.page_as(&agent.client, &link).await;
    assert!(
        page.contains("Unlock sign-in") && page.contains("Locked by failed sign-ins until"),
        "{page}"
    );
    let customer = alex.customer_id.to_string();
    let page = act(&app, &agent.client, &customer, "unlock-sign-in", &[("reason", "  ")]).await;
    assert!(page.contains("Not done:") && page.contains("Enter the reason"), "{page}");
    assert!(page.contains("Locked by failed sign-ins until"), "nothing was done without a reason");

    let reason = [("reason", "Caller verified, asked to be unlocked")];
    let page = act(&app, &agent.client, &customer, "unlock-sign-in", &reason).await;
    assert!(page.contains("Done:") && page.contains("Not locked"), "{page}");
    let r = app.sign_in(&alex.email, PASSWORD).await;
    assert_eq!(location(&r), "/account", "the customer signs in again");

    let rows: Vec<(String, Option<i64>, Option<String>, String)> =
        sqlx::query_as("SELECT action, customer_id, reason, details FROM audit_log ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "enrolled",
            "sign-in",
            "search",
            "view-customer",
            "view-customer",
            "customer-action",
            "customer-action",
            "view-customer"
        ],
        "a refused search, and an action refused for want of a reason, change nothing: {rows:?}"
    );
    assert!(rows[2].3.contains("1234 5678 123 4567"), "what was searched: {}", rows[2].3);
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM audit_log ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let (asked, answer) = (&rows[5], &rows[6]);
    for row in [asked, answer] {
        assert_eq!(row.1, Some(alex.customer_id.0));
        assert_eq!(row.2.as_deref(), Some("Caller verified, asked to be unlocked"));
    }
    let asked_details: serde_json::Value = serde_json::from_str(&asked.3).unwrap();
    assert_eq!(asked_details["action"], "unlock-sign-in");
    assert_eq!(asked_details["stage"], "asked", "written before the action");
    let details: serde_json::Value = serde_json::from_str(&answer.3).unwrap();
    assert_eq!(details["stage"], "done");
    assert_eq!(details["asked"], ids[5].0, "the outcome names the row written ahead");
    assert!(answer.3.contains("unlock-sign-in") && answer.3.contains("unlocked"), "{}", answer.3);
}

#[tokio::test]
async fn an_action_on_another_customers_account_is_refused_and_a_visitor_gets_no_page() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await;
    let maria = app.register("23456789-2345678", "97502").await;
    let (agent, _) = signed_in_staff(&app, StaffRole::Agent).await;
    let customer = alex.customer_id.to_string();
    let account = maria.account_id.to_string();
    let extra = [("account", account.as_str()), ("reason", "Customer asked")];
    let page = act(&app, &agent.client, &customer, "switch-to-paper", &extra).await;
    assert!(page.contains("Not done:"), "{page}");
    let garbled = act(&app, &agent.client, &customer, "switch-to-paper", &[("reason", "x")]).await;
    assert!(garbled.contains("Not done:"), "no account named: {garbled}");

    let visitor = app.page_as(&browser(), &format!("/staff/customers/{customer}")).await;
    assert!(!visitor.contains("Alex Rivera") && !visitor.contains("12345678"), "{visitor}");
    let search = app.page_as(&browser(), "/staff/customers?q=Rivera").await;
    assert!(!search.contains("Alex Rivera"), "{search}");
    let nobody = app.page_as(&agent.client, "/staff/customers/999999").await;
    assert!(nobody.contains("There is no such customer"), "{nobody}");
}

#[tokio::test]
async fn an_action_whose_trace_cannot_be_written_first_is_not_taken_and_a_refusal_is_traced() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await;
    let (db, mailer, caller) = (&app.db, &app.mailer, caller());
    for _ in 0..10 {
        let r = app::registration::service::sign_in(db, mailer, &caller, &alex.email, "wrong one");
        assert!(r.await.unwrap().is_err());
    }
    let (agent, _) = signed_in_staff(&app, StaffRole::Agent).await;
    let customer = alex.customer_id.to_string();
    let page = format!("/staff/customers/{customer}");
    let fields = [
        ("customer", customer.as_str()),
        ("action", "unlock-sign-in"),
        ("reason", "Caller verified"),
    ];
    // The audit log cannot be written: the action must not happen without its trace.
    let away = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    sqlx::query(&away("audit_log", "audit_log_away")).execute(&app.db.pool).await.unwrap();
    app.post_form_as(&agent.client, "staff_act", &page, &fields).await;
    sqlx::query(&away("audit_log_away", "audit_log")).execute(&app.db.pool).await.unwrap();
    let r = app.sign_in(&alex.email, PASSWORD).await;
    assert_ne!(location(&r), "/account", "still locked: nothing was done untraced");

    // Refused (a customer not locked): asked, then refused with why.
    let maria = app.register("23456789-2345678", "97502").await;
    let other = maria.customer_id.to_string();
    act(&app, &agent.client, &other, "unlock-sign-in", &[("reason", "Asked")]).await;
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT details FROM audit_log WHERE action = 'customer-action' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let stages: Vec<serde_json::Value> =
        rows.iter().map(|r| serde_json::from_str::<serde_json::Value>(&r.0).unwrap()).collect();
    let stage: Vec<&str> = stages.iter().map(|d| d["stage"].as_str().unwrap()).collect();
    assert_eq!(stage, ["asked", "refused"], "{rows:?}");
    assert_eq!(stages[1]["outcome"], "NotLocked");
}
