//! The emails a payment sends, in English and Spanish: the receipt, and the notice that a
//! charge was declined. Server only, like every email text. They speak of AutoPay, which
//! makes every payment today.

use crate::domain::Cents;
use crate::email::compose::{Letterhead, Parts};
use crate::email::{Composed, Lang};

/// The payment went through: paid by card or wallet, or sent to the bank.
pub fn receipt(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    amount: Cents,
    date: &str,
    method: &str,
) -> Composed {
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
    due_date: &str,
    method: &str,
) -> Composed {
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
