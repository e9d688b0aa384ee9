//! AutoPay's sentences in English and Spanish: the rule, the authorization the customer
//! agrees to, and the emails. Server only, like every email text: the page receives them
//! already written in the customer's language.

use crate::domain::autopay::{AmountRule, AutopayRule};
use crate::domain::format::long_date;
use crate::domain::Cents;
use crate::email::compose::{Letterhead, Parts};
use crate::email::{Composed, Lang};
use crate::paths;
use crate::payments::texts::{not_you, see_autopay};
use time::Date;

/// One sentence: amount, timing, maximum.
pub fn rule_summary(lang: Lang, rule: &AutopayRule) -> String {
    let amount = match (lang, rule.amount) {
        (Lang::En, AmountRule::FullBalance) => "The full balance of each bill".to_string(),
        (Lang::Es, AmountRule::FullBalance) => "El saldo total de cada factura".to_string(),
        (Lang::En, AmountRule::Fixed(c)) => format!("{c} of each bill (less when less is owed)"),
        (Lang::Es, AmountRule::Fixed(c)) => format!("{c} de cada factura (menos si se debe menos)"),
    };
    let timing = match (lang, rule.days_before_due) {
        (Lang::En, 0) => "on its due date".to_string(),
        (Lang::Es, 0) => "en su fecha de vencimiento".to_string(),
        (Lang::En, 1) => "1 day before its due date".to_string(),
        (Lang::Es, 1) => "1 día antes de su fecha de vencimiento".to_string(),
        (Lang::En, d) => format!("{d} days before its due date"),
        (Lang::Es, d) => format!("{d} días antes de su fecha de vencimiento"),
    };
    let maximum = match (lang, rule.maximum) {
        (_, None) => String::new(),
        (Lang::En, Some(m)) => {
            format!(", up to {m}: above that nothing is drafted and we email you")
        }
        (Lang::Es, Some(m)) => {
            format!(", hasta {m}: por encima de eso no se cobra nada y le enviamos un correo")
        }
    };
    format!("{amount}, {timing}{maximum}.")
}

/// What the customer agrees to: who may debit what, when, and how to stop it (the terms a
/// recurring debit authorization must state).
pub fn authorization(
    lang: Lang,
    utility: &str,
    phone: &str,
    account: &str,
    method: &str,
    rule: &AutopayRule,
) -> String {
    let summary = rule_summary(lang, rule);
    match lang {
        Lang::En => format!(
            "I authorize {utility} to debit {method} for water account {account} each time a bill is issued, until I cancel: {summary} \
             A debit that fails may be tried again as the law allows. I can cancel or change this AutoPay at any time in Bill Settings → AutoPay \
             or by calling {phone}; a change made at least 3 days before a draft applies to that draft. I will keep a copy of this authorization."
        ),
        Lang::Es => format!(
            "Autorizo a {utility} a cobrar de {method} para la cuenta de agua {account} cada vez que se emita una factura, hasta que yo cancele: {summary} \
             Un cobro que falle puede intentarse de nuevo según lo permita la ley. Puedo cancelar o cambiar este pago automático en cualquier momento en \
             Configuración de factura → Pago automático o llamando al {phone}; un cambio hecho al menos 3 días antes de un cobro se aplica a ese cobro. \
             Guardaré una copia de esta autorización."
        ),
    }
}

pub struct EnrollmentFacts<'a> {
    pub account: &'a str,
    pub reference: &'a str,
    pub method: &'a str,
    pub rule: &'a str,
    pub authorization: &'a str,
}

pub fn enrolled(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    f: &EnrollmentFacts<'_>,
    changed: bool,
) -> Composed {
    let (kind, subject) = if changed {
        (
            "autopay-changed",
            lang.pick("Your AutoPay was changed", "Su pago automático fue cambiado"),
        )
    } else {
        (
            "autopay-enrolled",
            lang.pick("You are enrolled in AutoPay", "Está inscrito en el pago automático"),
        )
    };
    let first = match (lang, changed) {
        (Lang::En, false) => format!(
            "Account {} is now enrolled in AutoPay. Reference number: {}.",
            f.account, f.reference
        ),
        (Lang::Es, false) => format!(
            "La cuenta {} ya está inscrita en el pago automático. Número de referencia: {}.",
            f.account, f.reference
        ),
        (Lang::En, true) => format!(
            "The AutoPay of account {} was changed. New reference number: {}.",
            f.account, f.reference
        ),
        (Lang::Es, true) => format!(
            "El pago automático de la cuenta {} fue cambiado. Nuevo número de referencia: {}.",
            f.account, f.reference
        ),
    };
    let facts =
        format!("{}: {} — {}", lang.pick("Payment method", "Método de pago"), f.method, f.rule);
    let authorized = format!(
        "{} {}",
        lang.pick("What you authorized:", "Lo que usted autorizó:"),
        f.authorization
    );
    Parts::new(kind, subject, first)
        .paragraph(facts)
        .action(see_autopay(lang))
        .after(authorized)
        .after(not_you(lang))
        .write(head, lang, to)
}

/// The days a reminder names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderDates {
    /// The bill's draft date by the customer's rule.
    pub draft: Date,
    /// An e-check's effective entry date: the day its bank account is debited, the next
    /// banking day when the draft date is not one. None for a card or wallet.
    pub debited_on: Option<Date>,
    /// The day the run drafts it: the draft date, or for an e-check drafted on a day that
    /// is not a banking day, the banking day before.
    pub drafted_by_run: Date,
}

pub fn reminder(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    amount: Cents,
    dates: ReminderDates,
    method: &str,
) -> Composed {
    let date = long_date(dates.debited_on.unwrap_or(dates.draft), lang);
    let mut p = match lang {
        Lang::En => format!("On {date}, AutoPay will pay {amount} of the bill of account {account} with {method}."),
        Lang::Es => format!("El {date}, el pago automático pagará {amount} de la factura de la cuenta {account} con {method}."),
    };
    if let Some(debited_on) = dates.debited_on.filter(|d| *d != dates.draft) {
        let (draft, debited) = (long_date(dates.draft, lang), long_date(debited_on, lang));
        p.push_str(&match lang {
            Lang::En => format!(" Its draft date, {draft}, is not a banking day: your bank account is debited on {debited}, the next banking day."),
            Lang::Es => format!(" Su fecha de cobro, el {draft}, no es un día hábil bancario: su cuenta bancaria se debita el {debited}, el siguiente día hábil bancario."),
        });
    }
    let after = if dates.drafted_by_run < dates.draft {
        let by = long_date(dates.drafted_by_run, lang);
        match lang {
            Lang::En => {
                format!("To change or cancel it, do so before {by}, when it is sent to your bank.")
            }
            Lang::Es => format!(
                "Para cambiarlo o cancelarlo, hágalo antes del {by}, cuando se envía a su banco."
            ),
        }
    } else {
        lang.pick(
            "To change or cancel it, do so before that date.",
            "Para cambiarlo o cancelarlo, hágalo antes de esa fecha.",
        )
        .to_string()
    };
    let subject =
        lang.pick("AutoPay will pay your bill soon", "El pago automático pagará su factura pronto");
    Parts::new("autopay-reminder", subject, p)
        .action(see_autopay(lang))
        .after(after)
        .write(head, lang, to)
}

pub fn over_maximum(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    amount: Cents,
    maximum: Cents,
    due_date: Date,
) -> Composed {
    let due_date = long_date(due_date, lang);
    let p = match lang {
        Lang::En => format!("The bill of account {account} is {amount}, above the AutoPay maximum you set ({maximum}). Nothing was drafted: please pay this bill by {due_date}."),
        Lang::Es => format!("La factura de la cuenta {account} es de {amount}, más que el máximo de pago automático que usted fijó ({maximum}). No se cobró nada: pague esta factura antes del {due_date}."),
    };
    let subject =
        lang.pick("AutoPay did not pay your bill", "El pago automático no pagó su factura");
    Parts::new("autopay-over-maximum", subject, p)
        .action((lang.pick("See your bill", "Ver su factura"), paths::ACCOUNT))
        .write(head, lang, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_names_the_amount_the_timing_and_how_to_cancel() {
        let rule = AutopayRule {
            amount: AmountRule::Fixed(Cents(5000)),
            days_before_due: 3,
            maximum: Some(Cents(15000)),
        };
        let en = authorization(
            Lang::En,
            "Medford Water",
            "541-774-2430",
            "12345678-1234567",
            "Checking *****6789",
            &rule,
        );
        for part in [
            "Medford Water",
            "Checking *****6789",
            "$50.00",
            "3 days before",
            "$150.00",
            "cancel",
            "541-774-2430",
        ] {
            assert!(en.contains(part), "{part} missing from {en}");
        }
        let es = authorization(
            Lang::Es,
            "Medford Water",
            "541-774-2430",
            "12345678-1234567",
            "Corriente *****6789",
            &rule,
        );
        for part in ["Autorizo", "$50.00", "3 días antes", "$150.00", "cancelar", "541-774-2430"] {
            assert!(es.contains(part), "{part} missing from {es}");
        }
    }
}
