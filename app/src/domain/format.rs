//! Dates, amounts and quantities the way each language writes them: "December 10, 2026" and
//! "10 de diciembre de 2026"; "$1,204.50" in both; "6,200 gallons" and "6,200 galones".
//! Written here rather than with a locale crate: two languages and three shapes do not need
//! the CLDR tables in every browser download.

use super::{Cents, Lang};
use time::{Date, Month};

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const SHORT_ES: [&str; 12] =
    ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];

fn month_name(month: Month, lang: Lang) -> &'static str {
    let i = month as usize - 1;
    match lang {
        Lang::En => MONTHS_EN[i],
        Lang::Es => MONTHS_ES[i],
    }
}

/// "December 10, 2026" / "10 de diciembre de 2026".
pub fn long_date(date: Date, lang: Lang) -> String {
    let (month, day, year) = (month_name(date.month(), lang), date.day(), date.year());
    match lang {
        Lang::En => format!("{month} {day}, {year}"),
        Lang::Es => format!("{day} de {month} de {year}"),
    }
}

/// "Dec 2" / "2 dic": a date of this year or the next, in a sentence.
pub fn short_date(date: Date, lang: Lang) -> String {
    let i = date.month() as usize - 1;
    match lang {
        Lang::En => format!("{} {}", &MONTHS_EN[i][..3], date.day()),
        Lang::Es => format!("{} {}", date.day(), SHORT_ES[i]),
    }
}

/// "December 2026" / "diciembre de 2026": a billing month.
pub fn month_year(date: Date, lang: Lang) -> String {
    let month = month_name(date.month(), lang);
    match lang {
        Lang::En => format!("{month} {}", date.year()),
        Lang::Es => format!("{month} de {}", date.year()),
    }
}

/// "December 10, 2026, 14:05 UTC" / "10 de diciembre de 2026, 14:05 UTC": an instant
/// stored as Unix seconds, as the back office shows it (in UTC: the portal keeps no time
/// zone of its own).
pub fn date_time_utc(unix_secs: i64, lang: Lang) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix_secs) {
        Ok(at) => {
            format!("{}, {:02}:{:02} UTC", long_date(at.date(), lang), at.hour(), at.minute())
        }
        Err(_) => unix_secs.to_string(),
    }
}

/// `2026-12-10`: how a date input reads and writes a date.
pub fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// A whole number with thousands separators: "6,200". US Spanish groups the same way.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// "6,200 gallons" / "6,200 galones"; one gallon is singular.
pub fn gallons(n: i64, lang: Lang) -> String {
    let unit = match (lang, n) {
        (Lang::En, 1) => "gallon",
        (Lang::En, _) => "gallons",
        (Lang::Es, 1) => "galón",
        (Lang::Es, _) => "galones",
    };
    format!("{} {unit}", grouped(n))
}

/// `84.17`, `-5.00`: an amount as a plain decimal, without the dollar sign and grouping,
/// exact from its cents (how CSV files carry amounts).
pub fn decimal(amount: Cents) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// "$1,204.50" in both languages (the way US Spanish writes dollars).
pub fn money(amount: Cents, _lang: Lang) -> String {
    amount.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn long_dates_read_as_each_language_writes_them() {
        assert_eq!(long_date(date!(2026 - 12 - 10), Lang::En), "December 10, 2026");
        assert_eq!(long_date(date!(2026 - 12 - 10), Lang::Es), "10 de diciembre de 2026");
        assert_eq!(long_date(date!(2027 - 01 - 01), Lang::Es), "1 de enero de 2027");
    }

    #[test]
    fn instants_read_in_utc_in_either_language() {
        assert_eq!(date_time_utc(1_796_912_700, Lang::En), "December 10, 2026, 14:25 UTC");
        assert_eq!(date_time_utc(1_796_912_700, Lang::Es), "10 de diciembre de 2026, 14:25 UTC");
        assert_eq!(date_time_utc(0, Lang::En), "January 1, 1970, 00:00 UTC");
    }

    #[test]
    fn short_dates_and_months() {
        assert_eq!(short_date(date!(2026 - 12 - 02), Lang::En), "Dec 2");
        assert_eq!(short_date(date!(2026 - 09 - 30), Lang::Es), "30 sept");
        assert_eq!(month_year(date!(2026 - 05 - 01), Lang::Es), "mayo de 2026");
        assert_eq!(iso_date(date!(2026 - 05 - 01)), "2026-05-01");
    }

    #[test]
    fn quantities_are_grouped_by_thousands() {
        assert_eq!(gallons(6200, Lang::En), "6,200 gallons");
        assert_eq!(gallons(6200, Lang::Es), "6,200 galones");
        assert_eq!(gallons(1, Lang::Es), "1 galón");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-999), "-999");
        assert_eq!(money(Cents(120450), Lang::Es), "$1,204.50");
    }
}
