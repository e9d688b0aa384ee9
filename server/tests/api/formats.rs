//! Dates and quantities the way each language writes them, on pages and in emails:
//! "December 10, 2030" / "10 de diciembre de 2030", "6,200 gallons" / "6,200 galones",
//! never the ISO dates the database stores.

use crate::helpers::{account_id, bank, bill, card, enroll, inbox, portal, Registered, PASSWORD};
use app::domain::autopay::RuleForm;
use app::domain::format::long_date;
use app::email::Lang;
use time::macros::date;

#[tokio::test]
async fn the_overview_and_the_autopay_confirmation_write_dates_and_gallons_in_the_pages_language() {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    let account = account_id(&p.app, "1234567").await;
    let bill_id = bill(&p.app, "1234567", "2030-11-20", "2030-12-10", 120450).await;
    sqlx::query("UPDATE bills SET usage_gallons = 6200 WHERE id = $1")
        .bind(bill_id)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    // The demo's bills are paid: the one above is the first AutoPay would pay.
    sqlx::query("UPDATE bills SET balance_cents = 0 WHERE account_id = $1 AND id <> $2")
        .bind(account)
        .bind(bill_id)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let reference = enroll(&p, alex, account, method, &RuleForm::default()).await;
    p.app.sign_in(&email, PASSWORD).await;
    let today = time::OffsetDateTime::now_utc().date();
    for (code, lang, due, billed, usage) in [
        ("en", Lang::En, "December 10, 2030", "November 20, 2030", "6,200 gallons"),
        ("es", Lang::Es, "10 de diciembre de 2030", "20 de noviembre de 2030", "6,200 galones"),
    ] {
        p.app.get(&format!("/lang/{code}?next=/account")).await;
        let overview = p.app.get("/account").await.text().await.unwrap();
        assert!(overview.contains(&format!("<html lang=\"{code}\"")), "{overview}");
        for part in [due, billed, usage, "$1,204.50"] {
            assert!(
                overview.contains(part),
                "{code}: {part} missing from the overview: {overview}"
            );
        }
        let done = p.app.get(&format!("/billing/autopay/done?ref={reference}")).await;
        let done = done.text().await.unwrap();
        for part in [due, &long_date(today, lang), "$1,204.50"] {
            assert!(done.contains(part), "{code}: {part} missing from the confirmation: {done}");
        }
        for page in [&overview, &done] {
            assert!(!page.contains("2030-12-10") && !page.contains("2030-11-20"), "{page}");
        }
    }
}

/// María reads Spanish, Alex English: each AutoPay reminder and receipt says its dates the
/// way its reader's language writes them.
#[tokio::test]
async fn reminders_and_receipts_write_dates_in_the_customers_language() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await;
    let maria = p.app.register("23456789-2345678", "97502").await;
    sqlx::query("UPDATE logins SET locale = 'es' WHERE customer_id = $1")
        .bind(maria.customer_id)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let alex_bank = p.app.add_method(alex.customer_id, &bank()).await.unwrap();
    let maria_card = card("credit", "4111111111111111", "04/29", "123");
    let maria_card = p.app.add_method(maria.customer_id, &maria_card).await.unwrap();
    let (alex_account, maria_account) =
        (account_id(&p.app, "1234567").await, account_id(&p.app, "2345678").await);
    enroll(&p, alex.customer_id, alex_account, alex_bank, &RuleForm::default()).await;
    enroll(&p, maria.customer_id, maria_account, maria_card, &RuleForm::default()).await;
    bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    bill(&p.app, "2345678", "2027-06-01", "2027-06-20", 4410).await;
    assert_eq!(p.run(date!(2027 - 06 - 17)).await.reminders, 2);
    let paid = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((paid.cards_paid, paid.receipts), (1, 1));

    let mail = inbox(&p.app.db, &alex.email, 3).await;
    let text = |subject: &str| {
        mail.iter().find(|m| m.subject.starts_with(subject)).map(|m| m.text.clone())
    };
    let reminder = text("AutoPay will pay your bill soon").expect("Alex's reminder");
    // Alex pays by bank account, and Sunday, June 20, 2027 is no banking day: his bank
    // account is debited on Monday, June 21.
    assert!(reminder.contains("On June 21, 2027, AutoPay will pay $61.20"), "{reminder}");
    assert!(
        reminder.contains(
            "Its draft date, June 20, 2027, is not a banking day: your bank account is debited on June 21, 2027"
        ) && reminder.contains("do so before June 18, 2027"),
        "{reminder}"
    );
    let receipt = text("AutoPay receipt").expect("Alex's receipt");
    assert!(receipt.contains("on June 21, 2027 with"), "{receipt}");

    let mail = inbox(&p.app.db, &maria.email, 3).await;
    let text = |subject: &str| {
        mail.iter().find(|m| m.subject.starts_with(subject)).map(|m| m.text.clone())
    };
    let reminder = text("El pago automático pagará su factura pronto").expect("María's reminder");
    assert!(
        reminder.contains("El 20 de junio de 2027, el pago automático pagará $44.10"),
        "{reminder}"
    );
    let receipt = text("Recibo de pago automático").expect("María's receipt");
    assert!(receipt.contains("el 20 de junio de 2027 con"), "{receipt}");
    for m in &mail {
        assert!(!m.text.contains("2027-06-20"), "no ISO date: {}", m.text);
    }
}
