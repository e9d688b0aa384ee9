//! The emails a payment sends, in English and Spanish: AutoPay's receipt, declined notice
//! and cancellation (whoever cancels it, the customer or the utility's staff at their
//! request), and the emails of a one-time payment (paid, on its way, scheduled, declined).
//! Server only, like every email text.

use crate::domain::format::long_date;
use crate::domain::Cents;
use crate::email::compose::{Letterhead, Parts};
use crate::email::{Composed, Lang};
use time::Date;

/// The button of AutoPay's messages.
pub fn see_autopay(lang: Lang) -> (&'static str, &'static str) {
    (lang.pick("See AutoPay", "Ver pago automático"), crate::paths::AUTOPAY_SETTINGS)
}

/// The closing line of a change the customer should recognize.
pub fn not_you(lang: Lang) -> String {
    lang.pick(
        "If you did not do this, call us right away.",
        "Si usted no hizo esto, llámenos de inmediato.",
    )
    .to_string()
}

/// AutoPay of an account ended: nothing more is drafted.
pub fn autopay_cancelled(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    reference: &str,
) -> Composed {
    let p = match lang {
        Lang::En => format!("AutoPay for account {account} (reference {reference}) was cancelled. Nothing more will be drafted; please pay your next bills another way."),
        Lang::Es => format!("El pago automático de la cuenta {account} (referencia {reference}) fue cancelado. No se cobrará nada más; pague sus próximas facturas de otra manera."),
    };
    let subject = lang.pick("Your AutoPay was cancelled", "Su pago automático fue cancelado");
    Parts::new("autopay-cancelled", subject, p)
        .action(see_autopay(lang))
        .after(not_you(lang))
        .write(head, lang, to)
}

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
    Parts::new("autopay-receipt", lang.pick("AutoPay receipt", "Recibo de pago automático"), p)
        .action((lang.pick("See your account", "Ver su cuenta"), crate::paths::ACCOUNT))
        .write(head, lang, to)
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
    let subject =
        lang.pick("Your AutoPay payment was declined", "Su pago automático fue rechazado");
    Parts::new("autopay-declined", subject, p)
        .action((lang.pick("Open My Wallet", "Abrir Mi billetera"), crate::paths::WALLET))
        .write(head, lang, to)
}

/// What a one-time payment's email tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTimeNews {
    /// Charged and approved.
    Paid,
    /// An e-check taken today: it goes to the bank with the next file.
    OnItsWay,
    /// A payment for a later date.
    Scheduled,
    /// The card was declined or the processor could not be reached: nothing was paid.
    Declined,
    /// Some lines were charged and approved, the others declined (`PaidLine::declined`):
    /// each line says which.
    PartlyPaid,
}

/// One account's line of a one-time payment's email.
pub struct PaidLine<'a> {
    pub account: &'a str,
    pub reference: String,
    pub amount: Cents,
    pub fee: Cents,
    /// Charged now and declined (nothing charged for this account).
    pub declined: bool,
}

fn one_time_line(lang: Lang, news: OneTimeNews, l: &PaidLine<'_>) -> String {
    let fee = match (l.fee.0, lang) {
        (0, _) => String::new(),
        (_, Lang::En) => format!(" + {} convenience fee", l.fee),
        (_, Lang::Es) => format!(" + {} de cargo por servicio", l.fee),
    };
    // In a partly paid payment each line says how it went; otherwise the opening does.
    let outcome = match (news, l.declined, lang) {
        (OneTimeNews::PartlyPaid, false, Lang::En) => ": paid",
        (OneTimeNews::PartlyPaid, false, Lang::Es) => ": pagado",
        (OneTimeNews::PartlyPaid, true, Lang::En) => ": declined, nothing was charged",
        (OneTimeNews::PartlyPaid, true, Lang::Es) => ": rechazado, no se cobró nada",
        _ => "",
    };
    match lang {
        Lang::En => {
            format!("Account {}: {}{fee} (reference {}){outcome}", l.account, l.amount, l.reference)
        }
        Lang::Es => {
            format!("Cuenta {}: {}{fee} (referencia {}){outcome}", l.account, l.amount, l.reference)
        }
    }
}

/// The email of a one-time payment (Pay Now): its lines, the date and the method, and what
/// happened or will happen.
pub fn one_time(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    news: OneTimeNews,
    lines: &[PaidLine<'_>],
    date: time::Date,
    method: &str,
) -> Composed {
    let date = crate::domain::format::long_date(date, lang);
    let sum = |declined: bool| {
        let of = lines.iter().filter(|l| l.declined == declined);
        Cents(of.map(|l| l.amount.0 + l.fee.0).sum())
    };
    let total = Cents(lines.iter().map(|l| l.amount.0 + l.fee.0).sum());
    let (paid, refused) = (sum(false), sum(true));
    let (kind, subject, opening) = match (news, lang) {
        (OneTimeNews::Paid, Lang::En) => ("payment-receipt", "Payment receipt", format!("Thank you: we received your payment of {total} with {method} on {date}.")),
        (OneTimeNews::Paid, Lang::Es) => ("payment-receipt", "Recibo de pago", format!("Gracias: recibimos su pago de {total} con {method} el {date}.")),
        (OneTimeNews::OnItsWay, Lang::En) => ("payment-receipt", "Payment received", format!("Thank you: your payment of {total} from {method} on {date} goes to your bank with our next bank file. It shows as pending until then.")),
        (OneTimeNews::OnItsWay, Lang::Es) => ("payment-receipt", "Pago recibido", format!("Gracias: su pago de {total} de {method} del {date} se enviará a su banco con nuestro próximo archivo bancario. Hasta entonces aparece como pendiente.")),
        (OneTimeNews::Scheduled, Lang::En) => ("payment-scheduled", "Payment scheduled", format!("Your payment of {total} with {method} is scheduled for {date}. You can cancel it on your account until it is sent.")),
        (OneTimeNews::Scheduled, Lang::Es) => ("payment-scheduled", "Pago programado", format!("Su pago de {total} con {method} está programado para el {date}. Puede cancelarlo en su cuenta hasta que se envíe.")),
        (OneTimeNews::Declined, Lang::En) => ("payment-declined", "Your payment did not go through", format!("Your payment of {total} with {method} on {date} did not go through, and nothing was charged. Your bill is still open: please pay it with another method.")),
        (OneTimeNews::Declined, Lang::Es) => ("payment-declined", "Su pago no se realizó", format!("Su pago de {total} con {method} del {date} no se realizó y no se cobró nada. Su factura sigue pendiente: páguela con otro método.")),
        (OneTimeNews::PartlyPaid, Lang::En) => ("payment-partly-declined", "Part of your payment did not go through", format!("Part of your payment with {method} on {date} did not go through. We received {paid}; {refused} was declined and nothing was charged for it. The bill of each account marked declined below is still open: please pay it with another method.")),
        (OneTimeNews::PartlyPaid, Lang::Es) => ("payment-partly-declined", "Parte de su pago no se realizó", format!("Parte de su pago con {method} del {date} no se realizó. Recibimos {paid}; {refused} fue rechazado y no se cobró. La factura de cada cuenta marcada como rechazada abajo sigue pendiente: páguela con otro método.")),
    };
    let letter = lines.iter().fold(Parts::new(kind, subject, opening), |letter, l| {
        letter.paragraph(one_time_line(lang, news, l))
    });
    letter
        .action((lang.pick("See your account", "Ver su cuenta"), crate::paths::ACCOUNT))
        .write(head, lang, to)
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

    #[test]
    fn a_partly_paid_payment_says_which_line_was_paid_and_which_declined() {
        let line = |account, amount, declined| PaidLine {
            account,
            reference: format!("P{account}"),
            amount: Cents(amount),
            fee: Cents(0),
            declined,
        };
        let lines = [line("1-2", 8417, false), line("1-3", 2002, true)];
        let day = date!(2026 - 12 - 10);
        let news = OneTimeNews::PartlyPaid;
        let en = one_time(&head(), Lang::En, "a@example.org", news, &lines, day, "Visa");
        assert!(en.text.contains("We received $84.17; $20.02 was declined"), "{}", en.text);
        assert!(en.text.contains("Account 1-2: $84.17 (reference P1-2): paid"), "{}", en.text);
        assert!(en.text.contains("(reference P1-3): declined, nothing was charged"));
        let es = one_time(&head(), Lang::Es, "a@example.org", news, &lines, day, "Visa");
        assert!(es.text.contains("Cuenta 1-2: $84.17 (referencia P1-2): pagado"), "{}", es.text);
        assert!(es.text.contains("(referencia P1-3): rechazado, no se cobró nada"));
        let paid = one_time(&head(), Lang::En, "a", OneTimeNews::Paid, &lines[..1], day, "Visa");
        assert!(!paid.text.contains(": paid"), "an all-paid email needs no marks");
    }
}
