//! The emails a payment sends, in English and Spanish: the receipt, and the notice that a
//! charge was declined. Server only, like every email text. They speak of AutoPay, which
//! makes every payment today.

use crate::domain::format::long_date;
use crate::domain::Cents;
use crate::email::compose::{letter, Letterhead, Parts};
use crate::email::{Composed, Lang};
use time::Date;

/// The payment went through: paid by card or wallet, or sent to the bank.
pub fn receipt(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    amount: Cents,
    date: Date,
    method: &str,
) -> Composed {
    let date = long_date(date, lang);
    let p = match lang {
        Lang::En => format!("AutoPay paid {amount} of the bill of account {account} on {date} with {method}. Thank you."),
        Lang::Es => format!("El pago automático pagó {amount} de la factura de la cuenta {account} el {date} con {method}. Gracias."),
    };
    letter(
        head,
        lang,
        to,
        Parts {
            kind: "autopay-receipt",
            subject: lang.pick("AutoPay receipt", "Recibo de pago automático"),
            paragraphs: vec![p],
            action: Some((lang.pick("See your account", "Ver su cuenta"), crate::paths::ACCOUNT)),
            after: vec![],
        },
    )
}

/// The processor declined the charge: the bill is still open.
pub fn declined(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    amount: Cents,
    due_date: Date,
    method: &str,
) -> Composed {
    let due_date = long_date(due_date, lang);
    let p = match lang {
        Lang::En => format!("AutoPay could not pay {amount} of the bill of account {account}: {method} was declined. The bill is still open: please pay it by {due_date}, and update your payment method in My Wallet."),
        Lang::Es => format!("El pago automático no pudo pagar {amount} de la factura de la cuenta {account}: {method} fue rechazada. La factura sigue pendiente: páguela antes del {due_date} y actualice su método de pago en Mi billetera."),
    };
    letter(
        head,
        lang,
        to,
        Parts {
            kind: "autopay-declined",
            subject: lang
                .pick("Your AutoPay payment was declined", "Su pago automático fue rechazado"),
            paragraphs: vec![p],
            action: Some((lang.pick("Open My Wallet", "Abrir Mi billetera"), crate::paths::WALLET)),
            after: vec![],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn head() -> Letterhead {
        Letterhead {
            utility_name: "Medford Water".into(),
            phone: "541-774-2430".into(),
            email: "customerservice@medfordwater.org".into(),
            base_url: "https://portal.example.org".into(),
        }
    }

    #[test]
    fn receipts_and_declines_write_dates_the_way_the_reader_does() {
        let (day, amount) = (date!(2026 - 12 - 10), Cents(6120));
        let en = receipt(&head(), Lang::En, "a@example.org", "1-2", amount, day, "Card *4242");
        assert!(en.text.contains("$61.20 of the bill of account 1-2 on December 10, 2026 with"));
        let es = declined(&head(), Lang::Es, "a@example.org", "1-2", amount, day, "Tarjeta");
        assert!(es.text.contains("páguela antes del 10 de diciembre de 2026"), "{}", es.text);
    }
}
