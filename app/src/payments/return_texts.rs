//! The emails of the bank's answers, in English and Spanish: a debit returned (what
//! happened and what to do, by the return's class) and a bank account corrected by a
//! notice of change (which detail, never the number).

use crate::domain::ach_return::{Corrects, ReturnClass, ReturnCode};
use crate::domain::format::long_date;
use crate::domain::Cents;
use crate::email::compose::{Letterhead, Parts};
use crate::email::{Composed, Lang};
use time::Date;

/// What the email of a returned debit says about it.
pub struct Returned<'a> {
    pub account: &'a str,
    pub amount: Cents,
    pub draft_date: Date,
    pub method: &'a str,
    pub code: ReturnCode,
    /// The retry's date, when the debit is tried again.
    pub retry_on: Option<Date>,
}

/// The bank returned a debit: the bill is open again; what the customer should do.
pub fn returned(head: &Letterhead, lang: Lang, to: &str, r: &Returned<'_>) -> Composed {
    let (amount, account, method, code) = (r.amount, r.account, r.method, r.code);
    let date = long_date(r.draft_date, lang);
    let reason = code.customer_reason(lang);
    let first = match lang {
        Lang::En => format!("Your bank returned the payment of {amount} for account {account} drafted on {date} from {method}: {reason} (return code {code}). The amount is owed on your bill again."),
        Lang::Es => format!("Su banco devolvió el pago de {amount} de la cuenta {account} cobrado el {date} de {method}: {reason} (código de devolución {code}). El monto vuelve a estar pendiente en su factura."),
    };
    let (next, action) = match (code.class(), r.retry_on) {
        (ReturnClass::Nsf, Some(on)) => {
            let on = long_date(on, lang);
            (
                match lang {
                    Lang::En => format!("We will try the debit again on {on}. Please make sure the funds are in the account, or pay another way before then."),
                    Lang::Es => format!("Intentaremos el cobro de nuevo el {on}. Asegúrese de que los fondos estén en la cuenta, o pague de otra forma antes de esa fecha."),
                },
                (lang.pick("See your account", "Ver su cuenta"), crate::paths::ACCOUNT),
            )
        }
        (ReturnClass::Account, _) => (
            lang.pick(
                "This bank account can no longer be used, and AutoPay that used it is paused. Please choose another payment method in My Wallet, and pay the bill.",
                "Esta cuenta bancaria ya no se puede usar, y el pago automático que la usaba está en pausa. Elija otro método de pago en Mi billetera y pague la factura.",
            )
            .to_string(),
            (lang.pick("Open My Wallet", "Abrir Mi billetera"), crate::paths::WALLET),
        ),
        (ReturnClass::Unauthorized, _) => (
            lang.pick(
                "We will not debit this bank account again, and AutoPay that used it is paused, until you authorize it again in My Wallet. If you did not expect this, please call us.",
                "No volveremos a cobrar de esta cuenta bancaria, y el pago automático que la usaba está en pausa, hasta que usted la autorice de nuevo en Mi billetera. Si no esperaba esto, llámenos.",
            )
            .to_string(),
            (lang.pick("Open My Wallet", "Abrir Mi billetera"), crate::paths::WALLET),
        ),
        _ => (
            lang.pick(
                "The payment will not be tried again. Please pay the bill.",
                "El pago no se intentará de nuevo. Por favor pague la factura.",
            )
            .to_string(),
            (lang.pick("Pay now", "Pagar ahora"), crate::paths::PAY),
        ),
    };
    let subject = lang.pick("Your payment was returned by your bank", "Su banco devolvió su pago");
    Parts::new("ach-returned", subject, first).paragraph(next).action(action).write(head, lang, to)
}

/// The bank corrected a detail of a saved bank account: the portal uses it from now on.
pub fn corrected(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    method: &str,
    corrects: Corrects,
) -> Composed {
    let what = corrects.text(lang);
    let p = match lang {
        Lang::En => format!("Your bank told us that {what} of your bank account {method} changed. We updated it in My Wallet, and your next payments from this account use it. You do not need to do anything."),
        Lang::Es => format!("Su banco nos informó que cambió {what} de su cuenta bancaria {method}. Lo actualizamos en Mi billetera, y sus próximos pagos de esta cuenta lo usarán. No necesita hacer nada."),
    };
    let subject = lang.pick(
        "Your bank updated your account details",
        "Su banco actualizó los datos de su cuenta",
    );
    Parts::new("ach-corrected", subject, p)
        .action((lang.pick("Open My Wallet", "Abrir Mi billetera"), crate::paths::WALLET))
        .write(head, lang, to)
}
