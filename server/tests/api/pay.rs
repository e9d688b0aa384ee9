//! Pay Now: a signed-in customer pays one or two accounts once, by card or e-check, today
//! or scheduled; the form key makes a double click, a refresh and two instances one
//! payment; bad input is refused in the customer's language and stores nothing.

use crate::helpers::{
    card, count, echeck, location, spawn_app_validated_by, spawn_instance_beside, test_config,
    with_demo, TestApp, PASSWORD,
};
use app::autopay::run::{self, RunContext};
use app::domain::payment::AmountProblem;
use app::domain::{AccountId, Cents, CustomerId, MethodId};
use app::domain::{BankAccountNumber, BankAccountType, RoutingNumber};
use app::gateway::{
    sandbox_accounts, sandbox_cards, BankAccountValidator, Gateway, Validation, Validator,
    ValidatorError,
};
use app::pay::{LineForm, NewMethod, PayForm};
use app::platform::vault::Vault;
use app::platform::Config;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use time::{Date, Duration};

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Alex, signed in, with the newest bills of both accounts due in 20 days: (app, customer
/// id, the two account ids).
struct Payer {
    app: TestApp,
    config: Config,
    customer_id: CustomerId,
    email: String,
    accounts: [AccountId; 2],
    _folder: tempfile::TempDir,
}

async fn payer_with(config: impl FnOnce(&mut Config)) -> Payer {
    payer_validated_by(config, Validator::sandbox()).await
}

async fn payer_validated_by(config: impl FnOnce(&mut Config), validator: Validator) -> Payer {
    let folder = tempfile::tempdir().unwrap();
    let mut c = test_config();
    c.autopay.nacha_folder = folder.path().to_path_buf();
    c.autopay.prenotes = false;
    config(&mut c);
    let app = spawn_app_validated_by(c.clone(), validator).await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await;
    let due = (today() + Duration::days(20)).to_string();
    sqlx::query("UPDATE bills SET due_date = $1 WHERE balance_cents > 0")
        .bind(&due)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let accounts: Vec<(AccountId,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE customer_id = $1 ORDER BY account_number")
            .bind(alex.customer_id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(app.sign_in(&alex.email, PASSWORD).await.status().as_u16(), 302);
    Payer {
        app,
        config: c,
        customer_id: alex.customer_id,
        email: alex.email.clone(),
        accounts: [accounts[0].0, accounts[1].0],
        _folder: folder,
    }
}

async fn payer() -> Payer {
    payer_with(|_| {}).await
}

impl Payer {
    async fn add_card(&self, number: &str) -> MethodId {
        self.app
            .add_method(self.customer_id, &card("credit", number, "04/30", "123"))
            .await
            .unwrap()
    }

    async fn add_bank(&self) -> MethodId {
        self.add_bank_numbered("11112222").await
    }

    async fn add_bank_numbered(&self, number: &str) -> MethodId {
        let bank = echeck("021000021", number, number);
        self.app.add_method(self.customer_id, &bank).await.unwrap()
    }

    /// A filled-in form paying the balance of `accounts` today with `method`.
    fn form(&self, method: MethodId, accounts: &[AccountId]) -> PayForm {
        PayForm {
            key: format!("test-key-{}", app::platform::tokens::random_token()),
            date: today().to_string(),
            method: Some(method),
            new: None,
            again: false,
            lines: accounts
                .iter()
                .map(|id| LineForm {
                    account_id: *id,
                    pay: true,
                    other_chosen: false,
                    other: String::new(),
                })
                .collect(),
        }
    }

    /// The Pay form with a new method chosen instead of a saved one.
    fn form_new(&self, new: NewMethod, accounts: &[AccountId]) -> PayForm {
        PayForm { method: None, new: Some(new), ..self.form(MethodId(0), accounts) }
    }

    /// The review's entry form of a new method, posted (without JavaScript): where the
    /// browser goes next.
    async fn enter(&self, form: &PayForm, fields: &[(&str, &str)]) -> String {
        let referer = format!("/billing/pay/review?{}", form.query());
        let query = form.query();
        let mut all = fields.to_vec();
        all.push(("pay_form", &query));
        let r = self.app.post_form("enter_pay_method", &referer, &all).await;
        assert_eq!(r.status().as_u16(), 302, "{:?}", r.text().await);
        // A problem goes back to the referer, which leptos names in full.
        location(&r).trim_start_matches(&self.app.base).to_string()
    }

    async fn review(&self, form: &PayForm) -> String {
        let r = self.app.get(&format!("/billing/pay/review?{}", form.query())).await;
        assert_eq!(r.status().as_u16(), 200);
        r.text().await.unwrap()
    }

    /// Submit Payment: where the browser goes next.
    async fn submit(&self, form: &PayForm) -> String {
        let referer = format!("/billing/pay/review?{}", form.query());
        let r = self.app.post_form("submit_payment", &referer, &[("form", &form.query())]).await;
        assert_eq!(r.status().as_u16(), 302, "{:?}", r.text().await);
        location(&r)
    }

    async fn balance(&self, account: AccountId) -> i64 {
        let (b,): (i64,) = sqlx::query_as(
            "SELECT balance_cents FROM bills WHERE account_id = $1 ORDER BY bill_date DESC LIMIT 1",
        )
        .bind(account)
        .fetch_one(&self.app.db.pool)
        .await
        .unwrap();
        b
    }

    async fn statuses(&self) -> Vec<(AccountId, String, i64)> {
        sqlx::query_as(
            "SELECT account_id, status, amount_cents FROM payments WHERE channel = 'one_time' ORDER BY id",
        )
        .fetch_all(&self.app.db.pool)
        .await
        .unwrap()
    }

    async fn run(&self, day: Date) -> app::autopay::run::RunReport {
        let vault = Vault::from_config(&self.config).unwrap();
        let gateway = Gateway::sandbox();
        let ctx = RunContext {
            db: &self.app.db,
            mailer: &self.app.mailer,
            vault: &vault,
            gateway: &gateway,
            config: &self.config.autopay,
        };
        run::run(&ctx, day).await.unwrap()
    }
}

#[tokio::test]
async fn a_card_payment_is_charged_at_once_confirmed_and_receipted() {
    let p = payer().await;
    let card = p.add_card("4111111111111111").await;
    let balance = p.balance(p.accounts[0]).await;
    let page =
        p.app.get(&format!("/billing/pay?account={}", p.accounts[0])).await.text().await.unwrap();
    assert!(page.contains("Make a Payment") && page.contains("Current balance"), "{page}");

    let form = p.form(card, &[p.accounts[0]]);
    let review = p.review(&form).await;
    assert!(review.contains("Review Payment") && review.contains("Submit Payment"), "{review}");
    assert!(review.contains("I authorize"), "the authorization is shown");

    let done = p.submit(&form).await;
    assert!(done.starts_with("/billing/pay/done?ref="), "{done}");
    let confirmation = p.app.get(&done).await.text().await.unwrap();
    assert!(
        confirmation.contains("Payment submitted") && confirmation.contains("Paid"),
        "{confirmation}"
    );
    assert!(confirmation.contains("P0000"), "a reference number: {confirmation}");
    assert!(confirmation.contains("print-header"), "it prints with the utility's letterhead");
    // Print works through its island; without JavaScript the button stays hidden and a
    // hint says how to print.
    let island = confirmation.split("data-component=\"PrintButtonIsland").nth(1);
    let button = island.and_then(|i| i.split("<button").nth(1)).and_then(|b| b.split('>').next());
    assert!(button.is_some_and(|b| b.contains(" hidden")), "{confirmation}");
    assert!(confirmation.contains("<noscript><p class=\"print-hint\">To print this page"));
    assert_eq!(p.balance(p.accounts[0]).await, 0, "the bill shows it paid");
    assert_eq!(p.statuses().await, vec![(p.accounts[0], "paid".into(), balance)]);
    let receipt = p.app.stored_emails().await;
    assert!(receipt.contains("Payment receipt"), "{receipt}");
}

#[tokio::test]
async fn a_double_click_a_refresh_and_two_instances_make_one_payment() {
    let p = payer().await;
    let card = p.add_card("4111111111111111").await;
    let form = p.form(card, &[p.accounts[0]]);
    let first = p.submit(&form).await;
    assert_eq!(p.submit(&form).await, first, "the second submit shows the first payment");
    let back = p.review(&form).await;
    assert!(back.contains("already submitted") && back.contains(&first), "Back: {back}");

    // Another form, sent at once to two instances of the portal.
    let other = spawn_instance_beside(&p.app).await;
    let second = p.form(card, &[p.accounts[1]]);
    let post = |base: String| {
        let (client, body) = (p.app.client.clone(), second.query());
        let referer = format!("{base}/billing/pay/review");
        async move {
            client
                .post(format!("{base}/api/submit_payment"))
                .header("accept", "text/html")
                .header("referer", referer)
                .form(&[("form", body)])
                .send()
                .await
                .unwrap()
        }
    };
    let (a, b) = tokio::join!(post(p.app.base.clone()), post(other.base.clone()));
    let (sa, sb) = (a.status(), b.status());
    let (la, lb) = (location(&a), location(&b));
    assert!(la.starts_with("/billing/pay/done"), "{sa} {la} {:?}", a.text().await);
    assert!(lb.starts_with("/billing/pay/done"), "{sb} {lb} {:?}", b.text().await);
    assert_eq!(la, lb, "both answer the same payment");
    assert_eq!(count(&p.app.db, "payment_submissions").await, 2);
    assert_eq!(p.statuses().await.len(), 2, "one payment per form");
}

#[tokio::test]
async fn two_accounts_by_e_check_go_to_the_bank_as_single_web_debits() {
    let p = payer().await;
    let bank = p.add_bank().await;
    let (a, b) = (p.balance(p.accounts[0]).await, p.balance(p.accounts[1]).await);
    let done = p.submit(&p.form(bank, &p.accounts)).await;
    let confirmation = p.app.get(&done).await.text().await.unwrap();
    assert_eq!(confirmation.matches("Pending").count(), 2, "{confirmation}");
    let overview = p.app.get("/account").await.text().await.unwrap();
    assert!(overview.contains("is on its way"), "{overview}");

    let report = p.run(today()).await;
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].entries, 2);
    assert_eq!(report.files[0].total_debit_cents, (a + b) as u64);
    assert_eq!(report.payments_created, 0, "AutoPay is not enrolled");
    let text =
        std::fs::read_to_string(p.config.autopay.nacha_folder.join(&report.files[0].name)).unwrap();
    let entries: Vec<&str> = text.lines().filter(|l| l.starts_with('6')).collect();
    assert!(entries.iter().all(|l| &l[76..78] == "S "), "single entries: {entries:?}");
    assert_eq!((p.balance(p.accounts[0]).await, p.balance(p.accounts[1]).await), (0, 0));
    let states: Vec<String> = p.statuses().await.into_iter().map(|s| s.1).collect();
    assert_eq!(states, ["submitted", "submitted"]);
}

#[tokio::test]
async fn a_scheduled_payment_waits_for_its_date_and_can_be_cancelled() {
    let p = payer().await;
    let bank = p.add_bank().await;
    let mut form = p.form(bank, &[p.accounts[0]]);
    form.date = (today() + Duration::days(5)).to_string();
    let done = p.submit(&form).await;
    let confirmation = p.app.get(&done).await.text().await.unwrap();
    assert!(confirmation.contains("Payment scheduled"), "{confirmation}");
    assert!(p.run(today()).await.files.is_empty(), "not before its date");

    let (id,): (i64,) = sqlx::query_as("SELECT id FROM payments WHERE channel = 'one_time'")
        .fetch_one(&p.app.db.pool)
        .await
        .unwrap();
    let submission = done.rsplit('=').next().unwrap().to_string();
    let r = p
        .app
        .post_form(
            "cancel_scheduled_payment",
            &done,
            &[("payment_id", &id.to_string()), ("submission", &submission)],
        )
        .await;
    assert_eq!(location(&r), done);
    assert_eq!(p.statuses().await[0].1, "cancelled");
    assert!(
        p.run(today() + Duration::days(5)).await.files.is_empty(),
        "a cancelled payment is never sent"
    );

    // A scheduled payment that was not cancelled goes on its date.
    form.key = format!("{}-again", form.key);
    form.again = true;
    p.submit(&form).await;
    let report = p.run(today() + Duration::days(5)).await;
    assert_eq!(report.files.len(), 1);
}

#[tokio::test]
async fn a_declined_card_pays_nothing_and_says_so() {
    let p = payer().await;
    let card = p.add_card(sandbox_cards::DECLINED).await;
    let balance = p.balance(p.accounts[0]).await;
    let done = p.submit(&p.form(card, &[p.accounts[0]])).await;
    let page = p.app.get(&done).await.text().await.unwrap();
    assert!(page.contains("Payment not made") && page.contains("Declined"), "{page}");
    assert!(page.contains("Pay with another method"));
    assert_eq!(p.balance(p.accounts[0]).await, balance, "nothing comes off the bill");
    assert!(p.app.stored_emails().await.contains("did not go through"));
}

#[tokio::test]
async fn bad_amounts_dates_and_methods_are_refused_in_the_customers_language() {
    let p = payer_with(|c| c.payments.overpayment_limit = app::domain::Cents(0)).await;
    let card = p.add_card("4111111111111111").await;
    let mut form = p.form(card, &[p.accounts[0]]);
    form.lines[0].other_chosen = true;
    let cases = [
        ("84,17", "after a point"),
        ("1,000,000", "more than this account"),
        ("0.50", "at least $1.00"),
        ("12abc", "like 84.17"),
    ];
    for (amount, says) in cases {
        form.lines[0].other = amount.into();
        let page = p.review(&form).await;
        assert!(page.contains(says) && !page.contains("Submit Payment"), "{amount}: {page}");
        let back = p.submit(&form).await;
        assert!(back.contains("/billing/pay/review?"), "{amount} is refused on submit too: {back}");
    }
    form.lines[0].other = "10.00".into();
    form.date = (today() - Duration::days(1)).to_string();
    assert!(p.review(&form).await.contains("cannot be in the past"));
    form.date = (today() + Duration::days(60)).to_string();
    assert!(p.review(&form).await.contains("after the due date"));
    form.date = today().to_string();
    form.method = Some(MethodId(card.0 + 1000));
    assert!(p.review(&form).await.contains("Choose a payment method"));

    let spanish = p.app.page_in(&format!("/billing/pay/review?{}", form.query()), "es").await;
    assert!(spanish.contains("Elija un método de pago"), "{spanish}");
    assert_eq!(count(&p.app.db, "payments").await, 0, "nothing stored");
    assert_eq!(count(&p.app.db, "payment_submissions").await, 0);
}

#[tokio::test]
async fn paying_again_while_a_payment_is_on_its_way_needs_a_second_confirmation() {
    let p = payer().await;
    let bank = p.add_bank().await;
    let mut form = p.form(bank, &[p.accounts[0]]);
    form.lines[0].other_chosen = true;
    form.lines[0].other = "10.00".into();
    p.submit(&form).await;
    let page = p.app.get("/billing/pay").await.text().await.unwrap();
    assert!(
        page.contains("A payment of $10.00 made on") && page.contains("is on its way"),
        "{page}"
    );

    form.key = format!("{}-2", form.key);
    let again = p.review(&form).await;
    assert!(again.contains("tick the box to confirm"), "{again}");
    form.again = true;
    assert!(p.review(&form).await.contains("Submit Payment"));

    // Both accounts with a payment on its way, and another problem between them: the
    // second confirmation is asked for once.
    let mut both = p.form(bank, &p.accounts);
    for line in &mut both.lines {
        line.other_chosen = true;
        line.other = "10.00".into();
    }
    p.submit(&both).await;
    both.key = format!("{}-3", both.key);
    both.lines[1].other = "84,17".into();
    let page = p.review(&both).await;
    assert_eq!(page.matches("tick the box to confirm").count(), 1, "once in the summary: {page}");
}

#[tokio::test]
async fn autopay_pays_only_what_a_one_time_payment_leaves() {
    let p = payer().await;
    let bank = p.add_bank().await;
    let (customer_id, account_id) = (p.customer_id, p.accounts[0]);
    let db = &p.app.db;
    let method = Some(bank);
    let checked =
        app::autopay::service::check(db, customer_id, account_id, method, &Default::default())
            .await
            .unwrap()
            .unwrap();
    let enrollment = app::autopay::service::Enrollment {
        customer_id,
        lang: app::email::Lang::En,
        checked: &checked,
        idempotency_key: "pay-autopay-key",
        changing: false,
    };
    app::autopay::service::enroll(db, &p.app.mailer, &p.config, enrollment).await.unwrap();
    let balance = p.balance(p.accounts[0]).await;
    let mut form = p.form(bank, &[p.accounts[0]]);
    form.lines[0].other_chosen = true;
    form.lines[0].other = format!("{}.{:02}", (balance - 1000) / 100, (balance - 1000) % 100);
    p.submit(&form).await;

    let due = today() + Duration::days(20);
    let candidates =
        app::autopay::data::candidates(db, due, app::domain::BillId(0), 10, false).await.unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].balance_cents, 1000, "AutoPay drafts only what is left");
}

#[tokio::test]
async fn signed_out_nobody_pays() {
    let p = payer().await;
    let card = p.add_card("4111111111111111").await;
    let form = p.form(card, &[p.accounts[0]]);
    p.app.sign_out().await;
    let page = p.review(&form).await;
    assert!(page.contains("Please sign in to make a payment"), "{page}");
    let referer = format!("/billing/pay/review?{}", form.query());
    p.app.post_form("submit_payment", &referer, &[("form", &form.query())]).await;
    assert_eq!(count(&p.app.db, "payments").await, 0);
}

/// The sandbox's answers, counted.
struct Counting(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl BankAccountValidator for Counting {
    fn name(&self) -> &str {
        "counting"
    }

    async fn validate(
        &self,
        routing: &RoutingNumber,
        account_number: &BankAccountNumber,
        account_type: BankAccountType,
    ) -> Result<Validation, ValidatorError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Validator::sandbox().validate(routing, account_number, account_type).await
    }
}

#[tokio::test]
async fn a_bank_account_the_bank_does_not_confirm_or_cannot_check_pays_nothing() {
    let p = payer().await;
    let cases = [
        (sandbox_accounts::INVALID, "Your bank could not confirm this bank account"),
        (sandbox_accounts::UNREACHABLE, "could not check this bank account"),
    ];
    for (number, says) in cases {
        let bank = p.add_bank_numbered(number).await;
        let form = p.form(bank, &[p.accounts[0]]);
        let back = p.submit(&form).await;
        assert!(back.contains("/billing/pay/review?"), "{number} is refused: {back}");
        let page = p.app.get(back.trim_start_matches(&p.app.base)).await.text().await.unwrap();
        assert!(page.contains(says), "{number}: {page}");
        let (validated,): (Option<i64>,) =
            sqlx::query_as("SELECT validated_at FROM payment_methods WHERE id = $1")
                .bind(bank)
                .fetch_one(&p.app.db.pool)
                .await
                .unwrap();
        assert_eq!(validated, None, "{number} is not validated");
    }
    assert_eq!(count(&p.app.db, "payments").await, 0, "nothing stored");
    assert_eq!(count(&p.app.db, "payment_submissions").await, 0);
}

#[tokio::test]
async fn a_bank_account_is_validated_once_before_its_first_debit() {
    let calls = Arc::new(AtomicUsize::new(0));
    let p = payer_validated_by(|_| {}, Validator(Arc::new(Counting(calls.clone())))).await;
    let bank = p.add_bank().await;
    let card = p.add_card("4111111111111111").await;
    p.submit(&p.form(card, &[p.accounts[0]])).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0, "a card is not a bank account");

    // Three payments of $1.00 from account 1's balance: the first validates.
    let dollar = |method| {
        let mut form = p.form(method, &[p.accounts[1]]);
        form.again = true;
        form.lines[0].other_chosen = true;
        form.lines[0].other = "1.00".into();
        form
    };
    let done = p.submit(&dollar(bank)).await;
    assert!(done.starts_with("/billing/pay/done?ref="), "{done}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let (validated,): (Option<i64>,) =
        sqlx::query_as("SELECT validated_at FROM payment_methods WHERE id = $1")
            .bind(bank)
            .fetch_one(&p.app.db.pool)
            .await
            .unwrap();
    assert!(validated.is_some(), "the validation is recorded");

    let done = p.submit(&dollar(bank)).await;
    assert!(done.starts_with("/billing/pay/done?ref="), "{done}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "validated once");

    // A bank account whose AutoPay prenote went to the bank has been seen.
    let prenoted = p.add_bank_numbered("33334444").await;
    sqlx::query("UPDATE payment_methods SET prenote_sent_at = 1 WHERE id = $1")
        .bind(prenoted)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    assert!(p.submit(&dollar(prenoted)).await.starts_with("/billing/pay/done?ref="));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "a prenoted account is not validated again");
}

const NEW_VISA: &[(&str, &str)] = &[
    ("kind", "credit"),
    ("card_number", "4111 1111 1111 1111"),
    ("card_name", "Alex Rivera"),
    ("expiry", "04/30"),
    ("security_code", "123"),
    ("billing_zip", "97501"),
];

const NEW_BANK: &[(&str, &str)] = &[
    ("kind", "echeck"),
    ("account_type", "checking"),
    ("routing_number", "021000021"),
    ("account_number", "55556666"),
    ("account_number_confirm", "55556666"),
    ("bank_name", "First Test Bank"),
    ("holder_name", "Alex Rivera"),
];

/// The review a successful entry goes back to: the Pay form with the new method chosen.
fn entered_form(location: &str) -> PayForm {
    assert!(location.starts_with("/billing/pay/review?"), "back to the review: {location}");
    PayForm::from_query(location.split_once('?').unwrap().1)
}

/// (kept, has a token or an account number, removed) of a method.
async fn method_row(p: &Payer, id: MethodId) -> (i64, bool, bool) {
    let (kept, token, sealed, removed): (i64, Option<String>, Option<Vec<u8>>, Option<i64>) =
        sqlx::query_as(
            "SELECT kept, gateway_token, account_ciphertext, removed_at FROM payment_methods WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&p.app.db.pool)
        .await
        .unwrap();
    (kept, token.is_some() || sealed.is_some(), removed.is_some())
}

async fn in_wallet(p: &Payer) -> Vec<MethodId> {
    let saved = app::payments::data::saved::methods(&p.app.db, p.customer_id).await.unwrap();
    saved.into_iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn a_new_card_not_saved_pays_once_and_is_wiped_afterwards() {
    let p = payer().await;
    let page = p.app.page("/billing/pay").await;
    assert!(
        page.contains("New debit or credit card") && page.contains("New bank account (E-Check)")
    );
    let form = p.form_new(NewMethod::Card, &[p.accounts[0]]);
    assert!(!form.query().contains("card_number"), "the Pay form carries no card number");
    let entry = p.review(&form).await;
    assert!(entry.contains("id=\"card_number\"") && entry.contains("Save to My Wallet"), "{entry}");
    assert!(!entry.contains("Submit Payment"), "the method comes first: {entry}");
    let saver = entry.split("id=\"save_to_wallet\"").nth(1).and_then(|t| t.split('>').next());
    assert!(saver.is_some_and(|t| !t.contains("checked")), "unticked by default: {entry}");

    let back = p.enter(&form, NEW_VISA).await;
    assert!(!back.contains("4111"), "no card number in an address: {back}");
    let form = entered_form(&back);
    let method = form.method.expect("the new method is chosen");
    assert_eq!(method_row(&p, method).await, (0, true, false), "kept for this payment only");
    assert!(in_wallet(&p).await.is_empty(), "not in My Wallet");
    assert!(!p.app.page("/billing/pay").await.contains("*****1111"), "nor on the Pay page");
    let review = p.review(&form).await;
    assert!(review.contains("Submit Payment") && review.contains("Visa *****1111"), "{review}");

    let done = p.submit(&form).await;
    let confirmation = p.app.get(&done).await.text().await.unwrap();
    assert!(confirmation.contains("Paid") && confirmation.contains("Visa *****1111"));
    assert_eq!(p.statuses().await.len(), 1);
    assert_eq!(method_row(&p, method).await, (0, false, true), "its token is wiped once paid");
    let history = p.app.page("/billing/payments").await;
    assert!(history.contains("1111"), "history still names it: {history}");
    assert!(in_wallet(&p).await.is_empty());
}

#[tokio::test]
async fn a_new_e_check_not_saved_is_pending_until_its_bank_file_then_wiped() {
    let p = payer().await;
    let form = p.form_new(NewMethod::Echeck, &[p.accounts[0]]);
    let entry = p.review(&form).await;
    assert!(entry.contains("id=\"routing_number\"") && !entry.contains("id=\"card_number\""));
    let form = entered_form(&p.enter(&form, NEW_BANK).await);
    let method = form.method.unwrap();
    let done = p.submit(&form).await;
    let confirmation = p.app.get(&done).await.text().await.unwrap();
    assert!(confirmation.contains("Pending") && confirmation.contains("6666"), "{confirmation}");
    assert_eq!(method_row(&p, method).await, (0, true, false), "the bank file needs the number");

    let report = p.run(today()).await;
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].entries, 1, "the debit went to the bank: {report:?}");
    let text =
        std::fs::read_to_string(p.config.autopay.nacha_folder.join(&report.files[0].name)).unwrap();
    assert!(text.contains("55556666"), "the file holds the account number");
    assert_eq!(p.statuses().await[0].1, "submitted");
    assert_eq!(method_row(&p, method).await, (0, false, true), "wiped after the file");
    assert!(p.app.page("/billing/payments").await.contains("6666"));
}

#[tokio::test]
async fn a_new_method_saved_to_my_wallet_stays_there() {
    let p = payer().await;
    let form = p.form_new(NewMethod::Card, &[p.accounts[0]]);
    let mut fields = NEW_VISA.to_vec();
    fields.push(("save_to_wallet", "yes"));
    let form = entered_form(&p.enter(&form, &fields).await);
    let method = form.method.unwrap();
    assert_eq!(in_wallet(&p).await, vec![method], "saved in My Wallet");
    p.submit(&form).await;
    assert_eq!(method_row(&p, method).await, (1, true, false), "kept after the payment");
    assert!(p.app.page("/billing/settings/wallet").await.contains("Visa *****1111"));
}

#[tokio::test]
async fn a_method_kept_for_one_payment_serves_only_the_session_that_entered_it() {
    let p = payer().await;
    let form = p.form_new(NewMethod::Card, &[p.accounts[0]]);
    let form = entered_form(&p.enter(&form, NEW_VISA).await);
    let method = form.method.unwrap();

    // The same customer in another browser.
    let other = crate::helpers::browser();
    let signed_in = p
        .app
        .post_form_as(&other, "sign_in", "/sign-in", &[("email", &p.email), ("password", PASSWORD)])
        .await;
    assert_eq!(signed_in.status().as_u16(), 302);
    let review = format!("/billing/pay/review?{}", form.query());
    let page = p.app.page_as(&other, &review).await;
    assert!(page.contains("Choose a payment method") && !page.contains("Submit Payment"), "{page}");
    let r = p.app.post_form_as(&other, "submit_payment", &review, &[("form", &form.query())]).await;
    assert!(location(&r).contains("/billing/pay/review?"), "refused: {}", location(&r));
    assert!(p.statuses().await.is_empty(), "nothing paid");

    // Nor does any other form of the customer's take it.
    let wallet = app::wallet::service::make_default(&p.app.db, p.customer_id, method).await;
    assert_eq!(wallet.unwrap(), Err(app::wallet::WalletProblem::NotFound));
    let removal = app::wallet::service::remove(&p.app.db, p.customer_id, method, None).await;
    assert_eq!(removal.unwrap(), Err(app::wallet::WalletProblem::NotFound));
    let autopay = app::autopay::data::method(&p.app.db, p.customer_id, method).await.unwrap();
    assert!(autopay.is_none(), "AutoPay cannot enroll with it");

    // Another customer, even holding the id, cannot pay with it.
    let maria = p.app.register("23456789-2345678", "97502").await;
    let other = crate::helpers::browser();
    let r = p
        .app
        .post_form_as(
            &other,
            "sign_in",
            "/sign-in",
            &[("email", &maria.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 302);
    let line = LineForm {
        account_id: maria.account_id,
        pay: true,
        other_chosen: false,
        other: String::new(),
    };
    let theirs = PayForm { lines: vec![line], ..form.clone() };
    let page = p.app.page_as(&other, &format!("/billing/pay/review?{}", theirs.query())).await;
    assert!(page.contains("Choose a payment method") && !page.contains("Submit Payment"), "{page}");

    // The session that entered it pays.
    let done = p.submit(&form).await;
    assert!(done.starts_with("/billing/pay/done?ref="), "{done}");
}

#[tokio::test]
async fn a_bad_new_method_stores_nothing_and_says_why_in_either_language() {
    let p = payer().await;
    let methods = count(&p.app.db, "payment_methods").await;
    let form = p.form_new(NewMethod::Echeck, &[p.accounts[0]]);
    let mut fields = NEW_BANK.to_vec();
    fields.retain(|(k, _)| *k != "routing_number");
    fields.push(("routing_number", "021000022"));
    fields.push(("save_to_wallet", "yes"));
    let back = p.enter(&form, &fields).await;
    assert_eq!(back, format!("/billing/pay/review?{}", form.query()), "back to the entry form");
    let page = p.app.page(&back).await;
    assert!(page.contains("error-summary"), "{page}");
    assert!(page.contains("This routing number is not valid"), "{page}");
    assert!(!page.contains("55556666"), "the account number is never shown again");
    assert!(page.contains("value=\"021000022\""), "the routing number is kept to fix");
    let saver = page.split("id=\"save_to_wallet\"").nth(1).and_then(|t| t.split('>').next());
    assert!(saver.is_some_and(|t| t.contains("checked")), "the tick is kept: {page}");
    assert_eq!(count(&p.app.db, "payment_methods").await, methods, "nothing stored");

    let es = p.app.page_in("/billing/pay", "es").await;
    assert!(
        es.contains("Nueva tarjeta de débito o crédito")
            && es.contains("Nueva cuenta bancaria (E-Check)"),
        "{es}"
    );
    let entry = p.app.page_in(&format!("/billing/pay/review?{}", form.query()), "es").await;
    assert!(
        entry.contains("Guardar en Mi billetera") && entry.contains("Número de ruta"),
        "{entry}"
    );
}

#[tokio::test]
async fn a_method_for_one_payment_left_at_the_review_or_cancelled_is_wiped() {
    use app::payments::data::methods::wipe_spent;
    let p = payer().await;
    let form = p.form_new(NewMethod::Card, &[p.accounts[0]]);
    let abandoned = entered_form(&p.enter(&form, NEW_VISA).await).method.unwrap();
    assert_eq!(wipe_spent(&p.app.db).await.unwrap(), 0, "the customer may still submit it");
    sqlx::query("UPDATE payment_methods SET created_at = created_at - 3601 WHERE id = $1")
        .bind(abandoned)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    assert_eq!(wipe_spent(&p.app.db).await.unwrap(), 1, "an hour later nothing will use it");
    assert_eq!(method_row(&p, abandoned).await, (0, false, true));

    let form = p.form_new(NewMethod::Echeck, &[p.accounts[0]]);
    let mut form = entered_form(&p.enter(&form, NEW_BANK).await);
    form.date = (today() + Duration::days(5)).to_string();
    let scheduled = form.method.unwrap();
    let done = p.submit(&form).await;
    p.run(today()).await;
    assert_eq!(method_row(&p, scheduled).await, (0, true, false), "kept while scheduled");
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM payments WHERE channel = 'one_time'")
        .fetch_one(&p.app.db.pool)
        .await
        .unwrap();
    let submission = done.rsplit('=').next().unwrap().to_string();
    let fields = [("payment_id", id.to_string()), ("submission", submission)];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    p.app.post_form("cancel_scheduled_payment", &done, &fields).await;
    assert_eq!(p.statuses().await[0].1, "cancelled");
    assert_eq!(method_row(&p, scheduled).await, (0, false, true), "wiped once cancelled");
}

/// Two Submit Payment posts of forms with different keys, paying the same balance, at once
/// to `bases`: where each browser goes next.
async fn submit_both_at_once(p: &Payer, forms: [&PayForm; 2], bases: [&str; 2]) -> [String; 2] {
    let post = |base: &str, form: &PayForm| {
        let (client, body) = (p.app.client.clone(), form.query());
        let url = format!("{base}/api/submit_payment");
        let referer = format!("{base}/billing/pay/review?{body}");
        async move {
            let r = client
                .post(url)
                .header("accept", "text/html")
                .header("referer", referer)
                .form(&[("form", body)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 302);
            // The way back may name the instance: the path alone.
            let to = location(&r);
            to.find("/billing").map_or(to.clone(), |at| to[at..].to_string())
        }
    };
    let (a, b) = tokio::join!(post(bases[0], forms[0]), post(bases[1], forms[1]));
    [a, b]
}

#[tokio::test]
async fn two_forms_of_different_keys_at_once_pay_the_balance_once() {
    let p = payer().await;
    let card = p.add_card("4111111111111111").await;
    let other = spawn_instance_beside(&p.app).await;
    // On one instance, then on two (as two machines behind a load balancer); both forms
    // ticked "pay again", so that only the amount can stop the second.
    let rounds = [(p.accounts[0], p.app.base.as_str()), (p.accounts[1], other.base.as_str())];
    for (account, second_base) in rounds {
        let balance = p.balance(account).await;
        let (mut one, mut two) = (p.form(card, &[account]), p.form(card, &[account]));
        (one.again, two.again) = (true, true);
        let answers = submit_both_at_once(&p, [&one, &two], [&p.app.base, second_base]).await;
        let paid: Vec<_> = answers.iter().filter(|l| l.starts_with("/billing/pay/done")).collect();
        assert_eq!(paid.len(), 1, "one payment: {answers:?}");
        let refused = answers.iter().find(|l| l.starts_with("/billing/pay/review?"));
        let page = p.app.page(refused.expect("the other form is refused")).await;
        assert!(page.contains("This account has no balance to pay now."), "{page}");
        let made: Vec<_> = p.statuses().await.into_iter().filter(|s| s.0 == account).collect();
        assert_eq!(made, vec![(account, "paid".to_string(), balance)], "paid once");
        assert_eq!(p.balance(account).await, 0);
    }
    assert_eq!(count(&p.app.db, "payment_submissions").await, 2, "the refused forms left nothing");
}

#[tokio::test]
async fn a_form_that_no_longer_fits_what_is_owed_records_nothing() {
    // The check made while the customer's lock is held, without the race: the second form
    // was checked against the balance before the first was recorded.
    use app::payments::data::one_time::{record_submission, NewLine, NewSubmission, Recorded};
    let p = payer().await;
    let bank = p.add_bank().await;
    let account = p.accounts[0];
    let balance = p.balance(account).await;
    let (bill_id,): (app::domain::BillId,) = sqlx::query_as(
        "SELECT id FROM bills WHERE account_id = $1 ORDER BY bill_date DESC, id DESC LIMIT 1",
    )
    .bind(account)
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    let draft_date = today().to_string();
    let record = |key: &'static str, amount: i64, limit: i64| {
        let line = NewLine { account_id: account, bill_id, amount: Cents(amount), fee: Cents(0) };
        let s = NewSubmission {
            form_key: key,
            customer_id: p.customer_id,
            channel: "one_time",
            receipt_email: None,
            locale: "en",
            method_id: bank,
            draft_date: &draft_date,
            effective_date: None,
            status: "pending",
            charging_now: false,
            overpayment_limit: Cents(limit),
            lines: vec![line],
            receipt: None,
        };
        let db = p.app.db.clone();
        async move { record_submission(&db, &s).await.unwrap() }
    };
    assert!(matches!(record("fits-key-0000000001", balance, 0).await, Recorded::New(..)));
    let second = record("fits-key-0000000002", balance, 0).await;
    assert_eq!(second, Recorded::TooMuch(account, AmountProblem::NothingOwed));
    // With an overpayment limit of $5.00, $5.00 more fits and a cent more does not.
    let over = record("fits-key-0000000003", 501, 500).await;
    assert_eq!(over, Recorded::TooMuch(account, AmountProblem::TooLarge));
    assert!(matches!(record("fits-key-0000000004", 500, 500).await, Recorded::New(..)));
    assert_eq!(count(&p.app.db, "payment_submissions").await, 2, "a refused form leaves nothing");
    assert_eq!(count(&p.app.db, "payments").await, 2);
}

#[tokio::test]
async fn one_declined_line_of_two_says_which_was_paid_and_which_was_declined() {
    let p = payer().await;
    let card = p.add_card("4111111111111111").await;
    let (first, second) = (p.balance(p.accounts[0]).await, p.balance(p.accounts[1]).await);
    // The sandbox declines a charge of $20.02, whatever the card.
    let declined = app::gateway::sandbox_amounts::DECLINED;
    let mut form = p.form(card, &p.accounts);
    form.lines[0].other_chosen = true;
    form.lines[0].other = "10.00".into();
    form.lines[1].other_chosen = true;
    form.lines[1].other = "20.02".into();
    let done = p.submit(&form).await;
    let statuses = p.statuses().await;
    assert_eq!(
        statuses,
        vec![(p.accounts[0], "paid".into(), 1000), (p.accounts[1], "failed".into(), declined)]
    );
    assert_eq!(
        (p.balance(p.accounts[0]).await, p.balance(p.accounts[1]).await),
        (first - 1000, second)
    );

    let page = p.app.page(&done).await.replace("<!>", "");
    assert!(page.contains("<h1>Payment partly made</h1>"), "{page}");
    assert!(page.contains("Part of this payment did not go through"), "{page}");
    assert!(page.contains("Account 12345678-7654321 ($20.02): declined, nothing was charged"));
    assert!(!page.contains("Account 12345678-1234567 ($10.00): declined"), "the paid one is not");
    let retry = format!("href=\"/billing/pay?account={}\"", p.accounts[1]);
    assert!(page.contains(&retry), "try again pays the declined account: {page}");
    let spanish = p.app.page_in(&done, "es").await.replace("<!>", "");
    assert!(spanish.contains("<h1>Pago realizado en parte</h1>"), "{spanish}");
    assert!(spanish.contains("Cuenta 12345678-7654321 ($20.02): rechazado, no se cobró nada"));

    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM payments ORDER BY id")
        .fetch_all(&p.app.db.pool)
        .await
        .unwrap();
    let reference = |i: usize| app::domain::payment::reference(ids[i].0);
    let emails = p.app.stored_emails().await;
    assert_eq!(emails.matches("Part of your payment did not go through").count(), 2, "one email");
    assert!(emails.contains("We received $10.00; $20.02 was declined"), "{emails}");
    assert!(emails
        .contains(&format!("Account 12345678-1234567: $10.00 (reference {}): paid", reference(0))));
    let refused = format!(
        "Account 12345678-7654321: $20.02 (reference {}): declined, nothing was charged",
        reference(1)
    );
    assert!(emails.contains(&refused), "{emails}");

    // The same, for a customer who reads Spanish.
    sqlx::query("UPDATE logins SET locale = 'es' WHERE customer_id = $1")
        .bind(p.customer_id)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    form.key = format!("{}-es", form.key);
    p.submit(&form).await;
    let emails = p.app.stored_emails().await;
    assert!(emails.contains("Parte de su pago no se realizó"), "{emails}");
    assert!(emails.contains("Recibimos $10.00; $20.02 fue rechazado"), "{emails}");
    assert!(emails.contains("): pagado") && emails.contains("): rechazado, no se cobró nada"));
}

#[tokio::test]
async fn an_unreachable_processor_charges_nothing_and_the_customer_can_pay_again_at_once() {
    let p = payer().await;
    let card = p.add_card("4111111111111111").await;
    let balance = p.balance(p.accounts[0]).await;
    // The sandbox cannot be reached for a charge of $20.03.
    let mut form = p.form(card, &[p.accounts[0]]);
    form.lines[0].other_chosen = true;
    form.lines[0].other = "20.03".into();
    let done = p.submit(&form).await;
    assert!(done.starts_with("/billing/pay/done?ref="), "{done}");
    let unreachable = app::gateway::sandbox_amounts::UNREACHABLE;
    assert_eq!(p.statuses().await, vec![(p.accounts[0], "failed".into(), unreachable)]);
    let (reference,): (Option<String>,) = sqlx::query_as("SELECT gateway_reference FROM payments")
        .fetch_one(&p.app.db.pool)
        .await
        .unwrap();
    assert_eq!(reference, None, "never paid");
    assert_eq!(p.balance(p.accounts[0]).await, balance, "nothing comes off the bill");

    let page = p.app.page(&done).await.replace("<!>", "");
    assert!(page.contains("<h1>Payment not made</h1>"), "{page}");
    assert!(page.contains("We could not reach the card processor, and nothing was charged"));
    let spanish = p.app.page_in(&done, "es").await;
    assert!(spanish.contains("No pudimos comunicarnos con el procesador de tarjetas"), "{spanish}");
    assert!(p.app.stored_emails().await.contains("nothing was charged"));
    let history = p.app.page(app::paths::PAYMENT_HISTORY).await.replace("<!>", "");
    assert!(history.contains("$20.03") && history.contains("Declined"), "{history}");

    // Nothing is on its way, and the daily run does not charge it later.
    let pay = p.app.page(&format!("/billing/pay?account={}", p.accounts[0])).await;
    assert!(!pay.contains("is on its way"), "{pay}");
    p.run(today()).await;
    assert_eq!(p.statuses().await[0].1, "failed");
    // Paying again right away, with the Pay page's new form: paid.
    let again = p.submit(&p.form(card, &[p.accounts[0]])).await;
    assert_ne!(again, done);
    assert_eq!(p.statuses().await[1], (p.accounts[0], "paid".into(), balance));
    assert_eq!(p.balance(p.accounts[0]).await, 0);
}

/// An e-check dated on a Saturday is debited on the next banking day: the review says so in
/// both languages (a card, charged on its day, and a banking day need no such note), the
/// payment stores that day, and the history shows it.
#[tokio::test]
async fn an_e_check_dated_on_a_saturday_is_debited_the_next_banking_day_as_review_and_history_say()
{
    use app::domain::{banking_days, format::long_date, Lang};
    let p = payer().await;
    let bank = p.add_bank().await;
    let card = p.add_card("4111111111111111").await;
    // The next Saturday: within the 20 days to the due date.
    let mut saturday = today() + Duration::days(1);
    while saturday.weekday() != time::Weekday::Saturday {
        saturday += Duration::days(1);
    }
    let debited = banking_days::on_or_after(saturday);
    let mut form = p.form(bank, &[p.accounts[0]]);
    form.date = saturday.to_string();
    let review = p.review(&form).await;
    let en = format!(
        "That day is not a banking day: your bank account is debited on {}.",
        long_date(debited, Lang::En)
    );
    assert!(review.contains(&en), "{en} missing from {review}");
    let spanish = p.app.page_in(&format!("/billing/pay/review?{}", form.query()), "es").await;
    let es = format!(
        "Ese día no es un día hábil bancario: su cuenta bancaria se debita el {}.",
        long_date(debited, Lang::Es)
    );
    assert!(spanish.contains(&es), "{es} missing from {spanish}");
    let mut by_card = p.form(card, &[p.accounts[0]]);
    by_card.date = saturday.to_string();
    assert!(!p.review(&by_card).await.contains("not a banking day"), "a card has no banking days");
    let mut on_a_banking_day = p.form(bank, &[p.accounts[0]]);
    on_a_banking_day.date = debited.to_string();
    assert!(!p.review(&on_a_banking_day).await.contains("not a banking day"));

    assert!(p.submit(&form).await.contains("/billing/pay/done?ref="));
    let (draft, effective): (String, Option<String>) = sqlx::query_as(
        "SELECT draft_date, effective_date FROM payments WHERE channel = 'one_time'",
    )
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    assert_eq!((draft, effective), (saturday.to_string(), Some(debited.to_string())));
    let history = p.app.page("/billing/payments").await;
    assert!(history.contains(&long_date(debited, Lang::En)), "{history}");
    assert!(!history.contains(&long_date(saturday, Lang::En)), "{history}");
    // The Pay page's "on its way" notice dates it the same way.
    let pay = p.app.page(app::paths::PAY).await.replace("<!>", "");
    let notice = format!("scheduled for {}.", app::domain::format::short_date(debited, Lang::En));
    assert!(pay.contains(&notice), "{notice} missing from {pay}");
}
