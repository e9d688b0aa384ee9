//! What a customer chooses about an account's water-use alerts (issue 19): which alerts
//! reach them by email and by text, a continuous use that is normal for them (a water
//! softener), the days they are away with the use they allow then, and the mobile number
//! texts go to. Read from the settings form's text, every problem typed.

use super::leak::AlertKind;
use super::meter_read::CentiGallons;
use super::phone::{Phone, PhoneError};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// A declared normal use above this (gallons an hour, in hundredths) would hide real leaks.
pub const MAX_DECLARED_CENTI_GPH: i64 = 20 * 100;
/// The longest time away one setting covers.
pub const MAX_AWAY_DAYS: i64 = 366;

/// How one kind of alert reaches the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    pub email: bool,
    pub text: bool,
}

impl Default for Channels {
    /// Every alert by email (to a verified address only), none by text until asked.
    fn default() -> Self {
        Self { email: true, text: false }
    }
}

/// Days away (both included) and the most water a day may use then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Away {
    pub from: Date,
    pub until: Date,
    pub allowed: CentiGallons,
}

impl Away {
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.until
    }
}

/// An account's alert choices; the defaults until the customer saves theirs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertChoices {
    /// Each kind's channels, the default for a kind not listed.
    pub channels: Vec<(AlertKind, Channels)>,
    /// Normal continuous use, hundredths of a gallon an hour.
    pub declared: CentiGallons,
    pub away: Option<Away>,
    /// Where texts go, once the customer agreed to get them.
    pub text_phone: Option<Phone>,
}

impl AlertChoices {
    pub fn channels(&self, kind: AlertKind) -> Channels {
        self.channels.iter().find(|(k, _)| *k == kind).map(|(_, c)| *c).unwrap_or_default()
    }

    /// Whether anyone is to be told of `kind` at all.
    pub fn wanted(&self, kind: AlertKind) -> bool {
        let c = self.channels(kind);
        c.email || c.text
    }
}

/// The settings form as posted (all text; a checkbox is present only when ticked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChoicesForm {
    /// The kinds ticked for email and for text.
    pub email: Vec<AlertKind>,
    pub text: Vec<AlertKind>,
    pub declared_gph: String,
    pub away_from: String,
    pub away_until: String,
    pub away_gallons: String,
    pub text_phone: String,
    pub text_consent: bool,
    /// The number the customer already agreed to get texts at: kept without asking again.
    pub consented: Option<Phone>,
}

/// What is wrong with the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChoiceProblem {
    /// Not a number of gallons with at most two decimals.
    DeclaredGallons,
    DeclaredTooHigh,
    AwayFromDate,
    AwayUntilDate,
    /// One of the two dates without the other.
    AwayBothDates,
    AwayOrder,
    /// The last day away is already past.
    AwayOver,
    AwayTooLong,
    AwayGallons,
    Phone(PhoneError),
    /// A text alert chosen without a number to send it to.
    PhoneNeeded,
    /// A number given without agreeing to get texts.
    ConsentNeeded,
}

impl ChoicesForm {
    /// The choices the form says, or every problem with it; `today` is the customer's.
    pub fn parse(&self, today: Date) -> Result<AlertChoices, Vec<ChoiceProblem>> {
        let mut problems = Vec::new();
        let declared = declared(&self.declared_gph).unwrap_or_else(|p| {
            problems.push(p);
            CentiGallons(0)
        });
        let away = self.away(today).unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        let text_phone = self.text_phone().unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        let channels = AlertKind::ALL
            .into_iter()
            .map(|k| (k, Channels { email: self.email.contains(&k), text: self.text.contains(&k) }))
            .collect();
        Ok(AlertChoices { channels, declared, away, text_phone })
    }

    fn away(&self, today: Date) -> Result<Option<Away>, ChoiceProblem> {
        let (from, until) = (self.away_from.trim(), self.away_until.trim());
        if from.is_empty() && until.is_empty() {
            return Ok(None);
        }
        if from.is_empty() || until.is_empty() {
            return Err(ChoiceProblem::AwayBothDates);
        }
        let from = iso_date(from).ok_or(ChoiceProblem::AwayFromDate)?;
        let until = iso_date(until).ok_or(ChoiceProblem::AwayUntilDate)?;
        if until < from {
            return Err(ChoiceProblem::AwayOrder);
        }
        if until < today {
            return Err(ChoiceProblem::AwayOver);
        }
        if until - from >= Duration::days(MAX_AWAY_DAYS) {
            return Err(ChoiceProblem::AwayTooLong);
        }
        let allowed =
            CentiGallons::parse(&self.away_gallons).map_err(|_| ChoiceProblem::AwayGallons)?;
        Ok(Some(Away { from, until, allowed }))
    }

    fn text_phone(&self) -> Result<Option<Phone>, ChoiceProblem> {
        if self.text_phone.trim().is_empty() {
            return if self.text.is_empty() { Ok(None) } else { Err(ChoiceProblem::PhoneNeeded) };
        }
        let phone = Phone::parse(&self.text_phone).map_err(ChoiceProblem::Phone)?;
        if !self.text_consent && self.consented != Some(phone) {
            return Err(ChoiceProblem::ConsentNeeded);
        }
        Ok(Some(phone))
    }
}

fn declared(raw: &str) -> Result<CentiGallons, ChoiceProblem> {
    if raw.trim().is_empty() {
        return Ok(CentiGallons(0));
    }
    let declared = CentiGallons::parse(raw).map_err(|_| ChoiceProblem::DeclaredGallons)?;
    if declared.0 > MAX_DECLARED_CENTI_GPH {
        return Err(ChoiceProblem::DeclaredTooHigh);
    }
    Ok(declared)
}

/// YYYY-MM-DD, as a date input posts it.
fn iso_date(raw: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, &format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    fn form() -> ChoicesForm {
        ChoicesForm { email: AlertKind::ALL.to_vec(), ..Default::default() }
    }

    #[test]
    fn an_empty_form_is_every_alert_by_email_and_nothing_else() {
        let choices = form().parse(TODAY).unwrap();
        assert!(AlertKind::ALL.iter().all(|k| choices.channels(*k) == Channels::default()));
        assert_eq!(
            (choices.declared, choices.away, choices.text_phone),
            (CentiGallons(0), None, None)
        );
    }

    #[test]
    fn a_softener_and_a_trip_away_read_as_typed() {
        let f = ChoicesForm {
            declared_gph: "1.5".into(),
            away_from: "2026-12-20".into(),
            away_until: "2027-01-02".into(),
            away_gallons: "10".into(),
            ..form()
        };
        let choices = f.parse(TODAY).unwrap();
        assert_eq!(choices.declared, CentiGallons(150));
        let away = choices.away.unwrap();
        assert_eq!(away.allowed, CentiGallons(1_000));
        assert!(away.contains(date!(2027 - 01 - 02)) && !away.contains(date!(2027 - 01 - 03)));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let f = ChoicesForm {
            declared_gph: "25".into(),
            away_from: "2026-12-20".into(),
            away_until: "2026-12-10".into(),
            text: vec![AlertKind::Burst],
            ..form()
        };
        assert_eq!(
            f.parse(TODAY),
            Err(vec![
                ChoiceProblem::DeclaredTooHigh,
                ChoiceProblem::AwayOrder,
                ChoiceProblem::PhoneNeeded
            ])
        );
    }

    #[test]
    fn dates_away_are_both_given_ahead_and_not_over_a_year() {
        let away = |from: &str, until: &str, gallons: &str| ChoicesForm {
            away_from: from.into(),
            away_until: until.into(),
            away_gallons: gallons.into(),
            ..form()
        };
        let problem = |f: ChoicesForm| f.parse(TODAY).unwrap_err();
        assert_eq!(problem(away("2026-12-20", "", "5")), [ChoiceProblem::AwayBothDates]);
        assert_eq!(problem(away("20/12/2026", "2026-12-24", "5")), [ChoiceProblem::AwayFromDate]);
        assert_eq!(problem(away("2026-11-01", "2026-11-20", "5")), [ChoiceProblem::AwayOver]);
        assert_eq!(problem(away("2026-12-01", "2027-12-02", "5")), [ChoiceProblem::AwayTooLong]);
        assert_eq!(problem(away("2026-12-20", "2026-12-24", "")), [ChoiceProblem::AwayGallons]);
        assert_eq!(problem(away("2026-12-20", "2026-12-24", "-3")), [ChoiceProblem::AwayGallons]);
    }

    #[test]
    fn a_text_number_needs_the_customers_consent() {
        let f = ChoicesForm { text_phone: "(541) 774-2430".into(), ..form() };
        assert_eq!(f.parse(TODAY), Err(vec![ChoiceProblem::ConsentNeeded]));
        let f = ChoicesForm { text_consent: true, text: vec![AlertKind::Continuous], ..f };
        let choices = f.parse(TODAY).unwrap();
        assert_eq!(choices.text_phone.map(|p| p.digits().to_string()), Some("5417742430".into()));
        assert!(choices.channels(AlertKind::Continuous).text);
        let kept = ChoicesForm {
            text_consent: false,
            consented: Some(Phone::parse("5417742430").unwrap()),
            ..f
        };
        assert!(kept.parse(TODAY).is_ok(), "the number agreed to before needs no new consent");
        let other = ChoicesForm { text_phone: "541 774 2431".into(), ..kept };
        assert_eq!(
            other.parse(TODAY),
            Err(vec![ChoiceProblem::ConsentNeeded]),
            "a new number does"
        );
        let bad = ChoicesForm { text_phone: "774-2430".into(), text_consent: true, ..form() };
        assert_eq!(bad.parse(TODAY), Err(vec![ChoiceProblem::Phone(PhoneError::Digits)]));
    }
}
