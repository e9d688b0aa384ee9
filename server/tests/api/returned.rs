//! After the bank returns a debit (issue 17, what the customer sees and can do): Payment
//! History says Returned with the reason in the customer's language (page and CSV) and marks
//! a retry; My Wallet says why a returned bank account cannot pay, and nothing offers or pays
//! with it (Pay Now, AutoPay, a hand-made form); a bank account returned as not authorized
//! is authorized again once per form, which resumes its AutoPay; a suspended AutoPay is
//! neither drafted nor reminded until another method is chosen. The return itself is set
//! here as the import of return files (part B) records it: the columns of migration 0009.

use crate::helpers::{
    account_id, bank, bill, count, echeck, location, portal, Portal, Registered, PASSWORD,
};
use app::domain::autopay::RuleForm;
use app::domain::{AccountId, BillId, MethodId, PaymentId};
use app::pay::{LineForm, PayForm};
use time::macros::date;

/// Alex signed in, with two bank accounts in My Wallet (the first pays AutoPay of account
/// 1234567) and a bill of that account due on June 20, 2027.
struct Returned {
    p: Portal,
    account: AccountId,
    /// AutoPay's bank account, the one the bank returns.
    returned: MethodId,
    other: MethodId,
    bill: BillId,
}

async fn returned() -> Returned {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let returned = p.app.add_method(alex, &bank()).await.unwrap();
    let other = p.app.add_method(alex, &echeck("021000021", "55556666", "55556666")).await;
    let account = account_id(&p.app, "1234567").await;
    crate::helpers::enroll(&p, alex, account, returned, &RuleForm::default()).await;
    let bill = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    assert_eq!(p.app.sign_in(&email, PASSWORD).await.status().as_u16(), 302);
    Returned { p, account, returned, other: other.unwrap(), bill }
}

impl Returned {
    /// The bank returned a debit from `method` with `code`: the method is unusable and the
    /// AutoPay paying with it suspended, as the import records it.
    async fn bank_returns(&self, method: MethodId, code: &str) {
        sqlx::query("UPDATE payment_methods SET unusable_code = $1, unusable_at = 1 WHERE id = $2")
            .bind(code)
            .bind(method)
            .execute(&self.p.app.db.pool)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE autopay_enrollments SET suspended_code = $1, suspended_at = 1 \
             WHERE payment_method_id = $2 AND active = 1",
        )
        .bind(code)
        .bind(method)
        .execute(&self.p.app.db.pool)
        .await
        .unwrap();
    }

    /// A payment of the bill with `method`, in `status` (AutoPay's unless it retries one).
    async fn payment(
        &self,
        status: &str,
        return_code: Option<&str>,
        retry_of: Option<PaymentId>,
    ) -> PaymentId {
        let (id,): (PaymentId,) = sqlx::query_as(
            "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, draft_date, status, \
             return_code, returned_at, retry_of, created_at, updated_at) \
             VALUES ($1, $2, $3, 6120, '2027-06-20', $4, $5, $6, $7, 0, 0) RETURNING id",
        )
        .bind(self.bill)
        .bind(self.account)
        .bind(self.returned)
        .bind(status)
        .bind(return_code)
        .bind(return_code.map(|_| 1_i64))
        .bind(retry_of)
        .fetch_one(&self.p.app.db.pool)
        .await
        .unwrap();
        id
    }

    async fn page(&self, path: &str) -> String {
        let r = self.p.app.get(path).await;
        assert_eq!(r.status().as_u16(), 200, "{path}");
        r.text().await.unwrap()
    }

    async fn in_spanish(&self) {
        self.p.app.get("/lang/es?next=/").await;
    }

    async fn method_state(&self, method: MethodId) -> Option<String> {
        let (code,): (Option<String>,) =
            sqlx::query_as("SELECT unusable_code FROM payment_methods WHERE id = $1")
                .bind(method)
                .fetch_one(&self.p.app.db.pool)
                .await
                .unwrap();
        code
    }

    /// The active enrollment's method and suspension.
    async fn enrollment(&self) -> (MethodId, Option<String>) {
        sqlx::query_as(
            "SELECT payment_method_id, suspended_code FROM autopay_enrollments WHERE account_id = $1 AND active = 1",
        )
        .bind(self.account)
        .fetch_one(&self.p.app.db.pool)
        .await
        .unwrap()
    }

    async fn payments(&self) -> Vec<(MethodId, String, Option<String>)> {
        sqlx::query_as(
            "SELECT payment_method_id, status, failure_reason FROM payments WHERE account_id = $1 ORDER BY id",
        )
        .bind(self.account)
        .fetch_all(&self.p.app.db.pool)
        .await
        .unwrap()
    }

    /// A Pay Now form paying the account's balance today with `method`.
    fn pay_form(&self, method: MethodId) -> PayForm {
        PayForm {
            key: format!("returned-test-{}", app::platform::tokens::random_token()),
            date: time::OffsetDateTime::now_utc().date().to_string(),
            method: Some(method),
            new: None,
            again: false,
            lines: vec![LineForm {
                account_id: self.account,
                pay: true,
                other_chosen: false,
                other: String::new(),
            }],
        }
    }
}

/// The hidden key of the Authorize Again form on the wallet page.
fn form_key(page: &str) -> String {
    let at = page.find("name=\"form_key\" value=\"").expect("an Authorize Again form");
    let rest = &page[at + "name=\"form_key\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_history_says_returned_with_the_reason_and_marks_a_retry_in_english_and_spanish() {
    let r = returned().await;
    let first = r.payment("returned", Some("R01"), None).await;
    let retry = r.payment("pending", None, Some(first)).await;
    let retried = app::domain::payment::reference(first.0);

    let page = r.page(app::paths::PAYMENT_HISTORY).await;
    assert!(page.contains("Returned") && page.contains("Insufficient funds (R01)"), "{page}");
    assert!(page.contains(&format!("Retry of {retried}")), "{page}");
    let receipt = r.page(&app::paths::payment_receipt(first)).await;
    assert!(receipt.contains("Insufficient funds (R01)"), "{receipt}");
    let receipt = r.page(&app::paths::payment_receipt(retry)).await;
    assert!(receipt.contains(&format!("Retry of {retried}")), "{receipt}");
    let csv = r.page(app::paths::PAYMENT_HISTORY_CSV).await;
    assert!(csv.lines().any(|l| l.ends_with(",Returned: Insufficient funds (R01)")), "{csv}");
    let retry_line = format!(",Pending; Retry of {retried}");
    assert!(csv.lines().any(|l| l.ends_with(&retry_line)), "{csv}");

    // Every class of the table has its reason; any other code shows itself.
    for (code, en, es) in [
        ("R03", "Account closed or not found (R03)", "Cuenta cerrada o no encontrada (R03)"),
        ("R10", "Not authorized by the account holder (R10)", "No autorizado por el titular"),
        ("R08", "Payment stopped by the account holder (R08)", "Pago detenido por el titular"),
        ("R14", "Returned by the bank (R14)", "Devuelto por el banco (R14)"),
    ] {
        sqlx::query("UPDATE payments SET return_code = $1 WHERE id = $2")
            .bind(code)
            .bind(first)
            .execute(&r.p.app.db.pool)
            .await
            .unwrap();
        let page = r.page(app::paths::PAYMENT_HISTORY).await;
        assert!(page.contains(en), "{code}: {page}");
        r.in_spanish().await;
        let page = r.page(app::paths::PAYMENT_HISTORY).await;
        assert!(page.contains(es), "{code}: {page}");
        let csv = r.page(app::paths::PAYMENT_HISTORY_CSV).await;
        assert!(csv.contains(&format!(",Devuelto: {es}")), "{code}: {csv}");
        r.p.app.get("/lang/en?next=/").await;
    }
    r.in_spanish().await;
    let csv = r.page(app::paths::PAYMENT_HISTORY_CSV).await;
    let retry_line = format!(",Pendiente; Reintento de {retried}");
    assert!(csv.lines().any(|l| l.ends_with(&retry_line)), "{csv}");
    let page = r.page(app::paths::PAYMENT_HISTORY).await;
    assert!(page.contains(&format!("Reintento de {retried}")), "{page}");
}

#[tokio::test]
async fn a_returned_bank_account_says_why_and_nothing_offers_or_pays_with_it() {
    let r = returned().await;
    r.bank_returns(r.returned, "R02").await;
    let wallet = r.page(app::paths::WALLET).await;
    assert!(wallet.contains("Returned by your bank:"), "{wallet}");
    assert!(wallet.contains("Account closed or not found (R02)"), "{wallet}");
    assert!(!wallet.contains("Authorize this bank account again"), "not for a closed account");
    r.in_spanish().await;
    let wallet = r.page(app::paths::WALLET).await;
    assert!(wallet.contains("Devuelta por su banco:"), "{wallet}");
    assert!(wallet.contains("Cuenta cerrada o no encontrada (R02)"), "{wallet}");
    r.p.app.get("/lang/en?next=/").await;

    // Pay Now and AutoPay offer the other bank account only.
    let offered = |page: &str, m: MethodId| page.contains(&format!("id=\"method-{m}\""));
    let pay = r.page(app::paths::PAY).await;
    assert!(!offered(&pay, r.returned) && offered(&pay, r.other), "{pay}");
    let autopay = r.page(&app::paths::autopay_enroll(r.account, None, true)).await;
    assert!(!offered(&autopay, r.returned) && offered(&autopay, r.other), "{autopay}");

    // A form made by hand to pay with it: a clear answer, nothing stored, never a 5xx.
    let form = r.pay_form(r.returned);
    let review = format!("{}?{}", app::paths::PAY_REVIEW, form.query());
    let page = r.page(&review).await;
    assert!(
        page.contains("Your bank returned a payment from this bank account")
            && !page.contains("Submit Payment"),
        "{page}"
    );
    let answer = r.p.app.post_form("submit_payment", &review, &[("form", &form.query())]).await;
    assert_eq!(answer.status().as_u16(), 302);
    assert!(location(&answer).contains(app::paths::PAY_REVIEW), "back to the review");
    let fields = [
        ("account_id", r.account.to_string()),
        ("method_id", r.returned.to_string()),
        ("change", "1".to_string()),
        ("idempotency_key", "returned-autopay-key-1".to_string()),
        ("amount_rule", "full".to_string()),
        ("timing", "due".to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = r.p.app.post_form("create_autopay", "/billing/autopay/review", &fields).await;
    assert_eq!(answer.status().as_u16(), 302);
    assert!(!location(&answer).contains(app::paths::AUTOPAY_DONE), "{}", location(&answer));
    let page = r.page(&app::paths::autopay_enroll(r.account, None, true)).await;
    assert!(page.contains("so AutoPay can"), "the problem is said: {page}");
    // Nor can it become the default.
    let answer =
        r.p.app
            .post_form(
                "make_default_method",
                "/billing/settings/wallet",
                &[("id", &r.returned.to_string())],
            )
            .await;
    assert_eq!(answer.status().as_u16(), 302);
    assert!(r.page(app::paths::WALLET).await.contains("returned by your bank and can"));

    assert_eq!(count(&r.p.app.db, "payments").await, 0, "nothing paid");
    assert_eq!(count(&r.p.app.db, "payment_submissions").await, 0);
    assert_eq!(count(&r.p.app.db, "autopay_enrollments").await, 1, "nothing enrolled");
    assert_eq!(r.enrollment().await, (r.returned, Some("R02".into())));
}

#[tokio::test]
async fn authorizing_again_once_per_form_makes_the_account_usable_and_resumes_autopay() {
    let r = returned().await;
    r.bank_returns(r.returned, "R10").await;
    let autopay = r.page(app::paths::AUTOPAY_SETTINGS).await;
    assert!(autopay.contains("Suspended") && autopay.contains("(R10)"), "{autopay}");
    assert!(autopay.contains("authorize this bank account again in My Wallet"), "{autopay}");
    let wallet = r.page(app::paths::WALLET).await;
    assert!(wallet.contains("Not authorized by the account holder (R10)"), "{wallet}");
    assert!(wallet.contains("Authorize this bank account again"), "{wallet}");
    assert!(wallet.contains("I am the holder of the bank account"), "the authorization");
    let key = form_key(&wallet);
    let fields = [("id", r.returned.to_string()), ("form_key", key.clone())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let post = || r.p.app.post_form("authorize_method_again", app::paths::WALLET, &fields);

    // A double click: once.
    let (a, b) = tokio::join!(post(), post());
    for answer in [a, b] {
        assert_eq!(answer.status().as_u16(), 302);
        assert!(location(&answer).ends_with("?done=authorized"), "{}", location(&answer));
    }
    assert_eq!(count(&r.p.app.db, "method_authorizations").await, 1);
    assert_eq!(r.method_state(r.returned).await, None, "usable again");
    assert_eq!(r.enrollment().await, (r.returned, None), "AutoPay resumed");
    let (text,): (String,) = sqlx::query_as("SELECT authorization_text FROM method_authorizations")
        .fetch_one(&r.p.app.db.pool)
        .await
        .unwrap();
    assert!(text.starts_with("I am the holder of the bank account Checking *****6789"), "{text}");
    let wallet = r.page(&format!("{}?done=authorized", app::paths::WALLET)).await;
    assert!(wallet.contains("authorized again") && !wallet.contains("Returned by your bank"));

    // The same form sent again after another return does nothing.
    r.bank_returns(r.returned, "R10").await;
    assert_eq!(post().await.status().as_u16(), 302);
    assert_eq!(r.method_state(r.returned).await.as_deref(), Some("R10"));
    assert_eq!(count(&r.p.app.db, "method_authorizations").await, 1);
    // In Spanish, a new form.
    r.in_spanish().await;
    let wallet = r.page(app::paths::WALLET).await;
    assert!(wallet.contains("Autorizar esta cuenta bancaria de nuevo"), "{wallet}");
    assert!(wallet.contains("Soy titular de la cuenta bancaria"), "{wallet}");
    assert_ne!(form_key(&wallet), key, "each form its own key");

    // A closed account is not cured by an authorization: refused, nothing stored.
    r.bank_returns(r.other, "R02").await;
    let fields = [("id", r.other.to_string()), ("form_key", "a-hand-made-key-0001".to_string())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = r.p.app.post_form("authorize_method_again", app::paths::WALLET, &fields).await;
    assert_eq!(answer.status().as_u16(), 302);
    assert!(!location(&answer).contains("done=authorized"));
    let wallet = r.page(app::paths::WALLET).await;
    assert!(wallet.contains("no necesita autorizarse de nuevo"), "{wallet}");
    assert_eq!(r.method_state(r.other).await.as_deref(), Some("R02"));
    assert_eq!(count(&r.p.app.db, "method_authorizations").await, 1);
}

#[tokio::test]
async fn a_suspended_autopay_is_neither_reminded_nor_drafted_until_another_method_is_chosen() {
    let r = returned().await;
    r.bank_returns(r.returned, "R02").await;
    let page = r.page(app::paths::AUTOPAY_SETTINGS).await;
    assert!(page.contains("Suspended") && page.contains("Account closed or not found (R02)"));
    assert!(page.contains("Choose another payment method with Change AutoPay"), "{page}");
    r.in_spanish().await;
    let page = r.page(app::paths::AUTOPAY_SETTINGS).await;
    assert!(page.contains("Suspendido") && page.contains("Cuenta cerrada o no encontrada (R02)"));
    r.p.app.get("/lang/en?next=/").await;

    let reminder_day = r.p.run(date!(2027 - 06 - 17)).await;
    assert_eq!(reminder_day.reminders, 0, "no reminder");
    let due = r.p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((due.payments_created, due.files.len()), (0, 0), "no payment");
    assert!(r.payments().await.is_empty());
    assert_eq!(count(&r.p.app.db, "autopay_reminders").await, 0);

    // Change AutoPay to the other bank account: it drafts again, with that one.
    let fields = [
        ("account_id", r.account.to_string()),
        ("method_id", r.other.to_string()),
        ("change", "1".to_string()),
        ("idempotency_key", "returned-autopay-change-1".to_string()),
        ("amount_rule", "full".to_string()),
        ("timing", "due".to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = r.p.app.post_form("create_autopay", "/billing/autopay/review", &fields).await;
    assert!(location(&answer).starts_with(app::paths::AUTOPAY_DONE), "{}", location(&answer));
    assert_eq!(r.enrollment().await, (r.other, None), "no longer suspended");
    assert!(!r.page(app::paths::AUTOPAY_SETTINGS).await.contains("Suspended"));
    let due = r.p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(due.payments_created, 1);
    assert_eq!(r.payments().await, vec![(r.other, "submitted".to_string(), None)]);
    assert_eq!(r.p.files(), vec![(1, 0, 6120)]);
}

#[tokio::test]
async fn a_pending_payment_whose_bank_account_was_returned_is_not_sent() {
    let r = returned().await;
    r.payment("pending", None, None).await;
    r.bank_returns(r.returned, "R03").await;
    let run = r.p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(run.withdrawn_returned_methods, 1);
    assert!(run.files.is_empty() && r.p.files().is_empty(), "nothing goes to the bank");
    assert_eq!(
        r.payments().await,
        vec![(
            r.returned,
            "skipped".to_string(),
            Some("bank account returned by the bank (R03)".to_string())
        )]
    );
    let (balance,): (i64,) = sqlx::query_as("SELECT balance_cents FROM bills WHERE id = $1")
        .bind(r.bill)
        .fetch_one(&r.p.app.db.pool)
        .await
        .unwrap();
    assert_eq!(balance, 6120, "the bill is still open");
    // Once the customer removes it, choosing the other for AutoPay, the next run pays.
    let fields = [("id", r.returned.to_string()), ("replacement", r.other.to_string())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = r.p.app.post_form("remove_method", app::paths::WALLET, &fields).await;
    assert!(location(&answer).ends_with("?done=removed"), "{}", location(&answer));
    assert_eq!(r.enrollment().await, (r.other, None), "moved and resumed");
}
