//! The alert emails and texts, in English and Spanish: what was seen, since when (the local
//! time of the reads), a link to the chart of those hours and one to what to check.

use super::alerts::data::Recipient;
use crate::domain::format;
use crate::domain::leak::AlertKind;
use crate::domain::water_use::{local_day, local_time};
use crate::email::compose::Parts;
use crate::email::{Composed, Lang, Letterhead};
use crate::paths;

fn what(kind: AlertKind, lang: Lang) -> &'static str {
    match kind {
        AlertKind::Continuous => lang.pick(
            "Water has been running every hour for two days at your address",
            "El agua ha estado corriendo cada hora durante dos días en su domicilio",
        ),
        AlertKind::Burst => lang.pick(
            "A high flow of water has run for hours at your address",
            "Un flujo alto de agua ha corrido durante horas en su domicilio",
        ),
        AlertKind::HighUse => lang.pick(
            "Your water use in a day was more than twice your usual day",
            "Su consumo de agua en un día fue más del doble de un día normal",
        ),
        AlertKind::Vacation => lang.pick(
            "Water was used while you told us you were away",
            "Se usó agua mientras usted nos dijo que estaba fuera",
        ),
    }
}

/// An alert as it starts (`resolved` false) or as the reads show it stopped.
pub fn alert(
    head: &Letterhead,
    lang: Lang,
    email: &str,
    to: &Recipient,
    kind: AlertKind,
    started: i64,
    resolved: bool,
) -> Composed {
    let since = local_time(started, lang);
    let number = &to.number;
    let (subject, first) = if resolved {
        let subject = lang.pick("Water-use alert: resolved", "Alerta de consumo de agua: resuelta");
        let first = match lang {
            Lang::En => format!("The alert on account {number} from {since} is over: the meter reads show it stopped."),
            Lang::Es => format!("La alerta de la cuenta {number} desde el {since} terminó: las lecturas del medidor muestran que paró."),
        };
        (subject, first)
    } else {
        let subject = lang.pick(
            "Water-use alert: please check for a leak",
            "Alerta de consumo de agua: revise si hay una fuga",
        );
        let first = match lang {
            Lang::En => format!("{} (account {number}), since {since}.", what(kind, lang)),
            Lang::Es => format!("{} (cuenta {number}), desde el {since}.", what(kind, lang)),
        };
        (subject, first)
    };
    let chart = chart(to, started);
    let check = match lang {
        Lang::En => format!(
            "What to check (a toilet flapper, irrigation, a water softener): {}",
            head.link(paths::WHAT_TO_CHECK)
        ),
        Lang::Es => format!(
            "Qué revisar (la válvula del inodoro, el riego, el suavizador de agua): {}",
            head.link(paths::WHAT_TO_CHECK)
        ),
    };
    Parts::new(if resolved { "usage-alert-resolved" } else { "usage-alert" }, subject, first)
        .paragraph(check)
        .action((lang.pick("See the hours on the chart", "Ver las horas en la gráfica"), &chart))
        .write(head, lang, email)
}

/// The chart of the hours an alert started in.
fn chart(to: &Recipient, started: i64) -> String {
    let day = local_day(started).map(format::iso_date);
    format!("{}?account={}&scale=hour&at={}", paths::WATER_USE, to.account, day.unwrap_or_default())
}

/// The same alert as a text: short, with the chart's link and how to stop texts.
pub fn alert_text(
    head: &Letterhead,
    lang: Lang,
    to: &Recipient,
    kind: AlertKind,
    started: i64,
    resolved: bool,
) -> String {
    let since = local_time(started, lang);
    let (utility, number) = (&head.utility_name, &to.number);
    let said = if resolved {
        match lang {
            Lang::En => {
                format!("{utility}: the water alert on account {number} from {since} is over.")
            }
            Lang::Es => format!(
                "{utility}: la alerta de agua de la cuenta {number} desde el {since} terminó."
            ),
        }
    } else {
        match lang {
            Lang::En => {
                format!("{utility}: {} (account {number}), since {since}.", what(kind, lang))
            }
            Lang::Es => {
                format!("{utility}: {} (cuenta {number}), desde el {since}.", what(kind, lang))
            }
        }
    };
    format!("{said} {} {}", head.link(&chart(to, started)), crate::sms::stop_line(lang))
}
