//! The back office's service actions: each does what the customer's own journey does (the
//! same email, to the address on file, and the same state after), refuses another
//! customer's accounts, methods and payments, and describes what it changed without a
//! secret.

use crate::helpers::{
    account_id, bank, bill, card, count, echeck, enroll, inbox, location, portal, spawn_app,
    test_config, unique_email, with_demo, Portal, Registered, TestApp, PASSWORD,
};
use app::backoffice::actions::service::{self as actions, ActionContext, ActionError, Done};
use app::backoffice::actions::{Action, ActionProblem};
use app::domain::{AccountId, CustomerId, MethodId, PaymentId, Reason};
use app::platform::Config;
use time::macros::date;

/// The staff member's side: the server's configuration and the reason given.
struct Desk {
    config: Config,
    reason: Reason,
}

impl Desk {
    fn new() -> Self {
        let reason = Reason::parse("  Customer called\nand asked for it ").unwrap();
        Self { config: test_config(), reason }
    }

    fn at<'a>(&'a self, app: &'a TestApp) -> ActionContext<'a> {
        ActionContext {
            db: &app.db,
            mailer: &app.mailer,
            config: &self.config,
            reason: &self.reason,
        }
    }
}

fn refusal(result: Result<Done, ActionError>) -> ActionProblem {
    match result {
        Err(ActionError::Refused(problem)) => problem,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Sam Chen's customer (demo data), who never registered.
async fn unregistered(app: &TestApp) -> (CustomerId, AccountId) {
    sqlx::query_as("SELECT customer_id, id FROM accounts WHERE account_number = '0034567'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn delivery(app: &TestApp, account: AccountId) -> (String, Option<String>) {
    sqlx::query_as("SELECT delivery_method, delivery_email FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

fn token_in(mail: &crate::helpers::ReceivedEmail, path: &str) -> String {
    let link = mail.link(&format!("{path}?token=")).expect("a link");
    link.split("token=").nth(1).unwrap().to_string()
}

/// A text with its link's token taken out, to compare two emails that differ only by it.
fn without(text: &str, token: &str) -> String {
    text.replace(token, "TOKEN")
}

/// Asks for email delivery of `account` to `to` as the page does (the customer's language
/// is English, as their login's).
async fn request_paperless(app: &TestApp, who: &Registered, account: AccountId, to: &str) {
    let request = app::delivery::service::EmailRequest {
        login_id: who.login_id,
        customer_id: who.customer_id,
        account_id: account,
        email: to,
        locale: "en",
    };
    app::delivery::service::request_email(&app.db, &app.mailer, request).await.unwrap().unwrap();
}

#[test]
fn a_reason_is_required_and_each_refusal_reads_in_both_languages() {
    use app::domain::reason::ReasonError;
    assert_eq!(Reason::parse(" \n "), Err(ReasonError::Empty));
    assert_eq!(Desk::new().reason.as_str(), "Customer called and asked for it");
    assert_eq!(
        ActionProblem::from(ReasonError::TooLong),
        ActionProblem::Reason(ReasonError::TooLong)
    );
    let en: serde_json::Value =
        serde_json::from_str(include_str!("../../../app/locales/en.json")).unwrap();
    let es: serde_json::Value =
        serde_json::from_str(include_str!("../../../app/locales/es.json")).unwrap();
    let (en, es) = (&en["staff_actions"], &es["staff_actions"]);
    let keys = en.as_object().expect("staff_actions in English");
    assert!(keys.len() >= 14);
    for (key, text) in keys {
        let spanish = es[key].as_str().unwrap_or_default();
        assert!(!spanish.is_empty() && spanish != text.as_str().unwrap(), "{key} in Spanish");
    }
}

#[tokio::test]
async fn resending_the_verification_emails_the_same_link_again_to_the_address_asked_for() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let desk = Desk::new();
    let alex = app.register("12345678-1234567", "97501").await;
    let maria = app.register("23456789-2345678", "97502").await;
    let paperless = unique_email("bills");
    request_paperless(&app, &alex, alex.account_id, &paperless).await;
    let asked = inbox(&app.db, &paperless, 1).await;

    let done =
        actions::resend_verification(&desk.at(&app), alex.customer_id, alex.account_id).await;
    let done = done.unwrap();
    assert_eq!(done.action, Action::ResendVerification);
    assert_eq!(done.changes[0].field, "paperless_verification");
    assert!(done.changes[0].after.contains(&paperless), "{done:?}");
    let mail = inbox(&app.db, &paperless, 2).await;
    assert_eq!(mail.len(), 2);
    let path = app::paths::VERIFY_EMAIL;
    let (first, again) = (token_in(&asked[0], path), token_in(&mail[1], path));
    assert_ne!(first, again, "a new link");
    assert_eq!(mail[1].subject, asked[0].subject);
    assert_eq!(without(&mail[1].text, &again), without(&asked[0].text, &first));
    assert!(!format!("{done:?}").contains(&again), "the audit never sees a token");
    // The new link works as the customer's own resend's would; the old one no longer.
    use app::delivery::{service::verify, Verification};
    assert_eq!(verify(&app.db, &first).await.unwrap(), Verification::Used);
    assert!(matches!(verify(&app.db, &again).await.unwrap(), Verification::Verified { .. }));
    assert_eq!(delivery(&app, alex.account_id).await, ("email".into(), Some(paperless)));

    // Another customer's account, one with no link waiting, a customer without a login.
    let tokens = count(&app.db, "one_time_tokens").await;
    let at = desk.at(&app);
    let other = actions::resend_verification(&at, alex.customer_id, maria.account_id).await;
    assert_eq!(refusal(other), ActionProblem::NotTheCustomers);
    let none = actions::resend_verification(&at, maria.customer_id, maria.account_id).await;
    assert_eq!(refusal(none), ActionProblem::NoPendingVerification);
    let used = actions::resend_verification(&at, alex.customer_id, alex.account_id).await;
    assert_eq!(refusal(used), ActionProblem::NoPendingVerification, "the link was used");
    let (sam, sams_account) = unregistered(&app).await;
    let sam = actions::resend_verification(&at, sam, sams_account).await;
    assert_eq!(refusal(sam), ActionProblem::NotRegistered);
    assert_eq!(count(&app.db, "one_time_tokens").await, tokens, "no link made");
}

#[tokio::test]
async fn resending_the_verification_keeps_the_customers_limit_per_account() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let desk = Desk::new();
    let alex = app.register("12345678-1234567", "97501").await;
    request_paperless(&app, &alex, alex.account_id, &unique_email("bills")).await;
    let at = desk.at(&app);
    for _ in 0..2 {
        actions::resend_verification(&at, alex.customer_id, alex.account_id).await.unwrap();
    }
    let fourth = actions::resend_verification(&at, alex.customer_id, alex.account_id).await;
    assert!(matches!(refusal(fourth), ActionProblem::TryLater(m) if m > 0));
}

#[tokio::test]
async fn a_password_reset_link_goes_only_to_the_email_on_file_as_forgot_password_sends_it() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let desk = Desk::new();
    let alex = app.register("12345678-1234567", "97501").await;
    let reset = app::registration::service::request_password_reset;
    reset(&app.db, &app.mailer, "192.0.2.9", &alex.email).await.unwrap().unwrap();
    let asked = inbox(&app.db, &alex.email, 1).await;

    let done = actions::send_password_reset(&desk.at(&app), alex.customer_id).await.unwrap();
    assert_eq!(done.action, Action::SendPasswordReset);
    assert_eq!(done.changes[0].after, format!("emailed to {}", alex.email));
    let mail = inbox(&app.db, &alex.email, 2).await;
    let path = app::paths::RESET_PASSWORD;
    let (first, staffs) = (token_in(&asked[0], path), token_in(&mail[1], path));
    assert_eq!(mail[1].subject, asked[0].subject);
    assert_eq!(without(&mail[1].text, &staffs), without(&asked[0].text, &first));
    assert!(!format!("{done:?}").contains(&staffs), "the audit never sees a token");
    // Nothing went anywhere but the login's own address.
    let (elsewhere,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM emails WHERE to_address <> $1")
        .bind(&alex.email)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(elsewhere, 0);
    // Only the customer can use it, to choose their own password; the older link is dead.
    let new = "a brand new river password";
    let set = app::registration::service::reset_password;
    assert!(set(&app.db, &app.mailer, &first, new, new).await.unwrap().is_err());
    set(&app.db, &app.mailer, &staffs, new, new).await.unwrap().unwrap();
    assert_eq!(app.sign_in(&alex.email, new).await.status().as_u16(), 302);

    // The same limit per address as Forgot Password: three an hour, the customer's included.
    let at = desk.at(&app);
    actions::send_password_reset(&at, alex.customer_id).await.unwrap();
    let over = actions::send_password_reset(&at, alex.customer_id).await;
    assert!(matches!(refusal(over), ActionProblem::TryLater(m) if m > 0));
    let (sam, _) = unregistered(&app).await;
    let sam = actions::send_password_reset(&at, sam).await;
    assert_eq!(refusal(sam), ActionProblem::NotRegistered);
}

#[tokio::test]
async fn unlocking_sign_in_ends_that_customers_lockout_only() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let mut desk = Desk::new();
    desk.config.limits.sign_in_failures_per_email = 3;
    let limits = desk.config.limits.clone();
    let caller = app::platform::throttle::Caller { client: "192.0.2.7", limits: &limits };
    let alex = app.register("12345678-1234567", "97501").await;
    let maria = app.register("23456789-2345678", "97502").await;
    let sign_in = |email: String, password: &'static str| {
        let (db, mailer) = (app.db.clone(), app.mailer.clone());
        async move {
            app::registration::service::sign_in(&db, &mailer, &caller, &email, password)
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert!(sign_in(alex.email.clone(), "wrong password here").await.is_err());
    }
    assert!(sign_in(maria.email.clone(), "wrong password here").await.is_err());
    use app::registration::Problem;
    assert!(matches!(sign_in(alex.email.clone(), PASSWORD).await, Err(Problem::Locked(_))));
    let at = desk.at(&app);
    let not_locked = actions::unlock_sign_in(&at, maria.customer_id).await;
    assert_eq!(refusal(not_locked), ActionProblem::NotLocked, "one failure locks nothing");

    let done = actions::unlock_sign_in(&at, alex.customer_id).await.unwrap();
    assert_eq!(done.action, Action::UnlockSignIn);
    assert_eq!(done.changes[0].field, "sign_in");
    // Three failures, then the right password refused: four attempts counted.
    assert!(done.changes[0].before.starts_with("locked (4 sign-in attempts counted)"), "{done:?}");
    assert_eq!(done.changes[0].after, "unlocked");
    assert!(sign_in(alex.email.clone(), PASSWORD).await.is_ok(), "the customer signs in again");
    // Maria's failure still counts: the action touched Alex's counter only.
    let maria_lockout = app::auth::service::lockout(&app.db, &maria.email, 3).await.unwrap();
    assert_eq!(maria_lockout.map(|l| l.failures), Some(1));
    let again = actions::unlock_sign_in(&at, alex.customer_id).await;
    assert_eq!(refusal(again), ActionProblem::NotLocked);
    let (sam, _) = unregistered(&app).await;
    assert_eq!(refusal(actions::unlock_sign_in(&at, sam).await), ActionProblem::NotRegistered);
}

/// Alex and Maria with AutoPay on a bank account each (Alex on both accounts), and a bill
/// due on each of Alex's accounts on June 20, 2027.
struct Enrolled {
    p: Portal,
    alex: Registered,
    maria: Registered,
    alex_accounts: [AccountId; 2],
    maria_account: AccountId,
}

async fn enrolled() -> Enrolled {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await;
    let maria = p.app.register("23456789-2345678", "97502").await;
    let alex_accounts = [account_id(&p.app, "1234567").await, account_id(&p.app, "7654321").await];
    let maria_account = account_id(&p.app, "2345678").await;
    let bank_of_alex = p.app.add_method(alex.customer_id, &bank()).await.unwrap();
    let bank_of_maria = echeck("021000021", "99887766", "99887766");
    let bank_of_maria = p.app.add_method(maria.customer_id, &bank_of_maria).await.unwrap();
    let rule = Default::default();
    for account in alex_accounts {
        enroll(&p, alex.customer_id, account, bank_of_alex, &rule).await;
    }
    enroll(&p, maria.customer_id, maria_account, bank_of_maria, &rule).await;
    bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    bill(&p.app, "7654321", "2027-06-01", "2027-06-20", 4100).await;
    Enrolled { p, alex, maria, alex_accounts, maria_account }
}

async fn active(app: &TestApp, customer: CustomerId, account: AccountId) -> bool {
    app::autopay::data::active_enrollment(&app.db, customer, account).await.unwrap().is_some()
}

#[tokio::test]
async fn cancelling_autopay_for_the_customer_sends_the_email_of_their_own_cancel() {
    let Enrolled { p, alex, maria, alex_accounts: [first, second], maria_account } =
        enrolled().await;
    let desk = Desk::new();
    let at = desk.at(&p.app);
    let other = actions::cancel_autopay(&at, alex.customer_id, maria_account).await;
    assert_eq!(refusal(other), ActionProblem::NotTheCustomers);
    assert!(active(&p.app, maria.customer_id, maria_account).await, "Maria's AutoPay stays");

    // The customer cancels one account themselves; the staff member the other.
    let own = app::autopay::service::cancel(&p.app.db, &p.app.mailer, alex.customer_id, second);
    own.await.unwrap().unwrap();
    let done = actions::cancel_autopay(&at, alex.customer_id, first).await.unwrap();
    assert_eq!(done.action, Action::CancelAutopay);
    assert_eq!(done.changes[0].field, "autopay");
    assert!(done.changes[0].before.starts_with("active on 12345678-1234567 (reference AP-"));
    assert_eq!(done.changes[0].after, "cancelled");
    assert!(!active(&p.app, alex.customer_id, first).await);

    let mail = inbox(&p.app.db, &alex.email, 4).await;
    let cancelled: Vec<_> =
        mail.iter().filter(|m| m.subject.starts_with("Your AutoPay was cancelled")).collect();
    assert_eq!(cancelled.len(), 2, "{mail:?}");
    let reference = |account: &str| {
        let text = &cancelled.iter().find(|m| m.text.contains(account)).unwrap().text;
        let at = text.find("AP-").unwrap();
        (text.clone(), text[at..at + 13].to_string())
    };
    let (theirs, their_ref) = reference("12345678-7654321");
    let (staffs, staff_ref) = reference("12345678-1234567");
    assert_eq!(
        staffs.replace("12345678-1234567", "ACCOUNT").replace(&staff_ref, "REF"),
        theirs.replace("12345678-7654321", "ACCOUNT").replace(&their_ref, "REF"),
        "the same email as the customer's own cancel"
    );
    // Nothing is drafted after either cancel; Maria's AutoPay still drafts.
    bill(&p.app, "2345678", "2027-06-01", "2027-06-20", 3000).await;
    assert_eq!(p.run(date!(2027 - 06 - 20)).await.payments_created, 1);
    let again = actions::cancel_autopay(&at, alex.customer_id, first).await;
    assert_eq!(refusal(again), ActionProblem::NotEnrolled);
}

#[tokio::test]
async fn switching_to_paper_for_the_customer_does_what_the_delivery_page_does() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let desk = Desk::new();
    let at = desk.at(&app);
    let alex = app.register("12345678-1234567", "97501").await;
    let maria = app.register("23456789-2345678", "97502").await;
    let (first, second) = (account_id(&app, "1234567").await, account_id(&app, "7654321").await);
    // Both of Alex's accounts and Maria's on email delivery, each verified.
    let on_email = |who: &'static str| unique_email(who);
    let addresses = [on_email("alex-one"), on_email("alex-two"), on_email("maria")];
    let owners = [(&alex, first), (&alex, second), (&maria, maria.account_id)];
    for ((who, account), to) in owners.into_iter().zip(&addresses) {
        request_paperless(&app, who, account, to).await;
        let mail = inbox(&app.db, to, 1).await;
        let token = token_in(&mail[0], app::paths::VERIFY_EMAIL);
        app::delivery::service::verify(&app.db, &token).await.unwrap();
    }
    let other = actions::switch_to_paper(&at, alex.customer_id, maria.account_id).await;
    assert_eq!(refusal(other), ActionProblem::NotTheCustomers);
    assert_eq!(delivery(&app, maria.account_id).await.0, "email", "Maria's stays on email");

    // Alex goes back to paper on the page for one account; the staff member does the other.
    let page = app::delivery::service::choose_paper(&app.db, &app.mailer, alex.customer_id, second);
    page.await.unwrap().unwrap();
    let done = actions::switch_to_paper(&at, alex.customer_id, first).await.unwrap();
    assert_eq!(done.action, Action::SwitchToPaper);
    assert_eq!(done.changes[0].before, format!("email to {}", addresses[0]));
    assert_eq!(done.changes[0].after, "paper");
    assert_eq!(delivery(&app, first).await, delivery(&app, second).await);
    assert_eq!(delivery(&app, first).await, ("paper".into(), None));
    let staffs = inbox(&app.db, &addresses[0], 2).await;
    let theirs = inbox(&app.db, &addresses[1], 2).await;
    assert!(staffs[1].subject.starts_with("Your bills will come on paper"));
    assert_eq!(staffs[1].subject, theirs[1].subject);
    assert_eq!(
        staffs[1].text.replace("12345678-1234567", "ACCOUNT"),
        theirs[1].text.replace("12345678-7654321", "ACCOUNT"),
        "the notice the page sends"
    );

    // A link still waiting stops working, as the page's "paper" makes it.
    let waiting = unique_email("waiting");
    request_paperless(&app, &alex, first, &waiting).await;
    let token = token_in(&inbox(&app.db, &waiting, 1).await[0], app::paths::VERIFY_EMAIL);
    let done = actions::switch_to_paper(&at, alex.customer_id, first).await.unwrap();
    assert_eq!(done.changes[0].before, format!("paper (verification pending for {waiting})"));
    use app::delivery::{service::verify, Verification};
    assert_eq!(verify(&app.db, &token).await.unwrap(), Verification::Used);
    assert_eq!(delivery(&app, first).await, ("paper".into(), None));
    let again = actions::switch_to_paper(&at, alex.customer_id, first).await;
    assert_eq!(refusal(again), ActionProblem::AlreadyOnPaper);
}

#[tokio::test]
async fn removing_a_method_for_the_customer_does_what_my_wallet_does() {
    let Enrolled { p, alex, maria, alex_accounts, .. } = enrolled().await;
    let desk = Desk::new();
    let at = desk.at(&p.app);
    let app = &p.app;
    let methods = |customer| async move {
        let listed = app::wallet::data::methods(&app.db, customer).await.unwrap();
        listed.into_iter().map(|m| (m.id, m.is_default)).collect::<Vec<(MethodId, bool)>>()
    };
    let bank = methods(alex.customer_id).await[0].0;
    let maria_bank = methods(maria.customer_id).await[0].0;
    let card = card("credit", "4111111111111111", "04/30", "123");
    let card = app.add_method(alex.customer_id, &card).await.unwrap();

    let other = actions::remove_payment_method(&at, alex.customer_id, maria_bank, None).await;
    assert_eq!(refusal(other), ActionProblem::NotTheCustomers);
    assert_eq!(methods(maria.customer_id).await.len(), 1, "Maria's method stays");
    // AutoPay pays with the bank account: a replacement is needed, and one of Alex's own.
    let bare = actions::remove_payment_method(&at, alex.customer_id, bank, None).await;
    assert_eq!(refusal(bare), ActionProblem::NeedsReplacement);
    let hers = actions::remove_payment_method(&at, alex.customer_id, bank, Some(maria_bank));
    assert_eq!(refusal(hers.await), ActionProblem::ReplacementInvalid);
    assert_eq!(methods(alex.customer_id).await.len(), 2, "nothing removed");

    let done = actions::remove_payment_method(&at, alex.customer_id, bank, Some(card)).await;
    let done = done.unwrap();
    assert_eq!(done.action, Action::RemovePaymentMethod);
    let fields: Vec<_> = done.changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, ["payment_method", "autopay_method"]);
    assert!(done.changes[0].before.starts_with("Checking *****6789"), "{done:?}");
    assert_eq!(done.changes[1].after, "Visa *****1111 | Exp 04/30");
    let described = format!("{done:?}");
    assert!(!described.contains("123456789") && !described.contains("4111111111111111"));
    // As My Wallet leaves it: the card is left, default, and AutoPay pays with it.
    assert_eq!(methods(alex.customer_id).await, vec![(card, true)]);
    for account in alex_accounts {
        let e = app::autopay::data::active_enrollment(&app.db, alex.customer_id, account);
        assert_eq!(e.await.unwrap().unwrap().payment_method_id, card);
    }
    let removed = actions::remove_payment_method(&at, alex.customer_id, bank, None).await;
    assert_eq!(refusal(removed), ActionProblem::NotTheCustomers, "already removed");
}

/// The emails to `to` whose subject starts with `subject` and whose text names `needle`,
/// once there are at least `n` of them (or 10 s have passed), oldest first.
async fn emails_of(
    app: &TestApp,
    to: &str,
    n: usize,
    subject: &str,
    needle: &str,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for _ in 0..100 {
        let mail = inbox(&app.db, to, 0).await;
        let of =
            mail.into_iter().filter(|m| m.subject.starts_with(subject) && m.text.contains(needle));
        found = of.map(|m| (m.subject, m.text)).collect();
        if found.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    found
}

async fn payment_of(app: &TestApp, account: AccountId, channel: &str) -> (PaymentId, String) {
    sqlx::query_as("SELECT id, status FROM payments WHERE account_id = $1 AND channel = $2")
        .bind(account)
        .bind(channel)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn resending_a_receipt_sends_autopays_receipt_again_and_none_for_a_declined_payment() {
    let Enrolled { p, alex, maria, alex_accounts: [first, second], maria_account } =
        enrolled().await;
    let desk = Desk::new();
    let at = desk.at(&p.app);
    // The second account pays by card, which the processor declines.
    let declined = card("credit", "4000000000000002", "04/30", "123");
    let declined = p.app.add_method(alex.customer_id, &declined).await.unwrap();
    sqlx::query("UPDATE autopay_enrollments SET payment_method_id = $1 WHERE account_id = $2")
        .bind(declined)
        .bind(second)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    bill(&p.app, "2345678", "2027-06-01", "2027-06-20", 3000).await;
    let report = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((report.payments_created, report.cards_declined), (3, 1));
    let (paid, status) = payment_of(&p.app, first, "autopay").await;
    assert_eq!(status, "submitted");
    let sent = emails_of(&p.app, &alex.email, 1, "AutoPay receipt", "12345678-1234567").await;
    assert_eq!(sent.len(), 1, "the run's receipt");

    let done = actions::resend_receipt(&at, alex.customer_id, paid).await.unwrap();
    assert_eq!(done.action, Action::ResendReceipt);
    let reference = app::domain::payment::reference(paid.0);
    assert_eq!(done.changes[0].after, format!("{reference} emailed to {}", alex.email));
    let both = emails_of(&p.app, &alex.email, 2, "AutoPay receipt", "12345678-1234567").await;
    assert_eq!(both.len(), 2);
    assert_eq!(both[1], both[0], "the same receipt, word for word");

    let (failed, status) = payment_of(&p.app, second, "autopay").await;
    assert_eq!(status, "failed");
    let none = actions::resend_receipt(&at, alex.customer_id, failed).await;
    assert_eq!(refusal(none), ActionProblem::NoReceipt);
    let (hers, _) = payment_of(&p.app, maria_account, "autopay").await;
    let other = actions::resend_receipt(&at, alex.customer_id, hers).await;
    assert_eq!(refusal(other), ActionProblem::NotTheCustomers);
    let missing = actions::resend_receipt(&at, alex.customer_id, PaymentId(999_999)).await;
    assert_eq!(refusal(missing), ActionProblem::NotTheCustomers);
    let maria_receipts = emails_of(&p.app, &maria.email, 1, "AutoPay receipt", "").await;
    assert_eq!(maria_receipts.len(), 1, "only the run's receipt reached Maria");
    assert_eq!(emails_of(&p.app, &alex.email, 3, "AutoPay receipt", "").await.len(), 2);
}

/// Pays the balance of `account` today by `method` through Submit Payment, signed in.
async fn pay_now(app: &TestApp, method: MethodId, account: AccountId) {
    use app::pay::{LineForm, PayForm};
    let form = PayForm {
        key: format!("staff-{}", app::platform::tokens::random_token()),
        date: time::OffsetDateTime::now_utc().date().to_string(),
        method: Some(method),
        new: None,
        again: false,
        lines: vec![LineForm {
            account_id: account,
            pay: true,
            other_chosen: false,
            other: String::new(),
        }],
    };
    let referer = format!("/billing/pay/review?{}", form.query());
    let r = app.post_form("submit_payment", &referer, &[("form", &form.query())]).await;
    assert!(location(&r).starts_with("/billing/pay/done?ref="), "{}", location(&r));
}

#[tokio::test]
async fn resending_a_receipt_sends_a_one_time_payments_own_email_again() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let desk = Desk::new();
    let due = (time::OffsetDateTime::now_utc().date() + time::Duration::days(20)).to_string();
    sqlx::query("UPDATE bills SET due_date = $1 WHERE balance_cents > 0")
        .bind(&due)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let alex = app.register("12345678-1234567", "97501").await;
    let (first, second) = (account_id(&app, "1234567").await, account_id(&app, "7654321").await);
    let visa = card("credit", "4111111111111111", "04/30", "123");
    let visa = app.add_method(alex.customer_id, &visa).await.unwrap();
    let checking = app.add_method(alex.customer_id, &bank()).await.unwrap();
    assert_eq!(app.sign_in(&alex.email, PASSWORD).await.status().as_u16(), 302);
    pay_now(&app, visa, first).await;
    pay_now(&app, checking, second).await;
    let at = desk.at(&app);
    // A card paid at once ("Payment receipt"), an e-check on its way ("Payment received").
    for (account, subject) in [(first, "Payment receipt"), (second, "Payment received")] {
        let (payment, _) = payment_of(&app, account, "one_time").await;
        let reference = app::domain::payment::reference(payment.0);
        let sent = emails_of(&app, &alex.email, 1, subject, &reference).await;
        assert_eq!(sent.len(), 1, "{subject}");
        actions::resend_receipt(&at, alex.customer_id, payment).await.unwrap();
        let twice = emails_of(&app, &alex.email, 2, subject, &reference).await;
        assert_eq!(twice.len(), 2, "{subject}");
        assert_eq!(twice[1], twice[0], "the same email, word for word: {subject}");
    }
}
